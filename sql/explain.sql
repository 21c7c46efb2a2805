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
