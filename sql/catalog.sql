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

-- Objects of the extension without a comment (there should be none).
SELECT pg_describe_object(d.classid, d.objid, 0) AS uncommented
  FROM pg_depend d
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
   AND d.deptype = 'e'
   AND obj_description(d.objid, d.classid::regclass::name) IS NULL
 ORDER BY 1;
SELECT count(*) AS members FROM pg_depend
 WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual') AND deptype = 'e';

-- Table columns and triggers have comments too.
SELECT a.attname, col_description(a.attrelid, a.attnum) IS NOT NULL AS commented
  FROM pg_attribute a WHERE a.attrelid = 'lead_qual.models'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT tgname, obj_description(oid, 'pg_trigger') IS NOT NULL AS commented
  FROM pg_trigger WHERE tgrelid = 'lead_qual.models'::regclass ORDER BY tgname;

-- Every function called with NULL in each argument position in turn (the
-- others given ordinary values), and with every argument NULL: the result
-- is NULL, empty or a value as documented, never an error or a crash.
CREATE FUNCTION regress.sample_arg(t regtype, pos int) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN t = 'text'::regtype AND pos = 2 THEN $j$'{"budget": 7}'::text$j$ ELSE CASE t
        WHEN 'lead_qual.model'::regtype THEN $m$'bant'::lead_qual.model$m$
        WHEN 'jsonb'::regtype THEN $j$'{"budget": 7}'::jsonb$j$
        WHEN 'json'::regtype THEN $j$'{"budget": 7}'::json$j$
        WHEN 'text'::regtype THEN $t$'bant'::text$t$
        WHEN 'record'::regtype THEN '(SELECT r FROM (SELECT 7 AS budget, 7 AS authority, 7 AS need, 7 AS timeframe) r)'
        WHEN 'timestamptz'::regtype THEN $d$'2026-01-01'::timestamptz$d$
        WHEN 'boolean'::regtype THEN 'true'
        WHEN 'bigint'::regtype THEN '1'::text
        ELSE NULL END END
$$;
CREATE TABLE regress.null_calls (function text, null_arg int, outcome text);
DO $$
DECLARE
    f record;
    pos int;
    args text[];
    outcome text;
BEGIN
    FOR f IN
        SELECT p.oid, p.oid::regprocedure::text AS sig, p.pronargs AS n,
               ARRAY(SELECT t FROM unnest(p.proargtypes::regtype[]) WITH ORDINALITY AS u(t, o) ORDER BY o) AS types
          FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
         WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
           AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
           AND p.prorettype <> 'trigger'::regtype
           AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes::regtype[]) t
                            WHERE t IN ('internal'::regtype, 'cstring'::regtype))
           AND p.proname NOT IN ('define_model', 'drop_model')
           AND p.provariadic = 0            -- the *_columns twins: see rows.sql
           AND p.prokind = 'f' AND p.provolatile <> 'v'   -- what changes things: see its suite
    LOOP
        FOR pos IN 0 .. f.n LOOP            -- 0: every argument NULL
            args := ARRAY[]::text[];
            FOR i IN 1 .. f.n LOOP
                IF pos = 0 OR i = pos THEN
                    args := args || format('NULL::%s', f.types[i]);
                ELSE
                    args := args || regress.sample_arg(f.types[i], i);
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
