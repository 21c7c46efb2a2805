-- Bad input reported softly (PostgreSQL 16 and later): pg_input_is_valid()
-- and pg_input_error_info() on the text input of every lead_qual type.  This
-- suite runs only on servers that have them (see the Makefile).
SET search_path = public, lead_qual;

SELECT t.type, t.input, pg_input_is_valid(t.input, t.type) AS valid, e.sql_error_code, e.message
  FROM (VALUES ('lead_qual.model', '{"name": "m", "criteria": [{"key": "need"}]}'),
               ('lead_qual.model', 'bant'),
               ('lead_qual.model', '{"name": "m", "criteria": []}'),
               ('lead_qual.model', '{"name": "m", "criteria": [{"key": "need", "wieght": 2}]}'),
               ('lead_qual.model', '{"name": "m"'),
               ('lead_qual.model', '9lives'),
               ('lead_qual.model', '   '),
               ('lead_qual.engagement_rules', '{"kinds": {"visit": 1}}'),
               ('lead_qual.engagement_rules', 'digital'),
               ('lead_qual.engagement_rules', '{"kinds": {"visit": "one"}}'),
               ('lead_qual.touch_state', '{"version": 1, "kind": "fold", "entries": [["need", null, 8]]}'),
               ('lead_qual.touch_state', '{"version": 2, "kind": "fold", "entries": []}'),
               ('lead_qual.engagement_state', '{"version": 1}'),
               ('lead_qual.engagement_state', (SELECT lead_qual.engagement_step(NULL, 'digital', 'demo_request', '2026-01-01', '2026-01-02')::text)),
               ('lead_qual.auc_state', '{"version": 1, "shift": 0, "bins": [[0.25, 0, 1], [0.5, 2, 1]]}'),
               ('lead_qual.auc_state', '{"version": 1, "shift": 0, "bins": [[0.5, 2, 1], [0.25, 0, 1]]}'),
               ('lead_qual.auc_state', '{"version": 1, "shift": 0, "bins": [[0.50, 2, 1]]}'))
       AS t(type, input)
  LEFT JOIN LATERAL pg_input_error_info(t.input, t.type) e ON true;

-- The error's detail and hint come along.
SELECT message, detail, hint, sql_error_code
  FROM pg_input_error_info('{"name": "m", "criteria": [{"key": "need", "wieght": 2}]}', 'lead_qual.model');

-- A name is looked up after the text is read; a name nothing is registered
-- under is reported softly too, as for regclass and the like.
SELECT pg_input_is_valid('no_such_model', 'lead_qual.model') AS valid, e.message, e.detail,
       split_part(e.hint, ':', 1) AS hint, e.sql_error_code
  FROM pg_input_error_info('no_such_model', 'lead_qual.model') e;
SELECT pg_input_is_valid('No_Such_Rules', 'lead_qual.engagement_rules') AS valid,
       (pg_input_error_info('No_Such_Rules', 'lead_qual.engagement_rules')).message;

-- A value read softly is the value read as ever.
SELECT lead_qual.model_send('{"name": "m", "criteria": [{"key": "need"}]}')
       = (SELECT lead_qual.model_send(m) FROM (SELECT '{"name": "m", "criteria": [{"key": "need"}]}'::lead_qual.model AS m) x)
       AS same;

-- JSON nested deeper than a model may be is bad input like any other.
SELECT pg_input_is_valid(repeat('[', 17) || repeat(']', 17), 'lead_qual.model') AS too_deep,
       (pg_input_error_info(repeat('[', 17) || repeat(']', 17), 'lead_qual.model')).message;
