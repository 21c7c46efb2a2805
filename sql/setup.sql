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

SELECT * FROM regress.err('SELECT 1/0');
SELECT * FROM regress.err('SELECT 1');
