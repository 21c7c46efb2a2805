-- Custom models: every rule kind at its boundaries, dates against as_of,
-- weights, pass_score, tiers, and how NULLs and unknowns are treated.
SET search_path = public, lead_qual;

-- One criterion per rule kind; "check" runs one value through one criterion.
CREATE TABLE rule_models (rule text PRIMARY KEY, m model);
INSERT INTO rule_models VALUES
 ('boolean',      '{"name": "r", "criteria": [{"key": "v", "rule": "boolean"}]}'),
 ('grade',        '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "grade", "pass": 7}}]}'),
 ('at_least',     '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "at_least", "value": 10000}}]}'),
 ('at_most',      '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "at_most", "value": 3}}]}'),
 ('between',      '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "between", "min": 10, "max": 500}}]}'),
 ('one_of',       '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "one_of", "values": ["owner", "CFO", "purchasing"]}}]}'),
 ('scale',        '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9}}}]}'),
 ('scale/null',   '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "scale", "grades": {"low": 2, "high": 9}, "pass": 9, "default": null}}]}'),
 ('scale/4',      '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "scale", "grades": {"low": 2, "high": 9}, "default": 4}}]}'),
 ('ahead 90',     '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "within_days", "days": 90}}]}'),
 ('behind 30',    '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "within_days", "days": 30, "direction": "behind"}}]}'),
 ('either 7',     '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "within_days", "days": 7, "direction": "either"}}]}');

CREATE FUNCTION check_rule(rule text, value jsonb, as_of timestamptz DEFAULT '2026-01-01 12:00+00')
RETURNS TABLE (grade double precision, met boolean, known boolean)
LANGUAGE sql AS $$
    SELECT e.grade, e.met, e.known
      FROM rule_models r, lead_qual.explain(r.m, jsonb_build_object('v', value), as_of) e
     WHERE r.rule = check_rule.rule
$$;

SELECT t.rule, t.value, c.*
  FROM (VALUES
    ('boolean', 'true'), ('boolean', 'false'), ('boolean', '"yes"'), ('boolean', '"off"'), ('boolean', 'null'),
    ('grade', '7'), ('grade', '6.999'), ('grade', '10'), ('grade', '0'), ('grade', 'true'), ('grade', 'false'),
    ('grade', '"8"'), ('grade', '" 7.5 "'), ('grade', '"no"'),
    ('at_least', '10000'), ('at_least', '9999.99'), ('at_least', '1e6'), ('at_least', '"12000"'), ('at_least', '-5'),
    ('at_most', '3'), ('at_most', '3.0001'), ('at_most', '-100'),
    ('between', '10'), ('between', '500'), ('between', '9.99'), ('between', '500.01'),
    ('one_of', '"owner"'), ('one_of', '"  cfo "'), ('one_of', '"Purchasing"'), ('one_of', '"intern"'), ('one_of', '"own"'),
    ('scale', '"low"'), ('scale', '"MEDIUM"'), ('scale', '"high"'), ('scale', '"unheard of"'),
    ('scale/null', '"high"'), ('scale/null', '"low"'), ('scale/null', '"unheard of"'),
    ('scale/4', '"unheard of"')
  ) AS t(rule, value), check_rule(t.rule, t.value::jsonb) c;

-- Dates against as_of (2026-01-01 12:00 UTC).  Days count in UTC; a date
-- with a time and an offset is first moved to UTC.
SELECT t.rule, t.value, c.*
  FROM (VALUES
    ('ahead 90', '"2026-01-01"'), ('ahead 90', '"2026-04-01"'), ('ahead 90', '"2026-04-02"'),
    ('ahead 90', '"2025-12-31"'), ('ahead 90', '"2026-03-15T10:00:00Z"'),
    ('ahead 90', '"2026-04-01T23:30:00-02:00"'), ('ahead 90', '"2026-04-02T00:30:00+02:00"'),
    ('behind 30', '"2025-12-02"'), ('behind 30', '"2025-12-01"'), ('behind 30', '"2026-01-02"'),
    ('either 7', '"2025-12-25"'), ('either 7', '"2026-01-08"'), ('either 7', '"2026-01-09"'), ('either 7', '"2025-12-24"')
  ) AS t(rule, value), check_rule(t.rule, t.value::jsonb) c;

-- The same date judged on other days: the window moves with as_of, and
-- as_of counts by its date in UTC, whatever its offset or the session's
-- TimeZone.
SELECT to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS as_of_utc, c.*
  FROM (VALUES (timestamptz '2026-01-02 23:59+00'), ('2026-01-03 00:00+00'),
               ('2026-01-02 23:30-01'), ('2026-01-03 00:30+01'),
               ('2025-10-04 00:00+00'), ('2025-10-03 00:00+00')) AS t(as_of),
       check_rule('ahead 90', '"2026-01-02"', as_of) c;
CREATE TABLE tz_check AS
  SELECT d, a, (check_rule('either 7', to_jsonb(d), a)).met
    FROM generate_series(timestamptz '2025-12-20', '2026-01-15', '5 hours') d,
         (VALUES (timestamptz '2026-01-01 00:30+00'), ('2026-01-01 23:30+00')) AS t(a);
SET TimeZone = 'Asia/Tokyo';
SELECT count(*) AS judged, count(*) FILTER (WHERE c.met = t.met) AS same_in_tokyo,
       count(*) FILTER (WHERE c.met) AS met
  FROM tz_check t, check_rule('either 7', to_jsonb(t.d), t.a) c;
RESET TimeZone;
DROP TABLE tz_check;

-- Date values that are not ISO dates are errors, not guesses.
SELECT v, (regress.err(format($$SELECT * FROM check_rule('ahead 90', %L)$$, v))).*
  FROM (VALUES ('"01/02/2026"'), ('"2026-02-30"'), ('"2026-1-5"'), ('"tomorrow"'), ('"2026-01-05T25:00"'), ('20260105')) AS t(v);

-- Other evidence of the wrong kind.
SELECT t.rule, t.value, (regress.err(format($$SELECT * FROM check_rule(%L, %L)$$, t.rule, t.value))).*
  FROM (VALUES ('boolean', '1'), ('boolean', '"maybe"'), ('grade', '11'), ('grade', '-1'), ('grade', '"high"'),
               ('grade', '[7]'), ('at_least', 'true'), ('at_least', '"lots"'), ('at_least', '"NaN"'),
               ('at_least', '{"eur": 5}'), ('one_of', '["owner"]')) AS t(rule, value);
SELECT * FROM regress.err_detail($$SELECT * FROM check_rule('at_least', '"ten thousand"')$$);

-- A date rule needs a finite as_of.
SELECT * FROM regress.err($$SELECT * FROM check_rule('ahead 90', '"2026-02-01"', 'infinity')$$);
SELECT * FROM check_rule('ahead 90', 'null', 'infinity');

-- Weights, scores, status and tiers.  "acme" is weighted, has a pass score,
-- its own tiers and a knockout.
SELECT define_model('acme', $${
  "min_met": 2, "pass_score": 60, "tiers": {"A": 80, "B": 60, "C": 40},
  "criteria": [
    {"key": "budget", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
    {"key": "need", "weight": 2},
    {"key": "fit", "weight": 1},
    {"key": "consent", "weight": 1, "rule": "boolean", "knockout": true},
    {"key": "role", "weight": 3, "rule": {"type": "one_of", "values": ["owner", "cfo"]}}
  ]}$$) IS NOT NULL AS defined;

SELECT e.n, e.evidence, q.score, q.status, q.tier, q.met, q.known, q.missing, q.failed
  FROM (VALUES
    (1, '{}'),
    (2, '{"consent": true}'),
    (3, '{"consent": true, "budget": 20000, "role": "cfo"}'),
    (4, '{"consent": true, "budget": 20000, "need": 7}'),
    (5, '{"consent": true, "need": 10, "fit": 10}'),
    (6, '{"consent": true, "need": 10, "fit": 10, "budget": 0, "role": "intern"}'),
    (7, '{"consent": false, "budget": 20000, "role": "cfo", "need": 10, "fit": 10}'),
    (8, '{"budget": 20000, "role": "cfo", "need": 10, "fit": 10}'),
    (9, '{"consent": true, "budget": 20000, "role": "owner", "need": 10, "fit": 10}'),
    (10, '{"consent": true, "budget": 1, "role": "owner", "need": 6, "fit": 6}')
  ) AS e(n, evidence), qualify('acme', e.evidence::jsonb) q
 ORDER BY e.n;
-- 1: nothing known: what to ask first is the heaviest (budget, role), then need, fit, consent.
-- 5: met = 3 >= min_met, but 40 < pass_score 60; the unknowns could still lift it.
-- 6: same 40, nothing unknown left: nurture.
-- 8: everything but the knockout is met: the knockout must be met to qualify.
-- 10: budget 1 is not met: 0 + 1.2 + 0.6 + 1 + 3 = 5.8 of 10 = 58, below the pass
--     score with nothing unknown left: nurture.

-- Tier cut points are inclusive; scores are kept to six decimals.
SELECT s AS score_wanted, q.score, q.tier
  FROM (VALUES (80), (79.99), (60), (59.99), (40), (39.99)) AS t(s),
       qualify('{"name": "t", "tiers": {"A": 80, "B": 60, "C": 40}, "criteria": [{"key": "a"}]}'::model,
               jsonb_build_object('a', s / 10.0)) q;
-- (A model given as text may be JSON as well as a name.)
SELECT score('{"name": "third", "criteria": [{"key": "a"}, {"key": "b"}, {"key": "c"}]}', '{"a": 10}') AS one_third,
       score('{"name": "third", "criteria": [{"key": "a"}, {"key": "b"}, {"key": "c"}]}', '{"a": 10, "b": 10}') AS two_thirds,
       score('{"name": "w", "criteria": [{"key": "a", "weight": 0.1}, {"key": "b", "weight": 0.2}]}', '{"a": 10}') AS a_tenth_of_point_three;

-- Weights as large or as small as allowed keep their proportions exactly.
SELECT score('{"name": "big", "criteria": [{"key": "a", "weight": 1e6}, {"key": "b", "weight": 5e5}, {"key": "c", "weight": 5e5}]}', '{"a": 10, "c": 6}') AS big,
       score('{"name": "tiny", "criteria": [{"key": "a", "weight": 1e-300}, {"key": "b", "weight": 3e-300}]}', '{"a": 6}') AS tiny,
       (SELECT sum(points) FROM explain('{"name": "tiny", "criteria": [{"key": "a", "weight": 1e-300}, {"key": "b", "weight": 3e-300}]}', '{"a": 6, "b": 2}')) AS tiny_points;

-- A zero weight counts for met/known but not for the score.
SELECT (q).score, (q).met, (q).known
  FROM (SELECT qualify('{"name": "z", "criteria": [{"key": "a", "weight": 0}, {"key": "b"}]}'::model, '{"a": 10}') AS q) t;

-- min_met 0 with a pass score: qualification by score alone.
SELECT n, (q).score, (q).status
  FROM (SELECT n, qualify('{"name": "by_score", "min_met": 0, "pass_score": 50, "criteria": [{"key": "a"}, {"key": "b"}]}'::model, e::jsonb) AS q
          FROM (VALUES (1, '{"a": 5, "b": 5}'), (2, '{"a": 4, "b": 5}'), (3, '{"a": 4}'), (4, '{"a": 0}')) AS t(n, e)) s
 ORDER BY n;

-- NULLs: a NULL model or as_of gives NULL; NULL evidence means nothing is known.
SELECT qualify(NULL::model, '{}'::jsonb) IS NULL AS null_model,
       qualify('bant', '{}'::jsonb, NULL) IS NULL AS null_as_of,
       score('bant', NULL::jsonb) AS null_evidence_score,
       (qualify('bant', NULL::jsonb)).status AS null_evidence_status,
       is_qualified('bant', NULL::text) AS null_text_evidence;

-- Evidence as JSON text behaves as jsonb, including a repeated key (the
-- last one counts) and keys the model does not know (ignored).
SELECT qualify('acme', e) = qualify('acme', e::jsonb) AS same, qualify('acme', e)
  FROM (VALUES ('{"consent": true, "budget": 5, "budget": 20000, "role": "owner", "unrelated": [1, {"x": 2}]}'),
               ('{"consent": "yes", "budget": "20000", "need": "7"}')) AS t(e);
SELECT v, (regress.err(format('SELECT qualify(%L, %L::text)', 'acme', v))).*
  FROM (VALUES ('[1, 2]'), ('7'), ('"text"'), ('{"budget": '), ('not json')) AS t(v);
SELECT v, (regress.err(format('SELECT qualify(%L, %L::jsonb)', 'acme', v))).*
  FROM (VALUES ('[1, 2]'), ('7'), ('"text"')) AS t(v);

-- Large evidence is read in time linear in its size, and members that are
-- arrays or objects are not kept.
SET statement_timeout = '20s';
SELECT score('bant', (SELECT '{' || string_agg(format('"k%s": [%s, {"x": [1, 2, 3]}]', i, i), ', ') || ', "budget": 9}'
                        FROM generate_series(1, 200000) i)) AS score_of_a_big_object;
RESET statement_timeout;

-- Evidence keys are the criteria's sources, not their keys.
SELECT qualify('{"name": "src", "criteria": [{"key": "budget", "source": "Budget (EUR)", "rule": {"type": "at_least", "value": 100}}]}'::model,
               '{"budget": 1000, "Budget (EUR)": 50}'::jsonb);

-- Volatility: by value the functions fold to constants, by name they do not.
EXPLAIN (COSTS OFF, VERBOSE)
SELECT score('{"name": "k", "criteria": [{"key": "a"}]}'::model, '{"a": 7}'::jsonb, '2026-01-01');
EXPLAIN (COSTS OFF, VERBOSE)
SELECT score('bant', '{"budget": 7}'::jsonb, '2026-01-01');

SELECT drop_model('acme');
DROP FUNCTION check_rule(text, jsonb, timestamptz);
DROP TABLE rule_models;
