-- The catalog entries of the extension: volatility and parallel labels,
-- and a comment on every object.

-- Every function: volatility, parallel safety and strictness.  Functions
-- taking a model value are IMMUTABLE; those reading the registry STABLE;
-- those writing it VOLATILE and PARALLEL UNSAFE.
SELECT p.oid::regprocedure AS function,
       p.provolatile AS volatile, p.proparallel AS parallel, p.proisstrict AS strict
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
 ORDER BY p.proname, p.oid::regprocedure::text;

-- Every aggregate: a real (not internal) state type, so that partial
-- states travel as text between the nodes of a distributed database; a
-- combine function; parallel safe; a moving-aggregate inverse where the
-- maths allows one (engagement).
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS state,
       a.aggcombinefn AS combine, a.aggfinalfn AS final, a.aggfinalmodify AS final_modifies,
       a.aggminvtransfn AS inverse, a.aggmtranstype::regtype AS moving_state,
       p.proparallel AS parallel
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
 ORDER BY a.aggfnoid::regprocedure::text;

-- The extension's members.  From PostgreSQL 17 on, the server also records
-- the types it makes by itself as members: the row type of each table and
-- view and the array type of each type.  They are told apart here, so that
-- the same check runs on every version: implicit_types says whether the
-- server records them as this version should (22 from 17 on, none before).
CREATE TEMP VIEW members AS
SELECT d.classid, d.objid,
       d.classid = 'pg_type'::regclass AND EXISTS (
           SELECT FROM pg_type t
            WHERE t.oid = d.objid
              AND (t.typrelid <> 0 AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) <> 'c'
                   OR t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc)) AS implicit
  FROM pg_depend d
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual') AND d.deptype = 'e';
SELECT count(*) FILTER (WHERE NOT implicit) AS members,
       count(*) FILTER (WHERE implicit)
           = CASE WHEN current_setting('server_version_num')::int >= 170000 THEN 22 ELSE 0 END AS implicit_types
  FROM members;

-- Members without a comment (there should be none).
SELECT pg_describe_object(m.classid, m.objid, 0) AS uncommented
  FROM members m
 WHERE NOT m.implicit AND obj_description(m.objid, m.classid::regclass::name) IS NULL
 ORDER BY 1;

-- Table columns and triggers have comments too.
SELECT a.attrelid::regclass AS "table", a.attname, col_description(a.attrelid, a.attnum) IS NOT NULL AS commented
  FROM pg_attribute a
 WHERE a.attrelid IN ('lead_qual.models'::regclass, 'lead_qual.engagement_rule_sets'::regclass)
   AND a.attnum > 0
 ORDER BY 1, a.attnum;
SELECT tgrelid::regclass AS "table", tgname, obj_description(oid, 'pg_trigger') IS NOT NULL AS commented
  FROM pg_trigger
 WHERE tgrelid IN ('lead_qual.models'::regclass, 'lead_qual.engagement_rule_sets'::regclass)
 ORDER BY 1, tgname;

-- Every function called with NULL in each argument position in turn (the
-- others given ordinary values), and with every argument NULL: the result
-- is NULL, empty or a value as documented, never a crash.  The errors are
-- documented too: qualify_touches_step() given a state made with one as_of
-- and a row with another (NULL) is 22023, as_of differing in a group;
-- learn_fit_step() without a spec or coefficients is 22004.
-- An ordinary value for argument pos (of type t) of function fname, which
-- takes nargs arguments.
CREATE FUNCTION regress.sample_arg(t regtype, pos int, fname name, nargs int) RETURNS text LANGUAGE sql AS $$
    SELECT CASE
        WHEN t = 'text'::regtype AND fname IN ('engagement_step', 'engagement_unstep') AND pos = 2 THEN $r$'digital'::text$r$
        WHEN t = 'text'::regtype AND fname IN ('engagement_step', 'engagement_unstep') AND pos = 3 THEN $k$'web_visit'::text$k$
        WHEN t = 'text'::regtype AND fname = 'qualify_touches_step' AND pos = 2 THEN $m$'bant'::text$m$
        WHEN t = 'text'::regtype AND pos = 2 THEN $j$'{"budget": 7}'::text$j$
        -- win_probability() with a model that has a calibration: NULL only where documented
        WHEN t IN ('text'::regtype, 'lead_qual.model'::regtype) AND fname = 'win_probability' AND pos = 1
            THEN format('%L::%s', '{"name": "c", "calibration": {"intercept": -1, "slope": 0.05}, "criteria": [{"key": "budget"}]}', t)
        WHEN t = 'jsonb'::regtype AND fname IN ('next_action', 'readiness') AND pos >= 4 THEN $c$'{}'::jsonb$c$
        -- learn_fit: a spec with one criterion (4 bins), coefficients for them
        WHEN t = 'jsonb'::regtype AND fname = 'learn_fit_step' AND pos = 2
            THEN $s$'{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [5]}]}'::jsonb$s$
        WHEN t = 'text'::regtype AND fname = 'report_rows' AND pos = 2 THEN $o$'won'::text$o$
        ELSE CASE t
        WHEN 'lead_qual.model'::regtype THEN $m$'bant'::lead_qual.model$m$
        WHEN 'lead_qual.engagement_rules'::regtype THEN $r$'digital'::lead_qual.engagement_rules$r$
        WHEN 'lead_qual.fit_state'::regtype
            THEN $s$lead_qual.learn_fit_step(NULL, '{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [5]}]}', '{0, 0, 0, 0}', '{"budget": 7}'::jsonb, true, 1)$s$
        WHEN 'double precision[]'::regtype THEN $a$'{0, 0.5, -0.5, 1}'::float8[]$a$
        WHEN 'regclass'::regtype THEN $c$'regress.closed'::regclass$c$
        WHEN 'lead_qual.auc_state'::regtype
            THEN $s$lead_qual.auc_step('{"version": 1, "shift": 0, "bins": [[0.25, 0, 1]]}', 0.5, true)$s$
        WHEN 'lead_qual.engagement_state'::regtype
            THEN $s$lead_qual.engagement_step(NULL, 'digital'::text, 'web_visit', '2026-01-01', '2026-01-01')$s$
        WHEN 'lead_qual.touch_state'::regtype THEN CASE
            WHEN fname LIKE 'fold_evidence%' THEN $s$lead_qual.fold_evidence_step(NULL, '{"budget": 7}', '2026-01-01')$s$
            WHEN nargs = 5 THEN $s$lead_qual.qualify_touches_step(NULL, 'bant'::text, '{"budget": 7}', '2026-01-01', '2026-01-01')$s$
            ELSE $s$lead_qual.qualify_touches_step(NULL, 'bant'::text, '{"budget": 7}', '2026-01-01')$s$ END
        WHEN 'lead_qual.qualification'::regtype
            THEN $q$lead_qual.qualify('bant'::text, '{"budget": 7}'::jsonb, '2026-01-01')$q$
        WHEN 'jsonb'::regtype THEN $j$'{"budget": 7}'::jsonb$j$
        WHEN 'json'::regtype THEN $j$'{"budget": 7}'::json$j$
        WHEN 'text'::regtype THEN $t$'bant'::text$t$
        WHEN 'record'::regtype THEN '(SELECT r FROM (SELECT 7 AS budget, 7 AS authority, 7 AS need, 7 AS timeframe) r)'
        WHEN 'timestamptz'::regtype THEN $d$'2026-01-01'::timestamptz$d$
        WHEN 'double precision'::regtype THEN '30'::text
        WHEN 'boolean'::regtype THEN 'true'
        WHEN 'bigint'::regtype THEN '1'::text
        ELSE NULL END END
$$;
CREATE TABLE regress.closed (won boolean, budget int);
CREATE TABLE regress.null_calls (function text, null_arg int, outcome text);
DO $$
DECLARE
    f record;
    pos int;
    args text[];
    outcome text;
BEGIN
    FOR f IN
        SELECT p.oid, p.proname AS name, p.oid::regprocedure::text AS sig, p.pronargs AS n,
               ARRAY(SELECT t FROM unnest(p.proargtypes::regtype[]) WITH ORDINALITY AS u(t, o) ORDER BY o) AS types
          FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
         WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
           AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
           AND p.prorettype <> 'trigger'::regtype
           AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes::regtype[]) t
                            WHERE t IN ('internal'::regtype, 'cstring'::regtype))
           AND p.proname NOT IN ('define_model', 'drop_model', 'define_engagement_rules', 'drop_engagement_rules')
           AND p.provariadic = 0            -- the *_columns twins: see rows.sql
           AND p.prokind = 'f' AND p.provolatile <> 'v'   -- what changes things: see its suite
    LOOP
        FOR pos IN 0 .. f.n LOOP            -- 0: every argument NULL
            args := ARRAY[]::text[];
            FOR i IN 1 .. f.n LOOP
                IF pos = 0 OR i = pos THEN
                    args := args || format('NULL::%s', f.types[i]);
                ELSE
                    args := args || regress.sample_arg(f.types[i], i, f.name, f.n);
                END IF;
            END LOOP;
            BEGIN
                EXECUTE format('SELECT CASE WHEN count(*) = 0 THEN ''no rows'' WHEN bool_and(x IS NULL) THEN ''NULL'' ELSE ''value'' END FROM %s(%s) AS x',
                               f.oid::regproc, array_to_string(args, ', '))
                    INTO outcome;
            EXCEPTION WHEN OTHERS THEN
                outcome := 'ERROR ' || SQLSTATE;
            END;
            INSERT INTO regress.null_calls VALUES (f.sig, pos, outcome);
        END LOOP;
    END LOOP;
END
$$;
SELECT function, string_agg(null_arg || ': ' || outcome, ', ' ORDER BY null_arg) AS "NULL at argument (0 = all): outcome"
  FROM regress.null_calls GROUP BY function ORDER BY function;
