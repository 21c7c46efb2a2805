#!/usr/bin/env bash
# Installing lead_qual is safe from an unprivileged user who can create
# objects in the database and in schema public, and the extension's
# functions that run SQL are safe when a superuser calls them with that
# user's schema first on the search_path:
#
#   A. a schema lead_qual created beforehand by that user is refused, not
#      adopted (its owner could otherwise replace the extension's objects);
#   B. functions, operators and types in public that shadow what the
#      scripts and functions use (each records that it ran) never run while
#      the superuser installs the extension, updates it from the oldest
#      version, or calls its functions, triggers, views and aggregates, with
#      search_path = public, pg_catalog (public first, the hostile case) or
#      the default "$user", public;
#   C. the catalog: no SECURITY DEFINER function without a fixed
#      search_path, every SQL and PL/pgSQL function with one, every object
#      owned by the installer, and no CREATE on schema lead_qual for others.
#
# Every problem is reported (FAILED: ...) and the script exits non-zero if
# there was any.  Outputs are in test/out/install_safety/.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=test/out/install_safety
rm -rf "$out"
mkdir -p "$out"
attacker=lq_safety_attacker
dbs=(lq_safety_schema lq_safety_traps)
hostile='-c search_path=public,pg_catalog'
marker='lead_qual-safety trap ran'
problems=0
fail() { echo "FAILED: $*"; problems=$((problems + 1)); }
ok() { echo "ok: $*"; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
    for db in "${dbs[@]}"; do dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $attacker" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql_q -d postgres -c "CREATE ROLE $attacker LOGIN NOSUPERUSER"

# ---------------------------------------------------------------------------
# A. A schema lead_qual that the attacker created first
# ---------------------------------------------------------------------------
createdb lq_safety_schema
psql_q -d lq_safety_schema -c "GRANT CREATE ON DATABASE lq_safety_schema TO $attacker"
psql_q -d lq_safety_schema -U "$attacker" -c "CREATE SCHEMA lead_qual"
if psql_q -d lq_safety_schema -c "CREATE EXTENSION lead_qual" >"$out/schema.out" 2>&1; then
    owner=$(psql_q -d lq_safety_schema -A -t -c \
        "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'lead_qual'")
    fail "CREATE EXTENSION adopted schema lead_qual created beforehand by $attacker (its owner is now $owner)"
    psql_q -d lq_safety_schema -c "DROP EXTENSION lead_qual"
else
    ok "CREATE EXTENSION refuses a schema lead_qual owned by $attacker: $(grep -m1 ERROR "$out/schema.out")"
fi
# The same, with an object already in the schema.
psql_q -d lq_safety_schema -U "$attacker" \
    -c "CREATE FUNCTION lead_qual.model_name(text) RETURNS text LANGUAGE sql AS 'SELECT \$1'"
if psql_q -d lq_safety_schema -c "CREATE EXTENSION lead_qual" >>"$out/schema.out" 2>&1; then
    fail "CREATE EXTENSION adopted schema lead_qual holding a function of $attacker"
    psql_q -d lq_safety_schema -c "DROP EXTENSION lead_qual"
else
    ok "CREATE EXTENSION refuses a schema lead_qual holding an object of $attacker"
fi
# Control: in an empty schema lead_qual that the installer made, the
# extension installs and works (part B installs it without one).
psql_q -d lq_safety_schema -U "$attacker" -c "DROP SCHEMA lead_qual CASCADE" 2>/dev/null
psql_q -d lq_safety_schema -c "CREATE SCHEMA lead_qual" -c "CREATE EXTENSION lead_qual VERSION '0.1.0'"
[ "$(psql_q -d lq_safety_schema -A -t -c "SELECT lead_qual.score('bant', '{\"budget\": true}')")" = 25 ] ||
    fail "the extension does not work in a schema the installer created"
# An unprivileged user can neither update nor drop it, nor install it (it
# is not a trusted extension).
for stmt in "ALTER EXTENSION lead_qual UPDATE" "DROP EXTENSION lead_qual"; do
    if psql_q -d lq_safety_schema -U "$attacker" -c "$stmt" >>"$out/schema.out" 2>&1; then
        fail "$attacker could run: $stmt"
    fi
done
grep -c 'must be owner of extension lead_qual' "$out/schema.out" | grep -qx 2 ||
    fail "$attacker could not update or drop the extension, but not for lack of privilege"
psql_q -d lq_safety_schema -c "DROP EXTENSION lead_qual" -c "DROP SCHEMA lead_qual"
if psql_q -d lq_safety_schema -U "$attacker" -c "CREATE EXTENSION lead_qual" >>"$out/schema.out" 2>&1; then
    fail "$attacker could install the extension"
else
    grep -q 'permission denied to create extension "lead_qual"' "$out/schema.out" ||
        fail "$attacker could not install the extension, but not for lack of privilege"
fi

# ---------------------------------------------------------------------------
# B. Traps in schema public
# ---------------------------------------------------------------------------
createdb lq_safety_traps
psql_q -d lq_safety_traps -c "GRANT CREATE ON DATABASE lq_safety_traps TO $attacker" \
    -c "GRANT CREATE ON SCHEMA public TO $attacker"

# The attacker's traps: each logs that it ran (and who ran it) into
# public.trap_log and raises a WARNING, then does what the original does.
# Shadows of pg_catalog objects with the same signature win when public
# comes first; the "new" signatures (an exact match where pg_catalog has
# only an implicit cast or VARIADIC "any") win wherever public is.
psql_q -d lq_safety_traps -U "$attacker" >"$out/traps.out" <<'SQL'
CREATE TABLE public.trap_log (id bigint GENERATED ALWAYS AS IDENTITY, trap text NOT NULL,
                              fired_by name NOT NULL DEFAULT current_user, step text);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.trap_log TO PUBLIC;
CREATE FUNCTION public.trap(what pg_catalog.text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE WARNING 'lead_qual-safety trap ran: % (as %)', what, current_user;
    BEGIN
        INSERT INTO public.trap_log (trap) VALUES (what);
    EXCEPTION WHEN OTHERS THEN
        NULL;   -- a read-only context: the WARNING is the record
    END;
END
$$;
CREATE FUNCTION public.trap_check(what pg_catalog.text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN PERFORM public.trap(what); RETURN true; END
$$;

-- Functions: name, argument types, and (for new signatures) the result.
CREATE TEMP TABLE wanted (fname text, args text, result text);
INSERT INTO wanted VALUES
  ('now', '', NULL), ('clock_timestamp', '', NULL), ('transaction_timestamp', '', NULL),
  ('statement_timestamp', '', NULL),
  ('lower', 'text', NULL), ('upper', 'text', NULL), ('length', 'text', NULL),
  ('btrim', 'text', NULL), ('replace', 'text, text, text', NULL),
  ('format', 'text', NULL), ('quote_ident', 'text', NULL), ('quote_literal', 'text', NULL),
  ('quote_nullable', 'text', NULL), ('concat_ws', 'text, text, text', 'text'),
  ('format', 'text, text', 'text'), ('format', 'text, name', 'text'),
  ('format', 'text, regclass', 'text'), ('format', 'text, text, text', 'text'),
  ('format', 'text, name, name', 'text'), ('format', 'text, name, text', 'text'),
  ('format', 'text, text, name', 'text'), ('format', 'text, bigint', 'text'),
  ('format', 'text, integer', 'text'), ('format', 'text, regclass, text', 'text'),
  ('format', 'text, text, regclass', 'text'), ('format', 'text, name, regclass, text', 'text'),
  ('format', 'text, text, text, text', 'text'), ('format', 'text, name, text, text, text', 'text'),
  ('jsonb_typeof', 'jsonb', NULL), ('to_jsonb', 'anyelement', NULL), ('to_jsonb', 'text', 'jsonb'),
  ('jsonb_build_object', 'text, text', 'jsonb'), ('jsonb_build_object', 'text, jsonb', 'jsonb'),
  -- (jsonb_strip_nulls(jsonb) is jsonb_strip_nulls(jsonb, boolean DEFAULT false) from 18 on)
  ('jsonb_object_keys', 'jsonb', NULL), ('jsonb_strip_nulls', 'jsonb', 'jsonb'),
  ('current_setting', 'text', NULL), ('current_setting', 'text, boolean', NULL),
  ('set_config', 'text, text, boolean', NULL), ('parse_ident', 'text, boolean', NULL),
  ('array_length', 'anyarray, integer', NULL), ('array_to_string', 'anyarray, text', NULL),
  ('array_to_string', 'text[], text', 'text'), ('string_to_array', 'text, text', NULL),
  ('unnest', 'anyarray', NULL), ('cardinality', 'anyarray', NULL),
  ('to_regclass', 'text', NULL), ('to_regtype', 'text', NULL), ('to_regprocedure', 'text', NULL),
  ('has_table_privilege', 'oid, text', NULL), ('has_table_privilege', 'text, text', NULL),
  ('has_table_privilege', 'regclass, text', 'boolean'),
  ('pg_relation_size', 'regclass', NULL), ('pg_has_role', 'name, text', NULL),
  ('format_type', 'oid, integer', NULL), ('pg_get_userbyid', 'oid', NULL),
  ('current_schema', '', NULL), ('obj_description', 'oid, name', NULL),
  ('nextval', 'regclass', NULL), ('pg_extension_config_dump', 'regclass, text', NULL),
  ('row_to_json', 'record', NULL), ('to_json', 'anyelement', NULL),
  ('pg_advisory_xact_lock', 'bigint', NULL), ('txid_current', '', NULL),
  ('pg_notify', 'text, text', NULL), ('left', 'text, integer', NULL);

-- Operators: name, left and right types.
CREATE TEMP TABLE wanted_ops (op text, l text, r text);
INSERT INTO wanted_ops VALUES
  ('=', 'text', 'text'), ('<>', 'text', 'text'), ('||', 'text', 'text'), ('~~', 'text', 'text'),
  ('<', 'text', 'text'), ('>', 'text', 'text'),
  ('=', 'name', 'name'), ('=', 'name', 'text'), ('=', 'text', 'name'), ('<>', 'name', 'name'),
  ('=', 'integer', 'integer'), ('<>', 'integer', 'integer'), ('<', 'integer', 'integer'),
  ('>', 'integer', 'integer'), ('<=', 'integer', 'integer'), ('>=', 'integer', 'integer'),
  ('+', 'integer', 'integer'), ('-', 'integer', 'integer'), ('*', 'integer', 'integer'),
  ('/', 'integer', 'integer'),
  ('=', 'bigint', 'bigint'), ('<', 'bigint', 'bigint'), ('>=', 'bigint', 'bigint'),
  ('+', 'bigint', 'bigint'), ('/', 'bigint', 'integer'), ('+', 'bigint', 'integer'),
  ('=', 'bigint', 'integer'), ('>=', 'bigint', 'integer'),
  ('=', 'oid', 'oid'), ('<>', 'oid', 'oid'), ('=', 'boolean', 'boolean'),
  ('=', 'double precision', 'double precision'), ('<', 'double precision', 'double precision'),
  ('=', 'jsonb', 'jsonb'), ('||', 'jsonb', 'jsonb'), ('->', 'jsonb', 'text'), ('->>', 'jsonb', 'text'),
  ('->', 'jsonb', 'integer'), ('?', 'jsonb', 'text'), ('-', 'jsonb', 'text'), ('@>', 'jsonb', 'jsonb'),
  ('=', 'tid', 'tid'), ('<', 'tid', 'tid'), ('>=', 'tid', 'tid'),
  ('=', 'timestamptz', 'timestamptz'), ('<', 'timestamptz', 'timestamptz'),
  ('=', 'text[]', 'text[]'), ('=', 'record', 'record'), ('<>', 'record', 'record'),
  ('=', 'smallint', 'smallint'), ('=', 'smallint', 'integer'),
  -- new signatures: no exact match in pg_catalog
  ('=', 'oid', 'regclass'), ('=', 'regclass', 'oid'), ('=', 'oid', 'regtype'),
  ('=', 'oid', 'regprocedure'), ('=', 'regclass', 'regclass'), ('=', 'name', 'character varying'),
  ('||', 'text', 'name'), ('||', 'name', 'text'), ('||', 'text', 'regclass');

DO $gen$
DECLARE
    w record;
    fn regprocedure;
    res text;
    body text;
    n int := 0;
    sig text;
    call text;
BEGIN
    FOR w IN SELECT * FROM wanted LOOP
        n := n + 1;
        IF w.result IS NULL THEN
            fn := to_regprocedure(format('pg_catalog.%I(%s)', w.fname, w.args));
            IF fn IS NULL THEN RAISE EXCEPTION 'no pg_catalog.%(%)', w.fname, w.args; END IF;
            SELECT CASE WHEN p.proretset THEN 'SETOF ' ELSE '' END || format_type(p.prorettype, NULL)
              INTO res FROM pg_proc p WHERE p.oid = fn;
        ELSE
            res := w.result;
        END IF;
        SELECT string_agg(format('a%s', i), ', ' ORDER BY i) INTO call
          FROM generate_series(1, coalesce(array_length(string_to_array(nullif(w.args, ''), ','), 1), 0)) i;
        SELECT string_agg(format('a%s %s', i, t), ', ' ORDER BY i) INTO sig
          FROM unnest(string_to_array(nullif(w.args, ''), ',')) WITH ORDINALITY AS x(t, i);
        call := format('pg_catalog.%I(%s)', w.fname, coalesce(call, ''));
        body := CASE WHEN res LIKE 'SETOF %' THEN format('RETURN QUERY SELECT %s;', call)
                     WHEN res = 'void' THEN format('PERFORM %s;', call)
                     ELSE format('RETURN %s;', call) END;
        EXECUTE format($f$CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql
                          SET search_path = pg_catalog, pg_temp
                          AS $b$BEGIN PERFORM public.trap(%L); %s END$b$$f$,
                       w.fname, coalesce(sig, ''), res, format('%s(%s)', w.fname, w.args), body);
    END LOOP;
    n := 0;
    FOR w IN SELECT * FROM wanted_ops LOOP
        n := n + 1;
        SELECT oprresult::regtype::text INTO res FROM pg_operator
         WHERE oprname = w.op AND oprleft = w.l::regtype AND oprright = w.r::regtype
           AND oprnamespace = 'pg_catalog'::regnamespace;
        res := coalesce(res, CASE WHEN w.op = '||' THEN 'text' ELSE 'boolean' END);
        EXECUTE format($f$CREATE FUNCTION public.trap_op_%s(a %s, b %s) RETURNS %s LANGUAGE plpgsql
                          SET search_path = pg_catalog, pg_temp
                          AS $b$BEGIN PERFORM public.trap(%L); RETURN a OPERATOR(pg_catalog.%s) b; END$b$$f$,
                       n, w.l, w.r, res, format('%s (%s, %s)', w.op, w.l, w.r), w.op);
        EXECUTE format('CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.trap_op_%s)',
                       w.op, w.l, w.r, n);
    END LOOP;
END
$gen$;

-- An aggregate the functions use.
CREATE FUNCTION public.trap_string_agg_step(s text, v text, d text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN PERFORM public.trap('string_agg(text, text)');
      RETURN CASE WHEN s IS NULL THEN v ELSE s || d || v END; END $$;
CREATE AGGREGATE public.string_agg(text, text) (SFUNC = public.trap_string_agg_step, STYPE = text);

-- Types named like built-in ones, as domains whose check runs a trap.
DO $gen$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['text', 'name', 'jsonb', 'json', 'regclass', 'regtype', 'timestamptz',
                             'date', 'tid', 'bool', 'int4', 'int8', 'float8', 'oid', 'varchar'] LOOP
        EXECUTE format('CREATE DOMAIN public.%I AS pg_catalog.%I CHECK (public.trap_check(%L))',
                       t, t, 'type ' || t);
    END LOOP;
END
$gen$;
SELECT count(*) AS functions FROM pg_proc WHERE pronamespace = 'public'::regnamespace;
SELECT count(*) AS operators FROM pg_operator WHERE oprnamespace = 'public'::regnamespace;
-- what the attacker's own statements above ran does not count
DELETE FROM public.trap_log;
SQL
cat "$out/traps.out"

# The traps that ran since the last call, marked with the step; printed.
traps_of() {
    local step=$1
    psql_q -d lq_safety_traps -A -t -F ' | ' <<SQL
UPDATE public.trap_log SET step = '$step' WHERE step IS NULL;
SELECT trap, fired_by, count(*) FROM public.trap_log WHERE step = '$step' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
}
# Run SQL as the superuser with a search_path ("" for the default), and
# check that no trap ran (in the log table or as a WARNING, which also
# covers a trap whose logging was rolled back).
check_step() {
    local step=$1 path=$2 file=$3
    local opts=""
    [ -n "$path" ] && opts="-c search_path=$path"
    if ! PGOPTIONS="$opts" psql_q -d lq_safety_traps -f "$file" >"$out/$step.out" 2>&1; then
        fail "$step: the statements failed (see $out/$step.out)"
        tail -5 "$out/$step.out"
    fi
    local ran
    ran=$(traps_of "$step")
    if [ -n "$ran" ] || grep -q "$marker" "$out/$step.out"; then
        fail "$step (search_path ${path:-default}): traps ran:"
        { echo "$ran"; grep "$marker" "$out/$step.out" | sort | uniq -c; } | sed 's/^/    /' | head -40
    else
        ok "$step (search_path ${path:-default}): no trap ran"
    fi
}

# The traps are live: a statement that uses them does run them, in both
# kinds of search_path.
cat >"$out/canary.sql" <<'SQL'
SELECT 'a'::pg_catalog.text = 'b'::pg_catalog.text AS shadowed_when_public_first;
SELECT 1259::pg_catalog.oid = 'pg_class'::pg_catalog.regclass AS exact_match_anywhere;
SQL
PGOPTIONS="$hostile" psql_q -d lq_safety_traps -f "$out/canary.sql" >"$out/canary-hostile.out" 2>&1
psql_q -d lq_safety_traps -f "$out/canary.sql" >"$out/canary-default.out" 2>&1
canary=$(traps_of canary | tr '\n' ';')
[ "$canary" = "= (oid, regclass) | postgres | 2;= (text, text) | postgres | 1;" ] ||
    fail "the traps are not live: expected '= (oid, regclass)' twice and '= (text, text)' once, got '$canary'"

# Installing and updating with public first on the search_path.
cat >"$out/install.sql" <<'SQL'
CREATE EXTENSION lead_qual;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'lead_qual';
DROP EXTENSION lead_qual;
CREATE EXTENSION lead_qual VERSION '0.1.0';
ALTER EXTENSION lead_qual UPDATE TO '0.2.0';
ALTER EXTENSION lead_qual UPDATE;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'lead_qual';
SQL
check_step install "public,pg_catalog" "$out/install.sql"
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" lead_qual.control)
[ "$(psql_q -d lq_safety_traps -A -t -c "SELECT extversion FROM pg_extension WHERE extname = 'lead_qual'")" = "$current" ] ||
    fail "the extension is not at version $current after the update"

# Traps on the extension's own types, which the attacker can add now.
psql_q -d lq_safety_traps -U "$attacker" >>"$out/traps.out" <<'SQL'
DO $gen$
DECLARE
    t text;
    n int := 100;
BEGIN
    FOREACH t IN ARRAY ARRAY['lead_qual.qualification', 'lead_qual.model', 'lead_qual.explanation',
                             'lead_qual.readiness', 'lead_qual.next_step', 'lead_qual.engagement_rules'] LOOP
        n := n + 1;
        EXECUTE format($f$CREATE FUNCTION public.trap_op_%s(a %s, b %s) RETURNS boolean LANGUAGE plpgsql
                          SET search_path = pg_catalog, pg_temp
                          AS $b$BEGIN PERFORM public.trap(%L); RETURN a::text OPERATOR(pg_catalog.=) b::text; END$b$$f$,
                       n, t, t, format('= (%s, %s)', t, t));
        EXECUTE format('CREATE OPERATOR public.= (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.trap_op_%s)', t, t, n);
    END LOOP;
END
$gen$;
DELETE FROM public.trap_log;
SQL

# The extension's functions that run SQL, its triggers, views, aggregates
# and registry lookups, called by the superuser.  Every name in this file
# is schema-qualified and no operator is used, so that only what the
# extension itself runs can meet a trap.
cat >"$out/calls.sql" <<'SQL'
DROP TABLE IF EXISTS public.safety_leads CASCADE;
SELECT lead_qual.define_model('safety_m', '{"criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 10}}, {"key": "need"}, {"key": "decided", "rule": {"type": "within_days", "days": 30}}]}') IS NOT NULL AS defined;
SELECT lead_qual.define_model('safety_m', '{"min_met": 1, "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 10}}, {"key": "need"}, {"key": "decided", "rule": {"type": "within_days", "days": 30}}]}') IS NOT NULL AS redefined;
SELECT lead_qual.define_engagement_rules('safety_r', '{"kinds": {"visit": {"points": 2}}}') IS NOT NULL AS defined;
SELECT lead_qual.define_engagement_rules('safety_r', '{"kinds": {"visit": {"points": 3}}}') IS NOT NULL AS redefined;
SELECT lead_qual.model_name(lead_qual.model('safety_m')), lead_qual.engagement_rules_name(lead_qual.engagement_rules('safety_r'));
SELECT (lead_qual.qualify('safety_m', '{"budget": 12}', '2026-01-01')).status,
       lead_qual.score('bant', '{"budget": 9}', '2026-01-01'),
       lead_qual.is_qualified('anum', '{"authority": 9}', '2026-01-01');
SELECT * FROM lead_qual.explain('safety_m', '{"budget": 12}', '2026-01-01');
SELECT * FROM lead_qual.criteria(lead_qual.model('bant'), 'nl');
SELECT model, criteria FROM lead_qual.model_overview;
SELECT model, criterion FROM lead_qual.model_criteria;

CREATE TABLE public.safety_leads (id pg_catalog.int4 PRIMARY KEY, budget pg_catalog.int4,
    need pg_catalog.int4, decided pg_catalog.date, q lead_qual.qualification,
    ev pg_catalog.jsonb, seen pg_catalog.date, q2 lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON public.safety_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('safety_m', 'q');
CREATE TRIGGER score_ev BEFORE INSERT OR UPDATE ON public.safety_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q2', 'ev', 'seen');
SELECT lead_qual.enable_history('public.safety_leads');
INSERT INTO public.safety_leads (id, budget, need, decided, ev, seen)
    SELECT i, i, 7, '2026-01-01', '{"budget": 8}', '2026-01-01' FROM pg_catalog.generate_series(1, 50) i;
UPDATE public.safety_leads SET need = 9;
SELECT * FROM lead_qual.autoscore_triggers('public.safety_leads');
SELECT lead_qual.disable_history('public.safety_leads');
SELECT lead_qual.enable_history('public.safety_leads', 'id');
SELECT lead_qual.define_model('safety_m', '{"criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 30}}, {"key": "need"}, {"key": "decided", "rule": {"type": "within_days", "days": 30}}]}') IS NOT NULL AS changed;
CALL lead_qual.rescore('public.safety_leads');
CALL lead_qual.rescore('public.safety_leads', 1, true);
SELECT lead_qual.create_view('public.safety_leads', 'safety_m', 'safety_view', column_prefix => 'lq_');
SELECT lead_qual.create_view('public.safety_leads', 'bant', 'public.safety_view_ev', 'ev', 'seen', 'lq_');
SELECT lead_qual.create_stored_view('public.safety_leads', 'q', 'safety_stored', 'lq_');
SELECT count(*) FROM public.safety_view;
SELECT count(*) FROM public.safety_view_ev;
SELECT count(*) FROM public.safety_stored;
SELECT count(*) FROM lead_qual.history;

SELECT lead_qual.fold_evidence(e, t)
  FROM (VALUES ('{"a": 1}'::pg_catalog.jsonb, '2026-01-01'::pg_catalog.timestamptz),
               ('{"a": 2, "b": null}'::pg_catalog.jsonb, '2026-01-02'::pg_catalog.timestamptz)) v(e, t);
SELECT (lead_qual.qualify_touches('bant', e, t)).status, (lead_qual.qualify_touches('safety_m', e, t, '2026-01-05')).score
  FROM (VALUES ('{"budget": 9}'::pg_catalog.jsonb, '2026-01-01'::pg_catalog.timestamptz),
               ('{"need": 8}'::pg_catalog.jsonb, '2026-01-02'::pg_catalog.timestamptz)) v(e, t);
SELECT lead_qual.engagement('safety_r', k, t, '2026-02-01'), lead_qual.engagement('digital', k, t, '2026-02-01')
  FROM (VALUES ('visit', '2026-01-01'::pg_catalog.timestamptz), ('email_reply', '2026-01-20'::pg_catalog.timestamptz)) v(k, t);
SELECT lead_qual.engagement('digital', k, t, '2026-02-01') OVER (ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
  FROM (VALUES ('web_visit', '2026-01-01'::pg_catalog.timestamptz), ('email_reply', '2026-01-20'::pg_catalog.timestamptz),
               ('demo_request', '2026-01-25'::pg_catalog.timestamptz)) v(k, t);
SELECT lead_qual.readiness(lead_qual.qualify('six_signals', '{"fit": 9}', '2026-01-01'), 40,
                           lead_qual.qualify('bant', '{"budget": 9, "need": 9, "authority": 9}', '2026-01-01'));
SELECT lead_qual.next_action('safety_m', '{"budget": 12}', '2026-01-01');
SELECT lead_qual.next_action('safety_m', l, '2026-01-01') FROM public.safety_leads l LIMIT 2;
SELECT lead_qual.score('safety_m', l, '2026-01-01') FROM public.safety_leads l LIMIT 2;

DROP TABLE public.safety_leads CASCADE;
SELECT lead_qual.drop_model('safety_m'), lead_qual.drop_engagement_rules('safety_r');
SELECT lead_qual.drop_model('safety_none', true), lead_qual.drop_engagement_rules('safety_none', true);
SQL
# The built-in models and rules stay protected; each statement must fail
# (with 42501) and run no trap.
cat >"$out/protect.sql" <<'SQL'
\set ON_ERROR_STOP 0
\set VERBOSITY verbose
SELECT lead_qual.define_model('bant', '{"criteria": [{"key": "x"}]}');
SELECT lead_qual.drop_model('bant');
DELETE FROM lead_qual.models;
TRUNCATE lead_qual.models;
UPDATE lead_qual.engagement_rule_sets SET updated_at = pg_catalog.now();
SELECT lead_qual.drop_engagement_rules('digital');
TRUNCATE lead_qual.engagement_rule_sets;
INSERT INTO lead_qual.models (name, model, builtin) VALUES ('fake', '{"name": "fake", "criteria": [{"key": "x"}]}', true);
SQL

for path in "public,pg_catalog" ""; do
    label=${path:+hostile}
    label=${label:-default}
    check_step "calls-$label" "$path" "$out/calls.sql"
    check_step "protect-$label" "$path" "$out/protect.sql"
    denied=$(grep -c 'ERROR:  42501:' "$out/protect-$label.out" || true)
    [ "$denied" -eq 8 ] || fail "protect-$label: $denied of the 8 changes of built-ins failed with 42501"
done
[ "$(psql_q -d lq_safety_traps -A -t -c "SELECT count(*) FROM lead_qual.models WHERE builtin")" = 7 ] ||
    fail "the built-in models changed"

# ---------------------------------------------------------------------------
# C. The catalog
# ---------------------------------------------------------------------------
psql_q -d lq_safety_traps -A -t -F ' | ' >"$out/catalog.out" <<SQL
WITH members AS (
    SELECT d.classid, d.objid FROM pg_depend d
     WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')),
funcs AS (
    SELECT p.* FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid)
SELECT 'definer without search_path', oid::regprocedure::text FROM funcs
 WHERE prosecdef AND NOT EXISTS (SELECT FROM unnest(proconfig) c WHERE c LIKE 'search\_path=%')
UNION ALL
SELECT 'sql or plpgsql function without search_path = pg_catalog, pg_temp', oid::regprocedure::text FROM funcs
 WHERE prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('sql', 'plpgsql')) AND prokind <> 'p'
   AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (proconfig), false)
UNION ALL
SELECT 'owned by a role other than the installer',
       pg_describe_object(m.classid, m.objid, 0) FROM members m
  JOIN LATERAL (SELECT relowner AS owner FROM pg_class WHERE m.classid = 'pg_class'::regclass AND oid = m.objid
                UNION ALL SELECT proowner FROM pg_proc WHERE m.classid = 'pg_proc'::regclass AND oid = m.objid
                UNION ALL SELECT typowner FROM pg_type WHERE m.classid = 'pg_type'::regclass AND oid = m.objid
                UNION ALL SELECT oprowner FROM pg_operator WHERE m.classid = 'pg_operator'::regclass AND oid = m.objid) o ON true
 WHERE o.owner <> (SELECT extowner FROM pg_extension WHERE extname = 'lead_qual')
UNION ALL
SELECT 'schema lead_qual not owned by the installer', nspowner::regrole::text FROM pg_namespace
 WHERE nspname = 'lead_qual' AND nspowner <> (SELECT extowner FROM pg_extension WHERE extname = 'lead_qual')
UNION ALL
SELECT 'others may create in schema lead_qual', '$attacker' WHERE has_schema_privilege('$attacker', 'lead_qual', 'CREATE')
UNION ALL
SELECT 'others may write', c.oid::regclass::text || ' ' || p FROM pg_class c
  JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid,
       unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES']) p
 WHERE c.relkind IN ('r', 'p', 'v') AND has_table_privilege('$attacker', c.oid, p)
   AND NOT (c.oid = 'lead_qual.rescore_progress'::regclass AND p IN ('INSERT', 'UPDATE'))
UNION ALL
SELECT 'procedure without a fixed search_path (every name in it must be schema-qualified)', oid::regprocedure::text
  FROM funcs WHERE prokind = 'p'
ORDER BY 1, 2;
SQL
cat "$out/catalog.out"
# Procedures cannot have a SET clause: they are covered by the traps above.
if grep -v '^procedure without' "$out/catalog.out" | grep -q .; then
    fail "the catalog: $(grep -v '^procedure without' "$out/catalog.out" | tr '\n' ';')"
else
    ok "the catalog: no definer or SQL function without a fixed search_path, everything owned by the installer"
fi

echo "$problems problem(s)"
[ "$problems" -eq 0 ]
