#!/usr/bin/env bash
# The code keeps the rules doc/hacking.md sets out, checked on the built
# objects (test/run builds them first):
#  - SQL-callable C functions are named lq_ + the SQL function's name, and
#    nothing else starts with lq_; every other function a file offers other
#    files is in CamelCase;
#  - no global symbol of lead_qual.so is also one of the server's (the
#    server's would be called instead);
#  - no two source files call each other;
#  - every C name any install or update script uses is in the library, so
#    that databases made by earlier releases and updates from them work.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 - "$(pg_config --bindir)/postgres" <<'PY'
import collections, glob, re, subprocess, sys

def nm(path, *opts):
    out = subprocess.run(['nm', *opts, path], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()]

problems = []
objs = sorted(glob.glob('src/*.o') + glob.glob('src/*/*.o'))
if len(objs) < 20:
    sys.exit(f'only {len(objs)} objects under src/: build first')

defined = {}                       # global symbol -> object
uses = collections.defaultdict(set)
for o in objs:
    for f in nm(o):
        if len(f) == 3 and f[1] in 'TDRB':
            defined[f[2]] = o
        elif len(f) == 2 and f[0] == 'U':
            uses[o].add(f[1])

# naming
functions = {s for s, o in defined.items() if not s.startswith('pg_finfo_')}
for s in sorted(functions):
    if s in ('Pg_magic_func', '_PG_init'):
        continue
    sql = ('pg_finfo_' + s) in defined
    if s.startswith('lq_') and not sql:
        problems.append(f'{s} ({defined[s]}) starts with lq_ but is not SQL-callable')
    elif sql and not s.startswith('lq_'):
        problems.append(f'{s} ({defined[s]}) is SQL-callable but does not start with lq_')
    elif not s.startswith('lq_') and not re.match(r'[A-Z][A-Za-z0-9]*$', s):
        problems.append(f'{s} ({defined[s]}) is offered to other files but not in CamelCase')

# clashes with the server
server = {f[2] for f in nm(sys.argv[1], '-D', '--defined-only') if len(f) == 3}
library = {f[2] for f in nm('lead_qual.so', '-D', '--defined-only') if len(f) == 3}
for s in sorted(library & server):
    problems.append(f'{s} is defined by both lead_qual.so and the server')

# files calling each other
calls = collections.defaultdict(set)
for o, us in uses.items():
    for u in us:
        if u in defined and defined[u] != o:
            calls[o].add(defined[u])
for a in sorted(calls):
    for b in sorted(calls[a]):
        if a < b and a in calls.get(b, ()):
            problems.append(f'{a} and {b} call each other')

# the C names the scripts use
scripts = sorted(glob.glob('lead_qual--*.sql'))
named = set()
for path in scripts:
    named |= set(re.findall(r"'MODULE_PATHNAME',\s*'(\w+)'", open(path).read()))
for s in sorted(named - library):
    problems.append(f'{s}, used by an extension script, is not in lead_qual.so')

# the current install script: C names follow the SQL names
current = re.search(r"default_version\s*=\s*'([^']+)'", open('lead_qual.control').read()).group(1)
full = open(f'lead_qual--{current}.sql').read()
pairs = re.findall(r"CREATE FUNCTION lead_qual\.(\w+)\((?:[^;]*?)'MODULE_PATHNAME',\s*'(\w+)'", full, re.S)
for sqlname, cname in pairs:
    base = cname[3:]
    # a twin (*_columns) shares its row form's function; overloads that need
    # different C functions add the argument type (model_text, model_jsonb)
    if not (base == sqlname or sqlname.startswith(base + '_') or base.startswith(sqlname + '_')):
        problems.append(f'lead_qual.{sqlname} is implemented by {cname}')

for p in problems:
    print(p)
print(f'{len(objs)} objects, {len(functions)} global functions, {len(pairs)} SQL-callable in '
      f'lead_qual--{current}.sql, {len(named)} C names in {len(scripts)} scripts: '
      f'{len(problems)} problems')
sys.exit(1 if problems else 0)
PY
