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
 ('either 7',     '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "within_days", "days": 7, "direction": "either"}}]}'),
 ('bands',        '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "bands", "cuts": [10, 50, 200], "grades": [1, 4, 7, 10]}}]}'),
 ('bands/1',      '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "bands", "cuts": [0.3], "grades": [9, 2], "pass": 9}}]}'),
 ('bands/neg',    '{"name": "r", "criteria": [{"key": "v", "rule": {"type": "bands", "cuts": [-5, 0, 2.5], "grades": [0, 3, 6, 8], "pass": 0}}]}');

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

-- bands: a value falls in band i, the number of cuts at or below it; its
-- grade is that band's, met from pass (6 by default) on.  Every boundary:
-- just below each cut, at it, just above it; numbers as text; jsonb
-- numbers compared exactly (9.99999999999999999999 is below 10, though as
-- a double it would be 10), as at_least compares them.
SELECT t.rule, t.value, c.*
  FROM (VALUES
    ('bands', '-1e300'), ('bands', '0'), ('bands', '9.999'), ('bands', '9.99999999999999999999'),
    ('bands', '10'), ('bands', '10.0'), ('bands', '10.001'), ('bands', '49.999'), ('bands', '50'),
    ('bands', '199.999'), ('bands', '200'), ('bands', '200.001'), ('bands', '1e300'),
    ('bands', '"10"'), ('bands', '" 49.5 "'), ('bands', '"2e2"'), ('bands', 'null'),
    ('bands/1', '0.29999999999999999'), ('bands/1', '0.3'), ('bands/1', '"0.3"'), ('bands/1', '0.30000000000000001'),
    ('bands/neg', '-5.000001'), ('bands/neg', '-5'), ('bands/neg', '-0.0001'), ('bands/neg', '-0'),
    ('bands/neg', '0'), ('bands/neg', '2.4999'), ('bands/neg', '2.5'), ('bands/neg', '"-0"')
  ) AS t(rule, value), check_rule(t.rule, t.value::jsonb) c;
-- The same values as JSON text are read as doubles, as at_least reads them.
SELECT v, e.grade, e.met
  FROM (VALUES ('9.99999999999999999999'), ('10'), ('199.9999')) AS t(v),
       rule_models r, explain(r.m, format('{"v": %s}', v)) e
 WHERE r.rule = 'bands';
-- Evidence bands cannot read: what at_least refuses, with the same codes.
SELECT t.rule, t.value, (regress.err(format($$SELECT * FROM check_rule(%L, %L)$$, t.rule, t.value))).*
  FROM (VALUES ('bands', 'true'), ('bands', '"lots"'), ('bands', '"NaN"'), ('bands', '"Infinity"'),
               ('bands', '"0x10"'), ('bands', '[10]'), ('bands', '{"n": 10}')) AS t(rule, value);
SELECT * FROM regress.err_detail($$SELECT * FROM check_rule('bands', '"many"')$$);
-- The rule in words, and its type, as explain() and criteria() show them.
SELECT r.rule, c.rule_type, c.rule AS in_words
  FROM rule_models r, criteria(r.m) c WHERE r.rule LIKE 'bands%' ORDER BY r.rule;
SELECT rule FROM criteria('{"name": "r", "criteria": [{"key": "v", "rule": {"type": "bands", "cuts": [1000], "grades": [0, 10], "pass": 10}}]}');
-- The band grades count in the score like any grade: 7 of 10 is 70.
SELECT score(r.m, '{"v": 60}'::jsonb) AS score, (qualify(r.m, '{"v": 5}'::jsonb)).status AS low_band
  FROM rule_models r WHERE r.rule = 'bands';

-- bands over table columns: the number types and text feed it; a NaN
-- numeric is refused as at_least refuses it; booleans and dates cannot
-- feed it (42804, when the row type is first seen).
CREATE TABLE band_leads (id int, i int, n numeric, f real, t text, b boolean, d date);
INSERT INTO band_leads VALUES
  (1, 9, 9.99, 9.99, '9.99', true, '2026-01-01'),
  (2, 10, 10.00, 10, ' 10 ', false, '2026-01-01'),
  (3, 200, 200, 200, '200', NULL, NULL),
  (4, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT l.id, c.col, e.value, e.grade, e.met, e.known
  FROM band_leads l, (VALUES ('i'), ('n'), ('f'), ('t')) AS c(col),
       explain(format('{"name": "r", "criteria": [{"key": "v", "source": "%s", "rule": {"type": "bands", "cuts": [10, 50, 200], "grades": [1, 4, 7, 10]}}]}', c.col), l) e
 ORDER BY l.id, c.col;
SELECT c.col, (regress.err_detail(format($$SELECT score('{"name": "r", "criteria": [{"key": "v", "source": "%s", "rule": {"type": "bands", "cuts": [1], "grades": [0, 10]}}]}', l) FROM band_leads l$$, c.col))).*
  FROM (VALUES ('b'), ('d')) AS c(col);
SELECT * FROM regress.err($$SELECT score('{"name": "r", "criteria": [{"key": "n", "rule": {"type": "bands", "cuts": [1], "grades": [0, 10]}}]}', l)
                              FROM (SELECT 'NaN'::numeric AS n) l$$);
DROP TABLE band_leads;

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

-- Evidence keys are the criteria's sources; where the source is absent,
-- their keys.  When both are there, the source wins.
SELECT qualify('{"name": "src", "criteria": [{"key": "budget", "source": "Budget (EUR)", "rule": {"type": "at_least", "value": 100}}]}'::model,
               '{"budget": 1000, "Budget (EUR)": 50}'::jsonb);
SELECT qualify('{"name": "src", "criteria": [{"key": "budget", "source": "Budget (EUR)", "rule": {"type": "at_least", "value": 100}}]}'::model,
               '{"budget": 1000}'::jsonb);

-- Volatility: by value the functions fold to constants; by name too, once
-- the name (a constant) is looked up when the query is planned; a name
-- given by a column is read when the call runs.
EXPLAIN (COSTS OFF, VERBOSE)
SELECT score('{"name": "k", "criteria": [{"key": "a"}]}'::model, '{"a": 7}'::jsonb, '2026-01-01');
EXPLAIN (COSTS OFF, VERBOSE)
SELECT score('bant', '{"budget": 7}'::jsonb, '2026-01-01');
EXPLAIN (COSTS OFF, VERBOSE)
SELECT score(m, '{"budget": 7}'::jsonb, '2026-01-01') FROM (VALUES ('bant'), ('anum')) v(m);

-- unknown_grade: an unknown value earns these points toward the score,
-- and the criterion stays unknown for everything else: not met, not known,
-- in missing, asked about.  "ug" is weighted 2:1:1; the knockout c earns a
-- full 10 while unknown, but an unknown knockout still keeps the lead from
-- qualifying.
CREATE TABLE ug_models (name text PRIMARY KEY, m model);
INSERT INTO ug_models VALUES
  ('ug', $${"name": "ug", "min_met": 2, "pass_score": 50, "criteria": [
      {"key": "a", "weight": 2, "unknown_grade": 5, "questions": "What about a?"},
      {"key": "b", "questions": "What about b?"},
      {"key": "c", "rule": "boolean", "knockout": true, "unknown_grade": 10, "questions": "May we?"}]}$$),
  -- the same with a pass score of 90: the best case counts an unknown as 10, not its unknown_grade
  ('ug90', $${"name": "ug90", "min_met": 2, "pass_score": 90, "criteria": [
      {"key": "a", "weight": 2, "unknown_grade": 5},
      {"key": "b"},
      {"key": "c", "rule": "boolean", "knockout": true, "unknown_grade": 10}]}$$),
  -- without unknown_grade
  ('plain', $${"name": "plain", "min_met": 2, "pass_score": 50, "criteria": [
      {"key": "a", "weight": 2}, {"key": "b"}, {"key": "c", "rule": "boolean", "knockout": true}]}$$);
SELECT u.name, e.n, e.evidence, q.score, q.status, q.tier, q.met, q.known, q.missing, q.failed
  FROM ug_models u,
       (VALUES (1, '{}'), (2, '{"b": 8, "c": true}'), (3, '{"b": 8}'), (4, '{"a": 0, "b": 2, "c": true}'),
               (5, '{"b": 2, "c": true}'), (6, '{"a": 10, "b": 10, "c": false}')) AS e(n, evidence),
       qualify(u.m, e.evidence::jsonb) q
 ORDER BY e.n, u.name;
-- 1: nothing known: 2/4 * 5 + 1/4 * 10 = 5 of 10, score 50; still needs_info.
-- 2: a unknown earns 2.5 of 10: 70, met 2 = min_met, knockout met: qualified,
--    with a still missing.
-- 3: the knockout c is unknown (its 10 count in the score): not qualified.
-- 5: score 55; the best case is 30 + 50 (a met in full, not 25 + 50): 80,
--    so under ug90 the lead cannot reach 90: nurture.
-- Points in explain(): grade and met stay NULL for an unknown criterion,
-- its points are share * unknown_grade * 10, and they add up to the score.
SELECT criterion, value, grade, points, met, known, question
  FROM explain((SELECT m FROM ug_models WHERE name = 'ug'), '{"b": 8}'::jsonb);
SELECT u.name, e.evidence, sum(x.points) AS points, score(u.m, e.evidence::jsonb) AS score,
       (qualify(u.m, e.evidence::jsonb)).score AS qualify_score,
       is_qualified(u.m, e.evidence::jsonb) AS is_qualified
  FROM ug_models u, (VALUES ('{}'), ('{"b": 8, "c": true}'), ('{"b": 8}'), ('{"a": 3}')) AS e(evidence),
       explain(u.m, e.evidence::jsonb) x
 GROUP BY u.name, u.m, e.evidence ORDER BY u.name, e.evidence;
-- next_action() still asks about an unknown criterion that earns points.
SELECT (n).action, (n).ask, (n).questions
  FROM (SELECT next_action((SELECT m FROM ug_models WHERE name = 'ug'), e::jsonb, '2026-01-01') AS n
          FROM (VALUES ('{"b": 8}'), ('{}')) AS t(e)) s;
-- A scale value it does not list, with "default": null, is unknown too:
-- it earns the unknown_grade.
SELECT grade, points, known
  FROM explain('{"name": "s", "criteria": [{"key": "v", "unknown_grade": 4, "rule": {"type": "scale", "grades": {"hi": 9}, "default": null}}]}'::model,
               '{"v": "unheard of"}'::jsonb);
DROP TABLE ug_models;

-- calibration: win_probability() = 1 / (1 + exp(-(intercept + slope * score))).
-- With intercept -5 and slope 0.1: score 50 gives exactly 0.5; 70 gives
-- 1 / (1 + e^-2) = 0.880797; 0 gives 1 / (1 + e^5) = 0.006693; 100 gives
-- 0.993307.  Rounded here to 12 places, the last digits being the libm's.
CREATE TABLE cal_models (name text PRIMARY KEY, m model);
INSERT INTO cal_models VALUES
  ('cal', '{"name": "cal", "calibration": {"intercept": -5, "slope": 0.1}, "criteria": [{"key": "a"}]}'),
  ('steep', '{"name": "steep", "calibration": {"intercept": -5, "slope": 1e308}, "criteria": [{"key": "a"}]}'),
  ('falling', '{"name": "falling", "calibration": {"intercept": 1e308, "slope": -1e308}, "criteria": [{"key": "a"}]}'),
  ('flat', '{"name": "flat", "calibration": {"intercept": 0, "slope": 0}, "criteria": [{"key": "a"}]}'),
  ('none', '{"name": "none", "criteria": [{"key": "a"}]}');
SELECT c.name, a, score(c.m, jsonb_build_object('a', a)) AS score,
       round(win_probability(c.m, jsonb_build_object('a', a))::numeric, 12) AS p_won
  FROM cal_models c, (VALUES (0), (5), (7), (10)) AS t(a)
 ORDER BY c.name, a;
SELECT win_probability(m, '{"a": 5}'::jsonb) = 0.5 AS exactly_half,
       abs(win_probability(m, '{"a": 7}'::jsonb) - 1 / (1 + exp(-2::float8))) < 1e-15 AS as_defined
  FROM cal_models WHERE name = 'cal';
-- Every form: model as value or text (name or JSON), evidence as jsonb,
-- JSON text or a row; and the row over a table, rewritten to
-- win_probability_columns.
SELECT define_model('cal', (SELECT m::jsonb FROM cal_models WHERE name = 'cal')) IS NOT NULL AS defined;
CREATE TABLE cal_leads (id int, a int);
INSERT INTO cal_leads VALUES (1, 7), (2, NULL);
SELECT round(win_probability(lead_qual.model('cal'), '{"a": 7}'::jsonb, '2026-01-01')::numeric, 6) AS value_jsonb,
       round(win_probability(lead_qual.model('cal'), '{"a": 7}'::text, '2026-01-01')::numeric, 6) AS value_text,
       round(win_probability(lead_qual.model('cal'), (SELECT r FROM (SELECT 7 AS a) r), '2026-01-01')::numeric, 6) AS value_row,
       round(win_probability('cal', '{"a": 7}'::jsonb, '2026-01-01')::numeric, 6) AS name_jsonb,
       round(win_probability('cal', '{"a": 7}'::text, '2026-01-01')::numeric, 6) AS name_text,
       round(win_probability('cal', (SELECT r FROM (SELECT 7 AS a) r), '2026-01-01')::numeric, 6) AS name_row,
       round(win_probability('{"name": "j", "calibration": {"intercept": -5, "slope": 0.1}, "criteria": [{"key": "a"}]}', '{"a": 7}')::numeric, 6) AS json_text;
SELECT l.id, round(win_probability('cal', l)::numeric, 6) AS by_name,
       round(win_probability(lead_qual.model('cal'), l)::numeric, 6) AS by_value,
       round(win_probability('cal', to_jsonb(l))::numeric, 6) AS as_jsonb
  FROM cal_leads l ORDER BY l.id;
SELECT * FROM regress.plan($$SELECT win_probability('cal', l, '2026-01-01') FROM cal_leads l$$);
-- By value with constant arguments the call is folded when planned.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT win_probability('{"name": "k", "calibration": {"intercept": -5, "slope": 0.1}, "criteria": [{"key": "a"}]}'::model, '{"a": 5}'::jsonb, '2026-01-01');
-- NULLs: a NULL model or as_of gives NULL; NULL evidence means nothing is
-- known (score 0, or the unknown_grade points); a model without
-- calibration gives NULL, but its evidence is still read.
SELECT win_probability(NULL::model, '{"a": 7}'::jsonb) IS NULL AS null_model,
       win_probability(NULL::text, '{"a": 7}'::jsonb) IS NULL AS null_name,
       win_probability('cal', '{"a": 7}'::jsonb, NULL) IS NULL AS null_as_of,
       round(win_probability('cal', NULL::jsonb)::numeric, 6) AS null_jsonb,
       round(win_probability('cal', NULL::text)::numeric, 6) AS null_text,
       round(win_probability('cal', NULL::record)::numeric, 6) AS null_row,
       round(win_probability(lead_qual.model('cal'), NULL::jsonb)::numeric, 6) AS value_null_jsonb,
       round(win_probability('{"name": "u", "calibration": {"intercept": -5, "slope": 0.1}, "criteria": [{"key": "a", "unknown_grade": 5}]}', NULL::jsonb)::numeric, 6) AS unknown_grade_half,
       win_probability((SELECT m FROM cal_models WHERE name = 'none'), '{"a": 7}'::jsonb) IS NULL AS no_calibration,
       win_probability('bant', '{"budget": 7}'::jsonb) IS NULL AS builtin_no_calibration;
SELECT * FROM regress.err($$SELECT win_probability((SELECT m FROM cal_models WHERE name = 'none'), '{"a": "lots"}'::jsonb)$$);
SELECT * FROM regress.err($$SELECT win_probability('cal', '[1]'::jsonb)$$);
SELECT * FROM regress.err($$SELECT win_probability('no_such_model', '{}'::jsonb)$$);
SELECT drop_model('cal');
DROP TABLE cal_leads, cal_models;

SELECT drop_model('acme');
DROP FUNCTION check_rule(text, jsonb, timestamptz);
DROP TABLE rule_models;
