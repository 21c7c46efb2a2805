-- Setup for bench/learn.sh: leads whose outcome is drawn from a known
-- (planted) logistic model of 10 criteria, a training table and a held-out
-- table generated the same way, prefixes of the training rows for the
-- memory series, and a table of scores and outcomes for auc().
-- Run with psql -v rows=N -v holdout=M -v auc_rows=A on an empty database.

\ir common.sql

CREATE EXTENSION pg_prewarm;

-- A pseudo-random number in (0, 1) for lead i, the same on every run.
CREATE FUNCTION u(i int, seed int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (pick(i, seed, 2147483646) + 0.5::float8) / 2147483646;

-- The planted model: each criterion's contribution to the log-odds of
-- winning the lead, NULL (unknown) included.  The spread of a criterion
-- (its greatest contribution less its least) is its planted effect size:
--   budget 3.2 (linear in the amount, unknown far below any amount)
--   source 2.5, employees 2.0 (a peak at about 100 employees: non-monotone),
--   industry 1.4, visits 1.1 (linear up to 10, flat above), region 0.85,
--   demo_requested 0.65, last_touch_days 0.5 (linear, falling),
--   job_level 0.35, newsletter 0.25.
CREATE FUNCTION planted_budget(budget numeric) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN budget IS NULL THEN -2.2 ELSE 2.0 * budget::float8 / 100000 - 1.0 END;
CREATE FUNCTION planted_source(source text) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE source WHEN 'referral' THEN 1.3 WHEN 'partner' THEN 0.9 WHEN 'webinar' THEN 0.5
                       WHEN 'event' THEN 0.2 WHEN 'web' THEN 0.0 WHEN 'paid_search' THEN -0.4
                       WHEN 'cold_call' THEN -1.2 ELSE -0.3 END;
-- employees from 1 to 10000, even on a log scale: 0.5 at 100, -1.5 at 1 and at 10000
CREATE FUNCTION planted_employees(employees int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN employees IS NULL THEN -0.5
                ELSE 0.5 - 2.0 * power((log(employees::float8) - 2) / 2, 2) END;
CREATE FUNCTION planted_industry(industry text) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE industry WHEN 'software' THEN 0.8 WHEN 'financial_services' THEN 0.6
                         WHEN 'healthcare' THEN 0.45 WHEN 'manufacturing' THEN 0.3
                         WHEN 'telecom' THEN 0.2 WHEN 'logistics' THEN 0.1 WHEN 'energy' THEN 0.0
                         WHEN 'retail' THEN -0.1 WHEN 'education' THEN -0.25 WHEN 'media' THEN -0.35
                         WHEN 'government' THEN -0.5 WHEN 'nonprofit' THEN -0.6 ELSE 0.0 END;
CREATE FUNCTION planted_visits(visits int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 0.11 * least(visits, 10);
CREATE FUNCTION planted_region(region text) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE region WHEN 'north_america' THEN 0.45 WHEN 'uk' THEN 0.35 WHEN 'dach' THEN 0.3
                       WHEN 'nordics' THEN 0.2 WHEN 'benelux' THEN 0.1 WHEN 'france' THEN 0.0
                       WHEN 'southern_europe' THEN -0.2 WHEN 'apac' THEN -0.4 END;
CREATE FUNCTION planted_demo_requested(demo_requested boolean) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN demo_requested THEN 0.65 ELSE 0.0 END;
CREATE FUNCTION planted_last_touch_days(last_touch_days int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN -0.5 * COALESCE(last_touch_days, 182) / 364.0;
CREATE FUNCTION planted_job_level(job_level text) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE job_level WHEN 'c_level' THEN 0.2 WHEN 'vp' THEN 0.1 WHEN 'manager' THEN 0.0
                          WHEN 'staff' THEN -0.15 ELSE -0.1 END;
CREATE FUNCTION planted_newsletter(newsletter boolean) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE newsletter WHEN true THEN 0.1 WHEN false THEN 0.0 ELSE -0.15 END;

-- The planted log-odds of a lead: the intercept and the contributions.
CREATE FUNCTION planted_logodds(source text, industry text, region text, job_level text,
                                budget numeric, employees int, visits int, last_touch_days int,
                                demo_requested boolean, newsletter boolean) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN -1.5 + planted_source(source) + planted_industry(industry) + planted_region(region)
         + planted_job_level(job_level) + planted_budget(budget) + planted_employees(employees)
         + planted_visits(visits) + planted_last_touch_days(last_touch_days)
         + planted_demo_requested(demo_requested) + planted_newsletter(newsletter);

-- Leads first .. last: the columns from hashes of the id, values in uneven
-- shares (an array of 20 or 10 entries, a value as many times as its
-- share), some NULLs; won when a uniform number of its own falls below the
-- planted probability.
CREATE FUNCTION generate_leads(first int, last int)
    RETURNS TABLE (id int, source text, industry text, region text, job_level text,
                   budget numeric, employees int, visits int, last_touch_days int,
                   demo_requested boolean, newsletter boolean, won boolean)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT g.*,
       u(g.id, 99) < 1 / (1 + exp(-planted_logodds(g.source, g.industry, g.region, g.job_level,
                                                   g.budget, g.employees, g.visits, g.last_touch_days,
                                                   g.demo_requested, g.newsletter)))
  FROM (SELECT i AS id,
               CASE WHEN pick(i, 11, 100) >= 4 THEN (ARRAY[
                   'web', 'web', 'web', 'web', 'web', 'web', 'paid_search', 'paid_search',
                   'paid_search', 'paid_search', 'event', 'event', 'event', 'webinar', 'webinar',
                   'cold_call', 'cold_call', 'referral', 'referral', 'partner'])[1 + pick(i, 12, 20)]
               END AS source,
               CASE WHEN pick(i, 13, 100) >= 3 THEN (ARRAY[
                   'software', 'software', 'software', 'financial_services', 'financial_services',
                   'healthcare', 'healthcare', 'manufacturing', 'manufacturing', 'manufacturing',
                   'telecom', 'logistics', 'energy', 'retail', 'retail', 'education', 'education',
                   'media', 'government', 'nonprofit'])[1 + pick(i, 14, 20)]
               END AS industry,
               (ARRAY['north_america', 'north_america', 'north_america', 'north_america',
                      'north_america', 'uk', 'uk', 'dach', 'dach', 'dach', 'nordics', 'benelux',
                      'france', 'france', 'southern_europe', 'southern_europe', 'apac', 'apac',
                      'apac', 'apac'])[1 + pick(i, 15, 20)] AS region,
               CASE WHEN pick(i, 16, 100) >= 20 THEN (ARRAY[
                   'c_level', 'vp', 'vp', 'manager', 'manager', 'manager', 'manager', 'staff',
                   'staff', 'staff'])[1 + pick(i, 17, 10)]
               END AS job_level,
               CASE WHEN pick(i, 21, 100) >= 15 THEN pick(i, 22, 10000000) * 0.01 END AS budget,
               CASE WHEN pick(i, 23, 100) >= 10 THEN round(power(10, 4 * u(i, 24)))::int END AS employees,
               floor(-ln(u(i, 25)) * 5)::int AS visits,
               CASE WHEN pick(i, 26, 100) >= 5 THEN pick(i, 27, 365) END AS last_touch_days,
               pick(i, 28, 100) < 25 AS demo_requested,
               CASE WHEN pick(i, 29, 100) >= 10 THEN pick(i, 30, 100) < 45 END AS newsletter
          FROM generate_series(first, last) AS i) AS g
$$;

CREATE TABLE learn_leads AS SELECT * FROM generate_leads(1, :rows);
CREATE TABLE learn_holdout AS SELECT * FROM generate_leads(:rows + 1, :rows + :holdout);

-- Scores and outcomes for auc(): scores 0 to 99.9999 in steps of 0.0001
-- (a million distinct values, so that auc's histogram coarsens), won with
-- a probability rising with the score.
CREATE TABLE auc_scores AS
SELECT pick(i, 51, 1000000) / 10000.0::float8 AS score,
       u(i, 52) < 1 / (1 + exp(-(pick(i, 51, 1000000) / 10000.0::float8 - 60) / 12)) AS won
  FROM generate_series(1, :auc_rows) AS i;

-- All-visible, with statistics, and in shared buffers.
VACUUM ANALYZE learn_leads, learn_holdout, auc_scores;
SELECT pg_prewarm('learn_leads') + pg_prewarm('learn_holdout') + pg_prewarm('auc_scores') > 0 AS prewarmed \g /dev/null
