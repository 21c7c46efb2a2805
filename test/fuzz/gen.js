'use strict';
// Generators and mutators of the fuzzed inputs: a seeded random number
// generator, a JSON writer that can also write what JSON.stringify cannot
// (raw number and escape text, repeated members), pools of awkward values,
// and generators for models, evidence, engagement rules, aggregate states,
// readiness thresholds and next_action configs, each followed by mutations
// of the value's tree and of its text.
//
// Everything is a function of the Rng passed in, so one input is
// reproduced from (seed, target, index) alone.

// ---------------------------------------------------------------------
// Random numbers: sfc32 seeded from a string hash (cyrb128).
// ---------------------------------------------------------------------

function cyrb128(str) {
    let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
    for (let i = 0; i < str.length; i++) {
        const k = str.charCodeAt(i);
        h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
        h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
        h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
        h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

class Rng {
    constructor(...parts) {
        [this.a, this.b, this.c, this.d] = cyrb128(parts.join('\u0001'));
        for (let i = 0; i < 12; i++) this.u32();
    }
    u32() {
        this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
        let t = (this.a + this.b) | 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) | 0;
        this.c = (this.c << 21) | (this.c >>> 11);
        this.d = (this.d + 1) | 0;
        t = (t + this.d) | 0;
        this.c = (this.c + t) | 0;
        return t >>> 0;
    }
    next() { return this.u32() / 4294967296; }
    int(n) { return Math.floor(this.next() * n); }
    range(lo, hi) { return lo + this.int(hi - lo + 1); }
    chance(p) { return this.next() < p; }
    pick(arr) { return arr[this.int(arr.length)]; }
    // [[weight, value or function], ...]: a value, or the result of the function
    weighted(choices) {
        let total = 0;
        for (const [w] of choices) total += w;
        let r = this.next() * total;
        for (const [w, v] of choices) {
            if ((r -= w) < 0) return typeof v === 'function' ? v() : v;
        }
        const last = choices[choices.length - 1][1];
        return typeof last === 'function' ? last() : last;
    }
    shuffle(arr) {
        for (let i = arr.length - 1; i > 0; i--) {
            const j = this.int(i + 1);
            [arr[i], arr[j]] = [arr[j], arr[i]];
        }
        return arr;
    }
    // A count skewed to small numbers, up to max.
    small(max) { return Math.min(max, Math.floor(Math.pow(this.next(), 3) * (max + 1))); }
}

// ---------------------------------------------------------------------
// JSON writing.
// ---------------------------------------------------------------------

// Text written as it is: numbers JSON.stringify cannot write (1e400, -0,
// 100-digit integers), escapes (\ud800, \u0000), or invalid JSON on purpose.
class Raw {
    constructor(text) { this.text = text; }
}
// An object as a list of members, so that a name can appear twice.
class Pairs {
    constructor(pairs) { this.pairs = pairs; }
}

function isObj(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw) && !(v instanceof Pairs);
}

function members(v) {
    return v instanceof Pairs ? v.pairs : Object.entries(v);
}

// Write v as JSON; style: 0 compact, 1 blanks after : and , , 2 random blanks.
function ser(v, style = 1, rng = null) {
    const out = [];
    const blank = () => {
        if (style === 2 && rng && rng.chance(0.3)) out.push(rng.pick([' ', '\n', '\t', '\r\n', '  ']));
    };
    const sep = style === 0 ? '' : ' ';
    const walk = (x) => {
        blank();
        if (x === null || x === undefined) out.push('null');
        else if (x instanceof Raw) out.push(x.text);
        else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');
        else if (typeof x === 'number') out.push(Number.isFinite(x) ? (Object.is(x, -0) ? '-0' : String(x)) : 'null');
        else if (typeof x === 'string') out.push(JSON.stringify(x));
        else if (Array.isArray(x)) {
            out.push('[');
            x.forEach((e, i) => { if (i) out.push(',' + sep); walk(e); });
            out.push(']');
        } else {
            out.push('{');
            members(x).forEach(([k, e], i) => {
                if (i) out.push(',' + sep);
                blank();
                out.push(k instanceof Raw ? k.text : JSON.stringify(k));
                blank();
                out.push(':' + sep);
                walk(e);
            });
            out.push('}');
        }
        blank();
    };
    walk(v);
    return out.join('');
}

// A deep copy of a tree (Raw shared, Pairs copied).
function clone(v) {
    if (v === null || typeof v !== 'object' || v instanceof Raw) return v;
    if (Array.isArray(v)) return v.map(clone);
    if (v instanceof Pairs) return new Pairs(v.pairs.map(([k, e]) => [k, clone(e)]));
    const o = {};
    for (const [k, e] of Object.entries(v)) o[k] = clone(e);
    return o;
}

// ---------------------------------------------------------------------
// Pools of awkward values.
// ---------------------------------------------------------------------

const HUNDRED_DIGITS = '1234567890'.repeat(10);
const NUM_RAW = [
    '0', '-0', '1', '-1', '0.5', '-0.5', '1e308', '-1e308', '1e-400', '-1e-400', '1e400', '-1e400', '1e999',
    '5e-324', '2.2250738585072014e-308', '1.7976931348623157e308', '1.7976931348623159e308',
    '9007199254740993', '-9007199254740993', '18446744073709551616', HUNDRED_DIGITS, '-' + HUNDRED_DIGITS,
    '0.' + '0'.repeat(400) + '1', HUNDRED_DIGITS + '.' + HUNDRED_DIGITS, '1E+2', '1e-0', '0e0', '0.0', '-0.0',
    '6', '5.999999999999999', '6.000000000000001', '10', '10.0000000000000001', '10.000001', '11', '-0.000001',
    '63', '64', '65', '100', '100.0000001', '101', '200', '256', '257', '1000', '1001', '36600', '36601',
    '1000000', '1000001', '1e6', '1e12', '1000000000001', '2147483647', '2147483648', '-2147483649',
    '9223372036854775807', '9223372036854775808', '-9223372036854775809', '34359738367', '34359738368',
    '0.1', '0.3', '1e-7', '1e-6', '33.333333', '4294967296', '1e-300',
];
const NUM_INVALID = ['NaN', '-NaN', 'Infinity', '-Infinity', '+1', '01', '1.', '.5', '0x10', '1e', '--1', '1e+', 'Inf', '1_000', '١'];
const STR_POOL = [
    '', ' ', '  \t', 'a', 'A', 'x', 'en', 'EN', 'nl', 'es', 'pt-br', 'zz-zzzzzz', 'a-', 'bant', ' BANT ', 'Six_Signals',
    'digital', 'Digital', '7up', 'no_such_model', 'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e999', '1e400', '-0',
    '7.5', ' 7.5 ', '1e6', '0x10', '12000', '10', '11', '-1', '6', '0', '1', '+5', '5.', '.5', '1,5',
    'yes', 'no', 'y', 'n', 't', 'f', 'of', 'on', 'off', 'o', 'maybe', 'true', 'false', 'TRUE', ' yes ',
    '2026-01-05', '2026-02-30', '2026-1-5', '01/02/2026', 'tomorrow', 'now', 'today', 'epoch', '2026-01-05T25:00',
    '2026-04-01T23:30:00-02:00', '2026-04-02T00:30:00+02:00', '2026-03-15T10:00:00Z', '2026-01-05 10:00',
    '2026-01-05T10:00:00.123456789+14:59', '2026-01-05T10:00+99:99', '0001-01-01', '0000-01-01', '9999-12-31',
    '294276-12-31', '294277-01-01', '-infinity', 'infinity', '4714-11-24 BC', '4714-11-23 BC', '2000-02-29',
    '1900-02-29', '2026-12-31T23:59:59.999999-12', '2026-01-01T00:00:00+00:00:01',
    'ahead', 'behind', 'either', 'forward', 'boolean', 'grade', 'at_least', 'at_most', 'between', 'one_of',
    'scale', 'within_days', 'bands', 'fuzzy', 'ignore', 'error', 'fold', 'qualify', 'owner', 'cfo', ' CFO ', 'purchasing',
    'low', 'medium', 'high', 'web_visit', 'demo_request', 'unsubscribe', 'job_seeker', 'email_open',
    '\u202eRTL override', 'مرحبا بالعالم', 'שלום', 'e\u0301\u0301\u0301', '\u200b', '\u200d', '\ufeff', '\ufffd',
    '\ufffe', '\u00a0', '😀', '👩‍👩‍👧‍👦', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '中文字符', '\u0001', '\u001f', '\u007f', '\n\t', '"', '\\',
    '\'; DROP TABLE x; --', '%s%s%n', '$1', '{}', '[]', 'null',
];

const FIELD_NAMES = [
    'name', 'label', 'description', 'min_met', 'pass_score', 'tiers', 'criteria', 'key', 'weight', 'source',
    'knockout', 'rule', 'questions', 'type', 'pass', 'value', 'min', 'max', 'values', 'grades', 'default', 'days',
    'direction', 'A', 'B', 'C', 'D', 'E', 'en', 'nl', 'es', 'kinds', 'points', 'cap', 'floor', 'half_life_days',
    'unknown_kinds', 'version', 'kind', 'entries', 'model', 'as_of', 'latest', 'rules', 'events', 'not_counted',
    'sums', 'capped_kind', 'sum', 'bands', 'mql', 'sql', 'fit', 'engagement', 'ask_days', 'nurture_days',
    'drop_days', 'criterias', 'wieght', 'Name', '', ' name', 'cuts', 'unknown_grade', 'calibration', 'intercept',
    'slope',
];

const bigCache = new Map();
function big(kind) {
    if (!bigCache.has(kind)) {
        let s;
        switch (kind) {
            case 'ascii1m': s = 'x'.repeat(1 << 20); break;
            case 'utf8_1m': s = '😀'.repeat(1 << 18); break;       // 4 bytes each: 1 MiB
            case 'escapes': s = '\\u00e9'.repeat(50000); break;      // raw text inside quotes
            case 'ascii64k': s = 'k'.repeat(65536); break;
            default: throw new Error(kind);
        }
        bigCache.set(kind, s);
    }
    return bigCache.get(kind);
}

function lenStr(rng) {
    // Strings around the limits: 63/64, 100/101, 200/201, 4000/4001 bytes,
    // and the same in two-byte characters.
    const n = rng.pick([1, 62, 63, 64, 99, 100, 101, 199, 200, 201, 3999, 4000, 4001, 8192]);
    return rng.chance(0.5) ? 'k'.repeat(n) : 'é'.repeat(Math.ceil(n / 2));
}

const ESC_RAW = [
    '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"\\udc00"', '"\\ud800\\u0041"', '"\\udbff\\udfff"', '"\\ud83d\\ude00"',
    '"\\u00e9"', '"\\uffff"', '"\\uFFFE"', '"\\u202e"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\u0041\\u0301"',
    '"\\x41"', '"\\u12"', '"\\u12g4"', '"\\"', '"\\a"', '"\\U0001F600"', '"\\ud800\\ud800"',
];

function randNumber(rng) {
    return rng.weighted([
        [4, () => new Raw(rng.pick(NUM_RAW))],
        [3, () => rng.range(-20, 120)],
        [2, () => Math.round(rng.next() * 20000 - 5000) / rng.pick([1, 10, 100, 3, 7])],
        [1, () => (rng.next() - 0.5) * Math.pow(10, rng.range(-320, 308))],
        [1, () => new Raw(rng.pick(NUM_INVALID))],
    ]);
}

function randString(rng) {
    return rng.weighted([
        [6, () => rng.pick(STR_POOL)],
        [2, () => lenStr(rng)],
        [2, () => randText(rng, rng.range(0, 12))],
        [1, () => new Raw(rng.pick(ESC_RAW))],
        [0.003, () => big(rng.pick(['ascii1m', 'utf8_1m']))],
        [0.002, () => new Raw('"' + big('escapes') + '"')],
        [0.02, () => big('ascii64k')],
    ]);
}

const CHARSETS = [
    'abcdefghijklmnopqrstuvwxyz_0123456789',
    'ABCXYZ -.,;:!?/\\"\'{}[]()',
    'éüñßøåÆçœ€£¥©®',
    '中文日本語한국어',
    '\u0301\u0308\u200b\u200d\u202e\u202d\u2066\ufeff',
    '\u0000\u0001\u0007\u0008\u001b\u007f\u0085\u2028\u2029',
];
function randText(rng, n) {
    let s = '';
    for (let i = 0; i < n; i++) {
        if (rng.chance(0.05)) s += String.fromCodePoint(rng.range(0x10000, 0x10FFFF));
        else {
            const cs = rng.pick(CHARSETS);
            s += cs[rng.int(cs.length)];
        }
    }
    // A NUL cannot travel in a text parameter; keep it out of plain strings
    // (the escape \u0000 is tried through Raw instead).
    return s.replace(/\u0000/g, '\u0001');
}

function deepNest(rng, n, inner = null) {
    // n levels of arrays or objects around inner, as Raw text (fast for 100,000 levels).
    const kind = rng.pick(['array', 'object', 'mixed']);
    const open = [], close = [];
    for (let i = 0; i < n; i++) {
        const arr = kind === 'array' || (kind === 'mixed' && (i & 1));
        open.push(arr ? '[' : '{"a":');
        close.push(arr ? ']' : '}');
    }
    const mid = inner === null ? (rng.chance(0.5) ? '1' : '"x"') : ser(inner, 0);
    return new Raw(open.join('') + mid + close.reverse().join(''));
}

const DEPTHS = [10, 15, 16, 17, 20, 63, 64, 65, 100, 1000, 10000, 100000];

function anyValue(rng, depth = 0) {
    const leaf = [
        [2, null], [2, () => rng.chance(0.5)], [6, () => randNumber(rng)], [6, () => randString(rng)],
    ];
    if (depth > 3) return rng.weighted(leaf);
    return rng.weighted([
        ...leaf,
        [2, () => Array.from({ length: rng.small(6) }, () => anyValue(rng, depth + 1))],
        [2, () => {
            const o = {};
            for (let i = rng.small(5); i > 0; i--) o[randKey(rng)] = anyValue(rng, depth + 1);
            return o;
        }],
        [0.3, () => deepNest(rng, rng.pick(DEPTHS))],
        [0.05, () => Array.from({ length: rng.pick([1000, 10000]) }, (_, i) => i)],
    ]);
}

function randKey(rng) {
    return rng.weighted([
        [5, () => rng.pick(FIELD_NAMES)],
        [3, () => randName(rng)],
        [1, () => randText(rng, rng.range(0, 8))],
        [0.3, () => lenStr(rng)],
        [0.002, () => big('ascii1m')],
    ]);
}

function validName(rng) {
    const n = rng.range(1, 12);
    let s = rng.pick('abcdefghijklmnopqrstuvwxyz_'.split(''));
    for (let i = 1; i < n; i++) s += rng.pick('abcdefghijklmnopqrstuvwxyz_0123456789'.split(''));
    return s;
}

function randName(rng) {
    // Mostly valid names ([a-z_][a-z0-9_]*, 1-63 bytes), sometimes not.
    return rng.weighted([
        [8, () => {
            const n = rng.range(1, 12);
            let s = rng.pick('abcdefghijklmnopqrstuvwxyz_'.split(''));
            for (let i = 1; i < n; i++) s += rng.pick('abcdefghijklmnopqrstuvwxyz_0123456789'.split(''));
            return s;
        }],
        [1, () => rng.pick(['a'.repeat(63), 'a'.repeat(64), '7up', 'Bant', 'my model', 'é', '_', '__', 'a-b', ''])],
        [1, () => randText(rng, rng.range(0, 6))],
    ]);
}

// ---------------------------------------------------------------------
// Tree and text mutations.
// ---------------------------------------------------------------------

// Every place in the tree: {get, set, del, parent} for mutation.
function places(root) {
    const out = [];
    const visit = (v, setter, deleter, dupper) => {
        out.push({ v, set: setter, del: deleter, dup: dupper });
        if (v === null || typeof v !== 'object' || v instanceof Raw) return;
        if (Array.isArray(v)) {
            v.forEach((e, i) => visit(e, (x) => { v[i] = x; }, () => { v.splice(i, 1); }, (n) => {
                for (let k = 0; k < n; k++) v.splice(i, 0, clone(v[i]));
            }));
        } else if (v instanceof Pairs) {
            v.pairs.forEach((p, i) => visit(p[1], (x) => { p[1] = x; }, () => { v.pairs.splice(i, 1); }, null));
        } else {
            for (const k of Object.keys(v)) {
                visit(v[k], (x) => { v[k] = x; }, () => { delete v[k]; }, null);
            }
        }
    };
    let root2 = root;
    visit(root, (x) => { root2 = x; }, () => { root2 = undefined; }, null);
    return { list: out, root: () => root2 };
}

function toPairs(o) {
    return o instanceof Pairs ? o : new Pairs(Object.entries(o));
}

// About how many characters the tree writes as JSON, counting up to limit.
function approxSize(v, limit = 8e6) {
    let n = 0;
    const walk = (x) => {
        if (n > limit) return;
        if (x === null || x === undefined || typeof x === 'boolean' || typeof x === 'number') n += 6;
        else if (typeof x === 'string') n += x.length + 2;
        else if (x instanceof Raw) n += x.text.length;
        else if (Array.isArray(x)) { n += 2; for (const e of x) { walk(e); n += 1; if (n > limit) return; } }
        else for (const [k, e] of members(x)) { n += String(k instanceof Raw ? k.text : k).length + 4; walk(e); if (n > limit) return; }
    };
    walk(v);
    return n;
}

// Inputs stay below this size (a few MB), whatever the mutations do.
const MAX_SIZE = 4e6;

// One random change somewhere in the tree; returns the new root.
function mutateTree(rng, root) {
    const p = places(root);
    const pl = rng.pick(p.list);
    const v = pl.v;
    let op = rng.int(14);
    // Once the input is large, only changes that do not make it grow.
    if ([4, 5, 6, 7, 8, 9, 11].includes(op) && approxSize(root, MAX_SIZE) >= MAX_SIZE / 4) op = rng.pick([0, 2, 3, 10, 12, 13]);
    switch (op) {
        case 0: case 1: pl.set(anyValue(rng)); break;
        case 2: pl.set(typeof v === 'number' || v instanceof Raw ? randNumber(rng) : randString(rng)); break;
        case 3: pl.del(); break;
        case 4: case 5:
            if (isObj(v) || v instanceof Pairs) {
                const key = randKey(rng);
                if (v instanceof Pairs) v.pairs.splice(rng.int(v.pairs.length + 1), 0, [key, anyValue(rng)]);
                else v[key] = anyValue(rng);
            } else if (Array.isArray(v)) {
                v.splice(rng.int(v.length + 1), 0, rng.chance(0.5) && v.length ? clone(rng.pick(v)) : anyValue(rng));
            } else pl.set(anyValue(rng));
            break;
        case 6:     // a repeated member name
            if ((isObj(v) || v instanceof Pairs) && members(v).length) {
                const pr = toPairs(v);
                const [k, e] = rng.pick(pr.pairs);
                pr.pairs.splice(rng.int(pr.pairs.length + 1), 0, [k, rng.chance(0.5) ? clone(e) : anyValue(rng)]);
                pl.set(pr);
            } else pl.set(anyValue(rng));
            break;
        case 7: pl.set(rng.chance(0.5) ? [v] : { [randKey(rng)]: v }); break;
        case 8: pl.set(deepNest(rng, rng.pick(DEPTHS), rng.chance(0.5) ? null : v)); break;
        case 9:     // many copies of an array element (criteria x 64, 65, 10,000; values x 257)
            if (Array.isArray(v) && v.length) {
                const src = v.slice();
                const each = approxSize(src, MAX_SIZE) / src.length + 1;
                const target = Math.min(rng.pick([63, 64, 65, 200, 201, 256, 257, 1000, 1001, 10000]), Math.floor(MAX_SIZE / 2 / each));
                while (v.length < target) v.push(clone(src[v.length % src.length]));
            } else if (isObj(v)) {
                const n = rng.pick([17, 200, 201, 256, 257, 1001, 10000]);
                const first = Object.values(v)[0];
                const big1 = first !== undefined && approxSize(first, MAX_SIZE) * n > MAX_SIZE / 2;
                for (let i = 0; i < n; i++) v['k' + i] = first === undefined || big1 ? i : clone(first);
            } else pl.set(anyValue(rng));
            break;
        case 10: pl.set(rng.pick([null, true, false, 0, '', [], {}, new Raw('-0')])); break;
        case 11: pl.set(rng.chance(0.2) ? big(rng.pick(['ascii1m', 'utf8_1m'])) : anyValue(rng)); break;
        case 12:    // a member renamed
            if (isObj(v) && Object.keys(v).length) {
                const k = rng.pick(Object.keys(v));
                const e = v[k];
                delete v[k];
                v[rng.chance(0.5) ? k.toUpperCase() + ' ' : randKey(rng)] = e;
            } else pl.set(anyValue(rng));
            break;
        default:    // a string turned into a number or back
            if (typeof v === 'string') pl.set(rng.chance(0.5) ? Number(v) || 0 : new Raw(JSON.stringify(v).slice(0, -1)));
            else if (typeof v === 'number') pl.set(String(v));
            else pl.set(randNumber(rng));
    }
    return p.root();
}

const TOKENS = [
    '{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', 'fals', '1e400', '-0', 'NaN', '\\u0000', '\\ud800',
    '\\uZZZZ', ' ', '\n', '\u00a0', '\ufeff', '//', '/*', '"a":1,', ',,', '[[[[', '}}}}', '"\\', '\u202e', '😀',
];

// One random change of the text.
function mutateText(rng, s) {
    const pos = () => rng.int(s.length + 1);
    switch (rng.int(12)) {
        case 0: case 1: return s.slice(0, pos());                               // truncated
        case 2: {                                                              // a character changed
            if (!s.length) return rng.pick(TOKENS);
            const i = rng.int(s.length);
            const c = s.charCodeAt(i) ^ (1 << rng.int(8));
            return s.slice(0, i) + String.fromCharCode(c === 0 ? 1 : c) + s.slice(i + 1);
        }
        case 3: {                                                              // a token inserted
            const i = pos();
            return s.slice(0, i) + rng.pick(TOKENS) + s.slice(i);
        }
        case 4: {                                                              // a span deleted
            const i = pos(), j = Math.min(s.length, i + rng.range(1, 40));
            return s.slice(0, i) + s.slice(j);
        }
        case 5: {                                                              // a span repeated
            const i = pos(), j = Math.min(s.length, i + rng.range(1, 60));
            return s.slice(0, j) + s.slice(i, j).repeat(rng.range(1, 4)) + s.slice(j);
        }
        case 6: {                                                              // a structural character replaced
            const idx = [];
            for (let i = 0; i < s.length && idx.length < 2000; i++) if ('{}[]:,"'.includes(s[i])) idx.push(i);
            if (!idx.length) return s + rng.pick(TOKENS);
            const i = rng.pick(idx);
            return s.slice(0, i) + rng.pick('{}[]:,"\' '.split('')) + s.slice(i + 1);
        }
        case 7: return rng.pick(['', ' ', '\n\t \r', '\ufeff' + s, s + rng.pick(['x', ' ', '}', ']', ',', '\n', ' 1']), ' ' + s + ' ']);
        case 8: {                                                              // digits made long
            const m = /[0-9]+/g;
            const all = [...s.matchAll(m)];
            if (!all.length) return s + '1';
            const hit = rng.pick(all);
            return s.slice(0, hit.index) + rng.pick([HUNDRED_DIGITS, '1e400', '1e-400', '-0', '9007199254740993', '0.' + '0'.repeat(30) + '1']) + s.slice(hit.index + hit[0].length);
        }
        case 9: {                                                              // a string made odd
            const q = [];
            for (let i = 0; i < s.length && q.length < 2000; i++) if (s[i] === '"') q.push(i);
            if (!q.length) return s;
            const i = rng.pick(q) + 1;
            return s.slice(0, i) + rng.pick(ESC_RAW).slice(1, -1) + s.slice(i);
        }
        case 10: {                                                             // two halves swapped
            const i = pos();
            return s.slice(i) + s.slice(0, i);
        }
        default: return s.toUpperCase();
    }
}

// ---------------------------------------------------------------------
// Models.
// ---------------------------------------------------------------------

const RULE_TYPES = ['boolean', 'grade', 'at_least', 'at_most', 'between', 'one_of', 'scale', 'within_days', 'bands'];

function localized(rng, questions) {
    return rng.weighted([
        [3, () => rng.pick(['What is it?', 'Wat is het?', '¿Qué es?', '何ですか？', 'x'])],
        [3, () => {
            const o = {};
            for (const l of rng.shuffle(['en', 'nl', 'es', 'pt-br', 'de', 'fr']).slice(0, rng.range(1, 4))) {
                o[l] = questions && rng.chance(0.5)
                    ? Array.from({ length: rng.range(1, 4) }, () => randText(rng, rng.range(1, 30)))
                    : randText(rng, rng.range(1, 40));
            }
            return o;
        }],
        [1, () => lenStr(rng)],
        [1, () => anyValue(rng)],
    ]);
}

function genRule(rng) {
    const type = rng.pick(RULE_TYPES);
    if ((type === 'boolean' || type === 'grade') && rng.chance(0.3)) return type;
    const r = { type };
    const num = () => rng.weighted([[6, () => rng.range(-5, 100000)], [2, () => rng.next() * 20], [1, () => randNumber(rng)]]);
    switch (type) {
        case 'grade': if (rng.chance(0.6)) r.pass = rng.weighted([[5, () => rng.range(0, 10)], [1, () => rng.next() * 10], [1, () => randNumber(rng)]]); break;
        case 'at_least': case 'at_most': r.value = num(); break;
        case 'between': {
            const a = num(), b = num();
            r.min = a; r.max = b;
            if (typeof a === 'number' && typeof b === 'number' && a > b && rng.chance(0.8)) { r.min = b; r.max = a; }
            break;
        }
        case 'one_of': {
            const n = rng.weighted([[8, () => rng.range(1, 6)], [1, () => rng.pick([0, 255, 256, 257])]]);
            const vals = new Set();
            for (let i = 0; i < n * 2 && vals.size < n; i++) vals.add(rng.chance(0.8) ? randName(rng) : randString(rng));
            r.values = [...vals].filter((v) => typeof v === 'string' && v.trim() !== '');
            if (!r.values.length) r.values = ['owner'];
            break;
        }
        case 'scale': {
            const g = {};
            const n = rng.weighted([[8, () => rng.range(1, 6)], [1, () => rng.pick([0, 256, 257])]]);
            for (let i = 0; i < n; i++) g[rng.chance(0.8) ? randName(rng) + i : randText(rng, 5)] = rng.chance(0.9) ? rng.range(0, 10) : randNumber(rng);
            r.grades = g;
            if (rng.chance(0.5)) r.pass = rng.range(0, 10);
            if (rng.chance(0.5)) r.default = rng.chance(0.5) ? null : rng.range(0, 10);
            break;
        }
        case 'bands': {
            // mostly valid: 1-6 cuts increasing, one grade more; sometimes the limits,
            // cuts out of order or repeated, a grade too many or too few
            const n = rng.weighted([[8, () => rng.range(1, 6)], [1, () => rng.pick([0, 254, 255, 256])]]);
            let cuts = [];
            let c = rng.weighted([[4, () => rng.range(-100, 100)], [1, () => rng.next() * 2 - 1], [1, -1e308]]);
            for (let i = 0; i < n; i++) {
                cuts.push(c);
                c += rng.weighted([[6, () => rng.range(1, 1000)], [2, () => rng.next()], [1, 5e-324], [1, 0], [1, -1]]);
            }
            if (rng.chance(0.05)) cuts = rng.shuffle(cuts);
            if (rng.chance(0.05) && cuts.length) cuts[rng.int(cuts.length)] = randNumber(rng);
            r.cuts = cuts;
            const ng = n + 1 + rng.weighted([[12, 0], [1, -1], [1, 1]]);
            r.grades = Array.from({ length: Math.max(ng, 0) }, () => rng.weighted([[8, () => rng.range(0, 10)], [2, () => rng.next() * 10], [1, () => randNumber(rng)]]));
            if (rng.chance(0.5)) r.pass = rng.weighted([[6, () => rng.range(0, 10)], [1, () => rng.next() * 10], [1, () => randNumber(rng)]]);
            break;
        }
        case 'within_days':
            r.days = rng.weighted([[6, () => rng.range(0, 400)], [1, () => rng.pick([36600, 36601, -1, 1.5])], [1, () => randNumber(rng)]]);
            if (rng.chance(0.6)) r.direction = rng.weighted([[6, () => rng.pick(['ahead', 'behind', 'either'])], [1, () => randString(rng)]]);
            break;
    }
    return r;
}

function genCriterion(rng, key) {
    const c = { key };
    if (rng.chance(0.2)) c.label = rng.chance(0.9) ? randText(rng, rng.range(1, 20)) : lenStr(rng);
    if (rng.chance(0.2)) c.description = localized(rng, false);
    if (rng.chance(0.5)) c.weight = rng.weighted([[6, () => rng.range(0, 10)], [2, () => rng.next() * 5], [1, () => randNumber(rng)]]);
    if (rng.chance(0.4)) c.source = rng.weighted([[8, () => randName(rng)], [2, () => randText(rng, rng.range(1, 10))], [1, () => lenStr(rng)]]);
    if (rng.chance(0.2)) c.knockout = rng.chance(0.5);
    if (rng.chance(0.8)) c.rule = genRule(rng);
    if (rng.chance(0.15)) c.unknown_grade = rng.weighted([[6, () => rng.range(0, 10)], [2, () => rng.next() * 10], [1, null], [1, () => randNumber(rng)]]);
    if (rng.chance(0.2)) c.questions = localized(rng, true);
    return c;
}

function genModel(rng) {
    const n = rng.weighted([[10, () => rng.range(1, 8)], [1, () => rng.pick([0, 1, 63, 64, 65, 1000, 10000])]]);
    const keys = new Set();
    while (keys.size < Math.min(n, 10000)) keys.add((rng.chance(0.97) ? validName(rng) : randName(rng)) + (keys.size > 20 ? keys.size : ''));
    const m = { name: rng.chance(0.97) ? validName(rng) : randName(rng) };
    if (rng.chance(0.2)) m.label = randText(rng, rng.range(1, 30));
    if (rng.chance(0.2)) m.description = localized(rng, false);
    if (rng.chance(0.4)) m.min_met = rng.weighted([[6, () => rng.range(0, Math.max(n, 1))], [1, () => randNumber(rng)]]);
    if (rng.chance(0.3)) m.pass_score = rng.weighted([[6, () => rng.range(0, 100)], [1, null], [1, () => randNumber(rng)]]);
    if (rng.chance(0.3)) {
        const t = {};
        const cuts = [rng.range(0, 100), rng.range(0, 100), rng.range(0, 100)].sort((a, b) => b - a);
        ['A', 'B', 'C'].forEach((k, i) => { if (rng.chance(0.6)) t[k] = rng.weighted([[8, cuts[i]], [1, () => randNumber(rng)]]); });
        m.tiers = t;
    }
    if (rng.chance(0.25)) {
        const num = () => rng.weighted([[6, () => (rng.next() - 0.5) * 20], [2, () => (rng.next() - 0.5) / 5], [1, () => rng.pick([0, -0, 1e308, -1e308, 5e-324])], [1, () => randNumber(rng)]]);
        m.calibration = rng.weighted([
            [10, () => ({ intercept: num(), slope: num() })],
            [1, () => ({ slope: num() })],
            [1, () => ({ intercept: num(), slope: num(), scale: num() })],
            [1, () => anyValue(rng)],
        ]);
    }
    m.criteria = [...keys].map((k) => (n > 100 ? { key: k, weight: 1 } : genCriterion(rng, k)));
    // Members in a random order, sometimes.
    if (rng.chance(0.3)) {
        const e = rng.shuffle(Object.entries(m));
        return Object.fromEntries(e);
    }
    return m;
}

// A model definition: a seed or a generated one, then changes of its tree
// and of its text.  Returns the text.
function modelText(rng, seeds) {
    let tree = rng.chance(0.4) && seeds.length ? clone(rng.pick(seeds)) : genModel(rng);
    const treeMuts = rng.weighted([[6, 0], [3, 1], [2, 2], [1, () => rng.range(3, 8)]]);
    for (let i = 0; i < treeMuts && tree !== undefined; i++) tree = mutateTree(rng, tree);
    let text = ser(tree === undefined ? {} : tree, rng.pick([0, 1, 1, 2]), rng);
    const textMuts = rng.weighted([[8, 0], [3, 1], [1, 2]]);
    for (let i = 0; i < textMuts; i++) text = mutateText(rng, text);
    return text;
}

// ---------------------------------------------------------------------
// Evidence for a model.
// ---------------------------------------------------------------------

const DATES = [
    '2026-01-01', '2026-01-05', '2026-03-01', '2026-04-01', '2026-04-02', '2025-12-31', '2027-03-01',
    '2026-03-15T10:00:00Z', '2026-04-01T23:30:00-02:00', '2026-09-01T23:00:00-05:00', '2026-01-05 10:00',
    '0001-01-01', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-14:00', '2000-02-29', '1900-02-29',
    '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-5', '01/02/2026', '+2026-01-01', '20260101', '2026-01-05T24:00',
    '2026-01-05T23:59:60', '2026-01-05T10:00:00.1234567', '2026-01-05T10:00+1', '2026-01-05T10:00+0100',
    '2026-01-05T10:00-02', '2026-01-05T10:00Z+01', '294276-12-31', 'infinity', '-infinity', 'epoch', 'today',
];

function ruleValue(rng, rule) {
    const type = typeof rule === 'string' ? rule : (rule && rule.type) || 'grade';
    return rng.weighted([
        [6, () => {
            switch (type) {
                case 'boolean': return rng.pick([true, false, 'yes', 'no', 't', 'f', ' TRUE ', 'of', 'maybe', 1, 0]);
                case 'grade': return rng.pick([rng.range(0, 10), rng.next() * 10, 10, 0, 11, -1, '7.5', ' 8 ', 'yes', true, 'high', new Raw('10.0000000001'), new Raw('-0')]);
                case 'at_least': case 'at_most': case 'between': case 'bands':
                    return rng.pick([rng.range(-10, 100000), String(rng.range(0, 50000)), ' 1e6 ', '1e4', '12,000', 'NaN', true, new Raw(rng.pick(NUM_RAW))]);
                case 'one_of': case 'scale': {
                    const opts = rule && (rule.values || (rule.grades && Object.keys(rule.grades))) || [];
                    return rng.chance(0.6) && opts.length ? (rng.chance(0.5) ? ' ' + String(rng.pick(opts)).toUpperCase() + ' ' : rng.pick(opts))
                        : rng.pick(['owner', 'cfo', 'low', 'high', true, 7, new Raw('1.0'), '']);
                }
                case 'within_days': return rng.chance(0.8) ? rng.pick(DATES) : rng.pick([20260101, true, 'tomorrow']);
                default: return anyValue(rng);
            }
        }],
        [1, null],
        [2, () => anyValue(rng)],
    ]);
}

// A model's criteria as [source, rule] pairs (from a definition tree).
function modelReads(def) {
    const out = [];
    const crit = def && Array.isArray(def.criteria) ? def.criteria : [];
    for (const c of crit) {
        if (!isObj(c)) continue;
        out.push([typeof c.source === 'string' ? c.source : c.key, c.rule]);
    }
    return out;
}

function evidenceTree(rng, reads) {
    const e = {};
    for (const [src, rule] of reads) {
        if (typeof src !== 'string') continue;
        if (rng.chance(0.75)) e[src] = ruleValue(rng, rule);
    }
    for (let i = rng.small(4); i > 0; i--) e[randKey(rng)] = anyValue(rng);
    return e;
}

// Evidence JSON text for a model, mutated like model text.  jsonbSafe:
// the text must stay valid JSON that jsonb reads (for the jsonb forms):
// no text mutations, no \u0000, no nesting deeper than jsonb's parser allows.
function evidenceText(rng, reads, jsonbSafe) {
    let tree = rng.weighted([
        [12, () => evidenceTree(rng, reads)],
        [1, () => anyValue(rng)],
        [0.3, () => { const o = {}; for (let i = 0; i < 10000; i++) o['k' + i] = i; for (const [s] of reads) if (typeof s === 'string') o[s] = 5; return o; }],
    ]);
    const muts = rng.weighted([[5, 0], [3, 1], [1, 3]]);
    for (let i = 0; i < muts && tree !== undefined; i++) tree = mutateTree(rng, tree);
    let text = ser(tree === undefined ? null : tree, rng.pick([0, 1, 2]), rng);
    if (jsonbSafe) {
        // Keep jsonb's own input from failing on what only lead_qual's parser should see.
        if (!jsonbOk(text)) text = ser(evidenceTree(rng, reads), 1);
        if (!jsonbOk(text)) text = '{}';
        return text;
    }
    const tm = rng.weighted([[6, 0], [3, 1], [1, 2]]);
    for (let i = 0; i < tm; i++) text = mutateText(rng, text);
    return text;
}

const AS_OF = [
    null, 'infinity', '-infinity', '294276-12-31 23:59:59.999999+00', '294276-12-31 23:59:59+00',
    '4714-11-24 00:00:00+00 BC', '2026-01-01 12:00+00', '2026-01-01', '2026-04-01 23:59:59.999999+00',
    '1970-01-01 00:00:00+00', '2000-02-29 23:59:59.999999-12', '2026-06-30 00:00:00+14', '0001-01-01 00:00:00+00',
    '0001-12-31 23:59:59+00 BC', '9999-12-31 23:59:59+00', '2026-03-08 02:30:00 America/New_York',
];
function asOf(rng) {
    return rng.weighted([[8, () => rng.pick(AS_OF)], [2, () => {
        const d = new Date(Date.UTC(2000, rng.int(12), rng.range(1, 28)));
        d.setUTCFullYear(rng.range(1, 9999));      // Date.UTC maps years 0-99 to 1900-1999
        return d.toISOString();
    }]]);
}

const LANGS = [null, 'en', 'nl', 'es', 'fr', 'EN', '', ' ', 'pt-br', 'x'.repeat(100), '😀', 'e\u0301'];

// ---------------------------------------------------------------------
// Engagement rules and events.
// ---------------------------------------------------------------------

const KIND_NAMES = [
    'web_visit', 'demo_request', 'email_reply', 'unsubscribe', 'job_seeker', 'pricing_page_visit', 'email_open',
    'competitor', 'Web_Visit', ' web_visit', 'web_visit ', '😀', 'מבקר', 'e\u0301', '\u200b', 'a'.repeat(100), 'a'.repeat(101),
    'é'.repeat(50), 'é'.repeat(51), 'x', '-', '0', 'null', '\u0001', 'tab\there', 'new\nline',
];

function genRules(rng) {
    const r = {};
    if (rng.chance(0.2)) r.name = rng.chance(0.9) ? validName(rng) : randName(rng);
    if (rng.chance(0.2)) r.description = rng.chance(0.8) ? randText(rng, 20) : lenStr(rng);
    const num = (lo, hi) => rng.weighted([[6, () => lo + rng.next() * (hi - lo)], [2, () => rng.range(Math.ceil(lo), Math.floor(hi))], [1, null], [1, () => randNumber(rng)]]);
    if (rng.chance(0.6)) r.half_life_days = num(0, 400);
    if (rng.chance(0.4)) r.cap = num(-100, 1000);
    if (rng.chance(0.3)) r.floor = num(-1000, 50);
    if (rng.chance(0.3)) r.unknown_kinds = rng.weighted([[5, () => rng.pick(['ignore', 'error'])], [1, () => randString(rng)]]);
    const n = rng.weighted([[10, () => rng.range(1, 8)], [1, () => rng.pick([0, 199, 200, 201, 10000])]]);
    const kinds = {};
    for (let i = 0; i < n; i++) {
        const name = rng.weighted([
            [6, () => rng.pick(KIND_NAMES.slice(0, 15)) + (i > 14 ? i : '')],
            [1, () => rng.pick(KIND_NAMES) + (i > 20 ? i : '')],
            [1, () => randText(rng, rng.range(0, 10)) || 'k'],
        ]);
        const pts = rng.weighted([[6, () => rng.range(-60, 60)], [2, () => (rng.next() - 0.5) * 2e6], [1, () => randNumber(rng)]]);
        if (rng.chance(0.4)) kinds[name] = pts;
        else {
            const k = { points: pts };
            if (rng.chance(0.5)) k.cap = num(0, 1e6);
            if (rng.chance(0.3)) k.half_life_days = num(0, 36601);
            kinds[name] = k;
        }
    }
    r.kinds = kinds;
    return rng.chance(0.3) ? Object.fromEntries(rng.shuffle(Object.entries(r))) : r;
}

function rulesText(rng, seeds) {
    let tree = rng.chance(0.3) && seeds.length ? clone(rng.pick(seeds)) : genRules(rng);
    const treeMuts = rng.weighted([[6, 0], [3, 1], [2, 2], [1, () => rng.range(3, 6)]]);
    for (let i = 0; i < treeMuts && tree !== undefined; i++) tree = mutateTree(rng, tree);
    let text = ser(tree === undefined ? {} : tree, rng.pick([0, 1, 2]), rng);
    const tm = rng.weighted([[8, 0], [3, 1], [1, 2]]);
    for (let i = 0; i < tm; i++) text = mutateText(rng, text);
    return text;
}

const TIMES = [
    null, 'infinity', '-infinity', '2026-06-30 00:00:00+00', '2026-06-29 23:00:00+00', '2026-06-30 00:00:01+00',
    '2026-01-01 00:00:00+00', '2025-06-30 00:00:00+00', '1970-01-01 00:00:00+00', '4714-11-24 00:00:00+00 BC',
    '294276-12-31 23:59:59.999999+00', '0001-01-01 00:00:00+00', '2026-06-30 00:00:00.000001+00',
];
function eventTime(rng) {
    return rng.weighted([[6, () => rng.pick(TIMES)], [4, () => new Date(Date.UTC(2026, 5, 30) - rng.int(400 * 86400) * 1000).toISOString()]]);
}

// ---------------------------------------------------------------------
// Aggregate states (text form).
// ---------------------------------------------------------------------

const STATE_TIMES = [
    '2026-01-05 08:00:00.123456+00', '2026-01-05 08:00:00+00', 'infinity', '-infinity', '4714-11-24 00:00:00+00 BC',
    '294276-12-31 23:59:59.999999+00', '0001-01-01 00:00:00+00', '0001-12-31 23:59:59.999999+00 BC',
    '2026-01-05 10:00:00+01', '2026-01-05T08:00:00+00', '2026-01-05 08:00:00', 'now', 'today', 'epoch',
    '2026-02-30 00:00:00+00', '2026-01-05 08:00:00.1234567+00', '2026-01-05 08:00:00.100000+00', '294277-01-01 00:00:00+00',
    '4714-11-23 00:00:00+00 BC', '',
];

function genTouchState(rng, models) {
    const kind = rng.weighted([[5, 'fold'], [4, 'qualify'], [1, () => randString(rng)]]);
    const s = { version: rng.chance(0.95) ? 1 : randNumber(rng), kind };
    let reads = null;
    if (kind === 'qualify' && models.length) {
        const m = rng.pick(models);
        s.model = clone(m.stripped);
        reads = m.reads;
        if (rng.chance(0.5)) s.as_of = rng.chance(0.2) ? null : rng.pick(STATE_TIMES);
        else s.latest = rng.chance(0.2) ? null : rng.pick(STATE_TIMES);
    }
    const n = rng.weighted([[8, () => rng.range(0, 6)], [1, () => rng.pick([64, 1000, 10000])]]);
    const entries = [];
    const used = new Set();
    for (let i = 0; i < n; i++) {
        let key = reads && rng.chance(0.8) ? rng.pick(reads) : (i > 10 ? 'k' + i : randKey(rng));
        if (typeof key !== 'string') key = 'k' + i;
        if (used.has(key) && rng.chance(0.9)) continue;
        used.add(key);
        const value = n > 100 ? i : rng.chance(0.9) ? anyValue(rng, 1) : null;
        entries.push([key, rng.chance(0.2) ? null : rng.pick(STATE_TIMES), value]);
    }
    s.entries = rng.chance(0.5) ? entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : entries;
    return s;
}

function genEngagementState(rng) {
    const sums = [];
    const n = rng.weighted([[8, () => rng.range(0, 5)], [1, () => rng.pick([200, 201, 202, 1000])]]);
    const dec = () => rng.weighted([
        [5, () => String(Math.round((rng.next() - 0.3) * 1e6) / rng.pick([1, 1024, 268435456]))],
        [2, () => rng.pick(['0', '-0', '1', '0.5', '1e3', '1E-3', '34359738367', '34359738368', '-34359738368',
            '34359738367.99999999627470970153808594', '0.0000000037252902984619140625', '0.00000000372529029846191406',
            HUNDRED_DIGITS, '1.' + HUNDRED_DIGITS, 'NaN', 'Infinity', '', ' 1', '1 ', '+1', '0x1', '.5', '5.'])],
        [1, () => randNumber(rng)],
    ]);
    for (let i = 0; i < n; i++) {
        sums.push({ capped_kind: rng.weighted([[6, () => rng.range(0, 20)], [1, () => randNumber(rng)]]), cap: rng.weighted([[5, () => rng.range(0, 100)], [1, null], [1, () => randNumber(rng)]]), sum: dec() });
    }
    return {
        version: rng.chance(0.95) ? 1 : randNumber(rng),
        rules: rng.weighted([[5, () => rng.pick(['998f1671', '00000000', 'ffffffff'])], [2, () => rng.u32().toString(16).padStart(8, '0')], [1, () => randString(rng)]]),
        events: rng.weighted([[6, () => rng.range(0, 10)], [1, () => randNumber(rng)]]),
        not_counted: rng.weighted([[6, () => rng.range(0, 10)], [1, () => randNumber(rng)]]),
        cap: rng.weighted([[3, null], [3, () => rng.range(-100, 1000)], [1, () => randNumber(rng)]]),
        floor: rng.weighted([[3, null], [3, () => rng.range(-1000, 100)], [1, () => randNumber(rng)]]),
        sums,
    };
}

// Scores as a lead_qual.auc_state's text may hold them: what its output
// writes (the shortest decimal of a double, the infinities as strings),
// and what it must refuse (other spellings, -0, NaN, out of range).
const AUC_SCORES = ['0', '1', '-1', '0.5', '0.25', '0.1', '0.3', '0.29999999999999993', '-2.5', '1e+300', '-1e+300',
    '5e-324', '-5e-324', '1.7976931348623157e+308', '-1.7976931348623157e+308', '2.2250738585072014e-308', '1e-07',
    '100', '99.5', '100000000000000', '1e+15', '1e+16', '"Infinity"', '"-Infinity"', '"NaN"', '-0', '0.50', '1E2',
    '1e999', '1e-400', '1e15', '1e-7', '.5', 'null', 'true', '"0.5"', '[]'];
const AUC_COUNTS = ['9223372036854775807', '9223372036854775806', '9223372036854775808', '4611686018427387904', '-1',
    '01', '1.0', '1e3', '0', '-0', HUNDRED_DIGITS, '"1"', 'null'];

// A lead_qual.auc_state as a tree: bins [score, won, lost], mostly rising
// scores and small counts, with edge values among them.
function genAucState(rng) {
    const n = rng.weighted([[8, () => rng.range(0, 8)], [1, () => rng.range(9, 300)]]);
    const count = () => rng.weighted([[10, () => rng.range(0, 4)], [1, () => new Raw(rng.pick(AUC_COUNTS))], [0.3, () => randNumber(rng)]]);
    let x = rng.range(-40, 40) / 4;
    const bins = [];
    for (let i = 0; i < n; i++) {
        const score = rng.weighted([
            [8, () => { x += rng.pick([0.25, 0.5, 1, 2, 7]); return new Raw(String(x)); }],
            [2, () => new Raw(rng.pick(AUC_SCORES))],
            [0.5, () => randNumber(rng)],
        ]);
        const bin = [score, count(), count()];
        if (bin[1] === 0 && bin[2] === 0 && rng.chance(0.9)) bin[2] = 1;    // a bin counts a row
        bins.push(rng.chance(0.02) ? bin.slice(0, rng.int(4)) : bin);
    }
    if (rng.chance(0.1)) rng.shuffle(bins);
    return {
        version: rng.chance(0.95) ? 1 : randNumber(rng),
        shift: rng.weighted([[10, 0], [1, () => rng.range(1, 50)], [0.3, () => randNumber(rng)]]),
        bins,
    };
}

// A state text: a real one or a generated one, then changes of its tree
// and text (real: from the seeds; trees: parsed with JSON.parse, which is
// exact for the states' integers and keeps the decimal sums as strings).
function stateText(rng, realTexts, genTree) {
    let tree;
    if (rng.chance(0.5) && realTexts.length) {
        const t = rng.pick(realTexts);
        if (rng.chance(0.3)) {
            let text = t;
            for (let i = rng.range(1, 2); i > 0; i--) text = mutateText(rng, text);
            return text;
        }
        tree = JSON.parse(t);
    } else tree = genTree();
    const muts = rng.weighted([[3, 0], [4, 1], [2, 2], [1, 4]]);
    for (let i = 0; i < muts && tree !== undefined; i++) tree = mutateTree(rng, tree);
    let text = ser(tree === undefined ? {} : tree, rng.pick([0, 1, 1, 2]), rng);
    if (rng.chance(0.2)) text = mutateText(rng, text);
    return text;
}

// ---------------------------------------------------------------------
// learn(): fit states, fit specs, options, goals and templates.
// ---------------------------------------------------------------------

// The sums a lead_qual.fit_state of K bins holds: K + K(K+1)/2.
function fitSums(k) { return k + k * (k + 1) / 2; }

// A 128-bit sum as 32 hexadecimal digits (two's complement), mostly small
// values of either sign, the edges, now and then a malformed one.
const HEX_EDGES = ['00000000000000000000000000000000', 'ffffffffffffffffffffffffffffffff', '7fffffffffffffffffffffffffffffff',
    '80000000000000000000000000000000', '00000000000000010000000000000000', 'fffffffffffffffeffffffffffffffff'];
function hex128(rng) {
    return rng.weighted([
        [8, () => {
            let v = BigInt(rng.range(-5e6, 5e6)) * BigInt(rng.pick([1, 4294967296, 1000]));
            if (v < 0n) v += 1n << 128n;
            return v.toString(16).padStart(32, '0');
        }],
        [2, () => rng.pick(HEX_EDGES)],
        [0.3, () => rng.pick(['', '0', '0'.repeat(31), '0'.repeat(33), 'F'.repeat(32), 'g'.repeat(32), ' ' + '0'.repeat(31),
            '-' + '0'.repeat(31), '0x' + '0'.repeat(30), '0'.repeat(16) + '\u00e9' + '0'.repeat(15)])],
    ]);
}

// A lead_qual.fit_state as a tree: {"version", "bins", "spec", "rows",
// "loglik", "sums"} (the sums' 32 digits each one after the other in a
// string), mostly whole (K bins and K + K(K+1)/2 sums), with K at
// the limits (511, 512) and beyond, a sum too many or too few, and values
// of the wrong type.
function genFitState(rng) {
    const k = rng.weighted([[10, () => rng.range(1, 12)], [1, () => rng.pick([0, -1, 511, 512, 513, 100000, 2147483648])], [0.3, () => randNumber(rng)]]);
    const kn = typeof k === 'number' && k >= 1 && k <= 512 ? k : rng.range(1, 4);
    const n = fitSums(kn) + rng.weighted([[12, 0], [1, -1], [1, 1], [0.3, () => -fitSums(kn)]]);
    const s = {
        version: rng.chance(0.95) ? 1 : rng.weighted([[1, () => randNumber(rng)], [1, '1'], [1, 2]]),
        bins: k,
        spec: rng.weighted([[8, () => rng.u32().toString(16).padStart(8, '0')], [1, () => rng.pick(['', '0', 'ABCDEF01', '123456789', 'xyzxyzxy', '-0000001'])], [0.5, () => randNumber(rng)]]),
        rows: rng.weighted([[8, () => rng.range(0, 5000)], [1, () => new Raw(rng.pick(['9223372036854775807', '9223372036854775808', '-1', '1.0', '1e3', '0', '-0']))]]),
        loglik: hex128(rng),
        // the sums one after the other in one string; now and then an array or a number
        sums: rng.weighted([
            [20, () => Array.from({ length: Math.max(n, 0) }, () => hex128(rng)).join('')],
            [1, () => Array.from({ length: Math.max(n, 0) }, () => hex128(rng))],
            [0.3, () => randNumber(rng)],
        ]),
    };
    if (rng.chance(0.3)) return Object.fromEntries(rng.shuffle(Object.entries(s)));
    return s;
}

// The bins a fit spec's criterion has (fit_spec.h), or null when it is not
// a criterion the spec reads.
function fitSpecBins(c) {
    if (!isObj(c)) return null;
    switch (c.kind) {
        case 'values': return Array.isArray(c.values) ? 2 + c.values.length : null;
        case 'bands': return Array.isArray(c.cuts) ? 2 + c.cuts.length : null;
        case 'boolean': case 'graded': return 3;
        default: return null;
    }
}
// K of a spec: the intercept and every criterion's bins (null when unknown).
function fitSpecK(spec) {
    if (!isObj(spec) || !Array.isArray(spec.criteria)) return null;
    let k = 1;
    for (const c of spec.criteria) {
        const b = fitSpecBins(c);
        if (b === null) return null;
        k += b;
    }
    return k;
}

const FIT_RULES = ['{"type": "at_least", "value": 10}', '{"type": "one_of", "values": ["web", "referral"]}', '"boolean"',
    '{"type": "within_days", "days": 90}', '{"type": "bands", "cuts": [1, 2], "grades": [0, 5, 10]}', '{"type": "grade", "pass": 7}',
    '{"type": "scale", "grades": {"gold": 10, "silver": 5}}', '{"type": "nope"}', '', '{', '[]'];

// A fit spec (fit_spec.h) over the given sources: [name, kind the column
// suits].  Mostly valid; sometimes a bad kind, cuts out of order, repeated
// or not finite, value lists huge or repeated after folding, a source too
// long, fields missing or unknown.
function genFitSpec(rng, sources, clean = false) {
    if (clean) return cleanFitSpec(rng, sources);
    const n = rng.weighted([[10, () => rng.range(1, 4)], [1, () => rng.pick([0, 64, 65])]]);
    const criteria = [];
    for (let i = 0; i < n; i++) {
        const [source, suits] = rng.pick(sources);
        const kind = rng.weighted([[8, suits], [3, () => rng.pick(['values', 'bands', 'boolean', 'graded'])], [0.5, () => randString(rng)]]);
        const c = { source: rng.weighted([[12, source], [1, () => rng.pick(['', 'x'.repeat(63), 'x'.repeat(64), 'no_such_column', 'Channel'])], [0.3, () => randString(rng)]]), kind };
        if (kind === 'values' || rng.chance(0.05)) {
            const nv = rng.weighted([[8, () => rng.range(0, 6)], [1, () => rng.pick([255, 256, 300, 600])]]);
            const vals = new Set();
            for (let j = 0; j < nv * 2 && vals.size < nv; j++) {
                vals.add(nv > 20 ? 'v' + j : rng.weighted([[6, () => rng.pick(['referral', 'web', 'event', 'partner', 'gold', 'silver', 'v1', 'v2', 'true', 'false', '1'])],
                    [1, () => rng.pick([' Web ', 'WEB', '', '  ', 'x'.repeat(200), 'x'.repeat(201)])], [1, () => randString(rng)]]));
            }
            c.values = [...vals];
        }
        if (kind === 'bands' || rng.chance(0.05)) {
            const nc = rng.weighted([[8, () => rng.range(0, 6)], [1, () => rng.pick([255, 256])]]);
            let x = rng.weighted([[4, () => rng.range(-100, 100)], [1, -1e308], [1, () => rng.next()]]);
            const cuts = [];
            for (let j = 0; j < nc; j++) {
                cuts.push(x);
                x += rng.weighted([[8, () => rng.range(1, 50)], [1, () => rng.next()], [1, 5e-324], [0.3, 0], [0.3, -1]]);
            }
            if (rng.chance(0.05)) rng.shuffle(cuts);
            if (rng.chance(0.05) && cuts.length) cuts[rng.int(cuts.length)] = randNumber(rng);
            c.cuts = cuts;
        }
        if (kind === 'graded' || rng.chance(0.03)) c.rule = rng.chance(0.9) ? rng.pick(FIT_RULES) : anyValue(rng);
        criteria.push(c);
    }
    const spec = { version: rng.chance(0.97) ? 1 : rng.pick([2, 0, '1', 1.0, new Raw('1.0'), null]), criteria };
    if (rng.chance(0.3)) spec.as_of_day = rng.weighted([[6, () => rng.range(9000, 10000)], [1, () => rng.pick([null, -100000000, 100000000, 100000001, 1.5, '9500'])]]);
    if (rng.chance(0.03)) spec[randKey(rng)] = anyValue(rng);
    return spec;
}

// A valid spec: each source read as the kind it suits, distinct values,
// rising cuts, a rule that reads its source.
const CLEAN_RULES = { bands: ['{"type": "at_least", "value": 40}', '{"type": "between", "min": 1, "max": 50}', '"grade"'],
    values: ['{"type": "one_of", "values": ["web", "gold", "m1"]}'], boolean: ['"boolean"'], date: ['{"type": "within_days", "days": 90, "direction": "either"}'] };
function cleanFitSpec(rng, sources) {
    const criteria = rng.shuffle(sources.slice()).slice(0, rng.range(1, 4)).map(([source, suits]) => {
        const kind = suits === 'date' || rng.chance(0.2) ? 'graded' : suits;
        const c = { source, kind };
        if (kind === 'values') c.values = rng.shuffle(['referral', 'web', 'event', 'partner', 'gold', 'silver', 'v1', 'v2', 'm1', '0', 'true']).slice(0, rng.range(0, 6));
        if (kind === 'bands') {
            let x = rng.range(-10, 50);
            c.cuts = Array.from({ length: rng.range(1, 8) }, () => (x += rng.range(1, 40)));
        }
        if (kind === 'graded') c.rule = rng.pick(CLEAN_RULES[suits]);
        return c;
    });
    const spec = { version: 1, criteria };
    if (rng.chance(0.3)) spec.as_of_day = rng.range(9000, 10000);
    return spec;
}

// Coefficients for a spec of K bins (null: not known): mostly K small
// finite numbers, sometimes one too many or few, NaN, infinities, NULL
// elements, two dimensions.
function fitCoefficients(rng, k, clean = false) {
    const kk = k === null ? rng.range(1, 12) : k;
    const n = kk + (clean ? 0 : rng.weighted([[14, 0], [1, -1], [1, 1], [0.2, -kk]]));
    const num = () => rng.weighted([[10, () => Math.round((rng.next() - 0.5) * 40) / 10], [1, () => rng.pick([0, -0, 1e300, -1e300, 5e-324, 40, -40, 41])],
        [clean ? 0 : 0.2, () => rng.pick(['NaN', 'Infinity', '-Infinity', null])]]);
    const a = Array.from({ length: Math.max(n, 0) }, num);
    if (!clean && rng.chance(0.02) && a.length >= 2) return [a.slice(0, 1), a.slice(1, 2)];
    return a;
}

// learn()'s options: the documented fields with values in and out of their
// ranges, now and then an unknown field or not an object.
function genLearnOptions(rng, columns, learning = true, clean = false) {
    if (clean) return cleanLearnOptions(rng, learning);
    const o = {};
    const num = (lo, hi) => rng.weighted([[6, () => lo + rng.next() * (hi - lo)], [2, () => rng.range(Math.ceil(lo), Math.floor(Math.min(hi, 1e6)))],
        [1, () => rng.pick([lo, hi, lo - 1, hi + 1, -0, 0.5, 1e308, -1e308])], [0.5, () => randNumber(rng)], [0.3, () => randString(rng)]]);
    const col = () => rng.weighted([[8, () => rng.pick(columns)], [1, () => rng.pick(['no_such_column', '', 'ctid', 'x'.repeat(64)])], [0.3, () => anyValue(rng)]]);
    if (learning) {
        if (rng.chance(0.2)) o.name = rng.weighted([[6, () => validName(rng)], [1, () => randName(rng)], [0.3, () => anyValue(rng)]]);
        if (rng.chance(0.1)) o.label = rng.weighted([[6, () => randText(rng, 20)], [1, () => lenStr(rng)], [0.3, () => anyValue(rng)]]);
        if (rng.chance(0.3)) o.regularization = num(0, 1e6);
        if (rng.chance(0.3)) o.bands = rng.weighted([[6, () => rng.range(2, 20)], [1, () => rng.pick([1, 2, 256, 257, 2.5])], [0.5, () => num(2, 256)]]);
        if (rng.chance(0.3)) o.min_rows = rng.weighted([[6, () => rng.range(1, 40)], [1, () => rng.pick([0, 1, 1000000000, 1000000001, 1.5])]]);
        if (rng.chance(0.2)) o.leak_auc = num(0.5, 1);
        if (rng.chance(0.3)) o.noise = rng.weighted([[6, () => rng.next() * 4], [1, () => num(0, 1e6)]]);
        if (rng.chance(0.2)) o.keep = rng.weighted([[6, () => Array.from({ length: rng.range(0, 3) }, col)], [1, () => anyValue(rng)]]);
    }
    if (rng.chance(0.4)) o.goal = genGoal(rng);
    if (rng.chance(0.15)) o.weight = col();
    if (rng.chance(0.15)) o.evidence = col();
    if (rng.chance(0.3)) o.as_of = rng.weighted([[6, () => rng.pick(['2026-01-01', '2026-01-01 00:00:00+00', '2000-02-29'])],
        [1, () => rng.pick(['infinity', '-infinity', 'someday', '294277-01-01', '4714-11-24 00:00:00+00 BC', ''])], [0.3, () => anyValue(rng)]]);
    if (rng.chance(0.05)) o[rng.pick(['band', 'goals', 'Name', 'as_of_day', 'criteria'])] = anyValue(rng);
    if (rng.chance(0.1)) return Object.fromEntries(rng.shuffle(Object.entries(o)));
    return rng.chance(0.03) ? anyValue(rng) : o;
}

// Options that are all valid (weights from a numeric column of
// fz.won_lost without negative or infinite values).
function cleanLearnOptions(rng, learning) {
    const o = {};
    if (learning) {
        if (rng.chance(0.2)) o.name = validName(rng);
        if (rng.chance(0.1)) o.label = randText(rng, 20);
        if (rng.chance(0.3)) o.regularization = rng.pick([0.01, 0.5, 1, 3, 100]);
        if (rng.chance(0.3)) o.bands = rng.pick([2, 3, 5, 10, 20, 256]);
        if (rng.chance(0.3)) o.min_rows = rng.pick([1, 2, 5, 20, 50, 1000]);
        if (rng.chance(0.2)) o.leak_auc = rng.pick([0.5, 0.6, 0.8, 0.95, 1]);
        if (rng.chance(0.3)) o.noise = rng.pick([0, 0.5, 1, 2, 4]);
        if (rng.chance(0.2)) o.keep = rng.shuffle(['channel', 'budget', 'flag', 'tier', 'score', 'Channel', 'many']).slice(0, rng.range(0, 3));
    }
    if (rng.chance(0.4)) o.goal = rng.pick(['f1', { precision: rng.next() }, { top: 0.01 + rng.next() * 0.99 }, { precision: 1 }, { top: 1 }, { precision: 0 }]);
    if (rng.chance(0.2)) o.weight = rng.pick(['amount', 'w', 'small', '1st', 'w_inf', 'w_neg']);
    if (rng.chance(0.3)) o.as_of = rng.pick(['2026-01-01', '2026-01-01 00:00:00+00', '2000-02-29', 'infinity', '-infinity']);
    return o;
}

// A goal of choose_thresholds(): "f1", {"precision": p}, {"top": share},
// with values at and beyond the edges, and what is none of these.
function genGoal(rng) {
    const share = () => rng.weighted([[6, () => rng.next()], [2, () => rng.pick([0, 1, 1e-12, 0.999999999999, 1.000001, -0, -0.1, 5e-324])], [0.5, () => randNumber(rng)]]);
    return rng.weighted([
        [3, 'f1'],
        [3, () => ({ precision: share() })],
        [3, () => ({ top: share() })],
        [1, () => rng.pick(['recall', 'F1', '', { precision: 0.5, top: 0.5 }, {}, { recall: 0.5 }, [], null])],
        [0.3, () => anyValue(rng)],
    ]);
}

// A template model over the given columns ([name, kind the column suits]):
// criteria whose rules compare numbers on number columns and values on
// text columns, mostly; knockouts, unknown grades, descriptions and
// questions kept; now and then a rule that cannot read its column.
function genTemplate(rng, columns, clean = false) {
    if (clean) return cleanTemplate(rng, columns);
    const n = rng.weighted([[10, () => rng.range(1, 5)], [1, () => rng.pick([0, 64, 65])]]);
    const m = { name: rng.chance(0.9) ? validName(rng) : randName(rng) };
    if (rng.chance(0.3)) m.label = randText(rng, 12);
    if (rng.chance(0.2)) m.description = localized(rng, false);
    if (rng.chance(0.2)) m.min_met = rng.range(0, n);
    if (rng.chance(0.2)) m.calibration = { intercept: (rng.next() - 0.5) * 10, slope: rng.next() / 10 };
    m.criteria = [];
    const used = new Set();
    for (let i = 0; i < n; i++) {
        const [source, suits] = rng.pick(columns);
        let key = (rng.chance(0.5) ? source.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z_]+/, '') : '') || 'c' + i;
        if (used.has(key)) key += '_' + i;
        used.add(key);
        const c = { key };
        if (key !== source) c.source = source;
        let type = suits === 'bands' ? rng.pick(['at_least', 'at_most', 'between', 'bands', 'grade'])
            : suits === 'values' ? rng.pick(['one_of', 'scale']) : suits === 'boolean' ? 'boolean' : 'within_days';
        if (rng.chance(0.1)) type = rng.pick(RULE_TYPES);
        const r = genRule(rng);
        c.rule = typeof r === 'string' || r.type === type ? r : genRuleOfType(rng, type);
        if (rng.chance(0.2)) c.knockout = true;
        if (rng.chance(0.2)) c.unknown_grade = rng.range(0, 10);
        if (rng.chance(0.2)) c.questions = localized(rng, true);
        if (rng.chance(0.3)) c.weight = rng.range(0, 5);
        m.criteria.push(c);
    }
    return m;
}
// A valid template: distinct keys, each rule of a kind its column suits.
function cleanTemplate(rng, columns) {
    const m = { name: validName(rng), criteria: [] };
    const cols = rng.shuffle(columns.slice()).slice(0, rng.range(1, Math.min(5, columns.length)));
    cols.forEach(([source, suits], i) => {
        const c = { key: 'c' + i, source };
        switch (suits) {
            case 'bands': c.rule = rng.pick([{ type: 'at_least', value: rng.range(0, 100) }, { type: 'at_most', value: rng.range(0, 100) },
                { type: 'between', min: 10, max: 90 }, { type: 'bands', cuts: [10, 50], grades: [0, 5, 10] }, 'grade']); break;
            case 'values': c.rule = rng.pick([{ type: 'one_of', values: ['referral', 'gold', 'v1', 'm1'] }, { type: 'scale', grades: { web: 3, event: 7, silver: 5, gold: 10 }, default: null }]); break;
            case 'boolean': c.rule = 'boolean'; break;
            default: c.rule = { type: 'within_days', days: 90, direction: 'either' };
        }
        if (rng.chance(0.15)) c.knockout = true;
        if (rng.chance(0.2)) c.unknown_grade = rng.range(0, 10);
        if (rng.chance(0.2)) c.questions = { en: ['Why?'], nl: 'Waarom?' };
        if (rng.chance(0.2)) c.label = 'Label ' + i;
        m.criteria.push(c);
    });
    if (rng.chance(0.3)) m.description = { en: 'A template', es: 'Una plantilla' };
    return m;
}
function genRuleOfType(rng, type) {
    for (let i = 0; i < 20; i++) {
        const r = genRule(rng);
        if ((typeof r === 'string' ? r : r.type) === type) return r;
    }
    return type === 'boolean' || type === 'grade' ? type : { type: 'at_least', value: 1 };
}

// ---------------------------------------------------------------------
// Readiness thresholds and next_action configs (jsonb: valid JSON only).
// ---------------------------------------------------------------------

function genThresholds(rng) {
    const t = {};
    const tier = () => rng.weighted([[6, () => rng.pick(['A', 'B', 'C', 'D'])], [1, () => rng.pick(['E', 'a', '', ' A', 'AB', null, 1])]]);
    const num = () => rng.weighted([[6, () => rng.range(-100, 200)], [2, () => rng.next() * 100], [1, () => randNumber(rng)]]);
    if (rng.chance(0.6)) {
        const b = [num(), num(), num()];
        if (rng.chance(0.6)) b.sort((x, y) => (typeof x === 'number' && typeof y === 'number' ? y - x : 0));
        t.bands = rng.chance(0.9) ? b : b.slice(0, rng.int(5));
    }
    if (rng.chance(0.5)) { t.mql = {}; if (rng.chance(0.7)) t.mql.fit = tier(); if (rng.chance(0.7)) t.mql.engagement = num(); }
    if (rng.chance(0.5)) { t.sql = {}; if (rng.chance(0.8)) t.sql.fit = tier(); }
    return t;
}

function genConfig(rng) {
    const c = {};
    const days = () => rng.weighted([[6, () => rng.range(0, 400)], [1, () => rng.pick([36600, 36601, -1, 1.5, 0])], [1, () => randNumber(rng)], [0.5, null]]);
    if (rng.chance(0.5)) c.ask_days = days();
    if (rng.chance(0.5)) { c.nurture_days = {}; for (const k of ['A', 'B', 'C', 'D']) if (rng.chance(0.5)) c.nurture_days[k] = days(); }
    if (rng.chance(0.5)) c.drop_days = days();
    return c;
}

// Whether jsonb's own input reads the text, so that a jsonb parameter
// reaches lead_qual instead of failing in PostgreSQL's parser: valid JSON
// (JSON.parse agrees with PostgreSQL on syntax), no \u0000 or surrogate
// escapes (which jsonb refuses), nesting well below the stack limit.
function jsonbOk(text) {
    if (/\\u0000|\\u[dD][89a-fA-F]/.test(text)) return false;
    try { JSON.parse(text); } catch (e) { return false; }
    let depth = 0, max = 0, inStr = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inStr) {
            if (c === '\\') i++;
            else if (c === '"') inStr = false;
        } else if (c === '"') inStr = true;
        else if (c === '[' || c === '{') { if (++depth > max) max = depth; }
        else if (c === ']' || c === '}') depth--;
    }
    return max <= 1000;
}

// A jsonb-safe JSON text from a generated tree with a few tree changes, or
// null when the changes made something jsonb does not read.
function jsonbText(rng, tree, maxMuts = 3) {
    const muts = rng.weighted([[4, 0], [3, 1], [2, () => rng.range(2, maxMuts)]]);
    for (let i = 0; i < muts && tree !== undefined; i++) tree = mutateTree(rng, tree);
    const text = ser(tree === undefined ? null : tree, 1);
    return jsonbOk(text) ? text : null;
}

module.exports = {
    Rng, Raw, Pairs, ser, clone, isObj, anyValue, randNumber, randString, randName, validName, randKey, randText, lenStr,
    deepNest, mutateTree, mutateText, genModel, modelText, modelReads, evidenceTree, evidenceText, ruleValue, asOf,
    LANGS, genRules, rulesText, KIND_NAMES, eventTime, genTouchState, genEngagementState, genAucState, stateText, genThresholds,
    genConfig, jsonbText, jsonbOk, approxSize, big, DEPTHS, STATE_TIMES, TIMES, AS_OF, HUNDRED_DIGITS,
    fitSums, genFitState, genFitSpec, fitSpecK, fitCoefficients, genLearnOptions, genGoal, genTemplate,
};
