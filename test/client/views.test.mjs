// lead_qual's views for BI tools, read through node-postgres: every column
// lead_qual adds must arrive as a plain JavaScript number, string or boolean
// (or null), never as a string standing in for a number or an unparsed type.
//
// Run by test/t/client.sh, which sets up the database first; the connection
// comes from PGHOST (a socket directory), PGPORT, PGUSER and PGDATABASE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';

const client = new pg.Client();
const checked = [];

before(() => client.connect());
after(async () => {
    await client.end();
    console.log(`checked ${checked.join('; ')}`);
});

// The qualification columns of create_view and create_stored_view, in order,
// with the JavaScript type each must have.
const qualification = {
    model: 'string', score: 'number', qualified: 'boolean', status: 'string', tier: 'string',
    met: 'number', known: 'number', total: 'number', missing: 'string', failed: 'string',
};
const prefixed = (prefix) =>
    Object.fromEntries(Object.entries(qualification).map(([k, v]) => [prefix + k, v]));

const modelOverview = {
    model: 'string', label: 'string', description: 'string', builtin: 'boolean',
    min_met: 'number', criteria: 'number', pass_score: 'number',
    tier_a: 'number', tier_b: 'number', tier_c: 'number', updated_at: 'timestamptz',
};
const modelCriteria = {
    model: 'string', ordinal: 'number', criterion: 'string', label: 'string',
    description: 'string', weight: 'number', source: 'string', rule_type: 'string',
    rule: 'string', knockout: 'boolean', min_met: 'number',
};

// The columns of the table leads (see test/t/client.sh); the stored view
// leaves out q, which it flattens.
const tableColumns = ['id', 'company', 'budget', 'authority', 'need', 'timeframe', 'evidence', 'q'];

const TIMESTAMPTZ = 1184; // type OID

// Reads a view and checks the types of the given columns: the column list
// must be exactly these (after the table's own columns, if any), each value
// null or of the expected type, and each column non-null somewhere, so that
// no check passes on nulls alone.  Returns the rows.
async function readView(view, expected, ownColumns = []) {
    const res = await client.query(`SELECT * FROM ${view} ORDER BY 1, 2`);
    assert.ok(res.rows.length > 0, `${view} has rows`);
    const names = res.fields.map((f) => f.name);
    const own = names.filter((n) => ownColumns.includes(n));
    assert.deepEqual(names.slice(own.length), Object.keys(expected), `columns of ${view}`);

    for (const field of res.fields.slice(own.length)) {
        const want = expected[field.name];
        let nonNull = 0;
        for (const row of res.rows) {
            const value = row[field.name];
            if (value === null) continue;
            nonNull++;
            const where = `${view}.${field.name} = ${JSON.stringify(value)}`;
            if (want === 'timestamptz') {
                // node-postgres makes a Date of timestamptz, and only of that
                assert.equal(field.dataTypeID, TIMESTAMPTZ, `${where}: type OID`);
                assert.ok(value instanceof Date, `${where}: a Date`);
            } else {
                assert.ok(['number', 'string', 'boolean'].includes(typeof value),
                    `${where}: a plain value, not ${typeof value}`);
                assert.equal(typeof value, want, `${where}: type`);
                if (want === 'number') assert.ok(Number.isFinite(value), `${where}: finite`);
            }
        }
        assert.ok(nonNull > 0, `${view}.${field.name} is not null in every row`);
    }
    checked.push(`${view}: ${res.rows.length} rows x ${names.length - own.length} columns`);
    return res.rows;
}

test('create_view: qualification computed when read', async () => {
    const rows = await readView('leads_bant', qualification, tableColumns);
    // Budget 8, authority 7 and need 9 meet BANT's threshold; no timeframe.
    const bright = rows.find((r) => r.company === 'Brightwater');
    assert.deepEqual(
        { score: bright.score, qualified: bright.qualified, status: bright.status, tier: bright.tier,
          met: bright.met, known: bright.known, total: bright.total, missing: bright.missing,
          failed: bright.failed },
        { score: 60, qualified: true, status: 'qualified', tier: 'B',
          met: 3, known: 3, total: 4, missing: 'timeframe', failed: '' });
    // Nothing known: no score yet, all four criteria still to ask about.
    const orchid = rows.find((r) => r.company === 'Orchid');
    assert.equal(orchid.score, 0);
    assert.equal(orchid.status, 'needs_info');
    assert.equal(orchid.missing, 'budget, authority, need, timeframe');
    // All known, one met: a fractional score arrives as a number.
    const vega = rows.find((r) => r.company === 'Vega');
    assert.equal(vega.score, 37.5);
    assert.equal(vega.failed, 'budget, authority, need');
});

test('create_stored_view: the stored qualification, flattened', async () => {
    const rows = await readView('leads_stored', prefixed('lq_'), tableColumns);
    // The trigger scores with the same model, so stored equals computed.
    const live = (await client.query('SELECT * FROM leads_bant ORDER BY 1')).rows;
    assert.equal(rows.length, live.length);
    for (const [i, row] of rows.entries()) {
        for (const column of Object.keys(qualification)) {
            assert.equal(row['lq_' + column], live[i][column], `lead ${row.id}: lq_${column}`);
        }
    }
});

test('model_overview: one row per model', async () => {
    const rows = await readView('lead_qual.model_overview', modelOverview);
    const builtin = rows.filter((r) => r.builtin);
    assert.equal(builtin.length, 7, 'the built-in models');
    assert.deepEqual(builtin.map((r) => r.model),
        ['anum', 'bant', 'champ', 'faint', 'gpct', 'madr', 'six_signals']);
    const bant = rows.find((r) => r.model === 'bant');
    assert.deepEqual([bant.min_met, bant.criteria, bant.pass_score, bant.tier_a, bant.tier_b, bant.tier_c],
        [3, 4, null, 75, 50, 25]);
    const acme = rows.find((r) => r.model === 'acme');
    assert.deepEqual([acme.builtin, acme.pass_score, acme.tier_a, acme.criteria],
        [false, 50, 80, 2]);
});

test('model_criteria: one row per criterion', async () => {
    const rows = await readView('lead_qual.model_criteria', modelCriteria);
    const bant = rows.filter((r) => r.model === 'bant');
    assert.deepEqual(bant.map((r) => [r.ordinal, r.criterion, r.weight, r.knockout]),
        [[1, 'budget', 1, false], [2, 'authority', 1, false], [3, 'need', 1, false],
         [4, 'timeframe', 1, false]]);
    assert.equal(bant[0].rule, 'grade 0-10, met at >= 6');
    const acme = rows.filter((r) => r.model === 'acme');
    assert.deepEqual(acme.map((r) => [r.criterion, r.weight, r.knockout]),
        [['budget', 2.5, false], ['need', 1, true]]);
});
