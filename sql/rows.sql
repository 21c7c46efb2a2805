-- Evidence read from table rows: criteria read columns by name, of many
-- types, with NULLs, domains, enums, added and dropped columns.
SET search_path = public, lead_qual;

CREATE DOMAIN euro AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TYPE decision_role AS ENUM ('intern', 'manager', 'owner', 'cfo', 'purchasing');

SELECT define_model('acme_rows', $${
  "min_met": 4,
  "criteria": [
    {"key": "budget", "source": "budget_eur", "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "role", "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "need", "source": "need", "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9}}},
    {"key": "timeframe", "source": "purchase_date", "rule": {"type": "within_days", "days": 90}},
    {"key": "size", "source": "employees", "rule": {"type": "between", "min": 10, "max": 500}},
    {"key": "risk", "source": "churn_risk", "rule": {"type": "at_most", "value": 0.3}},
    {"key": "consent", "source": "consent", "rule": "boolean", "knockout": true},
    {"key": "contact", "source": "last_contact", "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
    {"key": "event", "source": "event_at", "rule": {"type": "within_days", "days": 7, "direction": "either"}},
    {"key": "interest", "source": "interest", "weight": 2},
    {"key": "region", "source": "region", "rule": {"type": "one_of", "values": ["NL", "BE"]}}
  ]}$$) IS NOT NULL AS defined;

CREATE TABLE leads (
    id integer PRIMARY KEY,
    company varchar(40),
    budget_eur euro,
    role decision_role,
    need text,
    purchase_date date,
    employees smallint,
    churn_risk real,
    consent boolean,
    last_contact timestamptz,
    event_at timestamp,
    interest bigint,
    region char(4)
);
INSERT INTO leads VALUES
 (1, 'Full house',  25000,  'cfo',        'high',   '2026-02-15', 120,  0.1, true,  '2025-12-20 10:00+00', '2026-01-05 09:00', 9, 'NL'),
 (2, 'All unknown', NULL,   NULL,         NULL,     NULL,         NULL, NULL, NULL, NULL,                  NULL,               NULL, NULL),
 (3, 'No consent',  25000,  'owner',      'high',   '2026-02-15', 120,  0.1, false, '2025-12-20 10:00+00', '2026-01-05 09:00', 9, 'BE'),
 (4, 'Low marks',   500,    'intern',     'low',    '2027-01-01', 5000, 0.9, true,  '2025-01-01 10:00+00', '2026-03-01 09:00', 2, 'DE  '),
 (5, 'Blanks',      10000,  'purchasing', ' Medium ', '2026-04-01', 10, 0.3, true,  '2025-12-02 00:00+00', '2025-12-25 00:00', 6, 'be  ');

-- as_of 2026-01-01 noon UTC throughout.
SELECT id, company, (qualify('acme_rows', l, '2026-01-01 12:00+00')).*
  FROM leads l ORDER BY id;

-- The same leads as jsonb give the same qualification: reading rows and
-- reading jsonb agree for every type above.
SELECT count(*) AS leads,
       count(*) FILTER (WHERE qualify('acme_rows', l, '2026-01-01 12:00+00')
                              = qualify('acme_rows', to_jsonb(l), '2026-01-01 12:00+00')) AS same_as_jsonb,
       count(*) FILTER (WHERE qualify('acme_rows', l, '2026-01-01 12:00+00')
                              = qualify('acme_rows', to_jsonb(l)::text, '2026-01-01 12:00+00')) AS same_as_text
  FROM leads l;

-- explain shows each value as read from its column.
SELECT criterion, source, value, grade, met, points
  FROM explain('acme_rows', (SELECT l FROM leads l WHERE id = 5), '2026-01-01 12:00+00');

-- A column added later with a default: old rows read the default.
ALTER TABLE leads ADD COLUMN fit integer NOT NULL DEFAULT 8;
ALTER TABLE leads DROP COLUMN company;
SELECT id, (qualify('{"name": "fit", "criteria": [{"key": "fit"}, {"key": "consent", "rule": "boolean"}]}'::model, l)).*
  FROM leads l ORDER BY id;

-- The row form works on any row with named columns: a subquery, VALUES, a view.
SELECT qualify('bant', v) FROM (VALUES (true, 8, NULL::int, 'no')) AS v(budget, authority, need, timeframe);
SELECT (qualify('bant', s)).status FROM (SELECT 7 AS budget, 7 AS authority, 7 AS need, 2 AS timeframe, 'x' AS other) s;
CREATE VIEW lead_view AS SELECT id, consent AS budget, interest AS need, employees > 100 AS authority, NULL::int AS timeframe FROM leads;
SELECT id, (qualify('bant', v)).score, (qualify('bant', v)).missing FROM lead_view v ORDER BY id;

-- Text columns: grades and booleans as text, jsonb scalars.
CREATE TABLE text_leads (budget text, authority varchar, need jsonb, timeframe jsonb);
INSERT INTO text_leads VALUES ('yes', ' 7.5 ', '8', '"no"'), ('no', 'f', 'null', 'true'), (NULL, NULL, NULL, NULL);
SELECT (qualify('bant', t)).* FROM text_leads t;

-- Wrong use: a column the model names does not exist, or has a type the
-- rule cannot read.  Found when the row type is first seen.
SELECT * FROM regress.err_detail($$SELECT qualify('bant', l) FROM leads l$$);
SELECT * FROM regress.err_detail($$SELECT qualify('bant', row(true, 1, 2, 3))$$);
CREATE TABLE wrong_types (budget date, authority int, need int, timeframe int);
INSERT INTO wrong_types VALUES ('2026-01-01', 1, 1, 1);
SELECT * FROM regress.err_detail($$SELECT qualify('bant', w) FROM wrong_types w$$);
CREATE TABLE wrong_types2 (purchase date);
INSERT INTO wrong_types2 VALUES ('2026-01-01');
SELECT * FROM regress.err_detail($$SELECT qualify('{"name": "d", "criteria": [{"key": "purchase", "rule": {"type": "at_least", "value": 3}}]}', w) FROM wrong_types2 w$$);
CREATE TABLE wrong_types3 (purchase integer);
INSERT INTO wrong_types3 VALUES (20260101);
SELECT * FROM regress.err_detail($$SELECT qualify('{"name": "d", "criteria": [{"key": "purchase", "rule": {"type": "within_days", "days": 3}}]}', w) FROM wrong_types3 w$$);
-- A value the rule cannot read is an error naming the criterion.
INSERT INTO text_leads VALUES ('perhaps', NULL, NULL, NULL);
SELECT * FROM regress.err_detail($$SELECT qualify('bant', t) FROM text_leads t$$);
-- NaN in a numeric column.
CREATE TABLE nan_leads (budget numeric);
INSERT INTO nan_leads VALUES ('NaN');
SELECT * FROM regress.err($$SELECT qualify('{"name": "n", "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 1}}]}', n) FROM nan_leads n$$);

-- Only columns whose text does not depend on settings are read as text:
-- uuid, citext-like strings and network types are, intervals are not.
CREATE TABLE other_types (budget uuid, authority inet, need interval);
INSERT INTO other_types VALUES ('00000000-0000-0000-0000-000000000001', '10.0.0.1', '1 day');
SELECT (qualify('{"name": "o", "criteria": [
          {"key": "budget", "rule": {"type": "one_of", "values": ["00000000-0000-0000-0000-000000000001"]}},
          {"key": "authority", "rule": {"type": "one_of", "values": ["10.0.0.1"]}}]}', o)).score
  FROM other_types o;
SELECT * FROM regress.err_detail($$SELECT qualify('{"name": "o", "criteria": [{"key": "need", "rule": {"type": "one_of", "values": ["1 day"]}}]}', o) FROM other_types o$$);

-- A row type that changes while a statement runs is bound again: here a
-- function called per row alters the table between the first and second row.
CREATE TABLE changing (a text, b int);
INSERT INTO changing VALUES ('7', 5);
CREATE FUNCTION changing_row(i int) RETURNS changing LANGUAGE plpgsql AS $$
DECLARE r changing;
BEGIN
    IF i = 2 THEN
        DELETE FROM changing;
        ALTER TABLE changing ALTER COLUMN a TYPE int8 USING 0;
        INSERT INTO changing VALUES (2147483644, 5);
    END IF;
    SELECT * INTO r FROM changing LIMIT 1;
    RETURN r;
END $$;
SELECT i, score('{"name": "c", "criteria": [{"key": "a", "rule": {"type": "at_least", "value": 1}}, {"key": "b", "rule": {"type": "at_least", "value": 1}}]}',
                changing_row(i), '2026-01-01')
  FROM generate_series(1, 2) i;
DROP FUNCTION changing_row(int);

-- Scoring in WHERE and ORDER BY.
SELECT id, score('acme_rows', l, '2026-01-01 12:00+00') AS score
  FROM leads l
 WHERE is_qualified('acme_rows', l, '2026-01-01 12:00+00') OR score('acme_rows', l, '2026-01-01 12:00+00') > 20
 ORDER BY score('acme_rows', l, '2026-01-01 12:00+00') DESC;

-- Parallel workers give the same results (sums taken exactly, as numeric,
-- so that the order of addition does not matter).
CREATE TABLE many_leads AS
  SELECT i AS id, (i % 7) * 2000 AS budget_eur,
         (ARRAY['owner', 'intern', 'cfo', NULL])[1 + i % 4] AS role,
         (ARRAY['low', 'medium', 'high'])[1 + i % 3] AS need,
         date '2026-01-01' + (i % 200) AS purchase_date,
         (i % 900)::smallint AS employees, (i % 10) / 10.0 AS churn_risk,
         i % 11 <> 0 AS consent, timestamptz '2025-12-01' + (i % 60) * interval '1 day' AS last_contact,
         timestamp '2025-12-28' + (i % 10) * interval '1 day' AS event_at,
         i % 11 AS interest, CASE WHEN i % 2 = 0 THEN 'NL' ELSE 'FR' END AS region
    FROM generate_series(1, 20000) i;
ANALYZE many_leads;
CREATE TABLE serial_result AS
  SELECT count(*) FILTER (WHERE is_qualified('acme_rows', l, '2026-01-01 12:00+00')) AS qualified,
         sum(score('acme_rows', l, '2026-01-01 12:00+00')::numeric) AS total,
         sum((qualify('acme_rows', l, '2026-01-01 12:00+00')).met) AS met
    FROM many_leads l;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- The functions run in the workers, below the Gather.
EXPLAIN (COSTS OFF)
  SELECT count(*) FILTER (WHERE is_qualified('acme_rows', l, '2026-01-01 12:00+00')) AS qualified,
         sum(score('acme_rows', l, '2026-01-01 12:00+00')::numeric) AS total,
         sum((qualify('acme_rows', l, '2026-01-01 12:00+00')).met) AS met
    FROM many_leads l;
SELECT s.*, p = s AS same_in_parallel
  FROM serial_result s,
       (SELECT count(*) FILTER (WHERE is_qualified('acme_rows', l, '2026-01-01 12:00+00')) AS qualified,
               sum(score('acme_rows', l, '2026-01-01 12:00+00')::numeric) AS total,
               sum((qualify('acme_rows', l, '2026-01-01 12:00+00')).met) AS met
          FROM many_leads l) p;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- Over a plain table the planner passes the row's columns instead of the
-- whole row (the *_columns twins); other rows keep the row form.  A model
-- named by a constant is looked up when the query is planned.
SELECT * FROM regress.plan($$SELECT score('acme_rows', l, '2026-01-01') FROM leads l$$);
SELECT * FROM regress.plan($$SELECT score('acme_rows', l, '2026-01-01') FROM (SELECT * FROM leads OFFSET 0) l$$);
-- Both give the same results, for every function and lead.
SELECT count(*) AS leads,
       count(*) FILTER (WHERE t.q = s.q AND t.sc = s.sc AND t.iq = s.iq) AS same
  FROM (SELECT id, qualify('acme_rows', l, '2026-01-01') AS q, score('acme_rows', l, '2026-01-01') AS sc,
               is_qualified('acme_rows', l, '2026-01-01') AS iq FROM many_leads l) t
  JOIN (SELECT id, qualify('acme_rows', l, '2026-01-01') AS q, score('acme_rows', l, '2026-01-01') AS sc,
               is_qualified('acme_rows', l, '2026-01-01') AS iq FROM (SELECT * FROM many_leads OFFSET 0) l) s USING (id);
-- A row an outer join did not find is NULL: nothing is known.
SELECT x.i, (qualify('acme_rows', l, '2026-01-01')).status, (qualify('acme_rows', l, '2026-01-01')).known
  FROM generate_series(1, 2) x(i) LEFT JOIN leads l ON l.id = x.i * 1000 ORDER BY 1 LIMIT 1;
-- A prepared statement keeps working when the table or the model changes.
PREPARE scored AS SELECT id, score('acme_rows', l, '2026-01-01') FROM leads l WHERE id IN (1, 4) ORDER BY id;
EXECUTE scored;
ALTER TABLE leads ADD COLUMN extra text DEFAULT 'x';
EXECUTE scored;
SELECT define_model('acme_rows', '{"criteria": [{"key": "fit"}, {"key": "extra", "rule": {"type": "one_of", "values": ["x"]}}]}') IS NOT NULL AS redefined;
EXECUTE scored;
DEALLOCATE scored;
-- A table with more columns than a function takes arguments keeps the row form.
SELECT format('CREATE TABLE wide (%s)', string_agg(format('c%s int', i), ', ')) FROM generate_series(1, 120) i \gexec
INSERT INTO wide (c1, c120) VALUES (9, 3);
EXPLAIN (VERBOSE, COSTS OFF) SELECT score('{"name": "w", "criteria": [{"key": "c1"}, {"key": "c120"}]}', w) FROM wide w;
SELECT score('{"name": "w", "criteria": [{"key": "c1"}, {"key": "c120"}]}', w) FROM wide w;
-- Partitioned tables, and the twins given NULLs.
CREATE TABLE parted (id int, budget int, authority int, need int, timeframe int) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (100) TO (200);
INSERT INTO parted VALUES (1, 9, 9, 9, NULL), (150, 2, NULL, 7, 7);
SELECT id, score('bant', p) FROM parted p ORDER BY id;
SELECT score_columns('bant', NULL, 'parted'::regtype, '{budget,authority,need,timeframe}', 1, 2, 3, 4) AS null_as_of,
       score_columns('bant', '2026-01-01', 'parted'::regtype, '{budget,authority,need,timeframe}', NULL::int, 8, NULL::int, 8) AS null_values,
       score_columns(NULL::model, '2026-01-01', 'parted'::regtype, '{budget}', 1) AS null_model;
SELECT * FROM regress.err($$SELECT lead_qual.score_columns('bant', '2026-01-01', 'parted'::regtype, NULL, 1)$$);
SELECT * FROM regress.err($$SELECT lead_qual.score_columns('bant', '2026-01-01', 'parted'::regtype, '{budget,need}', 1)$$);
SELECT * FROM regress.err($$SELECT lead_qual.score_columns('bant', '2026-01-01', 'parted'::regtype, '{budget}', 1)$$);
SELECT * FROM regress.err($$SELECT lead_qual.score_columns('bant', '2026-01-01', 'parted'::regtype, '{{budget,need},{authority,timeframe}}', 1, 2, 3, 4)$$);
DROP TABLE wide, parted;

-- At the edges of what the planner's calls read straight from the columns
-- (the extreme integers, infinite floats, dates and timestamps, the ends of
-- a window, a mark just below the pass, NULLs), with and without a pass
-- score, they agree with explain(), which reads every value the general way.
CREATE TABLE edge_leads (id int, b bool, i2 int2, i8 int8, f8 float8, mark float8, d date, ts timestamptz);
INSERT INTO edge_leads VALUES
    (1, true, -32768, -9223372036854775808, '-Infinity', 0, '-infinity', '-infinity'),
    (2, false, 32767, 9223372036854775807, 'Infinity', 10, 'infinity', 'infinity'),
    (3, NULL, 6, 0, 5.999999, 5.999999, '2026-01-11', '2026-01-01 23:59:59.999999+00'),
    (4, true, 5, 6, 6, 6, '2026-01-12', '2025-12-22 00:00+00'),
    (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT define_model('edge', '{"criteria": [{"key": "b"},
    {"key": "i2", "rule": {"type": "between", "min": -32768, "max": 5}, "knockout": true},
    {"key": "i8", "rule": {"type": "at_most", "value": 6}, "unknown_grade": 3},
    {"key": "f8", "rule": {"type": "at_least", "value": 6}},
    {"key": "mark", "unknown_grade": 10},
    {"key": "d", "rule": {"type": "within_days", "days": 10}},
    {"key": "ts", "rule": {"type": "within_days", "days": 10, "direction": "behind"}}]}') IS NOT NULL AS defined;
SELECT define_model('edge_pass', (model_to_jsonb(model('edge')) - 'name') || '{"pass_score": 40, "min_met": 0}') IS NOT NULL AS defined;
SELECT format($$SELECT %1$L AS model, l.id, qualify(%1$L, l, '2026-01-01') AS q,
       score(%1$L, l, '2026-01-01') AS score, is_qualified(%1$L, l, '2026-01-01') AS qualified,
       (SELECT abs(sum(e.points) - score(%1$L, l, '2026-01-01')) < 1e-5
               AND count(*) FILTER (WHERE e.met) = (qualify(%1$L, l, '2026-01-01')).met
               AND coalesce(array_agg(e.criterion ORDER BY e.criterion) FILTER (WHERE NOT e.known), '{}')
                   = ARRAY(SELECT x FROM unnest((qualify(%1$L, l, '2026-01-01')).missing) x ORDER BY x)
               AND coalesce(array_agg(e.criterion ORDER BY e.ordinal) FILTER (WHERE NOT e.met), '{}')
                   = (qualify(%1$L, l, '2026-01-01')).failed
          FROM explain(%1$L, l, '2026-01-01') e) AS as_explain
  FROM edge_leads l ORDER BY 2$$, m) FROM (VALUES ('edge'), ('edge_pass')) AS v(m) \gexec
-- An infinite as_of leaves a NULL date unknown, and is refused for a date.
SELECT (qualify('edge', l, 'infinity')).missing FROM edge_leads l WHERE id = 5;
SELECT * FROM regress.err($$SELECT qualify('edge', l, 'infinity') FROM edge_leads l WHERE id = 4$$);
SELECT * FROM regress.err($$SELECT e.* FROM edge_leads l, explain('edge', l, 'infinity') e WHERE l.id = 4$$);
-- A mark out of 0-10, and NaN, met after other rows: refused as explain()
-- refuses them.
INSERT INTO edge_leads (id, mark) VALUES (6, 10.000001);
SELECT * FROM regress.err($$SELECT sum(score('edge', l, '2026-01-01')) FROM edge_leads l$$);
SELECT * FROM regress.err($$SELECT e.* FROM edge_leads l, explain('edge', l, '2026-01-01') e WHERE l.id = 6$$);
UPDATE edge_leads SET mark = NULL, f8 = 'NaN' WHERE id = 6;
SELECT * FROM regress.err($$SELECT count(*) FILTER (WHERE is_qualified('edge_pass', l, '2026-01-01')) FROM edge_leads l$$);
SELECT * FROM regress.err($$SELECT e.* FROM edge_leads l, explain('edge_pass', l, '2026-01-01') e WHERE l.id = 6$$);
DROP TABLE edge_leads;
SELECT drop_model('edge'), drop_model('edge_pass');

DROP VIEW lead_view;
DROP TABLE leads, text_leads, wrong_types, wrong_types2, wrong_types3, nan_leads, many_leads, serial_result, other_types, changing;
DROP TYPE decision_role;
DROP DOMAIN euro;
SELECT drop_model('acme_rows');
