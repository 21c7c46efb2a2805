-- Sales readiness and the next action (0.3.0):
--   readiness(fit, engagement, qualification, thresholds): stage and grade;
--   next_action(model, evidence, as_of, lang, config): what to do, and when.
SET search_path = public, lead_qual;
SET DateStyle = 'ISO, YMD';

-- rq(status, tier): a qualification with that status and tier, shaped as
-- qualify() writes it (the other fields do not matter to readiness()).
CREATE FUNCTION rq(status text, tier text) RETURNS lead_qual.qualification
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW('t', 0, status = 'qualified', status, tier, 0, 0, 0, '{}', '{}')::lead_qual.qualification
$$;

--------------------------------------------------------------------------
-- readiness(): engagement bands at their edges (defaults: bands begin at
-- 50, 25 and 10), for each fit tier: just below, at, and just above.
--------------------------------------------------------------------------
SELECT e AS engagement, r.engagement_band AS band,
       (readiness(rq('needs_info', 'A'), e, NULL)).grade AS fit_a,
       (readiness(rq('needs_info', 'B'), e, NULL)).grade AS fit_b,
       (readiness(rq('needs_info', 'C'), e, NULL)).grade AS fit_c,
       (readiness(rq('needs_info', 'D'), e, NULL)).grade AS fit_d
  FROM unnest(ARRAY[1000, 50.001, 50, 49.999, 25.001, 25, 24.999, 10.001, 10, 9.999, 0, -5,
                    '-infinity', 'infinity']::float8[]) AS e,
       LATERAL readiness(NULL, e, NULL) r
 ORDER BY e DESC;

--------------------------------------------------------------------------
-- Stages at their thresholds (defaults: mql = fit B or better and
-- engagement 25 or more; sql = qualified and fit C or better).
--------------------------------------------------------------------------
SELECT n, what, r.*
  FROM (VALUES
    -- mql: engagement just below, at, just above 25 (fit B, not qualified)
    (1, 'mql: engagement below', rq('needs_info', 'B'), 24.999::float8, rq('needs_info', 'A')),
    (2, 'mql: engagement at', rq('needs_info', 'B'), 25, rq('needs_info', 'A')),
    (3, 'mql: engagement above', rq('needs_info', 'B'), 25.001, rq('needs_info', 'A')),
    -- mql: fit just below, at, above B (engagement 30)
    (4, 'mql: fit below (C)', rq('needs_info', 'C'), 30, rq('nurture', 'D')),
    (5, 'mql: fit at (B)', rq('needs_info', 'B'), 30, rq('nurture', 'D')),
    (6, 'mql: fit above (A)', rq('qualified', 'A'), 30, rq('nurture', 'D')),
    -- sql: qualified, fit just below, at, above C (no engagement needed)
    (7, 'sql: fit below (D)', rq('needs_info', 'D'), 0, rq('qualified', 'B')),
    (8, 'sql: fit at (C)', rq('needs_info', 'C'), 0, rq('qualified', 'B')),
    (9, 'sql: fit above (B)', rq('needs_info', 'B'), 0, rq('qualified', 'B')),
    -- sql needs the qualification to be qualified, whatever else
    (10, 'not qualified: needs_info', rq('qualified', 'A'), 1000, rq('needs_info', 'A')),
    (11, 'not qualified: nurture', rq('qualified', 'A'), 1000, rq('nurture', 'A')),
    -- qualified with a weak fit: not sql, but mql when the fit allows it
    (12, 'qualified, fit D, engaged', rq('nurture', 'D'), 1000, rq('qualified', 'A')),
    (13, 'qualified, sql.fit A, fit B', rq('nurture', 'B'), 1000, rq('qualified', 'A')),
    -- disqualified wins over everything
    (14, 'fit disqualified', rq('disqualified', 'A'), 1000, rq('qualified', 'A')),
    (15, 'qualification disqualified', rq('qualified', 'A'), 1000, rq('disqualified', 'A')),
    (16, 'both disqualified', rq('disqualified', 'D'), 0, rq('disqualified', 'D')),
    (17, 'nothing at all', NULL, NULL, NULL)
  ) AS t(n, what, fit, engagement, qual),
  LATERAL readiness(t.fit, t.engagement, t.qual,
                    CASE WHEN n = 13 THEN '{"sql": {"fit": "A"}}'::jsonb END) r
 ORDER BY n;

-- The same through a real fit and a real qualification: the fit tier
-- follows the fit model's score (tiers from 75, 50, 25).
SELECT define_model('fit_score', $${"name": "fit_score", "criteria": [{"key": "fit", "rule": "grade"}]}$$) IS NOT NULL AS defined;
SELECT g AS fit_grade, (qualify('fit_score', jsonb_build_object('fit', g))).score AS fit_score, r.*
  FROM unnest(ARRAY[7.6, 7.5, 7.4, 5.1, 5, 4.9, 2.6, 2.5, 2.4]) AS g,
       LATERAL readiness(qualify('fit_score', jsonb_build_object('fit', g)), 25,
                         qualify('bant', '{"budget": 7, "authority": 7, "need": 7}'::jsonb)) r
 ORDER BY g DESC;

--------------------------------------------------------------------------
-- Custom thresholds: any part may be given; the rest keeps its default.
--------------------------------------------------------------------------
-- bands [100, 50, 20]: edges below, at, above
SELECT e AS engagement, r.grade, r.engagement_band AS band, r.stage
  FROM unnest(ARRAY[100.5, 100, 99.5, 50, 49.5, 20, 19.5]::float8[]) AS e,
       LATERAL readiness(rq('needs_info', 'B'), e, NULL, '{"bands": [100, 50, 20]}') r
 ORDER BY e DESC;
-- mql.engagement 40 only: mql.fit stays B, the bands stay 50/25/10
SELECT e AS engagement, r.*
  FROM unnest(ARRAY[40.01, 40, 39.99]::float8[]) AS e,
       LATERAL readiness(rq('needs_info', 'B'), e, NULL, '{"mql": {"engagement": 40}}') r
 ORDER BY e DESC;
-- a stricter fit for both stages
SELECT f AS fit, r.stage, r.grade, r.reason
  FROM unnest(ARRAY['A', 'B']) AS f,
       LATERAL readiness(rq('needs_info', f), 60, rq('qualified', 'A'),
                         '{"mql": {"fit": "A"}, "sql": {"fit": "A"}}') r
 ORDER BY f;
-- fit not used at all: D is good enough for both stages
SELECT r.* FROM readiness(NULL, 25, NULL, '{"mql": {"fit": "D"}, "sql": {"fit": "D"}}') r
UNION ALL
SELECT r.* FROM readiness(NULL, 0, rq('qualified', 'D'), '{"mql": {"fit": "D"}, "sql": {"fit": "D"}}') r;
-- negative thresholds are allowed (engagement can be negative)
SELECT r.* FROM readiness(rq('needs_info', 'B'), -3, NULL,
                          '{"bands": [0, -5, -10], "mql": {"engagement": -5}}') r;
-- The reason rounds the engagement to one decimal, except where rounding
-- would put it onto or across the threshold it is compared with (24.96 is
-- not "25", below 25).
SELECT e AS engagement, r.stage, r.reason
  FROM unnest(ARRAY[33.841974, 25.04, 24.96, 24.94, -0.04, -45.647247]::float8[]) AS e,
       LATERAL readiness(rq('needs_info', 'B'), e, NULL) r
 ORDER BY e DESC;
-- {} is the defaults; so is NULL
SELECT (readiness(rq('needs_info', 'B'), 25, NULL, '{}')) = (readiness(rq('needs_info', 'B'), 25, NULL)) AS empty_is_default,
       (readiness(rq('needs_info', 'B'), 25, NULL, NULL)) = (readiness(rq('needs_info', 'B'), 25, NULL)) AS null_is_default;

-- Thresholds that differ from row to row (not a constant): each row is
-- judged by its own, whatever the row before it had.
SELECT n, t.thresholds, r.stage, r.grade
  FROM (VALUES (1, '{"mql": {"engagement": 30}}'::jsonb), (2, '{"mql": {"engagement": 20}}'),
               (3, '{"mql": {"engagement": 20}}'), (4, NULL), (5, '{"bands": [26, 25.5, 1]}'),
               (6, '{"mql": {"engagement": 30}}')) AS t(n, thresholds),
       LATERAL readiness(rq('needs_info', 'B'), 25, NULL, t.thresholds) r
 ORDER BY n;

--------------------------------------------------------------------------
-- NULLs: a NULL fit counts as tier D (as a fit with nothing known scores);
-- NULL engagement as 0; a NULL qualification is neither qualified nor
-- disqualified.  A NULL status or tier inside a qualification reads the
-- same as a NULL qualification.
--------------------------------------------------------------------------
SELECT n, r.*
  FROM (VALUES
    (1, NULL::qualification, 60::float8, rq('qualified', 'A')),
    (2, rq('qualified', 'A'), NULL, NULL),
    (3, rq('qualified', 'A'), NULL, rq('qualified', 'A')),
    (4, rq('qualified', 'B'), 30, NULL),
    (5, rq(NULL, NULL), 30, rq(NULL, NULL)),
    (6, rq(NULL, 'B'), 30, rq('qualified', NULL)),
    (7, rq('disqualified', NULL), 30, NULL)
  ) AS t(n, fit, engagement, qual),
  LATERAL readiness(t.fit, t.engagement, t.qual) r
 ORDER BY n;
SELECT (readiness(NULL, NULL, NULL, NULL)).*;

--------------------------------------------------------------------------
-- Errors: thresholds (22023, naming the field), NaN engagement, and
-- qualifications with values qualify() never writes.
--------------------------------------------------------------------------
SELECT t AS thresholds, (regress.err(format('SELECT readiness(NULL, 1, NULL, %L)', t))).*
  FROM unnest(ARRAY[
    '[50, 25, 10]', '"defaults"', '7', 'null',
    '{"band": [50, 25, 10]}', '{"mql": {"fit": "B", "engagment": 25}}', '{"sql": {"engagement": 25}}',
    '{"bands": "50,25,10"}', '{"bands": [50, 25]}', '{"bands": [50, 25, 10, 5]}', '{"bands": []}',
    '{"bands": [50, "25", 10]}', '{"bands": [50, null, 10]}', '{"bands": [1e999, 25, 10]}',
    '{"bands": [50, 25, -1e400]}', '{"bands": [10, 25, 50]}', '{"bands": [50, 25, 25]}', '{"bands": [50, 50, 10]}',
    '{"mql": "B"}', '{"mql": null}', '{"sql": []}',
    '{"mql": {"fit": "E"}}', '{"mql": {"fit": "b"}}', '{"sql": {"fit": "AB"}}', '{"sql": {"fit": ""}}',
    '{"sql": {"fit": 1}}', '{"mql": {"engagement": "25"}}', '{"mql": {"engagement": true}}',
    '{"mql": {"engagement": 1e999}}']) AS t;
SELECT * FROM regress.err_detail($$SELECT readiness(NULL, 1, NULL, '{"mql": {"fitt": "B"}}')$$);
SELECT * FROM regress.err_detail($$SELECT readiness(NULL, 1, NULL, '{"thresholds": {}}')$$);
SELECT * FROM regress.err($$SELECT readiness(NULL, 'NaN', NULL)$$);
SELECT * FROM regress.err($$SELECT readiness(rq('maybe', 'A'), 1, NULL)$$);
SELECT * FROM regress.err($$SELECT readiness(rq('qualified', 'E'), 1, NULL)$$);
SELECT * FROM regress.err($$SELECT readiness(rq('qualified', 'a'), 1, NULL)$$);
SELECT * FROM regress.err($$SELECT readiness(NULL, 1, rq('Qualified', 'A'))$$);
-- an error in a later row, after good ones were cached
SELECT * FROM regress.err($$SELECT readiness(NULL, 1, NULL, t) FROM (VALUES ('{}'::jsonb), ('{"mql": {}}'), ('{"sql": {"fit": "Z"}}')) v(t)$$);

--------------------------------------------------------------------------
-- next_action() with bant: each action, its follow-up, and its questions.
-- as_of 2026-01-01 12:00 UTC throughout.
--------------------------------------------------------------------------
SELECT n, e AS evidence, a.*
  FROM (VALUES
    (1, '{"budget": 8, "authority": 7, "need": 9}'),                    -- 3 of 4 met: qualified
    (2, '{"budget": 8, "authority": 7}'),                               -- could still qualify
    (3, '{"need": 9}'),
    (4, '{}'),
    (5, '{"budget": 9, "authority": 2, "need": 3}'),                    -- cannot reach 3 of 4
    (6, '{"budget": 10, "authority": 10, "need": 5, "timeframe": 5}')   -- 2 met, nothing unknown
  ) AS t(n, e),
  LATERAL next_action('bant', t.e::jsonb, '2026-01-01 12:00+00') a
 ORDER BY n;

-- Nurture intervals by tier (defaults A 30, B 60, C 90, D 180 days), with
-- no date in the evidence.  From 2026-01-01: +30 = 01-31; +60 = 03-02
-- (31 + 28 = 59 days to 03-01); +90 = 04-01; +180 = 06-30 (day 181 of 2026).
SELECT q.tier, q.score, a.action, a.follow_up, a.follow_up - date '2026-01-01' AS days, a.reason
  FROM (VALUES ('{"budget": 10, "authority": 10, "need": 5, "timeframe": 5}'::jsonb),   -- 75: A
               ('{"budget": 10, "authority": 10, "need": 5, "timeframe": 0}'),          -- 62.5: B
               ('{"budget": 10, "authority": 0, "need": 5, "timeframe": 0}'),           -- 37.5: C
               ('{"budget": 5, "authority": 0, "need": 0, "timeframe": 0}')             -- 12.5: D
       ) AS t(e),
       LATERAL qualify('bant', t.e, '2026-01-01 12:00+00') q,
       LATERAL next_action('bant', t.e, '2026-01-01 12:00+00') a
 ORDER BY q.tier;

-- Custom config: ask_days, some nurture tiers (the others keep their default).
SELECT c AS config, a.action, a.follow_up, a.reason
  FROM unnest(ARRAY['{"ask_days": 3}', '{"ask_days": 0}', '{"ask_days": 36600}',
                    '{"nurture_days": {"A": 14}}', '{"nurture_days": {"C": 45}}', '{}']::jsonb[]) AS c,
       unnest(ARRAY['{"budget": 8}', '{"budget": 10, "authority": 0, "need": 5, "timeframe": 0}']::jsonb[]) AS e,
       LATERAL next_action('bant', e, '2026-01-01 12:00+00', 'en', c) a
 ORDER BY c::text, a.action;

-- Languages: the questions come as explain() picks them (the language
-- asked for, else English, else the first one).
SELECT l AS lang, a.ask, a.questions
  FROM unnest(ARRAY['en', 'nl', 'es', 'fr', NULL]) WITH ORDINALITY AS u(l, o),
       LATERAL next_action('bant', '{"authority": 8}'::jsonb, '2026-01-01', l) a
 ORDER BY o;
SELECT l AS lang,
       (SELECT array_agg(x.question ORDER BY array_position(a.ask, x.criterion))
          FROM explain('bant', '{"authority": 8}'::jsonb, '2026-01-01', l) x WHERE NOT x.known) = a.questions AS same_as_explain
  FROM unnest(ARRAY['en', 'nl', 'es', 'fr']) AS l,
       LATERAL next_action('bant', '{"authority": 8}'::jsonb, '2026-01-01', l) a;

-- drop with a built-in model: champ's challenges criterion is a knockout.
SELECT a.* FROM next_action('champ', '{"challenges": false, "authority": 9, "money": 9}'::jsonb, '2026-01-01') a;
SELECT a.* FROM next_action('champ', '{"challenges": false}'::jsonb, '2026-01-01', config => '{"drop_days": 365}') a;
SELECT a.* FROM next_action('champ', '{"challenges": false}'::jsonb, '2026-01-01', config => '{"drop_days": null}') a;
-- and the other actions with champ
SELECT e AS evidence, a.action, a.ask, a.follow_up
  FROM unnest(ARRAY['{"challenges": true, "authority": 9}', '{"challenges": true}',
                    '{"challenges": true, "authority": 1, "money": 1, "prioritization": 1}']::jsonb[]) WITH ORDINALITY AS u(e, o),
       LATERAL next_action('champ', e, '2026-01-01') a
 ORDER BY o;

--------------------------------------------------------------------------
-- A custom model with a planned purchase date and the end of the current
-- supplier contract.  For nurture, the follow-up is the first day one of
-- these dates comes within its criterion's window.
--------------------------------------------------------------------------
SELECT define_model('renewal', $${
  "min_met": 3,
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000},
     "questions": {"en": "What budget is set aside for this?", "nl": "Welk budget is hiervoor gereserveerd?",
                   "es": "¿Qué presupuesto hay reservado para esto?"}},
    {"key": "authority", "source": "role", "weight": 2, "rule": {"type": "one_of", "values": ["owner", "cfo", "it_director"]},
     "questions": {"en": "Who signs the order?", "nl": "Wie tekent de order?", "es": "¿Quién firma el pedido?"}},
    {"key": "consent", "weight": 1, "rule": "boolean", "knockout": true,
     "questions": {"en": "May we contact you about this?", "nl": "Mogen we u hierover benaderen?"}},
    {"key": "purchase", "source": "purchase_date", "weight": 2, "rule": {"type": "within_days", "days": 90},
     "questions": {"en": "When do you plan to buy?", "nl": "Wanneer wilt u kopen?", "es": "¿Cuándo piensa comprar?"}},
    {"key": "contract_end", "weight": 1, "rule": {"type": "within_days", "days": 60, "direction": "either"}}
  ]}$$) IS NOT NULL AS defined;

-- as_of 2026-01-01.  Hand-computed follow-ups:
--   purchase 2026-09-01 - 90 days = 2026-06-03 (Aug 31 + Jul 31 + Jun 28 days back: 06-03);
--   contract_end 2026-12-31 - 60 days = 2026-11-01 (Dec 30 + Nov 30 days back);
--   purchase 2027-03-01 - 90 days = 2026-12-01 (Feb 28 + Jan 31 + Dec 31 days back);
--   purchase 2026-04-02 is 91 days ahead: within the window on 2026-01-02;
--   contract_end 2026-03-03 is 61 days ahead: within the window on 2026-01-02.
SELECT n, what, a.action, a.follow_up, a.reason
  FROM (VALUES
    (1, 'purchase first', '{"budget_eur": 20000, "role": "intern", "consent": true, "purchase_date": "2026-09-01", "contract_end": "2026-12-31"}'),
    (2, 'contract end first', '{"budget_eur": 20000, "role": "intern", "consent": true, "purchase_date": "2027-03-01", "contract_end": "2026-12-31"}'),
    (3, 'only the contract end', '{"budget_eur": 20000, "role": "intern", "consent": true, "purchase_date": "2025-06-01", "contract_end": "2026-12-31"}'),
    (4, 'purchase 91 days ahead', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-04-02"}'),
    (5, 'purchase 90 days ahead', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-04-01"}'),
    (6, 'contract 61 days ahead', '{"budget_eur": 5000, "role": "intern", "consent": true, "contract_end": "2026-03-03"}'),
    (7, 'contract 60 days ahead', '{"budget_eur": 5000, "role": "intern", "consent": true, "contract_end": "2026-03-02", "purchase_date": "2025-01-01"}'),
    (8, 'dates in the past', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2025-12-01", "contract_end": "2025-10-01"}'),
    (9, 'date with a time and offset', '{"budget_eur": 20000, "role": "intern", "consent": true, "purchase_date": "2026-09-01T23:00:00-05:00", "contract_end": "2025-01-01"}'),
    (10, 'qualified', '{"budget_eur": 20000, "role": "cfo", "consent": true, "purchase_date": "2026-09-01"}'),
    (11, 'unknown purchase date', '{"budget_eur": 20000, "role": "cfo"}'),
    (12, 'no consent', '{"budget_eur": 20000, "role": "cfo", "consent": false, "purchase_date": "2026-09-01"}'),
    -- a date is not always enough (notes after the query)
    (13, 'one date, not enough', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-04-02", "contract_end": "2025-06-01"}'),
    (14, 'two dates needed together', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-05-01", "contract_end": "2026-03-20"}'),
    (15, 'a window closes first', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-09-01", "contract_end": "2026-02-15"}'),
    (16, 'two dates, neither enough', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-09-01", "contract_end": "2026-12-31"}'),
    (17, 'one date and an unknown', '{"budget_eur": 5000, "role": "intern", "consent": true, "purchase_date": "2026-04-02"}')
  ) AS t(n, what, e),
  LATERAL next_action('renewal', t.e::jsonb, '2026-01-01 12:00+00') a
 ORDER BY n;
-- (9: 2026-09-01 23:00 at -05:00 is 2026-09-02 04:00 UTC, so the date is
-- 09-02 and the window opens 90 days earlier, on 06-04.  In 4 and 6 the
-- lead could qualify on 01-02 with consent, the date and the unknown other
-- date: min_met 3.)

-- A date is offered only when the lead could qualify on it, as far as the
-- date rules go: on that day the date rules are judged again (windows open
-- and close), every unknown criterion counts as met, and the best case must
-- reach min_met and the pass score.  Else the tier's interval applies, and
-- the reason says what would still fall short.  In 13 to 17 budget 5000
-- and an intern fail, consent is met:
--   13: purchase opens 01-02; the contract end (past) stays unmet: 2 of 3;
--   14: contract_end opens 01-19 (03-20 - 60), purchase 01-31 (05-01 - 90):
--       on 01-19 only 2 are met, on 01-31 the contract end is still within
--       its window: 3, so 01-31;
--   15: the contract end is within its window now (02-15), but has left it
--       (108 days back) when purchase opens on 06-03: 2 of 3;
--   16: purchase opens 06-03 and contract_end 11-01, when purchase is past:
--       2 of 3 on either day;
--   17: as 13 with the contract end unknown: it could be met, so 01-02.

-- With a pass score of 55: fit and budget are marks (weight 4 each), the
-- purchase date (weight 2) opens on 01-31 (03-02 - 30).  With fit 6 the
-- best case on 01-31 scores 4 * 6 + 4 * budget + 20: budget 2.625 gives
-- 54.5 (no date), 2.7375 gives 54.95 (shown exactly, not rounded up to
-- 55), 2.75 gives 55 (the date).  Now: 34.5 to 35, tier C, 90 days.
SELECT define_model('trial', $${
  "min_met": 2, "pass_score": 55,
  "criteria": [
    {"key": "fit", "weight": 4}, {"key": "budget", "weight": 4},
    {"key": "purchase", "weight": 2, "rule": {"type": "within_days", "days": 30}}
  ]}$$) IS NOT NULL AS defined;
SELECT b AS budget, q.score AS score_now, a.action, a.follow_up, a.reason
  FROM unnest(ARRAY[2.625, 2.7375, 2.75]) AS b,
       LATERAL qualify('trial', jsonb_build_object('fit', 6, 'budget', b, 'purchase', '2026-03-02'), '2026-01-01') q,
       LATERAL next_action('trial', jsonb_build_object('fit', 6, 'budget', b, 'purchase', '2026-03-02'), '2026-01-01') a
 ORDER BY b;
-- fit 1 as well: neither min_met (2) nor the pass score is reached.
SELECT a.follow_up, a.reason
  FROM next_action('trial', '{"fit": 1, "budget": 2, "purchase": "2026-03-02"}'::jsonb, '2026-01-01') a;

-- A knockout that holds now but no longer when the date comes: the last
-- contact must lie within 30 days back; by 03-03, when the purchase
-- (06-01) opens, the contact of 12-20 is 73 days back.
SELECT define_model('recent', $${
  "min_met": 2,
  "criteria": [
    {"key": "contacted", "knockout": true, "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
    {"key": "purchase", "rule": {"type": "within_days", "days": 90}}
  ]}$$) IS NOT NULL AS defined;
SELECT c AS contacted, a.action, a.follow_up, a.reason
  FROM unnest(ARRAY['2025-12-20', NULL]) AS c,
       LATERAL next_action('recent', jsonb_strip_nulls(jsonb_build_object('contacted', c, 'purchase', '2026-06-01')),
                           '2026-01-01') a
 ORDER BY c NULLS LAST;

-- Questions of a custom model: heaviest first; consent has no Spanish
-- question, so English is used; contract_end has none at all, so one is
-- made from its label and rule, in the language asked for.
SELECT l AS lang, a.ask, a.questions
  FROM unnest(ARRAY['en', 'nl', 'es']) WITH ORDINALITY AS u(l, o),
       LATERAL next_action('renewal', '{}'::jsonb, '2026-01-01', l) a
 ORDER BY o;

-- Criteria without a question: one is made from the label and the rule,
-- for each kind of rule, in English, Dutch and Spanish ("es-mx" is
-- Spanish; French, with no words of its own, gets English).  "ko" has only
-- a Dutch question: asked in Dutch it is used; in other languages, without
-- an English one, a question is made.
SELECT define_model('asked', $${
  "min_met": 1,
  "criteria": [
    {"key": "consent", "rule": "boolean"},
    {"key": "need"},
    {"key": "budget", "label": "Budget (EUR)", "rule": {"type": "at_least", "value": 10000}},
    {"key": "discount", "label": "Discount (%)", "rule": {"type": "at_most", "value": 12.5}},
    {"key": "employees", "rule": {"type": "between", "min": 50, "max": 5000}},
    {"key": "role", "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "country", "rule": {"type": "one_of", "values": ["NL", "BE", "DE", "ES", "FR", "IT", "PT"]}},
    {"key": "interest", "rule": {"type": "scale", "grades": {"low": 2, "high": 9}}},
    {"key": "purchase_date", "rule": {"type": "within_days", "days": 90}},
    {"key": "last_contact", "rule": {"type": "within_days", "days": 1, "direction": "behind"}},
    {"key": "event_date", "rule": {"type": "within_days", "days": 0, "direction": "either"}},
    {"key": "visits", "rule": {"type": "bands", "cuts": [2, 5], "grades": [0, 6, 10]}},
    {"key": "ko", "label": "Knock-out", "rule": "boolean", "questions": {"nl": "Mag het?"}}
  ]}$$) IS NOT NULL AS defined;
SELECT e.ordinal, e.criterion, l AS lang, e.question
  FROM unnest(ARRAY['en', 'nl', 'es']) WITH ORDINALITY AS u(l, o),
       LATERAL explain('asked', '{}'::jsonb, '2026-01-01', l) e
 ORDER BY e.ordinal, u.o;
SELECT l AS lang, e.criterion, e.question
  FROM unnest(ARRAY['es-mx', 'fr', NULL]) WITH ORDINALITY AS u(l, o),
       LATERAL explain('asked', '{}'::jsonb, '2026-01-01', l) e
 WHERE e.criterion IN ('budget', 'ko')
 ORDER BY u.o, e.ordinal;
-- next_action() asks the same questions, none of them NULL.
SELECT l AS lang, cardinality(a.questions) AS questions, array_position(a.questions, NULL) AS first_null,
       a.questions = (SELECT array_agg(x.question ORDER BY array_position(a.ask, x.criterion))
                        FROM explain('asked', '{}'::jsonb, '2026-01-01', l) x) AS same_as_explain
  FROM unnest(ARRAY['en', 'nl', 'es', 'fr', NULL]) WITH ORDINALITY AS u(l, o),
       LATERAL next_action('asked', '{}'::jsonb, '2026-01-01', l) a
 ORDER BY u.o;

-- The same lead as a table row, as JSON text, and with the model as a value.
CREATE TABLE renewal_leads (id int, budget_eur numeric, role text, consent boolean,
                            purchase_date date, contract_end timestamptz);
INSERT INTO renewal_leads VALUES
    (1, 20000, 'intern', true, '2026-09-01', '2026-12-31 10:00+00'),
    (2, 20000, 'cfo', true, NULL, NULL),
    (3, 5000, 'intern', true, '2026-04-02', '2026-03-03 23:59:59+00');
SELECT l.id, a.action, a.follow_up, a.ask,
       a = next_action('renewal', to_jsonb(l) - 'id', '2026-01-01') AS same_as_jsonb,
       a = next_action('renewal', (to_jsonb(l) - 'id')::text, '2026-01-01') AS same_as_text,
       a = next_action('renewal'::model, l, '2026-01-01') AS same_with_value
  FROM renewal_leads l, LATERAL next_action('renewal', l, '2026-01-01') a
 ORDER BY l.id;
-- 3: 91 and 61 days ahead (the timestamptz counts by its UTC date), both
-- come within their window on 2026-01-02; the first in model order names it.
SELECT a.reason FROM renewal_leads l, LATERAL next_action('renewal', l, '2026-01-01') a WHERE l.id = 3;
-- An infinite date (only a row can hold one) never comes within a window:
-- the tier's interval applies (score 1/9 of 100: tier D, 180 days).
INSERT INTO renewal_leads VALUES (4, 5000, 'intern', true, 'infinity', '-infinity');
SELECT a.* FROM renewal_leads l, LATERAL next_action('renewal', l, '2026-01-01') a WHERE l.id = 4;

--------------------------------------------------------------------------
-- Drop: NULL follow-up unless drop_days is set.
--------------------------------------------------------------------------
SELECT c AS config, a.action, a.follow_up, a.reason
  FROM unnest(ARRAY[NULL, '{"drop_days": 365}', '{"drop_days": 0}']::jsonb[]) WITH ORDINALITY AS u(c, o),
       LATERAL next_action('renewal', '{"consent": false, "budget_eur": 1}'::jsonb, '2026-01-01', 'en', c) a
 ORDER BY o;
SELECT a.reason FROM next_action('{"name": "two_ko", "criteria": [{"key": "a", "rule": "boolean", "knockout": true},
                                   {"key": "b", "rule": "boolean", "knockout": true}, {"key": "c"}]}'::model,
                                 '{"a": false, "b": false}'::jsonb, '2026-01-01') a;

--------------------------------------------------------------------------
-- NULLs: a NULL model or as_of gives NULL; NULL evidence means nothing is
-- known; a NULL lang is English; a NULL config the defaults.
--------------------------------------------------------------------------
SELECT next_action(NULL::model, '{}'::jsonb, '2026-01-01') IS NULL AS null_model,
       next_action(NULL::text, '{}'::jsonb, '2026-01-01') IS NULL AS null_name,
       next_action('bant', '{}'::jsonb, NULL) IS NULL AS null_as_of,
       next_action('bant'::model, NULL::record, NULL) IS NULL AS null_as_of_row;
SELECT a.* FROM next_action('bant', NULL::jsonb, '2026-01-01', NULL, NULL) a;
SELECT next_action('bant', NULL::text, '2026-01-01') = next_action('bant', '{}'::jsonb, '2026-01-01') AS null_text_evidence;

-- The follow-up counts from as_of's date in UTC, whatever the time zone;
-- an infinite as_of gives an infinite follow-up (or NULL for drop).
SET TimeZone = 'America/New_York';
SELECT (next_action('bant', '{"budget": 8, "authority": 7, "need": 9}'::jsonb, '2026-01-01 23:30-05')).follow_up AS hand_over,
       (next_action('bant', '{"budget": 8}'::jsonb, '2026-01-01 23:30-05')).follow_up AS ask;
RESET TimeZone;
SELECT a.action, a.follow_up
  FROM unnest(ARRAY['{"budget": 8, "authority": 7, "need": 9}', '{"budget": 8}', '{"budget": 0, "authority": 0}']::jsonb[]) AS e,
       LATERAL next_action('bant', e, 'infinity') a;
SELECT a.action, a.follow_up FROM next_action('bant', '{"budget": 8}'::jsonb, '-infinity') a;
SELECT a.action, a.follow_up FROM next_action('renewal', '{"consent": false}'::jsonb, 'infinity') a;
-- a date rule with a known value needs a finite as_of, as in qualify()
SELECT * FROM regress.err($$SELECT next_action('renewal', '{"purchase_date": "2026-09-01"}'::jsonb, 'infinity')$$);

--------------------------------------------------------------------------
-- Config errors (22023, naming the field).
--------------------------------------------------------------------------
SELECT c AS config, (regress.err(format($$SELECT next_action('bant', '{}'::jsonb, '2026-01-01', 'en', %L)$$, c))).*
  FROM unnest(ARRAY[
    '[]', '7', '{"ask_day": 7}', '{"ask_days": "7"}', '{"ask_days": 1.5}', '{"ask_days": -1}',
    '{"ask_days": 36601}', '{"ask_days": null}', '{"nurture_days": 30}', '{"nurture_days": {"E": 30}}',
    '{"nurture_days": {"a": 30}}', '{"nurture_days": {"A": -30}}', '{"nurture_days": {"B": true}}',
    '{"drop_days": "never"}', '{"drop_days": 1e999}']) AS c;
SELECT * FROM regress.err_detail($$SELECT next_action('bant', '{}'::jsonb, '2026-01-01', 'en', '{"follow_up": 7}')$$);
-- the config is checked even when the result is NULL
SELECT * FROM regress.err($$SELECT next_action(NULL::model, '{}'::jsonb, '2026-01-01', 'en', '{"x": 1}')$$);

--------------------------------------------------------------------------
-- next_action() agrees with qualify() on every lead: the action follows
-- the status, and `ask` lists exactly what qualify() says is missing.
--------------------------------------------------------------------------
CREATE TABLE gen_leads AS
SELECT i, jsonb_strip_nulls(jsonb_build_object(
           'budget', CASE WHEN i % 5 <> 0 THEN (i * 7) % 11 END,
           'authority', CASE WHEN i % 3 <> 0 THEN (i * 3) % 11 END,
           'need', CASE WHEN i % 4 <> 0 THEN (i * 5) % 11 END,
           'timeframe', CASE WHEN i % 7 <> 0 THEN (i * 2) % 11 END,
           'challenges', CASE WHEN i % 6 <> 0 THEN i % 4 <> 1 END,
           'money', CASE WHEN i % 2 = 0 THEN i % 10 END,
           'prioritization', CASE WHEN i % 9 <> 0 THEN (i * 4) % 11 END,
           'budget_eur', CASE WHEN i % 5 <> 1 THEN i * 37 END,
           'role', (ARRAY['cfo', 'intern', NULL, 'owner'])[1 + i % 4],
           'consent', CASE WHEN i % 8 <> 0 THEN i % 13 <> 0 END,
           'purchase_date', CASE WHEN i % 3 <> 1 THEN to_char(date '2025-10-01' + i, 'YYYY-MM-DD') END,
           'contract_end', CASE WHEN i % 4 <> 2 THEN to_char(date '2025-11-01' + i * 2, 'YYYY-MM-DD') END)) AS e
  FROM generate_series(1, 600) i;
SELECT m AS model, count(*) AS leads,
       count(*) FILTER (WHERE a.action = CASE q.status WHEN 'qualified' THEN 'hand_to_sales' WHEN 'needs_info' THEN 'ask'
                                                        WHEN 'nurture' THEN 'nurture' WHEN 'disqualified' THEN 'drop' END) AS same_status,
       count(*) FILTER (WHERE a.ask = CASE WHEN q.status = 'needs_info' THEN q.missing ELSE '{}' END) AS same_missing,
       count(*) FILTER (WHERE cardinality(a.questions) = cardinality(a.ask)
                          AND array_position(a.questions, NULL) IS NULL) AS questions_per_key,
       count(*) FILTER (WHERE (a.follow_up IS NULL) = (q.status = 'disqualified')) AS null_follow_up_iff_drop,
       count(*) FILTER (WHERE a.follow_up >= date '2026-01-01' OR a.follow_up IS NULL) AS not_before_as_of,
       string_agg(DISTINCT a.action, ',' ORDER BY a.action) AS actions
  FROM unnest(ARRAY['bant', 'champ', 'renewal']) AS m, gen_leads g,
       LATERAL qualify(m, g.e, '2026-01-01') q,
       LATERAL next_action(m, g.e, '2026-01-01') a
 GROUP BY m ORDER BY m;
-- and the nurture follow-ups of the renewal leads, recomputed in SQL: the
-- earliest (date - window) among dates more than the window ahead on which
-- the lead could qualify (qualify() as of that day says qualified or
-- needs_info), else as_of + the tier's interval.  (Where budget_eur or role
-- is missing, renewal reads its keys "budget" and "authority", BANT's
-- grades here: a criterion reads its key when the evidence lacks its
-- source.  Such leads fail those criteria rather than being asked about
-- them.)
SELECT count(*) AS nurtured,
       count(*) FILTER (WHERE a.follow_up = coalesce(
           (SELECT min(d.day - d.days) FROM (VALUES ((g.e->>'purchase_date')::date, 90),
                                                    ((g.e->>'contract_end')::date, 60)) AS d(day, days)
             WHERE d.day - date '2026-01-01' > d.days
               AND (qualify('renewal', g.e, (d.day - d.days)::timestamp AT TIME ZONE 'UTC')).status
                   IN ('qualified', 'needs_info')),
           date '2026-01-01' + CASE q.tier WHEN 'A' THEN 30 WHEN 'B' THEN 60 WHEN 'C' THEN 90 ELSE 180 END)) AS as_computed,
       count(*) FILTER (WHERE a.reason LIKE '%follow up then.') AS from_a_date,
       count(*) FILTER (WHERE a.reason LIKE '%, nor on %') AS date_not_enough
  FROM gen_leads g,
       LATERAL qualify('renewal', g.e, '2026-01-01') q,
       LATERAL next_action('renewal', g.e, '2026-01-01') a
 WHERE a.action = 'nurture';

-- A model whose name changes row by row, and the config as a column.
SELECT m, c, a.action, a.follow_up
  FROM (VALUES ('bant', '{"ask_days": 1}'::jsonb), ('anum', '{"ask_days": 2}'), ('bant', NULL), ('anum', '{"ask_days": 2}')) AS t(m, c),
       LATERAL next_action(t.m, '{"authority": 9}'::jsonb, '2026-01-01', 'en', t.c) a;

-- In PL/pgSQL the same expression is evaluated again with other values:
-- settings given by a variable are compared each time, not kept as if
-- they were constants.
CREATE FUNCTION stages_by_mql(engagement float8, mins float8[]) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    result text[] := '{}';
    thr jsonb;
BEGIN
    FOREACH thr IN ARRAY ARRAY(SELECT jsonb_build_object('mql', jsonb_build_object('engagement', m)) FROM unnest(mins) m) LOOP
        result := result || (lead_qual.readiness(rq('needs_info', 'B'), engagement, NULL, thr)).stage;
    END LOOP;
    RETURN result;
END $$;
SELECT stages_by_mql(25, ARRAY[30, 20, 30, 25, 25.5]) AS stages;
CREATE FUNCTION follow_ups(days int[]) RETURNS date[] LANGUAGE plpgsql AS $$
DECLARE
    result date[] := '{}';
    d int;
BEGIN
    FOREACH d IN ARRAY days LOOP
        result := result || (lead_qual.next_action('bant', '{"budget": 8}'::jsonb, '2026-01-01', 'en',
                                                   jsonb_build_object('ask_days', d))).follow_up;
    END LOOP;
    RETURN result;
END $$;
SELECT follow_ups(ARRAY[1, 2, 2, 30, 1]) AS follow_ups;

--------------------------------------------------------------------------
-- End to end: a fit model for the ideal customer (industry, region, company
-- size, role), BANT from conversations, and engagement points.
--------------------------------------------------------------------------
SELECT define_model('icp', $${
  "min_met": 3, "tiers": {"A": 80, "B": 60, "C": 40},
  "criteria": [
    {"key": "industry", "weight": 3, "rule": {"type": "one_of", "values": ["chemicals", "pharma", "food"]}},
    {"key": "region", "weight": 2, "knockout": true, "rule": {"type": "one_of", "values": ["NL", "BE", "DE", "ES"]}},
    {"key": "company_size", "source": "employees", "weight": 3, "rule": {"type": "between", "min": 50, "max": 5000}},
    {"key": "role", "source": "job_title", "weight": 2,
     "rule": {"type": "scale", "grades": {"ceo": 10, "cfo": 9, "purchasing": 8, "engineer": 5, "intern": 2}, "pass": 6}}
  ]}$$) IS NOT NULL AS defined;
CREATE TABLE prospects (id int, company text, industry text, region text, employees int, job_title text,
                        budget int, authority int, need int, timeframe int, engagement float8);
INSERT INTO prospects VALUES
    (1, 'Brightwater Chemicals', 'chemicals', 'NL', 800, 'purchasing', 8, 7, 9, NULL, 12),
    (2, 'Koala Foods', 'food', 'BE', 120, 'engineer', NULL, NULL, 7, NULL, 55),
    (3, 'Nimbus Pharma', 'pharma', 'DE', 40000, 'intern', NULL, NULL, NULL, NULL, 31),
    (4, 'Sol Bakeries', 'food', 'ES', 60, 'ceo', NULL, NULL, NULL, NULL, 24),
    (5, 'Outback Mining', 'mining', 'AU', 300, 'cfo', 9, 9, 9, 9, 80),
    (6, 'Vega Logistics', 'logistics', 'NL', 20, 'engineer', NULL, NULL, NULL, NULL, 8),
    (7, 'Delta Paints', 'chemicals', 'DE', 2500, NULL, 6, NULL, 6, 6, NULL);
-- Fit scores by hand (weights industry 3, region 2, size 3, role 2; total 10):
--   1: all met, role purchasing 8        -> (30 + 20 + 30 + 16) / 10 = 96 -> A
--   2: all but role (engineer 5)         -> (30 + 20 + 30 + 10) / 10 = 90 -> A
--   3: size 40000 out of range, intern 2 -> (30 + 20 + 0 + 4) / 10   = 54 -> C
--   4: all met, ceo 10                   -> 100 -> A
--   5: region AU fails the knockout      -> (0 + 0 + 30 + 18) / 10   = 48 -> C, disqualified
--   6: industry, size fail, engineer 5   -> (0 + 20 + 0 + 10) / 10   = 30 -> D
--   7: role unknown                      -> (30 + 20 + 30) / 10      = 80 -> A
SELECT p.id, p.company, f.score AS fit_score, f.tier AS fit_tier, f.status AS fit_status,
       q.status AS bant, p.engagement, r.stage, r.grade, r.reason
  FROM prospects p,
       LATERAL qualify('icp', p, '2026-01-01') f,
       LATERAL qualify('bant', p, '2026-01-01') q,
       LATERAL readiness(f, p.engagement, q) r
 ORDER BY p.id;
-- and what to do next with each of them, by BANT
SELECT p.id, a.action, a.ask, a.follow_up
  FROM prospects p, LATERAL next_action('bant', p, '2026-01-01') a
 ORDER BY p.id;

-- Plans: with constant arguments and a model value, the calls are folded.
EXPLAIN (COSTS OFF, VERBOSE)
SELECT readiness(rq('needs_info', 'B'), 30, NULL, '{"mql": {"engagement": 30}}');
EXPLAIN (COSTS OFF, VERBOSE)
SELECT (next_action('bant'::model, '{"budget": 8}'::jsonb, '2026-01-01')).follow_up;

DROP TABLE renewal_leads, gen_leads, prospects;
SELECT drop_model('renewal'), drop_model('icp'), drop_model('fit_score'), drop_model('trial'), drop_model('recent'),
       drop_model('asked');
DROP FUNCTION stages_by_mql(float8, float8[]), follow_ups(int[]);
DROP FUNCTION rq(text, text);
