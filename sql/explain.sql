-- explain(): one row per criterion, showing how the score came about and,
-- for what is still unknown, which question to ask next.
SET search_path = public, lead_qual;

SELECT * FROM explain('bant', '{"budget": 8, "authority": false}');

-- The question comes in the language asked for, else in English.
SELECT criterion, question FROM explain('bant', '{"budget": 8}', lang => 'nl');
SELECT criterion, question FROM explain('six_signals', '{}', lang => 'es') WHERE ordinal <= 3;
SELECT criterion, question FROM explain('bant', '{}', lang => 'fr') WHERE ordinal = 1;
SELECT criterion, question FROM explain('bant', '{}', lang => NULL) WHERE ordinal = 1;

-- Dates are shown as PostgreSQL writes them in ISO style, BC years included.
CREATE TABLE dated (id int, timing date);
INSERT INTO dated VALUES (1, '2026-02-01'), (2, '0044-03-15 BC'), (3, 'infinity');
SELECT d.id, e.value, e.met
  FROM dated d, explain('{"name": "dated", "criteria": [{"key": "timing", "rule": {"type": "within_days", "days": 60}}]}'::lead_qual.model,
                        d, '2026-01-01') e
 ORDER BY d.id;
DROP TABLE dated;

-- Weighted: the points add up to the score; a knockout is marked.
SELECT define_model('weighted', $${"min_met": 2, "criteria": [
    {"key": "challenge", "weight": 3, "knockout": true, "rule": "boolean",
     "questions": {"en": "What is holding you back?"}},
    {"key": "budget", "weight": 2, "rule": {"type": "at_least", "value": 5000}},
    {"key": "need", "weight": 1.5, "rule": {"type": "scale", "grades": {"low": 3, "high": 8}}},
    {"key": "timing", "weight": 0.5, "rule": {"type": "within_days", "days": 60}}]}$$) IS NOT NULL AS defined;
SELECT ordinal, criterion, rule, value, grade, weight, points, met, known, knockout, question
  FROM explain('weighted', '{"budget": 7000, "need": "low"}', '2026-01-01');
SELECT e.points_total, q.score, e.points_total = q.score AS adds_up
  FROM (SELECT sum(points) AS points_total FROM explain('weighted', '{"budget": 7000, "need": "low"}', '2026-01-01')) e,
       qualify('weighted', '{"budget": 7000, "need": "low"}', '2026-01-01') q;
-- and for many leads at once (LATERAL):
SELECT count(*) AS leads, count(*) FILTER (WHERE abs(e.total - q.score) < 1e-5) AS adds_up
  FROM (SELECT jsonb_build_object('challenge', i % 3 <> 0, 'budget', i * 100,
                                  'need', (ARRAY['low', 'high', NULL])[1 + i % 3],
                                  'timing', to_char(date '2026-01-01' + i, 'YYYY-MM-DD')) AS ev
          FROM generate_series(1, 200) i) l,
       LATERAL (SELECT sum(points) AS total FROM explain('weighted', l.ev, '2026-01-01')) e,
       LATERAL qualify('weighted', l.ev, '2026-01-01') q;

-- What to ask next, for each lead: its most important unknown criterion.
CREATE TABLE prospects (id int, evidence jsonb);
INSERT INTO prospects VALUES (1, '{"budget": 9000}'), (2, '{"challenge": true, "budget": 9000, "need": "high"}'),
                             (3, '{"challenge": true, "budget": 9000, "need": "high", "timing": "2026-02-01"}');
SELECT p.id, (q).status, (q).missing[1] AS ask_about,
       (SELECT e.question FROM explain('weighted', p.evidence, '2026-01-01') e
         WHERE e.criterion = (q).missing[1]) AS question
  FROM prospects p, LATERAL (SELECT qualify('weighted', p.evidence, '2026-01-01') AS q) s
 ORDER BY p.id;

-- Row evidence, and values as read from their columns.
CREATE TABLE lead_rows (budget numeric, challenge text, need varchar, timing timestamptz);
INSERT INTO lead_rows VALUES (4999.99, 'yes', 'HIGH', '2026-03-02 10:00+00');
SELECT criterion, value, grade, met FROM explain('weighted', (SELECT r FROM lead_rows r), '2026-01-01');

-- NULL model: no rows.  NULL evidence: every criterion unknown.
SELECT count(*) FROM explain(NULL::model, '{}'::jsonb);
SELECT count(*) FILTER (WHERE NOT known) AS unknown FROM explain('bant', NULL::jsonb);

DROP TABLE prospects, lead_rows;
SELECT drop_model('weighted');

-- Evidence under a criterion's key or its source.  A criterion reads the
-- key its source names; when the evidence has no key of that name, it
-- reads its own key.  explain() shows in "source" which one was read.
SELECT define_model('bant_crm', $${"criteria": [
    {"key": "budget", "source": "budget_eur", "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "role", "rule": {"type": "one_of", "values": ["cfo", "owner"]}},
    {"key": "need"}]}$$) IS NOT NULL AS defined;
SELECT qualify('bant_crm', '{"budget": 50000, "role": "cfo", "need": 9}');
SELECT qualify('bant_crm', '{"budget": 50000, "role": "cfo", "need": 9}'::jsonb);
SELECT criterion, source, value, met
  FROM explain('bant_crm', '{"budget": 50000, "authority": "owner", "need": 9}'::jsonb);
-- Both given: the source wins, also when its value is null (unknown).
SELECT criterion, source, value, met
  FROM explain('bant_crm', '{"budget": 50000, "budget_eur": 5000, "authority": "intern", "role": null}'::jsonb);
SELECT criterion, source, value, met
  FROM explain('bant_crm', '{"budget": 50000, "budget_eur": 5000, "authority": "intern", "role": null}'::text);
-- Errors about a value read under the key name the key.
SELECT * FROM regress.err_detail($$SELECT lead_qual.qualify('bant_crm', '{"budget": "lots"}')$$);
-- A key that is another criterion's source is that criterion's only.
SELECT criterion, source, value
  FROM explain('{"name": "chain", "criteria": [{"key": "x", "source": "y"}, {"key": "z", "source": "x"}]}'::model,
               '{"x": 5}'::jsonb);
-- Rows: the column the source names, else the one the key names.
CREATE TABLE crm_rows (id int, budget numeric, role text, need int);
INSERT INTO crm_rows VALUES (1, 25000, 'CFO', 7), (2, 900, 'intern', NULL);
SELECT id, score('bant_crm', c), (qualify('bant_crm', c)).missing, (qualify('bant_crm', c)).failed
  FROM crm_rows c ORDER BY id;
SELECT criterion, source, value, met FROM explain('bant_crm', (SELECT c FROM crm_rows c WHERE id = 1));
-- Neither column: an error on the first row (an empty table raises nothing).
CREATE TABLE crm_bad (id int, role text, need int);
INSERT INTO crm_bad VALUES (1, 'cfo', 7);
SELECT * FROM regress.err_detail($$SELECT lead_qual.score('bant_crm', c) FROM crm_bad c$$);
-- Touches fold the keys read as well.
SELECT (qualify_touches('bant_crm', e, t)).met
  FROM (VALUES ('{"budget": 50000}'::jsonb, '2026-01-01'::timestamptz), ('{"role": "cfo"}', '2026-01-02')) v(e, t);
DROP TABLE crm_rows, crm_bad;

-- Keys that no criterion reads: a typo, a key the source overrides.
SELECT unmatched_keys('bant_crm', '{"budjet": 8, "role": "cfo", "need": 9, "notes": null}'::jsonb) AS jsonb,
       unmatched_keys('bant_crm', '{"budjet": 8, "notes": 1, "budjet": 9}'::text) AS text,
       unmatched_keys('bant_crm', '{"budget": 8, "budget_eur": 9}'::jsonb) AS overridden,
       unmatched_keys('bant_crm', '{}'::jsonb) AS none,
       unmatched_keys(model('bant'::text), '{"Budget": 8, "budget ": 8, "budget": 8}'::jsonb) AS exact;
SELECT * FROM regress.err_detail($$SELECT lead_qual.unmatched_keys('bant_crm', '[1]'::jsonb)$$);
-- check_evidence(): the evidence as it is, or an error naming the others.
SELECT check_evidence('bant_crm', '{"budget": 50000, "role": "cfo"}'::jsonb) AS jsonb,
       check_evidence('bant_crm', '{"budget_eur": 50000, "need": 9}'::text) AS text,
       check_evidence('bant_crm', NULL::jsonb) IS NULL AS null_evidence;
SELECT * FROM regress.err_detail($$SELECT lead_qual.check_evidence('bant_crm', '{"budjet": 8, "need": 9}'::jsonb)$$);
SELECT * FROM regress.err_detail($$SELECT lead_qual.qualify('bant_crm', lead_qual.check_evidence('bant_crm', '{"budget": 1, "budget_eur": 2, "x": 3}'))$$);
SELECT drop_model('bant_crm');
