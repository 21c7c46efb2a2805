-- Shared setup for the regression suites (they run in one database, in the
-- order of the Makefile's REGRESS list).
CREATE EXTENSION lead_qual;
SELECT extname, extversion, nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'lead_qual';

-- regress.err(statement): run a statement that must fail, and show the
-- SQLSTATE, whether it is a data exception (class 22), and the message.
CREATE SCHEMA regress;
GRANT USAGE ON SCHEMA regress TO PUBLIC;
CREATE FUNCTION regress.err(stmt text,
                            OUT state text, OUT class22 boolean, OUT message text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    state := 'none';
    class22 := false;
    message := 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    class22 := left(state, 2) = '22';
END
$$;

-- regress.err_detail(statement): the same, with the detail and hint.
CREATE FUNCTION regress.err_detail(stmt text,
                                   OUT state text, OUT message text,
                                   OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    state := 'none';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;

-- regress.force_parallel(on): make the planner use parallel workers where it
-- can (PostgreSQL 16 renamed force_parallel_mode to debug_parallel_query),
-- or go back to the session's setting.
CREATE PROCEDURE regress.force_parallel(force boolean)
LANGUAGE plpgsql AS $$
DECLARE
    setting text := CASE WHEN current_setting('server_version_num')::int >= 160000
                         THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END;
BEGIN
    IF force THEN
        PERFORM set_config(setting, 'on', false);
    ELSE
        EXECUTE format('RESET %I', setting);
    END IF;
END
$$;

-- regress.plan(query): EXPLAIN (VERBOSE, COSTS OFF) of the query, with
-- every model constant shown as <model name> rather than its whole JSON (a
-- model named by a constant is looked up when the query is planned).
CREATE FUNCTION regress.plan(query text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
        RETURN NEXT regexp_replace(line, $re$'\{"name": "([^"]+)"(?:[^']|'')*'::(?:lead_qual\.)?model$re$,
                                   '<model \1>', 'g');
    END LOOP;
END
$$;

SELECT * FROM regress.err('SELECT 1/0');
SELECT * FROM regress.err('SELECT 1');
