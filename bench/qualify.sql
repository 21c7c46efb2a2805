-- Setup for bench/qualify.sh: the leads tables, the bench_bant model, and the
-- same scoring written by hand as PL/pgSQL functions.
-- Run with psql -v rows=N on an empty database.

\ir common.sql

CREATE TABLE leads (
    id int,
    budget_eur numeric,
    decision_role text,
    need int,
    purchase_date date,
    evidence jsonb
);

-- evidence holds the same values as the columns, under their names, NULLs
-- left out.
INSERT INTO leads
SELECT g.*,
       jsonb_strip_nulls(jsonb_build_object('budget_eur', g.budget_eur,
                                            'decision_role', g.decision_role,
                                            'need', g.need,
                                            'purchase_date', g.purchase_date))
  FROM generated_leads g;

-- All-visible, with statistics: every timed query is a plain sequential scan.
VACUUM ANALYZE leads;

-- The bench_bant score as a user would write it in PL/pgSQL: one point per
-- criterion met, need counts as need/10, as a percentage of four points.
CREATE FUNCTION bench_score(budget_eur numeric, decision_role text, need int,
                            purchase_date date, as_of timestamptz)
    RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    today date := (as_of AT TIME ZONE 'UTC')::date;
    points numeric := COALESCE(need, 0) / 10.0;
BEGIN
    IF budget_eur >= 10000 THEN
        points := points + 1;
    END IF;
    IF decision_role IN ('owner', 'cfo', 'purchasing') THEN
        points := points + 1;
    END IF;
    IF purchase_date BETWEEN today AND today + 90 THEN
        points := points + 1;
    END IF;
    RETURN points * 100 / 4;
END
$$;

-- The same, reading the values from a jsonb object.
CREATE FUNCTION bench_score_jsonb(evidence jsonb, as_of timestamptz)
    RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    today date := (as_of AT TIME ZONE 'UTC')::date;
    points numeric := COALESCE((evidence ->> 'need')::int, 0) / 10.0;
BEGIN
    IF (evidence ->> 'budget_eur')::numeric >= 10000 THEN
        points := points + 1;
    END IF;
    IF evidence ->> 'decision_role' IN ('owner', 'cfo', 'purchasing') THEN
        points := points + 1;
    END IF;
    IF (evidence ->> 'purchase_date')::date BETWEEN today AND today + 90 THEN
        points := points + 1;
    END IF;
    RETURN points * 100 / 4;
END
$$;

-- The simplest case: plain booleans and marks, scored with the built-in
-- model bant (four grade rules, equal weights).
CREATE TABLE plain_leads AS SELECT * FROM generated_plain_leads;
VACUUM ANALYZE plain_leads;

-- Its score in PL/pgSQL, as lean as a user would write it, as bench_score
-- is: two IFs.
CREATE FUNCTION bench_plain_score(budget boolean, authority boolean, need int, timeframe int)
    RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    points int := COALESCE(need, 0) + COALESCE(timeframe, 0);
BEGIN
    IF budget THEN
        points := points + 10;
    END IF;
    IF authority THEN
        points := points + 10;
    END IF;
    RETURN 100 * points::float8 / 40;
END
$$;
