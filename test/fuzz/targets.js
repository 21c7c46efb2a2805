'use strict';
// The fuzz targets: for each, a generator of one input (a "case": the
// statements to run, the checks of their results, and the SQLSTATEs other
// than class 22 that the reference documents for it), and the database
// objects and seed values they use.

const fs = require('fs');
const os = require('os');
const path = require('path');
const g = require('./gen.js');
const { Rng, Raw, ser, clone, isObj } = g;

const corpus = (f) => JSON.parse(fs.readFileSync(path.join(__dirname, 'corpus', f), 'utf8'));

// SQLSTATEs outside class 22 that the reference documents (doc/reference.md):
const DOC = {
    // 2.8, 5, 13: "a name that is not registered is an error 42704", for the type
    // input, model(text), the by-name scoring functions; the same for engagement rules.
    unknownName: { '42704': true },
    // 5 (define_model), 7, 10: a built-in model or rule set cannot be replaced: 42501.
    builtin: { '42501': true },
    // 9 (touch_state binary form): "PostgreSQL's 08P01 for a message that ends too
    // early or goes on too long"; 13: 54000 when a touch_state would exceed 256 MB.
    touchBinary: { '08P01': true, '54000': true },
    touchLimit: { '54000': true },
    // learn(), choose_thresholds() and the reports name a source and its
    // columns (sql/learn.sql shows each error): a relation that does not exist
    // (42P01, also PostgreSQL's regclass input) or is not a table or view
    // (42809), a column that does not exist (42703, as for row evidence,
    // reference 3.3), a column of a type that cannot serve (42804), more than
    // 64 criteria, 10,000 distinct values or 511 bins in all (54000).
    learnSource: { '42P01': true, '42809': true, '42703': true, '42804': true, '54000': true },
    // learn_fit(): a spec of more than 511 bins (54000, fit_spec.c); the row
    // as evidence lacks a column or has one of a type a criterion cannot
    // read (42703, 42804: reference 3.3).
    fitSpec: { '54000': true, '42703': true, '42804': true },
};

// ---------------------------------------------------------------------
// Database objects the targets use (in schema fz of the fuzz database).
// ---------------------------------------------------------------------

function setupSql() {
    return `
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS lead_qual;
DROP SCHEMA IF EXISTS fz CASCADE;
CREATE SCHEMA fz;
-- The aggregates' states themselves, to compare combined partial states with
-- the state of all rows (as the regression suites' regress.fold_state).
CREATE AGGREGATE fz.fold_state(jsonb, timestamptz)
    (sfunc = lead_qual.fold_evidence_step, stype = lead_qual.touch_state);
CREATE AGGREGATE fz.eng_state(text, text, timestamptz, timestamptz)
    (sfunc = lead_qual.engagement_step, stype = lead_qual.engagement_state);
CREATE AGGREGATE fz.eng_state(lead_qual.engagement_rules, text, timestamptz, timestamptz)
    (sfunc = lead_qual.engagement_step, stype = lead_qual.engagement_state);
CREATE AGGREGATE fz.auc_state(double precision, boolean)
    (sfunc = lead_qual.auc_step, stype = lead_qual.auc_state,
     initcond = '{"version": 1, "shift": 0, "bins": []}', combinefunc = lead_qual.auc_combine);
-- engagement_combine is STRICT: an aggregate skips a NULL partial state, and so does this.
CREATE FUNCTION fz.ecombine(a lead_qual.engagement_state, b lead_qual.engagement_state)
    RETURNS lead_qual.engagement_state LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE lead_qual.engagement_combine(a, b) END $$;
-- Tables that binary COPY writes into.
CREATE TABLE fz.bin_model (v lead_qual.model);
CREATE TABLE fz.bin_rules (v lead_qual.engagement_rules);
CREATE TABLE fz.bin_touch (v lead_qual.touch_state);
CREATE TABLE fz.bin_eng (v lead_qual.engagement_state);
CREATE TABLE fz.bin_auc (v lead_qual.auc_state);
CREATE TABLE fz.bin_fit (v lead_qual.fit_state);
-- Won and lost leads that learn(), learn_fit(), choose_thresholds() and the
-- reports read: text with few and with many values, numbers at the extremes
-- (1e308, -0, the infinities, the smallest subnormal), NaN (numeric and
-- float8) in columns of their own, columns that are all NULL, an enum, a
-- date, weights (with 0, an infinity, a negative one), a jsonb evidence
-- column, open leads (won NULL), odd column names.
CREATE TYPE fz.tier AS ENUM ('gold', 'silver', 'bronze');
CREATE TABLE fz.won_lost AS
SELECT i AS id,
       CASE WHEN i % 17 = 0 THEN NULL
            ELSE h % 100 < 15 + (i % 4) * 15 + ((h + i % 4) % 3 = 0)::int * 20 + (ARRAY[35, 35, 5, -10, -10, 5, 15])[1 + (h2 + i % 4) % 7] END AS won,
       (ARRAY['Referral', ' referral ', 'web', 'Event', 'EVENT', NULL, 'partner'])[1 + (h2 + i % 4) % 7] AS channel,
       'v' || (h % 300) AS many,
       CASE i % 40 WHEN 0 THEN 1e308 WHEN 1 THEN -1e308 WHEN 2 THEN 0 WHEN 3 THEN NULL
                   ELSE ((h % 1000) + (i % 4) * 300)::numeric / 10 END AS budget,
       CASE WHEN i = 77 THEN 'NaN'::numeric ELSE (h2 % 50)::numeric END AS budget_nan,
       CASE i % 30 WHEN 0 THEN 'Infinity'::float8 WHEN 1 THEN '-Infinity' WHEN 2 THEN '-0' WHEN 3 THEN 5e-324
                   WHEN 4 THEN 1.7976931348623157e308 WHEN 5 THEN -2.2250738585072014e-308
                   ELSE (h2 % 97) / 7.0 + (i % 4) END AS score,
       CASE WHEN i = 33 THEN 'NaN'::float8 ELSE (h % 13)::float8 END AS score_nan,
       CASE WHEN i % 5 = 0 THEN NULL ELSE (h + i % 4) % 3 = 0 END AS flag,
       NULL::text AS nothing, NULL::numeric AS none_num, NULL::boolean AS none_bool,
       (ARRAY['gold', 'silver', 'bronze', NULL]::fz.tier[])[1 + (h + i % 4) % 4] AS tier,
       (h2 % 3)::int AS small, 'same'::text AS one_value,
       (1 + h % 1000)::numeric AS amount,
       CASE WHEN i % 50 = 0 THEN 0 ELSE 1 + h % 5 END::float8 AS w,
       CASE WHEN i = 5 THEN 'Infinity'::float8 ELSE 1 END AS w_inf,
       CASE WHEN i = 6 THEN -1::float8 ELSE 1 END AS w_neg,
       date '2025-01-01' + (h % 400) AS day,
       (h % 100 < 40)::text AS won_text,
       jsonb_strip_nulls(jsonb_build_object(
           'Channel', (ARRAY['Referral', ' referral ', 'web', 'Event', 'EVENT', NULL, 'partner'])[1 + (h2 + i % 4) % 7],
           'budget', CASE WHEN i % 40 = 0 THEN 1e308 ELSE (h % 1000 + (i % 4) * 300) / 10 END,
           'flag', CASE WHEN i % 5 = 0 THEN NULL ELSE (h + i % 4) % 3 = 0 END,
           'mixed', CASE WHEN i % 2 = 0 THEN to_jsonb(i % 5) ELSE to_jsonb('m' || (i % 3)) END,
           'nested', CASE WHEN i % 50 = 0 THEN '[1]'::jsonb ELSE '1'::jsonb END,
           'many', 'v' || (h % 300))) || '{"nul": null}' AS ev,
       (h2 % 7)::int AS "Odd Name é", (h % 2)::int AS "1st"
  FROM (SELECT i, abs(hashint4(i)) AS h, abs(hashint4(i + 1000)) AS h2 FROM generate_series(1, 240) i) s;
CREATE VIEW fz.won_view AS SELECT * FROM fz.won_lost WHERE id % 3 <> 0;
CREATE TABLE fz.all_won AS SELECT * FROM fz.won_lost WHERE won;
CREATE TABLE fz.many_values AS SELECT i AS id, i % 2 = 0 AS won, 'v' || i AS v FROM generate_series(1, 10001) i;
CREATE SEQUENCE fz.a_sequence;
`;
}

// A model of 64 criteria: every rule type, weights from 0 to 1e6, unknown
// grades, a calibration.
function wideModel() {
    const types = [
        'boolean', { type: 'grade', pass: 0 }, { type: 'at_least', value: -1e308 }, { type: 'at_most', value: 1e-300 },
        { type: 'between', min: 0.1, max: 0.3 }, { type: 'one_of', values: Array.from({ length: 256 }, (_, i) => 'v' + i) },
        { type: 'scale', grades: Object.fromEntries(Array.from({ length: 256 }, (_, i) => ['g' + i, i % 11])), default: null },
        { type: 'within_days', days: 36600, direction: 'either' },
        { type: 'bands', cuts: Array.from({ length: 255 }, (_, i) => i * i - 1000), grades: Array.from({ length: 256 }, (_, i) => (i * 7) % 11), pass: 3 },
    ];
    return {
        name: 'fz_wide', min_met: 64, pass_score: 100, calibration: { intercept: -50, slope: 1 },
        criteria: Array.from({ length: 64 }, (_, i) => ({
            key: 'c' + i, source: i % 5 === 0 ? 's' + 'x'.repeat(60) + i : 'c' + i,
            weight: [0, 1, 1e6, 1e-6, 0.5, 1000000, 3, 7][i % 8], knockout: i % 9 === 0,
            rule: types[i % types.length],
            ...(i % 4 === 1 ? { unknown_grade: (i % 11) } : {}),
            questions: { en: Array.from({ length: 20 }, (_, j) => `q${i}.${j}`), nl: 'v' },
        })),
    };
}

// Real states, made by the aggregates' own step functions.
const TOUCH_STATE_SQL = [
    `lead_qual.fold_evidence_step(lead_qual.fold_evidence_step(NULL, '{"budget": 7, "note": "first \\"call\\"", "x": null}', '2026-01-05 09:00:00.123456+01'), '{"budget": 1.50, "tags": ["a", {"b": []}]}', NULL)`,
    `lead_qual.fold_evidence_step(NULL, NULL, NULL)`,
    `lead_qual.fold_evidence_step(NULL, '{}', 'infinity')`,
    `lead_qual.fold_evidence_step(lead_qual.fold_evidence_step(NULL, '{"a": [1, {"b": [[]]}], "b": "😀"}', '-infinity'), '{"c": 1e300, "d": -0.000001}', '4714-11-24 00:00:00+00 BC')`,
    `lead_qual.fold_evidence_step(NULL, '{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9}', '294276-12-31 23:59:59.999999+00')`,
    `lead_qual.qualify_touches_step(NULL, 'bant', '{"budget": 8, "authority": 7, "need": 6, "timeframe": 9}', '2026-01-05')`,
    `lead_qual.qualify_touches_step(NULL, 'bant', '{"budget": 8}', NULL)`,
    `lead_qual.qualify_touches_step(NULL, 'fz_every', '{"consent": true, "budget_eur": 20000, "role": "cfo", "timeframe": "2026-02-01"}', '2026-01-05', '2026-02-01')`,
    `lead_qual.qualify_touches_step(NULL, 'fz_every', NULL, NULL, NULL)`,
    `lead_qual.qualify_touches_step(NULL, 'champ'::lead_qual.model, '{"challenges": 9, "money": "yes"}', '2026-01-05', 'infinity')`,
    `lead_qual.qualify_touches_step(lead_qual.qualify_touches_step(NULL, 'six_signals', '{"fit": 3}', '2026-01-05'), 'six_signals', '{"fit": 9, "urgency": true}', '2026-01-07')`,
];
const ENGAGEMENT_STATE_SQL = [
    `lead_qual.engagement_step(lead_qual.engagement_step(NULL, 'digital', 'demo_request', '2026-06-20', '2026-06-30'), 'digital', 'web_visit', '2026-06-30', '2026-06-30')`,
    `lead_qual.engagement_step(lead_qual.engagement_step(NULL, 'digital', 'unsubscribe', '2026-05-31', '2026-06-30'), 'digital', 'job_seeker', '-infinity', '2026-06-30')`,
    `lead_qual.engagement_step(NULL, 'digital', NULL, NULL, NULL)`,
    `lead_qual.engagement_step(NULL, 'digital', 'no_such_kind', '2026-06-30', '2026-06-30')`,
    `lead_qual.engagement_step(lead_qual.engagement_step(NULL, 'fz_web', 'visit', '2026-01-01', '2026-06-30'), 'fz_web', 'demo', '2026-06-29', '2026-06-30')`,
    `lead_qual.engagement_step(NULL, 'fz_big', 'big', '4714-11-24 00:00:00+00 BC', '294276-12-31 23:59:59+00')`,
];

// Real auc states: empty, small, every kind of score, ties, and one of
// 70,000 distinct scores (coarsened).
const AUC_STATE_SQL = [
    `'{"version": 1, "shift": 0, "bins": []}'::lead_qual.auc_state`,
    `lead_qual.auc_step(lead_qual.auc_step('{"version": 1, "shift": 0, "bins": []}', 0.9, true), 0.1, false)`,
    `(SELECT fz.auc_state(s, w) FROM (VALUES ('-infinity'::float8, true), ('infinity', false), ('-0', true), ('5e-324', false),
        ('-1.7976931348623157e308', true), ('1e300', true), ('1e300', false), ('0.1', false)) v(s, w))`,
    `(SELECT fz.auc_state(x / 10.0, x % 3 = 0) FROM generate_series(1, 500) x)`,
    `(SELECT fz.auc_state(x % 7, x % 2 = 0) FROM generate_series(1, 1000) x)`,
    `(SELECT fz.auc_state(i * 0.6180339887498949::float8 - floor(i * 0.6180339887498949::float8), i % 3 = 0) FROM generate_series(1, 70000) i)`,
];

// The columns of fz.won_lost that learn() and learn_fit() read, with the
// kind each suits (values, bands, boolean; date: none), and the keys of its
// jsonb column ev.
const LEARN_COLUMNS = [['channel', 'values'], ['many', 'values'], ['budget', 'bands'], ['budget_nan', 'bands'], ['score', 'bands'],
    ['score_nan', 'bands'], ['flag', 'boolean'], ['nothing', 'values'], ['none_num', 'bands'], ['none_bool', 'boolean'],
    ['tier', 'values'], ['small', 'bands'], ['one_value', 'values'], ['amount', 'bands'], ['w', 'bands'], ['day', 'date'],
    ['won_text', 'values'], ['Odd Name é', 'bands'], ['1st', 'bands']];
const LEARN_KEYS = [['Channel', 'values'], ['budget', 'bands'], ['flag', 'boolean'], ['mixed', 'values'], ['nested', 'values'],
    ['nul', 'values'], ['many', 'values'], ['absent', 'values']];
const LEARN_OTHER_COLUMNS = ['id', 'won', 'w_inf', 'w_neg', 'ev'];
// The columns and keys that every row can feed (no NaN, no date, no JSON
// array), for the inputs meant to be valid.
const CLEAN_COLUMNS = LEARN_COLUMNS.filter(([c, k]) => k !== 'date' && !/nan|won_text/.test(c));
const CLEAN_KEYS = LEARN_KEYS.filter(([c]) => !/nested|nul|absent/.test(c));
const WON_LOST_COLUMNS = LEARN_COLUMNS.map(([c]) => c).concat(LEARN_OTHER_COLUMNS);
// Whether any of the names (columns a call names: outcome, weight, evidence,
// criteria read from the row) is not a column of the source: only then may
// it fail with 42703.
function namesMissing(source, names) {
    const cols = source === 'fz.many_values' ? ['id', 'won', 'v'] : /^fz\.(won_lost|won_view|all_won)$/.test(source) ? WON_LOST_COLUMNS : null;
    return cols === null || names.some((n) => typeof n !== 'string' || !cols.includes(n));
}
// The columns a model reads from a row (its criteria's sources), from its text.
function modelColumns(text) {
    try { return g.modelReads(JSON.parse(text)).map(([src]) => src); } catch (e) { return [null]; }
}

// The sources learn() and choose_thresholds() read, and what they are.
const LEARN_SOURCES = [[20, 'fz.won_lost'], [3, 'fz.won_view'], [1, 'fz.all_won'], [0.1, 'fz.many_values'], [0.3, 'fz.a_sequence'],
    [0.3, 'fz.no_such_table'], [0.2, 'lead_qual.models']];

// Real fit states: learn_fit over fz.won_lost with specs of every kind (the
// row and a jsonb column as evidence, a date rule as of a day, no rows
// counted, 255 values: K = 258).
const FIT_STATE_SPECS = [
    [{ version: 1, criteria: [{ source: 'budget', kind: 'bands', cuts: [25, 50, 75] }, { source: 'channel', kind: 'values', values: ['referral', 'web'] }] }, 't', 1],
    [{ version: 1, criteria: [{ source: 'flag', kind: 'boolean' }, { source: 'tier', kind: 'values', values: ['gold'] }] }, 't', 't.amount::float8 / 1000'],
    [{ version: 1, as_of_day: 9500, criteria: [{ source: 'day', kind: 'graded', rule: '{"type": "within_days", "days": 90, "direction": "either"}' },
        { source: 'score', kind: 'bands', cuts: [-1e308, 0, 5e-324, 1e308] }] }, 't', 1],
    [{ version: 1, criteria: [{ source: 'Channel', kind: 'values', values: ['event'] }, { source: 'mixed', kind: 'values', values: ['0', 'm1'] },
        { source: 'budget', kind: 'graded', rule: '{"type": "at_least", "value": 40}' }] }, 't.ev', 1],
    [{ version: 1, criteria: [{ source: 'small', kind: 'bands', cuts: [1] }] }, 't', 0],
    [{ version: 1, criteria: [{ source: 'many', kind: 'values', values: Array.from({ length: 255 }, (_, i) => 'v' + i) }] }, 't', 1],
];

async function loadContext(client) {
    const q = async (sql, params) => (await client.query({ text: sql, values: params, rowMode: 'array' })).rows;
    // User models and rules next to the built-ins.
    const userModels = corpus('models.json').map((m) => ({ ...m, name: 'fz_' + m.name }));
    userModels.push(wideModel());
    for (const m of userModels) await q('SELECT lead_qual.define_model($1::text, $2::jsonb)', [m.name, JSON.stringify(m)]);  // the corpus models are valid
    await q(`SELECT lead_qual.define_model('fz_every', lead_qual.model('fz_everything'::text)::jsonb - 'name')`);
    const userRules = [
        ['fz_web', { half_life_days: 30, cap: 100, floor: -50, kinds: { visit: 2, demo: { points: 25, cap: 40 }, unsubscribe: { points: -20, cap: 30 }, reply: { points: 9, cap: 54 }, job_seeker: { points: -50, half_life_days: null } } }],
        ['fz_strict', { unknown_kinds: 'error', kinds: { visit: 100, demo: 25 } }],
        ['fz_big', { kinds: { big: 1000000, small: { points: -1000000, cap: 1000000000000 } } }],
        ['fz_nodecay', { cap: 10, floor: -10, kinds: { a: 0.5, b: { points: -3, cap: 4 }, '😀': 1 } }],
    ];
    for (const [n, r] of userRules) await q('SELECT lead_qual.define_engagement_rules($1::text, $2::jsonb)', [n, JSON.stringify(r)]);

    const ctx = {};
    ctx.models = (await q('SELECT name, model::text, lead_qual.model_send(model) FROM lead_qual.models ORDER BY name')).map(([name, text, bin]) => {
        const def = JSON.parse(text);
        return { name, text, bin, def, reads: g.modelReads(def) };
    });
    // Corpus models that are valid (not registered): used as model JSON text.
    ctx.modelSeeds = ctx.models.map((m) => m.def);
    for (const m of corpus('models.json')) {
        const r = await client.query({ text: 'SELECT $1::lead_qual.model::text', values: [JSON.stringify(m)], rowMode: 'array' }).catch(() => null);
        if (r) ctx.modelSeeds.push(JSON.parse(r.rows[0][0]));
    }
    ctx.rules = (await q('SELECT name, rules::text, lead_qual.engagement_rules_send(rules) FROM lead_qual.engagement_rule_sets ORDER BY name')).map(([name, text, bin]) => {
        const def = JSON.parse(text);
        return { name, text, bin, def, kinds: Object.keys(def.kinds || {}) };
    });
    ctx.rulesSeeds = ctx.rules.map((r) => r.def).concat(corpus('rules.json'));
    ctx.validRules = ctx.rules.slice();
    for (const r of corpus('rules.json')) {
        const res = await client.query({ text: 'SELECT $1::lead_qual.engagement_rules::text', values: [JSON.stringify(r)], rowMode: 'array' }).catch(() => null);
        if (res) { const def = JSON.parse(res.rows[0][0]); ctx.validRules.push({ name: null, text: res.rows[0][0], def, kinds: Object.keys(def.kinds) }); }
    }
    const states = corpus('states.json');
    ctx.touchStates = [];
    for (const e of TOUCH_STATE_SQL) {
        const [[text, bin]] = await q(`SELECT s::text, lead_qual.touch_state_send(s) FROM (SELECT ${e} AS s) x`);
        ctx.touchStates.push({ text, bin });
    }
    for (const t of states.touch) {
        const [[text, bin]] = await q('SELECT s::text, lead_qual.touch_state_send(s) FROM (SELECT $1::lead_qual.touch_state AS s) x', [t]);
        ctx.touchStates.push({ text, bin });
    }
    ctx.engStates = [];
    for (const e of ENGAGEMENT_STATE_SQL) {
        const [[text, bin]] = await q(`SELECT s::text, lead_qual.engagement_state_send(s) FROM (SELECT ${e} AS s) x`);
        ctx.engStates.push({ text, bin });
    }
    for (const t of states.engagement) {
        const r = await client.query({ text: 'SELECT s::text, lead_qual.engagement_state_send(s) FROM (SELECT $1::lead_qual.engagement_state AS s) x', values: [t], rowMode: 'array' }).catch(() => null);
        if (r) ctx.engStates.push({ text: r.rows[0][0], bin: r.rows[0][1] });
        else ctx.engStateTexts = (ctx.engStateTexts || []).concat([t]);
    }
    ctx.aucStates = [];
    for (const e of AUC_STATE_SQL) {
        const [[text, bin]] = await q(`SELECT s::text, lead_qual.auc_state_send(s) FROM (SELECT ${e} AS s) x`);
        ctx.aucStates.push({ text, bin });
    }
    ctx.fitStates = [];
    for (const [spec, ev, w] of FIT_STATE_SPECS) {
        const k = g.fitSpecK(spec);
        const coef = Array.from({ length: k }, (_, i) => ((i * 7) % 11 - 5) / 4);
        const [[text, bin]] = await q(`SELECT s::text, lead_qual.fit_state_send(s) FROM (SELECT lead_qual.learn_fit($1::jsonb, $2::float8[], ${ev}, t.won, ${w}) AS s
            FROM fz.won_lost t) x`, [JSON.stringify(spec), coef]);
        ctx.fitStates.push({ text, bin, spec: JSON.stringify(spec), coef, ev });
    }
    // Models learned from fz.won_lost (columns and jsonb keys), for
    // choose_thresholds() and the reports, and as templates.
    ctx.learned = [];
    for (const [cols, opts] of [[['channel', 'budget', 'flag', 'tier', 'small'], {}], [['Channel', 'budget', 'flag', 'mixed'], { evidence: 'ev' }],
        [['channel', 'score', 'flag'], { weight: 'amount', bands: 4, goal: { top: 0.3 } }]]) {
        const [[text]] = await q('SELECT lead_qual.learn(\'fz.won_lost\', \'won\', $1::text[], $2::jsonb)::text', [cols, JSON.stringify(opts)]);
        ctx.learned.push({ text, def: JSON.parse(text), evidence: opts.evidence || null });
    }
    // Stripped models as the qualify states carry them, with the keys they read.
    ctx.stateModels = [];
    for (const s of ctx.touchStates) {
        const t = JSON.parse(s.text);
        if (t.kind === 'qualify') ctx.stateModels.push({ stripped: t.model, reads: g.modelReads(t.model).map(([src]) => src) });
    }
    // Binary COPY reads files on the server: a directory it can read, and the right to.
    ctx.copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lq-fuzz-copy-'));
    fs.chmodSync(ctx.copyDir, 0o755);
    ctx.canCopy = (await q(`SELECT rolsuper OR pg_has_role(current_user, 'pg_read_server_files', 'member') FROM pg_roles WHERE rolname = current_user`))[0][0];
    ctx.evidenceSeeds = corpus('evidence.json');
    ctx.thresholdSeeds = corpus('thresholds.json');
    ctx.configSeeds = corpus('configs.json');
    return ctx;
}

// ---------------------------------------------------------------------
// Checks shared by targets.
// ---------------------------------------------------------------------

const STATUSES = ['qualified', 'needs_info', 'nurture', 'disqualified'];

// The probability of the calibration at a score, as win_probability() has it.
function winProbability(intercept, slope, score) {
    const z = intercept + slope * score;
    const e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

// qualify(), score(), is_qualified(), win_probability() and explain() agree
// (one row of evQuery).
function checkQualification(row) {
    const [score, qualified, status, tier, met, known, total, missing, failed, score2, isq, n, points, emet, eknown,
        won, intercept, slope] = row;
    if (score === null) {
        if (status !== null || score2 !== null || isq !== null || n !== 0 || won !== null) return `NULL qualification but score() ${score2}, is_qualified() ${isq}, explain() ${n} rows, win_probability() ${won}`;
        return null;
    }
    const why = [];
    if (intercept === null || slope === null) {
        if (won !== null) why.push(`win_probability() ${won} for a model without calibration`);
    } else if (!(won >= 0 && won <= 1)) why.push(`win_probability() ${won} outside 0-1`);
    else if (!(Math.abs(won - winProbability(intercept, slope, score)) <= 1e-12)) {
        why.push(`win_probability() ${won}, the calibration (${intercept}, ${slope}) at score ${score} gives ${winProbability(intercept, slope, score)}`);
    }
    if (score2 !== score) why.push(`score() ${score2} differs from qualify().score ${score}`);
    if (isq !== qualified) why.push(`is_qualified() ${isq} differs from qualify().qualified ${qualified}`);
    if (qualified !== (status === 'qualified')) why.push(`qualified ${qualified} with status ${status}`);
    if (!STATUSES.includes(status)) why.push(`status ${status}`);
    if (!['A', 'B', 'C', 'D'].includes(tier)) why.push(`tier ${tier}`);
    if (!(score >= 0 && score <= 100)) why.push(`score ${score} outside 0-100`);
    if (n !== total) why.push(`explain() gives ${n} rows for ${total} criteria`);
    if (emet !== met || eknown !== known) why.push(`explain() counts met ${emet}/known ${eknown}, qualify() met ${met}/known ${known}`);
    if (!(Math.abs(points - score) <= 1e-6 * (total + 1))) why.push(`explain() points add up to ${points}, score is ${score}`);
    if (missing.length !== total - known) why.push(`missing ${JSON.stringify(missing)} with ${total - known} unknown`);
    if (failed.length !== known - met) why.push(`failed ${JSON.stringify(failed)} with ${known - met} known and not met`);
    if (!(met >= 0 && met <= known && known <= total)) why.push(`met ${met}, known ${known}, total ${total}`);
    return why.length ? why.join('; ') : null;
}

function evQuery(mForm, eForm) {
    const M = mForm === 'value' ? '$1::lead_qual.model' : '$1::text';
    const MV = mForm === 'value' ? '$1::lead_qual.model' : 'lead_qual.model($1::text)';
    const E = eForm === 'jsonb' ? '$2::jsonb' : '$2::text';
    return `SELECT q.score, q.qualified, q.status, q.tier, q.met, q.known, q.total, q.missing, q.failed,
       lead_qual.score(${M}, ${E}, $3::timestamptz), lead_qual.is_qualified(${M}, ${E}, $3::timestamptz),
       x.n, x.points, x.met, x.known,
       lead_qual.win_probability(${M}, ${E}, $3::timestamptz),
       (${MV}::jsonb -> 'calibration' ->> 'intercept')::float8, (${MV}::jsonb -> 'calibration' ->> 'slope')::float8
  FROM lead_qual.qualify(${M}, ${E}, $3::timestamptz) q
       CROSS JOIN LATERAL (SELECT count(*)::int AS n, sum(e.points) AS points,
              count(*) FILTER (WHERE e.met)::int AS met, count(*) FILTER (WHERE e.known)::int AS known
         FROM lead_qual.explain(${M}, ${E}, $3::timestamptz, $4::text) e) x`;
}

// Only the parameters a statement uses, renumbered from $1 (a prepared
// statement must have a type for every parameter).
function compact(sql, params) {
    const used = [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    const map = new Map(used.map((n, i) => [n, i + 1]));
    return { sql: sql.replace(/\$(\d+)/g, (m, n) => '$' + map.get(Number(n))), params: used.map((n) => params[n - 1]) };
}

const same = (label) => (rows) => (rows[0][0] === rows[0][1] ? null : `${label}: ${String(rows[0][0]).slice(0, 300)} <> ${String(rows[0][1]).slice(0, 300)}`);

// A registered or valid model, as text (a name in some spelling, or JSON).
function pickModel(rng, ctx) {
    return rng.weighted([
        [5, () => {
            const m = rng.pick(ctx.models);
            const name = rng.weighted([[4, m.name], [1, ' ' + m.name.toUpperCase() + ' '], [1, m.name[0].toUpperCase() + m.name.slice(1)]]);
            return { text: name, reads: m.reads };
        }],
        [4, () => {
            const d = rng.pick(ctx.modelSeeds);
            return { text: ser(d, rng.pick([0, 1, 2]), rng), reads: g.modelReads(d) };
        }],
        [0.5, () => ({ text: null, reads: [] })],
        [0.5, () => ({ text: rng.pick(['no_such_model', '7up', '', '  ', 'x'.repeat(64), 'bant-x']), reads: [] })],
    ]);
}

function evidenceFor(rng, ctx, reads, jsonbSafe) {
    if (rng.chance(0.05)) return null;
    if (rng.chance(0.1)) {
        let t = rng.pick(ctx.evidenceSeeds);
        if (!jsonbSafe) for (let i = rng.range(0, 2); i > 0; i--) t = g.mutateText(rng, t);
        return t;
    }
    return g.evidenceText(rng, reads, jsonbSafe);
}

// ---------------------------------------------------------------------
// Binary mutations.
// ---------------------------------------------------------------------

const EDGE32 = [0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x40000000];
const EDGE64 = ['0000000000000000', '7fffffffffffffff', '8000000000000000', 'ffffffffffffffff', '7ffffffffffffffe', '8000000000000001',
    '00000000ffffffff', 'ffffffff00000000', '0000000100000000', 'fff0000000000000', '7ff0000000000000', '7ff8000000000000', 'c000000000000000',
    '00e1a4c2f0f00000', 'ff1e5b3d0f100000'];

function mutateBytes(rng, buf) {
    let b = Buffer.from(buf);
    const ops = rng.weighted([[5, 1], [3, 2], [1, () => rng.range(3, 6)]]);
    for (let k = 0; k < ops; k++) {
        const pos = () => rng.int(b.length + 1);
        switch (rng.int(12)) {
            case 0: case 1: if (b.length) { const i = rng.int(b.length); b[i] ^= 1 << rng.int(8); } break;
            case 2: if (b.length) b[rng.int(b.length)] = rng.int(256); break;
            case 3: b = b.subarray(0, pos()); break;
            case 4: b = Buffer.concat([b, Buffer.from(Array.from({ length: rng.range(1, 16) }, () => rng.int(256)))]); break;
            case 5: {   // a plausible 32-bit length field set to an edge value
                const cands = [];
                for (let i = 0; i + 4 <= b.length; i++) { const v = b.readUInt32BE(i); if (v > 0 && v <= b.length) cands.push(i); }
                const i = cands.length ? rng.pick(cands) : (b.length >= 4 ? rng.int(b.length - 3) : -1);
                if (i >= 0) {
                    const v = rng.chance(0.5) ? rng.pick(EDGE32) : (b.readUInt32BE(i) + rng.range(-3, 3)) >>> 0;
                    b.writeUInt32BE(v >>> 0, i);
                }
                break;
            }
            case 6: if (b.length >= 8) { const i = rng.int(b.length - 7); Buffer.from(rng.pick(EDGE64), 'hex').copy(b, i); } break;
            case 7: if (b.length) b[0] = rng.pick([0, 2, 255, b[0] + 1]); break;                     // the version byte
            case 8: if (b.length > 1) b[rng.range(1, Math.min(2, b.length - 1))] = rng.int(256); break; // kind and flags
            case 9: { const i = pos(), j = Math.min(b.length, i + rng.range(1, 32)); b = Buffer.concat([b.subarray(0, i), b.subarray(j)]); break; }
            case 10: { const i = pos(), j = Math.min(b.length, i + rng.range(1, 32)); b = Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]); break; }
            default: b = Buffer.from(Array.from({ length: rng.pick([0, 1, 2, 3, 5, 8, 13, 64]) }, () => rng.int(256)));
        }
    }
    return b;
}

// The six C types: name, SQL type, how their text is compared.
const TYPES = {
    model: { type: 'lead_qual.model', table: 'fz.bin_model', eq: 'OPERATOR(lead_qual.=)', bins: (ctx) => ctx.models.map((m) => m.bin) },
    rules: { type: 'lead_qual.engagement_rules', table: 'fz.bin_rules', eq: 'OPERATOR(lead_qual.=)', bins: (ctx) => ctx.rules.map((r) => r.bin) },
    touch_state: { type: 'lead_qual.touch_state', table: 'fz.bin_touch', eq: null, bins: (ctx) => ctx.touchStates.map((s) => s.bin), allowed: DOC.touchBinary },
    engagement_state: { type: 'lead_qual.engagement_state', table: 'fz.bin_eng', eq: null, bins: (ctx) => ctx.engStates.map((s) => s.bin) },
    auc_state: { type: 'lead_qual.auc_state', table: 'fz.bin_auc', eq: null, bins: (ctx) => ctx.aucStates.map((s) => s.bin) },
    fit_state: { type: 'lead_qual.fit_state', table: 'fz.bin_fit', eq: null, bins: (ctx) => ctx.fitStates.map((s) => s.bin) },
};

// ---------------------------------------------------------------------
// Targets.
// ---------------------------------------------------------------------

function makeTargets(ctx) {
    const T = [];
    const add = (name, weight, gen, extra = {}) => T.push({ name, weight, gen, ...extra });

    // --- lead_qual.model text input --------------------------------------
    const modelMain = `SELECT m::text, ((m::text)::lead_qual.model)::text,
       (m::text)::lead_qual.model OPERATOR(lead_qual.=) m,
       lead_qual.model(m::jsonb) OPERATOR(lead_qual.=) m,
       lead_qual.model_hash(m) = lead_qual.model_hash((m::text)::lead_qual.model),
       lead_qual.model_to_json(m)::text = m::text
  FROM (SELECT $1::lead_qual.model AS m) s`;
    const modelUse = `SELECT (lead_qual.qualify(m, NULL::jsonb, '2026-01-01')).total,
       (SELECT count(*)::int FROM lead_qual.explain(m, NULL::jsonb, '2026-01-01')),
       (SELECT count(*)::int FROM lead_qual.criteria(m, 'nl')),
       jsonb_array_length(m::jsonb -> 'criteria')
  FROM (SELECT $1::lead_qual.model AS m) s`;
    const modelCase = (rng, text) => ({
        allowed: DOC.unknownName,
        steps: [
            {
                sql: modelMain, params: [text],
                check: (rows) => {
                    const [out, out2, eq, eqj, eqh, eqjson] = rows[0];
                    if (out !== out2) return `output(input(output)) differs from output: ${out.slice(0, 300)} <> ${out2.slice(0, 300)}`;
                    if (eq !== true) return 'input(output) is not = to the value';
                    if (eqj !== true) return 'model(value::jsonb) is not = to the value';
                    if (eqh !== true) return 'model_hash differs after the text round trip';
                    if (eqjson !== true) return 'model_to_json() differs from the text output';
                    return null;
                },
            },
            (rows) => ({
                sql: modelUse, params: [rows[0][0]], expectOk: true, label: 'use',
                check: (r) => (r[0][0] === r[0][1] && r[0][1] === r[0][2] && r[0][2] === r[0][3] ? null
                    : `criteria counts differ: qualify().total ${r[0][0]}, explain() ${r[0][1]}, criteria() ${r[0][2]}, jsonb ${r[0][3]}`),
            }),
            (rows) => {
                // Evidence for the accepted model, through the model as a value.
                const def = JSON.parse(rows[0][0]);
                const reads = g.modelReads(def);
                return {
                    sql: evQuery('value', 'jsonb'), label: 'qualify', params: [rows[0][0], evidenceFor(rng, ctx, reads, true), g.asOf(rng), rng.pick(g.LANGS)],
                    check: (r) => checkQualification(r[0]),
                };
            },
        ],
    });
    add('model_text', 22, (rng) => {
        const text = rng.weighted([
            [20, () => g.modelText(rng, ctx.modelSeeds)],
            [1, () => rng.pick(['', ' ', '\t\n ', 'bant', ' BANT ', 'Six_Signals', 'no_such_model', '7up', 'my-model', 'null', '[]', '"bant"', '{}', '\ufeffbant', 'x'.repeat(64)])],
            [1, () => g.deepNest(rng, rng.pick(g.DEPTHS)).text],
        ]);
        return modelCase(rng, text);
    });
    // Truncated at every position: the prefixes of the seed models' texts, in order.
    const prefixTexts = ctx.modelSeeds.map((d) => ser(d, 1)).sort((a, b) => a.length - b.length);
    add('model_prefix', 5, (rng, index) => {
        let i = index;
        for (const t of prefixTexts) {
            if (i < t.length) return modelCase(rng, t.slice(0, i));
            i -= t.length;
        }
        const t = rng.pick(prefixTexts);
        return modelCase(rng, t.slice(0, rng.int(t.length)));
    });
    // define_model() in a transaction rolled back; the definition is jsonb.
    add('model_define', 4, (rng) => {
        let def = null;
        for (let k = 0; k < 3 && def === null; k++) def = g.jsonbText(rng, rng.chance(0.5) ? clone(rng.pick(ctx.modelSeeds)) : g.genModel(rng), 4);
        if (def === null) def = ser(g.genModel(rng), 1);
        let parsed = null;
        try { parsed = JSON.parse(def); } catch (e) { /* not an object */ }
        const own = parsed && typeof parsed.name === 'string' ? parsed.name : null;
        const name = rng.weighted([[6, own || 'fz_defined'], [1, () => rng.pick(ctx.models).name], [1, null], [1, () => g.randName(rng)]]);
        const builtinNames = new Set(['bant', 'anum', 'champ', 'gpct', 'faint', 'madr', 'six_signals']);
        return {
            tx: true,
            allowed: { '42501': () => builtinNames.has(name) },
            steps: [{ sql: 'SELECT lead_qual.define_model($1::text, $2::jsonb)::text', params: [name, rng.chance(0.03) ? null : def] }],
        };
    });
    // The cast from jsonb (lead_qual.model(jsonb)), against the text input.
    add('model_jsonb', 3, (rng) => {
        let def = null;
        for (let k = 0; k < 3 && def === null; k++) def = g.jsonbText(rng, rng.chance(0.5) ? clone(rng.pick(ctx.modelSeeds)) : g.genModel(rng), 4);
        return {
            steps: [{
                sql: `SELECT m::text, m OPERATOR(lead_qual.=) (m::text)::lead_qual.model, ($1::jsonb)::json::lead_qual.model::text = m::text
  FROM (SELECT lead_qual.model($1::jsonb) AS m) s`,
                params: [def || '{}'],
                check: (rows) => (rows[0][1] !== true ? 'input(output) is not = to the value'
                    : rows[0][2] !== true ? 'the json cast gives another model than the jsonb cast' : null),
            }],
        };
    });

    // --- evidence through qualify/score/is_qualified/explain ------------
    const evCase = (rng, eForm) => {
        const m = pickModel(rng, ctx);
        const mForm = m.text !== null && rng.chance(0.4) ? 'value' : 'text';
        const ev = evidenceFor(rng, ctx, m.reads, eForm === 'jsonb');
        return {
            allowed: DOC.unknownName,
            steps: [{ sql: evQuery(mForm, eForm), params: [m.text, ev, g.asOf(rng), rng.pick(g.LANGS)], check: (r) => checkQualification(r[0]) }],
        };
    };
    add('evidence_jsonb', 9, (rng) => evCase(rng, 'jsonb'));
    add('evidence_text', 11, (rng) => evCase(rng, 'text'));

    // --- next_action with configs ----------------------------------------
    add('next_action', 5, (rng) => {
        const m = pickModel(rng, ctx);
        const mForm = m.text !== null && rng.chance(0.4) ? 'value' : 'text';
        const eForm = rng.chance(0.5) ? 'jsonb' : 'text';
        const M = mForm === 'value' ? '$1::lead_qual.model' : '$1::text';
        const E = eForm === 'jsonb' ? '$2::jsonb' : '$2::text';
        const config = rng.weighted([
            [3, null],
            [5, () => g.jsonbText(rng, rng.chance(0.3) ? clone(rng.pick(ctx.configSeeds)) : g.genConfig(rng), 3)],
            [1, () => ser(g.anyValue(rng), 1)],
        ]);
        const cfgText = config !== null && g.jsonbOk(config) ? config : null;
        const asOf = g.asOf(rng);
        return {
            allowed: DOC.unknownName,
            steps: [{
                sql: `SELECT a.action, a.ask, a.follow_up::text, a.questions, q.status, q.missing,
       (($3::timestamptz) AT TIME ZONE 'UTC')::date::text
  FROM lead_qual.next_action(${M}, ${E}, $3::timestamptz, $4::text, $5::jsonb) a,
       lead_qual.qualify(${M}, ${E}, $3::timestamptz) q`,
                params: [m.text, evidenceFor(rng, ctx, m.reads, eForm === 'jsonb'), asOf, rng.pick(g.LANGS), cfgText],
                check: (rows) => {
                    const [action, ask, follow, questions, status, missing, day] = rows[0];
                    if (action === null || status === null) return action === status ? null : `next_action() ${action} but qualify() ${status}`;
                    const want = { qualified: 'hand_to_sales', needs_info: 'ask', nurture: 'nurture', disqualified: 'drop' }[status];
                    if (action !== want) return `action ${action} for status ${status}`;
                    if (action === 'ask') {
                        if (JSON.stringify(ask) !== JSON.stringify(missing)) return `ask ${JSON.stringify(ask)} <> missing ${JSON.stringify(missing)}`;
                        if (questions.length !== ask.length) return `${questions.length} questions for ${ask.length} criteria`;
                    } else if (ask.length || questions.length) return `ask ${JSON.stringify(ask)} / questions for action ${action}`;
                    if (action === 'hand_to_sales' && follow !== day) return `follow_up ${follow} for hand_to_sales, as_of's date is ${day}`;
                    if (action === 'drop' && cfgText === null && follow !== null) return `follow_up ${follow} for drop without drop_days`;
                    return null;
                },
            }],
        };
    });

    // --- readiness thresholds and qualifications -------------------------
    const ENGAGEMENTS = [null, 'NaN', 'Infinity', '-Infinity', '-0', '0', '1e308', '-1e308', '5e-324', '25', '24.999999999999996', '50', '10', '9.999999', '-50', '100.5'];
    add('readiness', 4, (rng) => {
        const status = () => rng.weighted([[8, () => rng.pick(STATUSES)], [1, null], [1, () => rng.pick(['Qualified', '', 'x', ' qualified', 'disqualified '])]]);
        const tier = () => rng.weighted([[8, () => rng.pick(['A', 'B', 'C', 'D'])], [1, null], [1, () => rng.pick(['E', 'a', '', 'AA', ' A'])]]);
        const thr = rng.weighted([
            [3, null],
            [6, () => g.jsonbText(rng, rng.chance(0.3) ? clone(rng.pick(ctx.thresholdSeeds)) : g.genThresholds(rng), 3)],
            [1, () => ser(g.anyValue(rng), 1)],
        ]);
        const thrText = thr !== null && g.jsonbOk(thr) ? thr : null;
        const fitNull = rng.chance(0.1), qNull = rng.chance(0.2);
        const fitStatus = status(), fitTier = tier(), qStatus = status(), qTier = tier();
        const eng = rng.chance(0.6) ? rng.pick(ENGAGEMENTS) : String(Math.round((rng.next() - 0.3) * 1500) / 10);
        return {
            steps: [{
                sql: `SELECT r.stage, r.grade, r.fit_tier, r.engagement_band, r.reason
  FROM lead_qual.readiness(
         CASE WHEN $1::boolean THEN NULL ELSE ROW('fit', 50, NULL, $2::text, $3::text, 0, 0, 0, '{}', '{}')::lead_qual.qualification END,
         $4::float8,
         CASE WHEN $5::boolean THEN NULL ELSE ROW('q', 50, NULL, $6::text, $7::text, 0, 0, 0, '{}', '{}')::lead_qual.qualification END,
         $8::jsonb) r`,
                params: [fitNull, fitStatus, fitTier, eng, qNull, qStatus, qTier, thrText],
                check: (rows) => {
                    const [stage, grade, ft, band, reason] = rows[0];
                    let t;
                    try { t = thrText === null ? {} : JSON.parse(thrText); } catch (e) { return null; }
                    if (!isObj(t)) return `accepted thresholds that are not an object: ${thrText}`;
                    const bands = t.bands || [50, 25, 10];
                    const mqlFit = (t.mql && t.mql.fit) || 'B', mqlEng = t.mql && t.mql.engagement !== undefined ? t.mql.engagement : 25, sqlFit = (t.sql && t.sql.fit) || 'C';
                    const e = eng === null ? 0 : Number(eng);
                    const wantTier = fitNull || fitTier === null ? 'D' : fitTier;
                    const wantBand = e >= bands[0] ? 1 : e >= bands[1] ? 2 : e >= bands[2] ? 3 : 4;
                    const fs = fitNull ? null : fitStatus, qs = qNull ? null : qStatus;
                    let want;
                    if (fs === 'disqualified' || qs === 'disqualified') want = 'disqualified';
                    else if (qs === 'qualified' && wantTier <= sqlFit) want = 'sql';
                    else if (wantTier <= mqlFit && e >= mqlEng) want = 'mql';
                    else want = 'lead';
                    const why = [];
                    if (ft !== wantTier) why.push(`fit_tier ${ft}, expected ${wantTier}`);
                    if (band !== wantBand) why.push(`band ${band}, expected ${wantBand}`);
                    if (grade !== ft + band) why.push(`grade ${grade} for ${ft}${band}`);
                    if (stage !== want) why.push(`stage ${stage}, expected ${want}`);
                    if (typeof reason !== 'string' || !reason) why.push('no reason');
                    return why.length ? why.join('; ') + ` (thresholds ${thrText}, engagement ${eng})` : null;
                },
            }],
        };
    });

    // --- engagement rules text input -------------------------------------
    const rulesMain = `SELECT r::text, ((r::text)::lead_qual.engagement_rules)::text,
       (r::text)::lead_qual.engagement_rules OPERATOR(lead_qual.=) r,
       lead_qual.engagement_rules(r::jsonb) OPERATOR(lead_qual.=) r,
       (SELECT count(*)::int FROM lead_qual.engagement_kinds(r)) = (SELECT count(*)::int FROM jsonb_object_keys(r::jsonb -> 'kinds'))
  FROM (SELECT $1::lead_qual.engagement_rules AS r) s`;
    add('rules_text', 7, (rng) => {
        const text = rng.weighted([
            [20, () => g.rulesText(rng, ctx.rulesSeeds)],
            [1, () => rng.pick(['', ' ', 'digital', ' DIGITAL ', 'no_such_rules', '7up', 'null', '[]', '{}', 'x'.repeat(64)])],
            [1, () => g.deepNest(rng, rng.pick(g.DEPTHS)).text],
        ]);
        return {
            allowed: DOC.unknownName,
            steps: [
                {
                    sql: rulesMain, params: [text],
                    check: (rows) => {
                        const [out, out2, eq, eqj, kinds] = rows[0];
                        if (out !== out2) return `output(input(output)) differs: ${out.slice(0, 300)} <> ${out2.slice(0, 300)}`;
                        if (eq !== true) return 'input(output) is not = to the value';
                        if (eqj !== true) return 'engagement_rules(value::jsonb) is not = to the value';
                        if (kinds !== true) return 'engagement_kinds() and the kinds of the jsonb differ';
                        return null;
                    },
                },
                (rows) => {
                    // A few events of the accepted rules' own kinds.
                    const def = JSON.parse(rows[0][0]);
                    const kinds = Object.keys(def.kinds || {});
                    const ev = Array.from({ length: rng.range(1, 6) }, () => ({ k: rng.pick(kinds), t: g.eventTime(rng) }))
                        .filter((e) => e.t !== null && e.t !== 'infinity');
                    return {
                        sql: `SELECT lead_qual.engagement(r, e.k, e.t, '2026-06-30'::timestamptz)
  FROM (SELECT $1::lead_qual.engagement_rules AS r) s, jsonb_to_recordset($2::jsonb) AS e(k text, t timestamptz)`,
                        params: [rows[0][0], JSON.stringify(ev)], label: 'use',
                        // an accepted rule set must score its own kinds; only an overflow (22003) may stop it
                        allowed: {}, expectOk: false,
                        check: (r) => (r[0][0] === null || Number.isFinite(r[0][0]) ? null : `engagement ${r[0][0]}`),
                    };
                },
            ],
        };
    });
    add('rules_define', 2, (rng) => {
        let def = null;
        for (let k = 0; k < 3 && def === null; k++) def = g.jsonbText(rng, rng.chance(0.5) ? clone(rng.pick(ctx.rulesSeeds)) : g.genRules(rng), 4);
        const name = rng.weighted([[6, 'fz_defined'], [1, 'digital'], [1, null], [1, () => g.randName(rng)]]);
        return {
            tx: true,
            allowed: { '42501': () => name === 'digital' },
            steps: [{ sql: 'SELECT lead_qual.define_engagement_rules($1::text, $2::jsonb)::text', params: [name, rng.chance(0.03) ? null : (def || '{}')] }],
        };
    });

    // --- engagement over random events -----------------------------------
    add('engagement_events', 5, (rng) => {
        const rules = rng.weighted([[8, () => rng.pick(ctx.validRules)], [1, null]]);
        const byValue = rng.chance(0.4);
        const rtext = rules === null ? null : (rules.name && rng.chance(0.7) ? rules.name : rules.text);
        const R = byValue ? '$1::lead_qual.engagement_rules' : '$1::text';
        const kinds = rules ? rules.kinds : ['x'];
        const asOfConst = rng.weighted([[8, '2026-06-30 00:00:00+00'], [1, () => g.eventTime(rng)], [1, () => rng.pick(g.TIMES)]]);
        const perRow = rng.chance(0.15);
        const n = rng.weighted([[8, () => rng.range(0, 12)], [1, () => rng.range(50, 300)]]);
        const events = Array.from({ length: n }, () => ({
            k: rng.weighted([[8, () => rng.pick(kinds)], [1, null], [1, () => rng.pick(g.KIND_NAMES)]]),
            t: g.eventTime(rng),
            a: perRow ? rng.pick([asOfConst, g.eventTime(rng)]) : asOfConst,
        }));
        const ev = `WITH ev AS (SELECT x.n, x.v ->> 'k' AS k, (x.v ->> 't')::timestamptz AS t, (x.v ->> 'a')::timestamptz AS a
              FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(v, n))`;
        return {
            allowed: DOC.unknownName,
            steps: [{
                sql: `${ev}
SELECT (SELECT lead_qual.engagement(${R}, k, t, a) FROM ev),
       (SELECT lead_qual.engagement_final(fz.ecombine(
                   fz.eng_state(${R}, k, t, a) FILTER (WHERE n % 2 = 0),
                   fz.eng_state(${R}, k, t, a) FILTER (WHERE n % 2 = 1))) FROM ev),
       (SELECT lead_qual.engagement_final(fz.ecombine(
                   fz.eng_state(${R}, k, t, a) FILTER (WHERE n <= 3),
                   (fz.eng_state(${R}, k, t, a) FILTER (WHERE n > 3))::text::lead_qual.engagement_state)) FROM ev),
       (SELECT bool_and(w.s IS NOT DISTINCT FROM
                   (SELECT lead_qual.engagement(${R}, e2.k, e2.t, e2.a) FROM ev e2 WHERE e2.n BETWEEN w.n - 2 AND w.n))
          FROM (SELECT n, lead_qual.engagement(${R}, k, t, a) OVER (ORDER BY n ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s FROM ev) w)`,
                params: [rtext, JSON.stringify(events)],
                check: (rows) => {
                    const [whole, split, viaText, window] = rows[0];
                    if (whole !== split) return `engagement() ${whole} <> combined halves ${split}`;
                    if (whole !== viaText) return `engagement() ${whole} <> combined with a state through text ${viaText}`;
                    if (window === false) return 'the moving window differs from the aggregate over the same rows';
                    if (whole !== null && !Number.isFinite(whole)) return `engagement ${whole}`;
                    return null;
                },
            }],
        };
    });

    // --- touch_state text input ------------------------------------------
    const touchTexts = ctx.touchStates.map((s) => s.text);
    add('touch_state_text', 6, (rng) => {
        const text = g.stateText(rng, touchTexts, () => g.genTouchState(rng, ctx.stateModels));
        const real = rng.pick(ctx.touchStates).text;
        const tm = g.eventTime(rng);
        const ev = g.evidenceText(rng, [], true);
        return {
            allowed: DOC.touchLimit,
            steps: [
                { sql: 'SELECT s::text, ((s::text)::lead_qual.touch_state)::text FROM (SELECT $1::lead_qual.touch_state AS s) x', params: [text], check: same('output(input(output)) differs from output') },
                (rows) => ({ sql: 'SELECT lead_qual.fold_evidence_final($1::lead_qual.touch_state)::text', params: [rows[0][0]], label: 'fold_final' }),
                (rows) => ({ sql: 'SELECT lead_qual.qualify_touches_final($1::lead_qual.touch_state)::text', params: [rows[0][0]], label: 'qualify_final' }),
                (rows) => ({
                    sql: `SELECT lead_qual.touch_state_combine(s, s)::text, s::text,
       lead_qual.touch_state_combine(s, NULL)::text = s::text, lead_qual.touch_state_combine(NULL, s)::text = s::text
  FROM (SELECT $1::lead_qual.touch_state AS s) x`,
                    params: [rows[0][0]], label: 'combine_self',
                    check: (r) => (r[0][0] !== r[0][1] ? `combine(s, s) <> s: ${r[0][0].slice(0, 300)} <> ${r[0][1].slice(0, 300)}`
                        : r[0][2] !== true || r[0][3] !== true ? 'combine with NULL does not return the state' : null),
                }),
                (rows) => ({ sql: 'SELECT lead_qual.touch_state_combine($1::lead_qual.touch_state, $2::lead_qual.touch_state)::text', params: [rows[0][0], real], label: 'combine_real' }),
                (rows) => ({ sql: 'SELECT lead_qual.fold_evidence_step($1::lead_qual.touch_state, $2::jsonb, $3::timestamptz)::text', params: [rows[0][0], ev, tm], label: 'fold_step' }),
                (rows) => ({ sql: 'SELECT lead_qual.qualify_touches_step($1::lead_qual.touch_state, \'bant\'::text, $2::jsonb, $3::timestamptz)::text', params: [rows[0][0], ev, tm], label: 'qualify_step' }),
                (rows) => ({ sql: 'SELECT lead_qual.touch_state_send($1::lead_qual.touch_state)', params: [rows[0][0]], label: 'send', expectOk: true }),
            ],
        };
    });

    // --- engagement_state text input -------------------------------------
    const engTexts = ctx.engStates.map((s) => s.text).concat(ctx.engStateTexts || []);
    add('engagement_state_text', 4, (rng) => {
        const text = g.stateText(rng, engTexts, () => g.genEngagementState(rng));
        const real = rng.pick(ctx.engStates).text;
        const rules = rng.pick(ctx.validRules);
        const kind = rng.pick(rules.kinds.concat(['x', null]));
        const tm = g.eventTime(rng);
        return {
            steps: [
                { sql: 'SELECT s::text, ((s::text)::lead_qual.engagement_state)::text FROM (SELECT $1::lead_qual.engagement_state AS s) x', params: [text], check: same('output(input(output)) differs from output') },
                (rows) => ({ sql: 'SELECT lead_qual.engagement_final($1::lead_qual.engagement_state)', params: [rows[0][0]], label: 'final' }),
                (rows) => ({ sql: 'SELECT lead_qual.engagement_combine(s, s)::text FROM (SELECT $1::lead_qual.engagement_state AS s) x', params: [rows[0][0]], label: 'combine_self' }),
                (rows) => ({ sql: 'SELECT lead_qual.engagement_combine($1::lead_qual.engagement_state, $2::lead_qual.engagement_state)::text', params: [rows[0][0], real], label: 'combine_real' }),
                (rows) => ({ sql: 'SELECT lead_qual.engagement_step($1::lead_qual.engagement_state, $2::text, $3::text, $4::timestamptz, \'2026-06-30\')::text', params: [rows[0][0], rules.text, kind, tm], label: 'step' }),
                (rows) => ({ sql: 'SELECT lead_qual.engagement_unstep($1::lead_qual.engagement_state, $2::text, $3::text, $4::timestamptz, \'2026-06-30\')::text', params: [rows[0][0], rules.text, kind, tm], label: 'unstep' }),
                (rows) => ({ sql: 'SELECT lead_qual.engagement_state_send($1::lead_qual.engagement_state)', params: [rows[0][0]], label: 'send', expectOk: true }),
            ],
        };
    });

    // --- auc_state text input --------------------------------------------
    // The texts of the real states (the coarsened one now and then: it is
    // 1.5 MB), generated ones, mutated.
    const aucTexts = ctx.aucStates.map((s) => s.text);
    const aucSmall = aucTexts.filter((t) => t.length < 100000);
    const STEP_SCORES = ['0', '-0', '0.5', '1e300', '-1e300', '5e-324', 'Infinity', '-Infinity', 'NaN', '0.30000000000000004', '3', '100'];
    add('auc_state_text', 4, (rng) => {
        const text = g.stateText(rng, rng.chance(0.03) ? aucTexts : aucSmall, () => g.genAucState(rng));
        const real = rng.pick(rng.chance(0.1) ? aucTexts : aucSmall);
        const score = rng.pick(STEP_SCORES);
        const won = rng.chance(0.5);
        return {
            steps: [
                { sql: 'SELECT s::text, ((s::text)::lead_qual.auc_state)::text FROM (SELECT $1::lead_qual.auc_state AS s) x', params: [text], check: same('output(input(output)) differs from output') },
                (rows) => ({
                    sql: 'SELECT lead_qual.auc_final($1::lead_qual.auc_state)', params: [rows[0][0]], label: 'final', expectOk: true,
                    check: (r) => (r[0][0] === null || (r[0][0] >= 0 && r[0][0] <= 1) ? null : `auc_final ${r[0][0]} is not from 0 to 1`),
                }),
                // every row twice: the same AUC (an overflow of the counts is 22003)
                (rows) => ({
                    sql: 'SELECT lead_qual.auc_final(lead_qual.auc_combine(s, s)) IS NOT DISTINCT FROM lead_qual.auc_final(s) FROM (SELECT $1::lead_qual.auc_state AS s) x',
                    params: [rows[0][0]], label: 'combine_self', check: (r) => (r[0][0] === true ? null : 'the AUC of a state combined with itself differs from its own'),
                }),
                (rows) => ({
                    sql: 'SELECT lead_qual.auc_combine(a, b)::text = lead_qual.auc_combine(b, a)::text FROM (SELECT $1::lead_qual.auc_state AS a, $2::lead_qual.auc_state AS b) x',
                    params: [rows[0][0], real], label: 'combine_real', check: (r) => (r[0][0] === true ? null : 'combine(a, b) differs from combine(b, a)'),
                }),
                (rows) => ({ sql: 'SELECT lead_qual.auc_step($1::lead_qual.auc_state, $2::float8, $3::boolean)::text', params: [rows[0][0], score, won], label: 'step' }),
                (rows) => ({ sql: 'SELECT lead_qual.auc_state_send($1::lead_qual.auc_state)', params: [rows[0][0]], label: 'send', expectOk: true }),
            ],
        };
    });

    // --- auc over random rows ------------------------------------------
    // Against its definition in SQL (the won-lost pairs counted, ties a
    // half), combined partial states (one through text), another order of
    // the rows, and the last row of the running window.
    const AUC_ROW_SCORES = ['0', '-0', '1', '-1', '0.5', 'Infinity', '-Infinity', '5e-324', '-5e-324', '1e308', '-1e308',
        '0.1', '0.3', '0.30000000000000004', '2.2250738585072014e-308', '1e-300'];
    add('auc_rows', 4, (rng) => {
        const n = rng.weighted([[8, () => rng.range(0, 12)], [2, () => rng.range(13, 300)]]);
        const distinct = rng.weighted([[3, () => rng.range(1, 5)], [3, () => rng.range(6, 50)], [1, 1000]]);
        const div = rng.pick([1, 2, 4, 10, 3, 1e-300, 1e300]);
        const rows = Array.from({ length: n }, () => ({
            s: rng.weighted([[7, () => String(rng.int(distinct) / div)], [2, () => rng.pick(AUC_ROW_SCORES)], [0.5, null], [0.005, 'NaN']]),
            w: rng.weighted([[5, true], [5, false], [0.5, null]]),
        }));
        const r = `WITH r AS (SELECT x.n, (x.v ->> 's')::float8 AS s, (x.v ->> 'w')::boolean AS w
             FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(v, n))`;
        return {
            steps: [{
                sql: `${r}
SELECT (SELECT lead_qual.auc(s, w) FROM r),
       (SELECT (2 * count(*) FILTER (WHERE a.s > b.s) + count(*) FILTER (WHERE a.s = b.s))::float8 / nullif(2 * count(*), 0)::float8
          FROM r a JOIN r b ON a.w AND NOT b.w WHERE a.s IS NOT NULL AND b.s IS NOT NULL),
       (SELECT lead_qual.auc_final(lead_qual.auc_combine(fz.auc_state(s, w) FILTER (WHERE n % 2 = 0),
                                                         (fz.auc_state(s, w) FILTER (WHERE n % 2 = 1))::text::lead_qual.auc_state)) FROM r),
       (SELECT lead_qual.auc(s, w ORDER BY s DESC NULLS FIRST, n DESC) FROM r),
       (SELECT a FROM (SELECT n, lead_qual.auc(s, w) OVER (ORDER BY n) AS a FROM r) x ORDER BY n DESC LIMIT 1)`,
                params: [JSON.stringify(rows)],
                check: (res) => {
                    const [auc, pairs, combined, reordered, running] = res[0];
                    const why = [];
                    if (auc !== pairs) why.push(`auc() ${auc} <> the pairs counted ${pairs}`);
                    if (auc !== combined) why.push(`auc() ${auc} <> combined partial states ${combined}`);
                    if (auc !== reordered) why.push(`auc() ${auc} <> in another order ${reordered}`);
                    if (n > 0 && auc !== running) why.push(`auc() ${auc} <> the running window's last row ${running}`);
                    return why.length ? why.join('; ') : null;
                },
            }],
        };
    });

    // --- auc over more than 65,536 distinct scores ----------------------
    // Coarsened: the same state in two orders of the rows and when combined
    // from two partial states.
    add('auc_coarse', 0.5, (rng) => {
        const mult = 0.5 + rng.next();
        const scale = rng.pick([1, 1e-300, 1e300, -1, 1000, 1e-100]);
        const n = rng.range(60000, 140000);
        const split = rng.range(1, n);
        return {
            steps: [{
                sql: `WITH t AS (SELECT i, hashint4(i + $3::int) AS h, (i * $1::float8 - floor(i * $1::float8)) * $2::float8 AS x,
                         hashint4(i) % 3 = 0 AS w FROM generate_series(1, $4::int) i)
SELECT md5(fz.auc_state(x, w ORDER BY i)::text), md5(fz.auc_state(x, w ORDER BY h)::text),
       md5(lead_qual.auc_combine(fz.auc_state(x, w) FILTER (WHERE i <= $5::int), fz.auc_state(x, w) FILTER (WHERE i > $5::int))::text),
       lead_qual.auc(x, w ORDER BY i), lead_qual.auc(x, w ORDER BY h DESC)
  FROM t`,
                params: [mult, scale, rng.int(1000), n, split],
                check: (res) => {
                    const [a, b, c, x, y] = res[0];
                    if (a !== b) return 'two orders of the same rows give different states';
                    if (a !== c) return 'combined partial states differ from the state of all rows';
                    if (x !== y) return `two orders of the same rows give different results: ${x} <> ${y}`;
                    return null;
                },
            }],
        };
    });

    // --- fold_evidence and qualify_touches over random touches -----------
    add('touch_aggregates', 4, (rng) => {
        const m = pickModel(rng, ctx);
        const mForm = m.text !== null && rng.chance(0.4) ? 'value' : 'text';
        const M = mForm === 'value' ? '$1::lead_qual.model' : '$1::text';
        const keys = m.reads.map(([s]) => s).filter((s) => typeof s === 'string').concat(['x', 'y']);
        const n = rng.weighted([[8, () => rng.range(0, 10)], [1, () => rng.range(20, 200)]]);
        const touches = Array.from({ length: n }, () => {
            const t = { t: rng.weighted([[6, () => g.eventTime(rng)], [2, '2026-01-05 00:00:00+00']]) };
            const e = rng.weighted([
                [10, () => { const o = {}; for (let i = rng.range(0, 4); i > 0; i--) o[rng.pick(keys)] = rng.chance(0.7) ? g.ruleValue(rng, null) : g.anyValue(rng, 2); return o; }],
                [1, 'absent'], [0.3, () => g.anyValue(rng, 2)],
            ]);
            if (e !== 'absent') t.e = e;
            return t;
        });
        let text = ser(touches, 0);
        if (!g.jsonbOk(text)) text = '[]';
        const asOf = rng.weighted([[6, () => g.eventTime(rng)], [1, '2026-01-05 00:00:00+00'], [1, null]]);
        const tc = `WITH tc AS (SELECT x.n, CASE WHEN x.v ? 'e' THEN x.v -> 'e' END AS e, (x.v ->> 't')::timestamptz AS t
              FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(v, n))`;
        const results = {};
        const keep = (label) => (r) => { results[label] = r.ok ? { ok: true, v: r.rows[0][0] } : { ok: false, code: r.code }; };
        const params = [m.text, text, asOf];
        const step = (label, sql) => ({ ...compact(`${tc}\n${sql}`, params), label, onResult: keep(label), allowed: DOC.unknownName });
        const steps = [
            step('fold', 'SELECT lead_qual.fold_evidence(e, t)::text FROM tc'),
            step('fold_sql', `SELECT CASE WHEN count(*) = 0 THEN NULL ELSE COALESCE((
         SELECT jsonb_object_agg(k, val) FROM (
           SELECT DISTINCT ON (k) k, val FROM tc, jsonb_each(tc.e) AS j(k, val)
            WHERE jsonb_typeof(val) <> 'null'
            ORDER BY k, t DESC NULLS LAST, val DESC, val::text COLLATE "C" DESC) s), '{}') END::text FROM tc`),
            step('fold_split', `SELECT lead_qual.touch_state_combine(fz.fold_state(e, t) FILTER (WHERE n % 2 = 0),
                                   (fz.fold_state(e, t) FILTER (WHERE n % 2 = 1))::text::lead_qual.touch_state)::text
         IS NOT DISTINCT FROM fz.fold_state(e, t)::text FROM tc`),
            step('qt3', `SELECT lead_qual.qualify_touches(${M}, e, t)::text FROM tc`),
            step('qt3_sql', `SELECT CASE WHEN (SELECT count(*) FROM tc) > 0 AND ${M} IS NOT NULL THEN
         lead_qual.qualify(${M}, (SELECT lead_qual.fold_evidence(e, t) FROM tc), (SELECT max(t) FROM tc))::text END`),
            step('qt4', `SELECT lead_qual.qualify_touches(${M}, e, t, $3::timestamptz)::text FROM tc`),
            step('qt4_sql', `SELECT CASE WHEN (SELECT count(*) FROM tc) > 0 AND ${M} IS NOT NULL THEN
         lead_qual.qualify(${M}, (SELECT lead_qual.fold_evidence(e, t) FROM tc WHERE t <= $3::timestamptz OR t IS NULL), $3::timestamptz)::text END`),
        ];
        steps[0].main = true;
        return {
            steps: [steps[0], ...steps.slice(1).map((s) => () => s)],
            // run the rest even when the first is rejected: compare outcomes pairwise
            runAll: true,
            compare: () => {
                const why = [];
                const cmp = (a, b) => {
                    const x = results[a], y = results[b];
                    if (!x || !y) return;
                    // With a NULL as_of, qualify() is NULL without reading the model or the
                    // evidence, and qualify_touches() reads the model but not the evidence,
                    // while the reference folds every touch first (findings, fuzz 3): a NULL
                    // against a class-22 error, either way round, is that case.
                    const fine = (r) => !r.ok && (r.code.startsWith('22') || r.code === '42704');
                    if (fine(x) && y.ok && y.v === null) return;
                    if (fine(y) && x.ok && x.v === null) return;
                    // Two errors: with more than one thing wrong (an unknown model and
                    // evidence that is not an object) either may be reported first.
                    if (fine(x) && fine(y)) return;
                    if (x.ok !== y.ok || (x.ok && x.v !== y.v)) {
                        why.push(`${a} ${x.ok ? String(x.v).slice(0, 300) : 'ERROR ' + x.code} <> ${b} ${y.ok ? String(y.v).slice(0, 300) : 'ERROR ' + y.code}`);
                    }
                };
                // The reference fold refuses a non-object with jsonb_each's own 22023;
                // fold_evidence also refuses evidence nested deeper than 64 levels
                // (as qualify() does), which the reference does not check.
                // (The deepest nesting in the touches' JSON text, outside strings, less
                // the array of touches and a touch's object: the deepest evidence.)
                let depth = 0, deepest = 0, inString = false;
                for (let i = 0; i < text.length; i++) {
                    const c = text[i];
                    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; }
                    else if (c === '"') inString = true;
                    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
                    else if (c === ']' || c === '}') depth--;
                }
                const tooDeep = deepest - 2 > 64;
                if (!(tooDeep && results.fold && !results.fold.ok && results.fold.code === '22023')) cmp('fold', 'fold_sql');
                cmp('qt3', 'qt3_sql');
                cmp('qt4', 'qt4_sql');
                if (results.fold_split && results.fold_split.ok && results.fold_split.v === false) why.push('combined partial fold states differ from the state of all rows');
                return why.length ? { message: why.join('; ') } : null;
            },
        };
    });

    // --- fit_state text input -------------------------------------------
    // The texts of real states (one of 258 bins, 1.2 MB, now and then) and
    // generated ones (K at the limits and beyond, a sum too many or too
    // few, malformed hexadecimal), mutated.  An accepted state reads back
    // the same; combined with itself every sum doubles (modulo 2^128) and
    // so do the rows; with NULL it stays the same; with a real state of
    // another spec it is refused (22023); step and send work on it.
    const fitTexts = ctx.fitStates.map((s) => s.text);
    const fitSmall = fitTexts.filter((t) => t.length < 100000);
    const parseFit = (t) => {
        const o = JSON.parse(t);
        return { rows: BigInt(o.rows), sums: [o.loglik, ...(o.sums.match(/.{32}/g) || [])].map((h) => BigInt('0x' + h)) };
    };
    add('fit_state_text', 4, (rng) => {
        const text = g.stateText(rng, rng.chance(0.03) ? fitTexts : fitSmall, () => g.genFitState(rng));
        const real = rng.pick(ctx.fitStates.filter((f) => f.text.length < 100000));
        const won = rng.pick([true, false, null]);
        const ev = g.jsonbText(rng, { Channel: rng.pick(['web', 'event', 'x']), budget: rng.range(0, 200), flag: rng.chance(0.5), mixed: rng.pick([0, 'm1']) }, 2) || '{}';
        return {
            steps: [
                // the text of a real state, unchanged, must be read (it is what fit_state_out wrote)
                { sql: 'SELECT s::text, ((s::text)::lead_qual.fit_state)::text FROM (SELECT $1::lead_qual.fit_state AS s) x', params: [text],
                  expectOk: fitTexts.includes(text), check: same('output(input(output)) differs from output') },
                (rows) => ({
                    sql: 'SELECT lead_qual.learn_fit_combine(s, s)::text FROM (SELECT $1::lead_qual.fit_state AS s) x', params: [rows[0][0]], label: 'combine_self',
                    check: (r) => {
                        const a = parseFit(rows[0][0]), b = parseFit(r[0][0]);
                        if (b.rows !== 2n * a.rows) return `combine(s, s) counts ${b.rows} rows, s ${a.rows}`;
                        const mod = 1n << 128n;
                        for (let i = 0; i < a.sums.length; i++) if (b.sums[i] !== (2n * a.sums[i]) % mod) return `combine(s, s): sum ${i} is not twice the state's`;
                        return null;
                    },
                }),
                (rows) => ({
                    sql: `SELECT lead_qual.learn_fit_combine(s, NULL)::text = s::text, lead_qual.learn_fit_combine(NULL, s)::text = s::text,
       lead_qual.learn_fit_combine(NULL::lead_qual.fit_state, NULL) IS NULL FROM (SELECT $1::lead_qual.fit_state AS s) x`,
                    params: [rows[0][0]], label: 'combine_null', expectOk: true,
                    check: (r) => (r[0][0] === true && r[0][1] === true && r[0][2] === true ? null : 'combine with NULL does not return the state'),
                }),
                (rows) => ({ sql: 'SELECT lead_qual.learn_fit_combine($1::lead_qual.fit_state, $2::lead_qual.fit_state)::text', params: [rows[0][0], real.text], label: 'combine_real' }),
                (rows) => ({
                    sql: 'SELECT lead_qual.learn_fit_step($1::lead_qual.fit_state, $2::jsonb, $3::float8[], $4::jsonb, $5::boolean, 1)::text',
                    params: [rows[0][0], real.spec, real.coef, ev, won], label: 'step',
                }),
                (rows) => ({ sql: 'SELECT lead_qual.fit_state_send($1::lead_qual.fit_state)', params: [rows[0][0]], label: 'send', expectOk: true }),
            ],
        };
    });

    // --- learn_fit with random specs ------------------------------------
    // Specs over the columns of fz.won_lost (or the keys of its jsonb column
    // ev): bad kinds, cuts out of order, huge value lists, a source too
    // long; coefficients of the wrong number, NaN, infinities, NULLs;
    // weights NaN, infinite, negative, over 1e6, NULL, a column.  Accepted:
    // the state counts every row with an outcome and a weight above 0, is
    // the same in another order of the rows and as two partial states
    // combined (one through its text): the sums are exact.
    const WEIGHTS = ['1', '0', '-1', '0.5', '1000000', '1000001', 'NaN', 'Infinity', '-Infinity', '5e-324', null];
    add('fit_spec', 5, (rng) => {
        const byKeys = rng.chance(0.3);
        const clean = rng.chance(0.5);     // every part valid
        const spec = clean ? g.genFitSpec(rng, byKeys ? CLEAN_KEYS : CLEAN_COLUMNS.concat([['day', 'date']]), true)
            : g.genFitSpec(rng, byKeys ? LEARN_KEYS : LEARN_COLUMNS.filter(([, kind]) => kind !== 'date' || rng.chance(0.2)));
        let specText = ser(spec, 1);
        if (!clean && rng.chance(0.15)) specText = g.jsonbText(rng, spec, 3) || specText;
        if (!g.jsonbOk(specText)) specText = '{"version": 1, "criteria": [{"source": "flag", "kind": "boolean"}]}';
        const k = g.fitSpecK(JSON.parse(specText));
        const coef = g.fitCoefficients(rng, k, clean);
        const weight = clean ? rng.pick(['1', '0.5', '1000000', '5e-324', '0', 'column']) : rng.weighted([[8, () => rng.pick(WEIGHTS)], [1, 'column']]);
        const W = weight === 'column' ? 't.w' : '$3::float8';
        const E = byKeys ? (rng.chance(0.9) ? 't.ev' : 'to_jsonb(t)') : 't';
        const agg = (extra = '') => `lead_qual.learn_fit($1::jsonb, $2::float8[], ${E}, t.won, ${W}${extra})`;
        const sql = `SELECT x.s::text, x.n, lead_qual.learn_fit_combine(x.a, (x.b::text)::lead_qual.fit_state)::text = x.s::text,
       x.r::text = x.s::text
  FROM (SELECT ${agg()} AS s, ${agg(' ORDER BY t.id DESC')} AS r,
               ${agg()} FILTER (WHERE t.id % 2 = 0) AS a, ${agg()} FILTER (WHERE t.id % 2 = 1) AS b,
               count(*) FILTER (WHERE t.won IS NOT NULL AND ${W} > 0) AS n
          FROM fz.won_lost t) x`;
        return {
            allowed: DOC.fitSpec,
            steps: [{
                ...compact(sql, [specText, coef, weight === 'column' ? null : weight]),
                check: (rows) => {
                    const [st, n, split, reordered] = rows[0];
                    const o = JSON.parse(st);
                    if (String(o.rows) !== String(n)) return `the state counts ${o.rows} rows, ${n} have an outcome and a weight above 0`;
                    if (split !== true) return 'two partial states combined differ from the state of all rows';
                    if (reordered !== true) return 'another order of the rows gives another state';
                    if (k !== null && o.bins !== k) return `the state has ${o.bins} bins, the spec ${k}`;
                    return null;
                },
            }],
        };
    });

    // --- learn() with random columns and options -------------------------
    // Over fz.won_lost (a view of it, a table without lost rows, one of
    // 10,001 distinct values, a sequence, a table that does not exist):
    // columns and jsonb keys of every kind (text with many values, all-NULL
    // columns, numbers at the extremes, NaN, infinities, a date, the
    // outcome itself, columns that do not exist, NULL elements, repeats),
    // or a template over them; options in and out of their ranges.  A
    // model learned reads back equal from its text, and scores every row it
    // was learned from (0-100, win_probability 0-1).
    // (clean: every part valid, so that most inputs get as far as the fit;
    // else each part may be wrong)
    const learnCase = (rng, source) => {
        const clean = rng.chance(0.6);
        if (clean) source = rng.pick(['fz.won_lost', 'fz.won_lost', 'fz.won_view']);
        const evidence = rng.chance(0.25);
        const opts = g.genLearnOptions(rng, WON_LOST_COLUMNS, true, clean);
        if (evidence && isObj(opts) && rng.chance(0.9)) opts.evidence = 'ev';
        const usesEv = isObj(opts) && opts.evidence === 'ev';
        const pool = usesEv ? (clean ? CLEAN_KEYS : LEARN_KEYS) : (clean ? CLEAN_COLUMNS : LEARN_COLUMNS);
        const template = rng.chance(0.25);
        let critSql, critParam;
        if (template) {
            let t = !clean && rng.chance(0.1) ? clone(rng.pick(ctx.learned).def) : g.genTemplate(rng, pool, clean);
            if (!clean && rng.chance(0.15)) t = g.mutateTree(rng, t);
            critSql = '$3::lead_qual.model';
            critParam = ser(t === undefined ? {} : t, 1);
        } else if (clean) {
            critSql = '$3::text[]';
            critParam = rng.shuffle(pool.map(([c]) => c)).slice(0, rng.range(1, 6));
        } else {
            const n = rng.weighted([[10, () => rng.range(1, 5)], [1, () => rng.pick([0, 64, 65])]]);
            const names = Array.from({ length: n }, () => rng.weighted([[20, () => rng.pick(pool)[0]],
                [1, () => rng.pick(['won', 'id', 'w', 'ev', 'no_such', 'ctid', '', 'CHANNEL', 'x'.repeat(70)])], [0.3, null], [0.3, () => g.randString(rng)]]));
            critSql = '$3::text[]';
            critParam = n > 6 ? names.map((x, i) => (typeof x === 'string' ? x + (i > 5 ? i : '') : x)) : names;
        }
        const outcome = clean ? 'won' : rng.weighted([[20, 'won'], [1, () => rng.pick(['won_text', 'flag', 'no_such', 'Won', ''])]]);
        let optText = ser(opts === undefined ? {} : opts, 1);
        if (!g.jsonbOk(optText)) optText = '{}';
        const E = usesEv ? 't.ev' : 't';
        const named = [outcome, ...['weight', 'evidence'].filter((f) => isObj(opts) && f in opts).map((f) => opts[f]),
            ...(usesEv ? [] : template ? modelColumns(critParam) : critParam)];
        return {
            allowed: { ...DOC.learnSource, '42703': namesMissing(source, named) },
            steps: [
                {
                    sql: `SELECT m::text, ((m::text)::lead_qual.model) OPERATOR(lead_qual.=) m, lead_qual.model(m::jsonb) OPERATOR(lead_qual.=) m
  FROM (SELECT lead_qual.learn($1::regclass, $2::text, ${critSql}, $4::jsonb) AS m) s`,
                    params: [source, outcome, critParam, optText],
                    check: (rows) => (rows[0][1] !== true ? 'the learned model is not = to its text read back'
                        : rows[0][2] !== true ? 'the learned model is not = to its jsonb read back' : null),
                },
                (rows) => ({
                    sql: `SELECT count(*), count(*) FILTER (WHERE (x.q).score BETWEEN 0 AND 100),
       count(*) FILTER (WHERE p IS NULL OR p BETWEEN 0 AND 1), count(*) FILTER (WHERE p IS NOT NULL)
  FROM ${source} t, LATERAL (SELECT lead_qual.qualify($1::lead_qual.model, ${E}, '2026-01-01') AS q,
                                  lead_qual.win_probability($1::lead_qual.model, ${E}, '2026-01-01') AS p) x
 WHERE t.${outcome === '' ? '"won"' : outcome} IS NOT NULL`,
                    params: [rows[0][0]], label: 'score rows', expectOk: true,
                    check: (r) => {
                        const [n, inRange, pOk] = r[0];
                        if (n !== inRange) return `the learned model scores ${Number(n) - Number(inRange)} of the ${n} rows it was learned from outside 0-100`;
                        if (n !== pOk) return 'win_probability() outside 0-1 on the rows it was learned from';
                        return null;
                    },
                }),
            ],
        };
    };
    add('learn', 4, (rng) => learnCase(rng, rng.weighted(LEARN_SOURCES)));

    // --- choose_thresholds() with random goals -------------------------
    // Learned models, templates over the table's columns and the built-ins
    // (on the jsonb column), goals at and beyond their edges.  The answer
    // is in range, the model returned carries its pass_score and min_met,
    // and (unweighted, as of a given day) qualifies the share of the rows
    // it says, that precisely.
    add('choose_thresholds', 3, (rng) => {
        const clean = rng.chance(0.6);
        const source = clean ? rng.pick(['fz.won_lost', 'fz.won_view']) : rng.weighted(LEARN_SOURCES);
        const picked = rng.weighted([
            [5, () => { const l = rng.pick(ctx.learned); return { text: l.text, evidence: l.evidence }; }],
            [3, () => ({ text: ser(g.genTemplate(rng, clean ? CLEAN_COLUMNS : LEARN_COLUMNS.filter(([, k]) => k !== 'date'), clean), 1), evidence: null })],
            [1, () => ({ text: rng.pick(ctx.models).name, evidence: 'ev' })],
            [clean ? 0 : 0.3, () => ({ text: g.modelText(rng, ctx.modelSeeds), evidence: null })],
        ]);
        const opts = g.genLearnOptions(rng, WON_LOST_COLUMNS, false, clean);
        if (isObj(opts)) {
            if (picked.evidence && rng.chance(0.9)) opts.evidence = picked.evidence;
            if (rng.chance(0.7)) opts.as_of = '2026-01-01 00:00:00+00';
        }
        let optText = ser(opts === undefined ? {} : opts, 1);
        if (!g.jsonbOk(optText)) optText = '{}';
        const checkable = isObj(opts) && opts.weight === undefined && opts.as_of === '2026-01-01 00:00:00+00' && !source.startsWith('lead_qual.');
        const E = isObj(opts) && opts.evidence === 'ev' ? 't.ev' : 't';
        const named = ['won', ...['weight', 'evidence'].filter((f) => isObj(opts) && f in opts).map((f) => opts[f]),
            ...(isObj(opts) && opts.evidence !== undefined ? [] : modelColumns(picked.text))];
        return {
            allowed: { ...DOC.learnSource, ...DOC.unknownName, '42703': namesMissing(source, named) },
            steps: [
                {
                    sql: `SELECT c.min_met, c.pass_score, c.qualified_share, c."precision", c.recall, c.f1, c.auc, c.model::text,
       (lead_qual.model_to_jsonb(c.model) ->> 'pass_score')::float8, (lead_qual.model_to_jsonb(c.model) ->> 'min_met')::int
  FROM lead_qual.choose_thresholds($1::regclass, $2::text, $3::lead_qual.model, $4::jsonb) c`,
                    params: [source, 'won', picked.text, optText],
                    check: (rows) => {
                        const [minMet, pass, share, prec, rec, f1, auc, , mPass, mMet] = rows[0];
                        const in01 = (x) => x !== null && x >= 0 && x <= 1;
                        if (![share, prec, rec, f1, auc].every(in01)) return `a share, precision, recall, F1 or AUC outside 0-1: ${JSON.stringify(rows[0].slice(0, 7))}`;
                        if (mPass !== pass || mMet !== minMet) return `the model returned has pass_score ${mPass} and min_met ${mMet}, the result ${pass} and ${minMet}`;
                        return null;
                    },
                },
                (rows) => (!checkable ? null : {
                    sql: `SELECT avg(lead_qual.is_qualified($1::lead_qual.model, ${E}, '2026-01-01 00:00:00+00')::int)::float8,
       (count(*) FILTER (WHERE t.won AND lead_qual.is_qualified($1::lead_qual.model, ${E}, '2026-01-01 00:00:00+00')))::float8
         / nullif(count(*) FILTER (WHERE lead_qual.is_qualified($1::lead_qual.model, ${E}, '2026-01-01 00:00:00+00')), 0)
  FROM ${source} t WHERE t.won IS NOT NULL`,
                    params: [rows[0][7]], label: 'what it says holds', expectOk: true,
                    check: (r) => {
                        const [share, prec] = r[0];
                        const [, , cShare, cPrec] = rows[0];
                        if (!(Math.abs(share - cShare) <= 1e-9)) return `the model returned qualifies ${share} of the rows, choose_thresholds() says ${cShare}`;
                        if (cShare > 0 && !(Math.abs(prec - cPrec) <= 1e-9)) return `the model returned has precision ${prec}, choose_thresholds() says ${cPrec}`;
                        return null;
                    },
                }),
            ],
        };
    });

    // --- the reports over random options --------------------------------
    // model_report(), decile_report(), criterion_report(): their options
    // (evidence, as_of; anything else refused) and the same models; the
    // deciles count the rows the model report counts.
    add('reports', 1, (rng) => {
        const source = rng.weighted(LEARN_SOURCES);
        const l = rng.pick(ctx.learned);
        const opts = rng.weighted([
            [6, () => { const o = {}; if (l.evidence || rng.chance(0.1)) o.evidence = rng.chance(0.9) ? 'ev' : rng.pick(WON_LOST_COLUMNS); if (rng.chance(0.5)) o.as_of = rng.pick(['2026-01-01', 'infinity', 'someday']); return o; }],
            [1, () => g.genLearnOptions(rng, WON_LOST_COLUMNS, false)],
        ]);
        let optText = ser(opts === undefined ? {} : opts, 1);
        if (!g.jsonbOk(optText)) optText = '{}';
        return {
            allowed: DOC.learnSource,
            steps: [{
                sql: `SELECT r.rows, (SELECT sum(d.rows) FROM lead_qual.decile_report($1::regclass, $2::text, $3::lead_qual.model, $4::jsonb) d),
       (SELECT count(*) FROM lead_qual.criterion_report($1::regclass, $2::text, $3::lead_qual.model, $4::jsonb) c)
  FROM lead_qual.model_report($1::regclass, $2::text, $3::lead_qual.model, $4::jsonb) r`,
                params: [source, rng.chance(0.95) ? 'won' : rng.pick(['won_text', 'nope']), l.text, optText],
                check: (rows) => (String(rows[0][0]) === String(rows[0][1] === null ? 0 : rows[0][1]) ? null : `model_report() counts ${rows[0][0]} rows, decile_report() ${rows[0][1]}`),
            }],
        };
    });

    // --- binary input through the receive functions ----------------------
    for (const [tname, ty] of Object.entries(TYPES)) {
        const bins = ty.bins(ctx);
        const eq = ty.eq ? `, (v::text)::${ty.type} ${ty.eq} v` : ', true';
        add(`recv_${tname}`, 2, (rng) => {
            const buf = rng.chance(0.05) ? Buffer.from(rng.pick(bins)) : mutateBytes(rng, rng.pick(bins));
            return {
                allowed: ty.allowed || {},
                steps: [{
                    sql: `SELECT v::text, ((v::text)::${ty.type})::text${eq} FROM (SELECT $1::${ty.type} AS v) s`,
                    params: [buf], binary: true, binaryValue: buf, copyType: ty.type,
                    check: (rows) => (rows[0][0] !== rows[0][1] ? `output(input(output)) differs: ${rows[0][0].slice(0, 300)} <> ${rows[0][1].slice(0, 300)}`
                        : rows[0][2] !== true ? 'input(output) is not = to the value' : null),
                }],
            };
        });
    }

    // --- binary COPY: COPY ... FROM a file (FORMAT binary) --------------
    // The server reads the file (the driver checks it may: superuser or
    // pg_read_server_files); psql's \copy would run the same COPY code, but
    // does not tell the SQLSTATE of each command.  Reproducers use \copy.
    const copyTypes = Object.entries(TYPES);
    add('copy_binary', 10, (rng, index) => {
        const [tname, ty] = copyTypes[index % copyTypes.length];
        const bins = ty.bins(ctx);
        const value = rng.chance(0.05) ? Buffer.from(rng.pick(bins)) : mutateBytes(rng, rng.pick(bins));
        let file = copyFile(value);
        const framing = rng.chance(0.15);
        if (framing) file = mutateBytes(rng, file);                // COPY's own framing too
        const f = path.join(ctx.copyDir, `${tname}-${index}.bin`);
        fs.writeFileSync(f, file, { mode: 0o644 });
        const eq = ty.eq ? `(v::text)::${ty.type} ${ty.eq} v` : 'true';
        return {
            // PostgreSQL's COPY allocates the field length written in the file before any
            // receive function runs: 2^31-1 there is its own 54000 "out of memory" (a bytea
            // column gives the same), so 54000 is allowed when the framing was damaged.
            allowed: { ...(ty.allowed || {}), ...(framing ? { '54000': true } : {}) },
            cleanup: () => fs.rmSync(f, { force: true }),
            steps: [
                { sql: `COPY ${ty.table} (v) FROM '${f}' WITH (FORMAT binary)`, params: [], binaryFile: f, copyType: ty.type, label: tname },
                () => ({
                    sql: `DELETE FROM ${ty.table} RETURNING v::text, ((v::text)::${ty.type})::text, ${eq}`, params: [], label: 'read back', expectOk: true,
                    check: (rows) => {
                        for (const r of rows) {
                            if (r[0] !== r[1]) return `a value COPY accepted writes out differently after reading back: ${r[0].slice(0, 300)} <> ${r[1].slice(0, 300)}`;
                            if (r[2] !== true) return 'a value COPY accepted is not = to its text read back';
                        }
                        return null;
                    },
                }),
            ],
        };
    });
    return T;
}

// A file in COPY's binary format holding one row of one column.
function copyFile(value) {
    const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
    const tuple = Buffer.alloc(6);
    tuple.writeInt16BE(1, 0);
    tuple.writeInt32BE(value.length, 2);
    const trailer = Buffer.alloc(2);
    trailer.writeInt16BE(-1, 0);
    return Buffer.concat([header, tuple, value, trailer]);
}

module.exports = { makeTargets, setupSql, loadContext, mutateBytes, copyFile, TYPES };
