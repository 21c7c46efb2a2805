-- What bench/qualify.sql and bench/trigger.sql share: the extension, the
-- generated leads (with a numeric budget, a role and a date, and as plain
-- booleans and marks), the bench_bant model and its qualification written
-- in PL/pgSQL.  Included with \ir; needs the psql variable rows.

CREATE EXTENSION lead_qual;

-- A pseudo-random integer in [0, n) for lead i, the same on every run;
-- each column uses its own seed.
CREATE FUNCTION pick(i int, seed int, n int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((hashint4extended(i, seed) & 2147483647) % n)::int;

-- The leads: 12-18% NULL per column; budgets 0-49999.99 EUR, need a 0-10
-- mark, purchase dates from half a year before to half a year after
-- 2026-01-01.  A view over generate_series(1, rows), the same on every run.
CREATE VIEW generated_leads AS
SELECT i AS id,
       CASE WHEN pick(i, 1, 100) >= 15 THEN pick(i, 2, 5000000) * 0.01 END AS budget_eur,
       CASE WHEN pick(i, 3, 100) >= 12
            THEN (ARRAY['owner', 'cfo', 'purchasing', 'manager', 'intern'])[1 + pick(i, 4, 5)] END
           AS decision_role,
       CASE WHEN pick(i, 5, 100) >= 18 THEN pick(i, 6, 11) END AS need,
       CASE WHEN pick(i, 7, 100) >= 14 THEN DATE '2026-01-01' - 182 + pick(i, 8, 365) END
           AS purchase_date
  FROM generate_series(1, :rows) AS i;

-- The same leads as the simplest table a user would have: BANT as plain
-- booleans and 0-10 marks, the columns the built-in model bant reads by
-- their names; 12-18% NULL per column.
CREATE VIEW generated_plain_leads AS
SELECT i AS id,
       CASE WHEN pick(i, 11, 100) >= 15 THEN pick(i, 12, 2) = 1 END AS budget,
       CASE WHEN pick(i, 13, 100) >= 12 THEN pick(i, 14, 2) = 1 END AS authority,
       CASE WHEN pick(i, 15, 100) >= 18 THEN pick(i, 16, 11) END AS need,
       CASE WHEN pick(i, 17, 100) >= 14 THEN pick(i, 18, 11) END AS timeframe
  FROM generate_series(1, :rows) AS i;

-- bench_bant: budget, authority, need and timeframe, the last a date rule
-- judged against as_of; qualified when 3 of the 4 are met.
SELECT lead_qual.define_model('bench_bant', $${
  "min_met": 3,
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 1,
     "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "decision_role", "weight": 1,
     "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "need", "source": "need", "weight": 1,
     "rule": {"type": "grade", "pass": 6}},
    {"key": "timeframe", "source": "purchase_date", "weight": 1,
     "rule": {"type": "within_days", "days": 90}}
  ]}$$) IS NOT NULL AS defined;

-- What qualify() does for bench_bant, written in PL/pgSQL: unknown values,
-- met/known counts, score, status, tier, and the missing and failed lists.
CREATE FUNCTION bench_qualify(budget_eur numeric, decision_role text, need int,
                              purchase_date date, as_of timestamptz)
    RETURNS lead_qual.qualification
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    today date := (as_of AT TIME ZONE 'UTC')::date;
    keys text[] := ARRAY['budget', 'authority', 'need', 'timeframe'];
    known boolean[] := ARRAY[budget_eur IS NOT NULL, decision_role IS NOT NULL,
                             need IS NOT NULL, purchase_date IS NOT NULL];
    met boolean[] := ARRAY[budget_eur >= 10000,
                           lower(btrim(decision_role)) IN ('owner', 'cfo', 'purchasing'),
                           need >= 6,
                           purchase_date BETWEEN today AND today + 90];
    grades numeric[] := ARRAY[CASE WHEN budget_eur >= 10000 THEN 10 ELSE 0 END,
                              CASE WHEN lower(btrim(decision_role)) IN ('owner', 'cfo', 'purchasing') THEN 10 ELSE 0 END,
                              COALESCE(need, 0),
                              CASE WHEN purchase_date BETWEEN today AND today + 90 THEN 10 ELSE 0 END];
    r lead_qual.qualification;
    points numeric := 0;
BEGIN
    r.model := 'bench_bant';
    r.met := 0;
    r.known := 0;
    r.total := 4;
    r.missing := '{}';
    r.failed := '{}';
    FOR i IN 1 .. 4 LOOP
        IF known[i] THEN
            r.known := r.known + 1;
            points := points + grades[i];
            IF met[i] THEN
                r.met := r.met + 1;
            ELSE
                r.failed := r.failed || keys[i];
            END IF;
        ELSE
            r.missing := r.missing || keys[i];
        END IF;
    END LOOP;
    r.score := round(points * 100 / 40, 6);
    r.status := CASE WHEN r.met >= 3 THEN 'qualified'
                     WHEN r.known < 4 AND r.met + (4 - r.known) >= 3 THEN 'needs_info'
                     ELSE 'nurture' END;
    r.qualified := r.status = 'qualified';
    r.tier := CASE WHEN r.score >= 75 THEN 'A' WHEN r.score >= 50 THEN 'B'
                   WHEN r.score >= 25 THEN 'C' ELSE 'D' END;
    RETURN r;
END
$$;
