'use strict';
// The fuzz driver: generates inputs for every target (see targets.js), runs
// them against the database in PGHOST/PGPORT/PGDATABASE, and classifies
// each outcome:
//
//  * accepted, and then its properties hold (text output reads back to an
//    equal value, the canonical text is stable, results agree with each
//    other and with reference queries), or
//  * rejected with an ERROR whose SQLSTATE is in class 22, or is one the
//    reference documents for that case (listed per target).
//
// Anything else is a finding: another SQLSTATE, a failed property, a
// statement_timeout (a hang), or a lost connection / "terminated by
// signal" in the server log (a crash).  Findings are written to
// test/out/fuzz/findings.md with a SQL reproducer; a crash also to
// test/out/fuzz/crash-*.  The exit status is 1 when there is a finding.
//
//   node test/fuzz/drive.js [--inputs N] [--seed S] [--only t1,t2] [--skip t1,t2]
//                           [--timeout-ms MS] [--keep-going] [--replay target:index]
//                           [--out DIR] [--list]

const fs = require('fs');
const path = require('path');
const { Client } = require(path.join(__dirname, '..', 'client', 'node_modules', 'pg'));
const { Rng } = require('./gen.js');
const { makeTargets, setupSql, loadContext, copyFile } = require('./targets.js');

// ---------------------------------------------------------------------
// Arguments.
// ---------------------------------------------------------------------

const args = { inputs: 100000, seed: '1', only: null, skip: [], timeoutMs: 10000, keepGoing: false, replay: null,
    out: path.join(__dirname, '..', 'out', 'fuzz'), list: false, batch: 200 };
{
    const a = process.argv.slice(2);
    for (let i = 0; i < a.length; i++) {
        const v = () => { if (i + 1 >= a.length) usage(`${a[i]} needs a value`); return a[++i]; };
        switch (a[i]) {
            case '--inputs': args.inputs = parseInt(v(), 10); break;
            case '--seed': args.seed = v(); break;
            case '--only': args.only = v().split(','); break;
            case '--skip': args.skip = v().split(','); break;
            case '--timeout-ms': args.timeoutMs = parseInt(v(), 10); break;
            case '--keep-going': args.keepGoing = true; break;
            case '--replay': args.replay = v(); break;
            case '--out': args.out = v(); break;
            case '--list': args.list = true; break;
            case '--batch': args.batch = parseInt(v(), 10); break;
            default: usage(`unknown argument ${a[i]}`);
        }
    }
    if (!(args.inputs >= 0)) usage('--inputs must be a number');
}
function usage(msg) {
    console.error(`drive.js: ${msg}\nusage: node drive.js [--inputs N] [--seed S] [--only t1,t2] [--skip t1,t2] [--timeout-ms MS] [--keep-going] [--replay target:index] [--out DIR] [--list]`);
    process.exit(2);
}

// ---------------------------------------------------------------------
// Connection, server log, crash and hang detection.
// ---------------------------------------------------------------------

class Lost extends Error {}     // the connection to the server is gone

const serverLog = process.env.PG_SERVER_LOG || null;
let logOffset = 0;
function logSize() {
    try { return fs.statSync(serverLog).size; } catch (e) { return 0; }
}
// New lines of the server log that tell of a crash.
function logCrashLines() {
    if (!serverLog) return [];
    const size = logSize();
    if (size <= logOffset) return [];
    const fd = fs.openSync(serverLog, 'r');
    const buf = Buffer.alloc(size - logOffset);
    fs.readSync(fd, buf, 0, buf.length, logOffset);
    fs.closeSync(fd);
    logOffset = size;
    return buf.toString('utf8').split('\n').filter((l) =>
        /terminated by signal|was terminated by exception|PANIC:|TRAP:|server process .* exited with exit code [^0]|all server processes terminated/.test(l));
}

let client = null;
async function connect() {
    const c = new Client({ query_timeout: args.timeoutMs + 20000, application_name: 'lead_qual fuzz' });
    c.on('error', () => {});    // reported through the query that fails
    await c.connect();
    await c.query(`SET statement_timeout = ${args.timeoutMs}`);
    await c.query('SET TimeZone = \'UTC\'');
    await c.query('SET DateStyle = \'ISO, YMD\'');
    await c.query('SET extra_float_digits = 1');
    client = c;
}

// Wait for the server to accept connections again (after a crash it
// restarts itself), at most two minutes.
async function reconnect() {
    try { client.end().catch(() => {}); } catch (e) { /* gone */ }
    for (let i = 0; i < 120; i++) {
        try { await connect(); return true; } catch (e) { await new Promise((r) => setTimeout(r, 1000)); }
    }
    return false;
}

function isLost(e) {
    if (!e.severity) return true;       // not an error the server sent (ECONNRESET, EPIPE, a closed connection)
    if (e.code && /^(57P0[123]|08006|08003|08000)$/.test(e.code)) return true;
    if (e.code) return false;
    return /Connection terminated|ECONNRESET|EPIPE|not queryable|Client was closed|connection is closed|Connection terminated unexpectedly/i.test(e.message || '');
}

const stmtNames = new Map();
function stmtName(text) {
    let n = stmtNames.get(text);
    if (!n) { n = 'fz' + stmtNames.size; stmtNames.set(text, n); }
    return n;
}

// Run one statement: {ok, rows} or {ok: false, code, message, detail, file, routine}.
// Throws Lost when the connection is gone, {hang} when the client-side
// timeout fired (the server ignored statement_timeout).
let queries = 0;
async function run(sql, params = [], prepared = true) {
    queries++;
    const q = { text: sql, values: params, rowMode: 'array' };
    if (prepared && params.length) q.name = stmtName(sql);
    try {
        const res = await client.query(q);
        return { ok: true, rows: res.rows };
    } catch (e) {
        if (/Query read timeout/.test(e.message || '')) {
            const err = new Lost('the server did not answer within statement_timeout + 20 s');
            err.hang = true;
            throw err;
        }
        if (isLost(e)) throw new Lost(e.message || String(e));
        return { ok: false, code: e.code || '?????', message: e.message, detail: e.detail, file: e.file, routine: e.routine };
    }
}

// ---------------------------------------------------------------------
// Reproducers.
// ---------------------------------------------------------------------

function lit(v) {
    if (v === null || v === undefined) return 'NULL';
    if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'`;
    return `'${String(v).replace(/'/g, "''")}'`;
}
// The statement with its parameters written in as literals (every
// parameter in the statements has an explicit cast).
function inline(sql, params) {
    return sql.replace(/\$(\d+)/g, (m, n) => lit(params[Number(n) - 1]));
}
function reproOf(kase, step, target, index) {
    const lines = [];
    if (step.binaryFile || step.binaryValue) {
        // The bytes go to a file in COPY's binary format, kept in the output directory.
        const file = path.resolve(args.out, `finding-${target}-${index}.bin`);
        if (step.binaryFile) { try { fs.copyFileSync(step.binaryFile, file); } catch (e) { /* already gone */ } }
        else fs.writeFileSync(file, copyFile(step.binaryValue));
        lines.push(`-- the input: ${file} (COPY binary format, one row of one ${step.copyType} column)`,
            `CREATE TEMP TABLE repro (v ${step.copyType});`,
            `\\copy repro (v) from '${file}' with (format binary)`);
        return lines.join('\n');
    }
    if (kase.tx) lines.push('BEGIN;');
    lines.push(inline(step.sql, step.params || []) + ';');
    if (kase.tx) lines.push('ROLLBACK;');
    return lines.join('\n');
}

// ---------------------------------------------------------------------
// Outcomes, findings and the summary.
// ---------------------------------------------------------------------

const stats = new Map();   // target -> {inputs, accepted, rejected, codes: Map, derived: {...}}
function st(name) {
    if (!stats.has(name)) stats.set(name, { inputs: 0, accepted: 0, rejected: 0, codes: new Map(), dq: 0, dok: 0, dcodes: new Map(), findings: 0, ms: 0 });
    return stats.get(name);
}
const bump = (m, k) => m.set(k, (m.get(k) || 0) + 1);

const findings = new Map(); // key -> {kind, target, code, message, count, repro, index}
let crashes = 0;
fs.mkdirSync(args.out, { recursive: true });
for (const f of fs.readdirSync(args.out)) if (/^(crash-|finding-)/.test(f)) fs.rmSync(path.join(args.out, f));

function normalize(msg) {
    return String(msg || '').replace(/"[^"]*"/g, '"…"').replace(/[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?/gi, 'N').slice(0, 200);
}

function addFinding(kind, target, index, code, message, repro, extra = '') {
    const key = `${kind}|${target}|${code}|${normalize(message)}`;
    const f = findings.get(key);
    st(target).findings++;
    if (f) {
        f.count++;
        if (repro.length < f.repro.length) { f.repro = repro; f.index = index; f.extra = extra; }
        return;
    }
    findings.set(key, { kind, target, index, code, message: String(message), repro, extra, count: 1 });
    console.log(`FINDING ${kind} in ${target} #${index}: ${code} ${String(message).slice(0, 300)}`);
}

function writeFindings() {
    const out = [];
    out.push(`# lead_qual fuzz findings (seed ${args.seed}, ${args.inputs} inputs)`, '');
    if (!findings.size) out.push('None.');
    let n = 0;
    for (const f of findings.values()) {
        n++;
        let repro = f.repro;
        if (repro.length > 4000) {
            const file = path.join(args.out, `finding-${n}.sql`);
            fs.writeFileSync(file, repro + '\n');
            repro = repro.slice(0, 1500) + `\n-- ... (${repro.length} characters in all: the whole statement is in ${file})`;
        }
        out.push(`## ${n}. ${f.kind}: ${f.target} (${f.count}x), SQLSTATE ${f.code}`, '',
            `Input: \`test/fuzz/run --seed ${args.seed} --replay ${f.target}:${f.index}\``, '',
            '```', String(f.message).slice(0, 2000), '```', '');
        if (f.extra) out.push('```', f.extra.slice(0, 3000), '```', '');
        out.push('Reproducer:', '', '```sql', repro, '```', '');
    }
    fs.writeFileSync(path.join(args.out, 'findings.md'), out.join('\n'));
}

// ---------------------------------------------------------------------
// Running one input of a target.
// ---------------------------------------------------------------------

// Classify an error of a step: null when it is an acceptable rejection,
// else the reason it is a finding.
function judgeError(kase, step, r) {
    if (r.code.startsWith('22')) return null;
    if (r.code === '57014') return 'hang';
    const allowed = (step.allowed || kase.allowed || {})[r.code];
    if (allowed && (typeof allowed !== 'function' || allowed(kase))) return null;
    return 'sqlstate';
}

let current = null;     // {target, index, kase, step} in flight, for crash reports

async function runCase(t, index, kase) {
    const s = st(t.name);
    s.inputs++;
    const t0 = Date.now();
    const steps = kase.steps;
    let mainRows = null;
    if (kase.tx) await runChecked(t, index, kase, { sql: 'BEGIN', params: [] }, true);
    try {
        for (let i = 0; i < steps.length; i++) {
            let step = steps[i];
            if (typeof step === 'function') {
                if (mainRows === null && !kase.runAll) break;   // derived steps need an accepted input
                step = step(mainRows);
                if (!step) continue;
            }
            if (args.replay) console.log(`-- step ${i}${step.label ? ' (' + step.label + ')' : ''}\n${reproOf(kase, step, t.name, index)}`);
            const r = await runChecked(t, index, kase, step, false);
            if (args.replay) console.log(r.ok ? `-- => ${JSON.stringify(r.rows).slice(0, 2000)}` : `-- => ERROR ${r.code}: ${r.message}`);
            const main = i === 0;
            if (main) {
                if (r.ok) { s.accepted++; mainRows = r.rows; } else { s.rejected++; bump(s.codes, r.code); }
            } else {
                s.dq++;
                if (r.ok) s.dok++; else bump(s.dcodes, (step.label ? step.label + ' ' : '') + r.code);
            }
            if (r.ok && step.check) {
                let why = null;
                try { why = step.check(r.rows); } catch (e) { why = `check failed: ${e.stack}`; }
                if (why) addFinding('wrong result', t.name, index, '-', why, reproOf(kase, step, t.name, index), 'result: ' + JSON.stringify(r.rows).slice(0, 2000));
            }
            if (!r.ok) {
                const verdict = judgeError(kase, step, r);
                if (verdict === 'hang') addFinding('hang (statement_timeout)', t.name, index, r.code, r.message, reproOf(kase, step, t.name, index));
                else if (verdict) addFinding(`SQLSTATE outside class 22${main ? '' : ' (on an accepted value)'}`, t.name, index, r.code,
                    `${r.message}${r.detail ? ' DETAIL: ' + r.detail : ''} [${r.file || '?'}:${r.routine || '?'}]`, reproOf(kase, step, t.name, index));
                if (step.expectOk) addFinding('error on an accepted value', t.name, index, r.code,
                    `${r.message}${r.detail ? ' DETAIL: ' + r.detail : ''}`, reproOf(kase, step, t.name, index));
            }
            if (step.onResult) step.onResult(r, kase);
        }
        if (kase.compare) {
            const why = kase.compare();
            if (why) addFinding('wrong result', t.name, index, '-', why.message, why.repro || reproOf(kase, steps[0]));
        }
    } finally {
        if (kase.tx && client) {
            try { await run('ROLLBACK', [], false); } catch (e) { /* reported as lost by the next query */ }
        }
        s.ms += Date.now() - t0;
        if (kase.cleanup) kase.cleanup();
    }
}

async function runChecked(t, index, kase, step, quiet) {
    current = { target: t.name, index, kase, step };
    const r = await run(step.sql, step.params || [], !quiet);
    current = null;
    return r;
}

// ---------------------------------------------------------------------
// Main.
// ---------------------------------------------------------------------

function saveCrash(cur, why, lines) {
    crashes++;
    const base = path.join(args.out, `crash-${cur.target}-${cur.index}`);
    const repro = reproOf(cur.kase, cur.step, cur.target, cur.index);
    fs.writeFileSync(base + '.sql', `-- ${why}\n-- test/fuzz/run --seed ${args.seed} --replay ${cur.target}:${cur.index}\n${repro}\n`);
    if (cur.step.binaryFile) fs.copyFileSync(cur.step.binaryFile, base + '.bin');
    fs.writeFileSync(base + '.log', lines.join('\n') + '\n');
    addFinding(why.startsWith('hang') ? 'hang (no answer)' : 'crash', cur.target, cur.index, '-', `${why}\n${lines.join('\n')}`, repro);
    console.log(`CRASH saved under ${base}.sql`);
}

async function main() {
    const t0 = Date.now();
    logOffset = logSize();
    await connect();
    const setup = setupSql();
    await client.query(setup);
    const ctx = await loadContext(client);
    const targets = makeTargets(ctx, args);
    if (args.list) {
        for (const t of targets) console.log(`${t.name.padEnd(24)} weight ${t.weight}`);
        await client.end();
        return 0;
    }
    if (!ctx.canCopy) {
        console.log('copy_binary skipped: COPY FROM a file needs a superuser or pg_read_server_files');
        args.skip.push('copy_binary');
    }
    let chosen = targets.filter((t) => (!args.only || args.only.includes(t.name)) && !args.skip.includes(t.name));
    if (args.only) for (const n of args.only) if (!targets.some((t) => t.name === n)) usage(`no target ${n}`);

    // The schedule: how many inputs each target gets, in proportion to its weight.
    const totalW = chosen.reduce((a, t) => a + t.weight, 0);
    let plan;
    if (args.replay) {
        const [name, idx] = args.replay.split(':');
        const t = targets.find((x) => x.name === name);
        if (!t) usage(`no target ${name}`);
        chosen = [t];
        plan = [[t, Number(idx)]];
    } else {
        const counts = chosen.map((t) => Math.round(args.inputs * t.weight / totalW));
        // Interleave the targets: input g goes to the target furthest behind its share.
        plan = [];
        const done = chosen.map(() => 0);
        const total = counts.reduce((a, b) => a + b, 0);
        for (let g = 0; g < total; g++) {
            let best = -1, bestLag = -Infinity;
            for (let k = 0; k < chosen.length; k++) {
                if (done[k] >= counts[k]) continue;
                const lag = counts[k] * (g + 1) / total - done[k];
                if (lag > bestLag) { bestLag = lag; best = k; }
            }
            plan.push([chosen[best], done[best]++]);
        }
    }
    console.log(`fuzzing ${plan.length} inputs, seed ${args.seed}, statement_timeout ${args.timeoutMs} ms, database ${process.env.PGDATABASE || '(default)'}`);
    let stop = false;
    let n = 0;
    for (const [t, index] of plan) {
        if (stop) break;
        const kase = t.gen(new Rng(args.seed, t.name, index), index);
        try {
            await runCase(t, index, kase);
        } catch (e) {
            if (!(e instanceof Lost)) throw e;
            const cur = current || { target: t.name, index, kase, step: kase.steps[0] };
            await new Promise((r) => setTimeout(r, 500));
            const lines = logCrashLines();
            saveCrash(cur, e.hang ? `hang: ${e.message}` : `connection lost: ${e.message}`, lines);
            if (!args.keepGoing) { stop = true; break; }
            if (e.hang) {
                // Ask the server to cancel, then to end the backend, before going on.
                try {
                    const c2 = new Client();
                    await c2.connect();
                    await c2.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lead_qual fuzz' AND pid <> pg_backend_pid()`);
                    await c2.end();
                } catch (e2) { /* nothing more to do */ }
            }
            if (!(await reconnect())) { console.log('the server did not come back'); stop = true; break; }
        }
        if (++n % args.batch === 0 || n === plan.length) {
            // After each batch: is the server alive, and did it log a crash?
            let alive = true;
            try { const r = await run('SELECT 1', [], false); alive = r.ok; } catch (e) { alive = false; }
            const lines = logCrashLines();
            if (!alive || lines.length) {
                saveCrash({ target: t.name, index, kase, step: kase.steps[0] },
                    `${alive ? 'the server log shows a crash' : 'the server does not answer'} after this batch (the last input of the batch is shown)`, lines);
                if (!args.keepGoing || !(await reconnect())) { stop = true; break; }
            }
            if (n % (args.batch * 25) === 0) console.log(`  ${n}/${plan.length} inputs, ${queries} queries, ${((Date.now() - t0) / 1000).toFixed(1)} s, findings ${findings.size}, heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB`);
        }
    }
    try { await client.end(); } catch (e) { /* gone */ }
    fs.rmSync(ctx.copyDir, { recursive: true, force: true });
    const lines = logCrashLines();
    if (lines.length) addFinding('crash', 'server log', -1, '-', lines.join('\n'), '-- see the server log');

    // Summary.
    const secs = (Date.now() - t0) / 1000;
    const out = [];
    const pad = (s, n) => String(s).padEnd(n);
    const rpad = (s, n) => String(s).padStart(n);
    out.push(`lead_qual fuzz: seed ${args.seed}, ${plan.length} inputs planned, statement_timeout ${args.timeoutMs} ms`);
    out.push(`${pad('target', 24)} ${rpad('inputs', 7)} ${rpad('accepted', 8)} ${rpad('rejected', 8)} ${rpad('derived', 8)} ${rpad('findings', 8)} ${rpad('secs', 6)}  rejections by SQLSTATE`);
    let tin = 0, tacc = 0, trej = 0, tder = 0;
    const allCodes = new Map();
    for (const t of chosen) {
        const s = st(t.name);
        tin += s.inputs; tacc += s.accepted; trej += s.rejected; tder += s.dq;
        for (const [c, k] of s.codes) allCodes.set(c, (allCodes.get(c) || 0) + k);
        const codes = [...s.codes].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c}:${k}`).join(' ');
        out.push(`${pad(t.name, 24)} ${rpad(s.inputs, 7)} ${rpad(s.accepted, 8)} ${rpad(s.rejected, 8)} ${rpad(s.dq, 8)} ${rpad(s.findings, 8)} ${rpad((s.ms / 1000).toFixed(1), 6)}  ${codes}`);
    }
    out.push(`${pad('all', 24)} ${rpad(tin, 7)} ${rpad(tacc, 8)} ${rpad(trej, 8)} ${rpad(tder, 8)} ${rpad([...findings.values()].reduce((a, f) => a + f.count, 0), 8)} ${rpad(secs.toFixed(1), 6)}`);
    out.push(`rejections by SQLSTATE: ${[...allCodes].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c}:${k}`).join(' ')}`);
    const dcodes = new Map();
    for (const t of chosen) for (const [c, k] of st(t.name).dcodes) dcodes.set(`${t.name}/${c}`, k);
    out.push(`derived queries on accepted inputs: ${tder}, errors: ${[...dcodes].map(([c, k]) => `${c}:${k}`).join(' ') || 'none'}`);
    out.push(`queries: ${queries}, time: ${secs.toFixed(1)} s, distinct findings: ${findings.size}, crashes: ${crashes}`);
    for (const f of findings.values()) out.push(`  FINDING ${f.kind} in ${f.target} (${f.count}x): ${f.code} ${f.message.split('\n')[0].slice(0, 200)}`);
    const summary = out.join('\n');
    console.log(summary);
    fs.writeFileSync(path.join(args.out, 'summary.txt'), summary + '\n');
    fs.writeFileSync(path.join(args.out, 'summary.json'), JSON.stringify({
        seed: args.seed, inputs: tin, accepted: tacc, rejected: trej, derived: tder, queries, seconds: secs,
        targets: Object.fromEntries(chosen.map((t) => { const s = st(t.name); return [t.name, { inputs: s.inputs, accepted: s.accepted, rejected: s.rejected, codes: Object.fromEntries(s.codes), derived: s.dq, derived_errors: Object.fromEntries(s.dcodes), findings: s.findings, seconds: s.ms / 1000 }]; })),
        findings: [...findings.values()].map((f) => ({ kind: f.kind, target: f.target, index: f.index, code: f.code, count: f.count, message: f.message })),
    }, null, 1));
    writeFindings();
    if (stop && !findings.size) { console.log('stopped early'); return 1; }
    return findings.size ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e.stack || e); process.exit(3); });

