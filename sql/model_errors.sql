-- Every kind of malformed model is an ERROR of SQLSTATE class 22 whose
-- message names the field; nothing is stored.
SET search_path = public, lead_qual;

CREATE TABLE model_errors_cases (n serial, what text, definition text);
INSERT INTO model_errors_cases (what, definition) VALUES
  -- JSON itself
  ('truncated JSON',            '{"name": "x", "criteria": ['),
  ('not JSON at all',           '{name: x}'),
  ('empty input',               ''),
  ('JSON but not an object',    '[1, 2]'),
  ('a JSON string',             '"bant model"'),
  ('NUL escape',                '{"name": "x\u0000", "criteria": [{"key": "a"}]}'),
  ('repeated member',           '{"name": "x", "name": "y", "criteria": [{"key": "a"}]}'),
  ('repeated member, nested',   '{"name": "x", "criteria": [{"key": "a", "weight": 1, "weight": 2}]}'),
  ('nested too deeply',         '{"name": "x", "criteria": [{"key": "a", "questions": {"en": [[[[[[[[[[[[[[[[["q"]]]]]]]]]]]]]]]]]}}]}'),
  -- unknown fields
  ('unknown model field',       '{"name": "x", "criterias": [], "criteria": [{"key": "a"}]}'),
  ('unknown criterion field',   '{"name": "x", "criteria": [{"key": "a", "wieght": 2}]}'),
  ('unknown rule field',        '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "at_least", "value": 1, "max": 3}}]}'),
  ('unknown tier',              '{"name": "x", "tiers": {"A": 80, "D": 10}, "criteria": [{"key": "a"}]}'),
  -- missing fields
  ('no name',                   '{"criteria": [{"key": "a"}]}'),
  ('no criteria',               '{"name": "x"}'),
  ('empty criteria',            '{"name": "x", "criteria": []}'),
  ('criterion without key',     '{"name": "x", "criteria": [{"label": "A"}]}'),
  ('rule without type',         '{"name": "x", "criteria": [{"key": "a", "rule": {"value": 3}}]}'),
  ('at_least without value',    '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "at_least"}}]}'),
  -- wrong types
  ('name is a number',          '{"name": 7, "criteria": [{"key": "a"}]}'),
  ('criteria is an object',     '{"name": "x", "criteria": {"key": "a"}}'),
  ('criterion is a string',     '{"name": "x", "criteria": ["budget"]}'),
  ('weight is a string',        '{"name": "x", "criteria": [{"key": "a", "weight": "2"}]}'),
  ('knockout is a string',      '{"name": "x", "criteria": [{"key": "a", "knockout": "yes"}]}'),
  ('min_met is a string',       '{"name": "x", "min_met": "3", "criteria": [{"key": "a"}]}'),
  ('rule is a number',          '{"name": "x", "criteria": [{"key": "a", "rule": 5}]}'),
  ('one_of values not strings', '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "one_of", "values": [1, 2]}}]}'),
  ('questions is a number',     '{"name": "x", "criteria": [{"key": "a", "questions": 3}]}'),
  ('label is empty',            '{"name": "x", "label": "", "criteria": [{"key": "a"}]}'),
  -- names and keys
  ('name with blanks',          '{"name": "my model", "criteria": [{"key": "a"}]}'),
  ('name with capitals',        '{"name": "Bant", "criteria": [{"key": "a"}]}'),
  ('key starts with a digit',   '{"name": "x", "criteria": [{"key": "1a"}]}'),
  ('key too long',              '{"name": "x", "criteria": [{"key": "' || repeat('k', 64) || '"}]}'),
  ('duplicate criterion key',   '{"name": "x", "criteria": [{"key": "a"}, {"key": "b"}, {"key": "a"}]}'),
  ('label too long',            '{"name": "x", "criteria": [{"key": "a", "label": "' || repeat('l', 201) || '"}]}'),
  ('language code',             '{"name": "x", "criteria": [{"key": "a", "questions": {"EN": "Why?"}}]}'),
  -- numbers
  ('negative weight',           '{"name": "x", "criteria": [{"key": "a", "weight": -1}]}'),
  ('infinite weight',           '{"name": "x", "criteria": [{"key": "a", "weight": 1e999}]}'),
  ('all weights zero',          '{"name": "x", "criteria": [{"key": "a", "weight": 0}, {"key": "b", "weight": 0}]}'),
  ('weight too large',          '{"name": "x", "criteria": [{"key": "a", "weight": 1e308}, {"key": "b", "weight": 1e308}]}'),
  ('min_met above criteria',    '{"name": "x", "min_met": 3, "criteria": [{"key": "a"}, {"key": "b"}]}'),
  ('min_met negative',          '{"name": "x", "min_met": -1, "criteria": [{"key": "a"}]}'),
  ('min_met fractional',        '{"name": "x", "min_met": 1.5, "criteria": [{"key": "a"}, {"key": "b"}]}'),
  ('pass_score above 100',      '{"name": "x", "pass_score": 101, "criteria": [{"key": "a"}]}'),
  ('tiers out of order',        '{"name": "x", "tiers": {"A": 40, "B": 50}, "criteria": [{"key": "a"}]}'),
  ('grade pass above 10',       '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "grade", "pass": 11}}]}'),
  ('between min above max',     '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "between", "min": 5, "max": 1}}]}'),
  ('scale grade above 10',      '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "scale", "grades": {"low": 2, "high": 12}}}]}'),
  ('within_days negative',      '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "within_days", "days": -5}}]}'),
  ('within_days fractional',    '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "within_days", "days": 1.5}}]}'),
  ('within_days too far',       '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "within_days", "days": 100000}}]}'),
  -- rules
  ('unknown rule type',         '{"name": "x", "criteria": [{"key": "a", "rule": "fuzzy"}]}'),
  ('shorthand needs params',    '{"name": "x", "criteria": [{"key": "a", "rule": "at_least"}]}'),
  ('one_of empty',              '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "one_of", "values": []}}]}'),
  ('one_of repeats a value',    '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "one_of", "values": ["CFO", "owner", " cfo "]}}]}'),
  ('one_of blank value',        '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "one_of", "values": ["  "]}}]}'),
  ('scale empty',               '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "scale", "grades": {}}}]}'),
  ('bad direction',             '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "within_days", "days": 3, "direction": "forward"}}]}'),
  ('too many criteria',         '{"name": "x", "criteria": [' ||
                                  (SELECT string_agg(format('{"key": "c%s"}', i), ',') FROM generate_series(1, 65) i) || ']}'),
  -- bands
  ('bands without cuts',        '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "grades": [1]}}]}'),
  ('bands without grades',      '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [1]}}]}'),
  ('bands cuts not an array',   '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": 10, "grades": [1, 2]}}]}'),
  ('bands cuts empty',          '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [], "grades": [1]}}]}'),
  ('bands too many cuts',       '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [' ||
                                  (SELECT string_agg(i::text, ',') FROM generate_series(1, 256) i) || '], "grades": [' ||
                                  (SELECT string_agg('5', ',') FROM generate_series(0, 256) i) || ']}}]}'),
  ('bands cut is a string',     '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": ["10"], "grades": [1, 2]}}]}'),
  ('bands cut infinite',        '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [1, 1e999], "grades": [1, 2, 3]}}]}'),
  ('bands cut repeated',        '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10, 50, 50], "grades": [1, 2, 3, 4]}}]}'),
  ('bands cuts decreasing',     '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10, -0.5], "grades": [1, 2, 3]}}]}'),
  ('bands too few grades',      '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10, 50], "grades": [1, 2]}}]}'),
  ('bands too many grades',     '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [1, 2, 3]}}]}'),
  ('bands grades an object',    '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": {"low": 1}}}]}'),
  ('bands grade above 10',      '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [1, 10.5]}}]}'),
  ('bands grade negative',      '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [-1, 5]}}]}'),
  ('bands grade is a boolean',  '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [1, true]}}]}'),
  ('bands pass above 10',       '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [1, 2], "pass": 11}}]}'),
  ('bands pass is a string',    '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [1, 2], "pass": "6"}}]}'),
  ('bands unknown field',       '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [10], "grades": [1, 2], "default": 0}}]}'),
  ('bands shorthand',           '{"name": "x", "criteria": [{"key": "a", "rule": "bands"}]}'),
  -- unknown_grade
  ('unknown_grade above 10',    '{"name": "x", "criteria": [{"key": "a", "unknown_grade": 11}]}'),
  ('unknown_grade negative',    '{"name": "x", "criteria": [{"key": "a", "unknown_grade": -0.1}]}'),
  ('unknown_grade a string',    '{"name": "x", "criteria": [{"key": "a", "unknown_grade": "5"}]}'),
  ('unknown_grade null',        '{"name": "x", "criteria": [{"key": "a", "unknown_grade": null}]}'),
  -- calibration
  ('calibration not an object', '{"name": "x", "calibration": [-5, 0.1], "criteria": [{"key": "a"}]}'),
  ('calibration null',          '{"name": "x", "calibration": null, "criteria": [{"key": "a"}]}'),
  ('calibration without slope', '{"name": "x", "calibration": {"intercept": -5}, "criteria": [{"key": "a"}]}'),
  ('calibration no intercept',  '{"name": "x", "calibration": {"slope": 0.1}, "criteria": [{"key": "a"}]}'),
  ('calibration unknown field', '{"name": "x", "calibration": {"intercept": -5, "slope": 0.1, "scale": 1}, "criteria": [{"key": "a"}]}'),
  ('calibration repeated',      '{"name": "x", "calibration": {"intercept": -5, "slope": 0.1, "slope": 0.2}, "criteria": [{"key": "a"}]}'),
  ('calibration slope a string', '{"name": "x", "calibration": {"intercept": -5, "slope": "0.1"}, "criteria": [{"key": "a"}]}'),
  ('calibration infinite',      '{"name": "x", "calibration": {"intercept": -1e400, "slope": 0.1}, "criteria": [{"key": "a"}]}');

SELECT n, what, (regress.err(format('SELECT %L::lead_qual.model', definition))).*
  FROM model_errors_cases ORDER BY n;

-- Every case above is a data exception (class 22).
SELECT count(*) AS cases,
       count(*) FILTER (WHERE (regress.err(format('SELECT %L::lead_qual.model', definition))).class22) AS class22
  FROM model_errors_cases;

-- The same definitions given as jsonb (where jsonb can hold them) fail the same way.
SELECT n, what, (regress.err(format('SELECT lead_qual.model(%L::jsonb)', definition))).*
  FROM model_errors_cases
 WHERE n IN (4, 10, 11, 20, 34, 37, 41, 52, 55, 60, 67, 70, 73, 77, 79, 86, 89);

-- Details and hints, for a few.
SELECT * FROM regress.err_detail($$SELECT '{"name": "x", "criteria": ['::lead_qual.model$$);
SELECT * FROM regress.err_detail($$SELECT '{"name": "x", "criteria": [{"key": "a", "wieght": 2}]}'::lead_qual.model$$);
SELECT * FROM regress.err_detail($$SELECT '{"name": "x", "criteria": [{"key": "a", "rule": "fuzzy"}]}'::lead_qual.model$$);
SELECT * FROM regress.err_detail($$SELECT '{"name": "x", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [1], "grades": [0, 1], "value": 1}}]}'::lead_qual.model$$);
SELECT * FROM regress.err_detail($$SELECT '{"name": "x", "calibration": {"b": 1}, "criteria": [{"key": "a"}]}'::lead_qual.model$$);

-- Where the JSON nests too deeply, the detail says where.
SELECT * FROM regress.err_detail($$SELECT '{"name": "x", "criteria": [{"key": "a", "questions": {"en": [[[[[[[[[[[[[[[[["q"]]]]]]]]]]]]]]]]]}}]}'::lead_qual.model$$);

-- What a user wrote is quoted in messages only in part.
SELECT state, length(message) < 200 AS short, left(message, 60) AS message
  FROM regress.err(format('SELECT %L::lead_qual.model', '{"name": "x", "' || repeat('k', 100000) || '": 1, "criteria": [{"key": "a"}]}'));
SELECT state, length(message) < 200 AS short, left(message, 60) AS message
  FROM regress.err(format('SELECT %L::lead_qual.model', '{"name": "x", "criteria": [{"key": "a", "weight": -' || repeat('9', 100000) || '}]}'));

-- psql shows the error as users see it.
SELECT '{"name": "x", "criteria": [{"key": "a", "weight": -1}]}'::lead_qual.model;
\echo :LAST_ERROR_SQLSTATE

-- A name that is not registered: not a data exception but an undefined object.
SELECT * FROM regress.err($$SELECT 'no_such_model'::lead_qual.model$$);
SELECT * FROM regress.err($$SELECT lead_qual.model('no_such_model'::text)$$);
SELECT * FROM regress.err($$SELECT lead_qual.qualify('no_such_model', '{}')$$);
-- Text that can only be meant as a name, but is not a valid one: no such
-- model (42704), as for a valid name not registered.
SELECT * FROM regress.err($$SELECT '7up'::lead_qual.model$$);
SELECT * FROM regress.err(format('SELECT lead_qual.qualify(%L, %L)', repeat('x', 64), '{}'));
SELECT * FROM regress.err($$SELECT lead_qual.score('  ', '{}')$$);
-- A name error says what a name is, for models and engagement rules alike.
SELECT * FROM regress.err_detail($$SELECT lead_qual.model('9lives')$$);
SELECT * FROM regress.err_detail($$SELECT lead_qual.engagement_rules('9lives')$$);

-- Nothing was stored by the failures in define_model.
SELECT count(*) AS before FROM lead_qual.models;
SELECT * FROM regress.err($$SELECT lead_qual.define_model('broken', '{"criteria": [{"key": "a", "weight": -1}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_model('broken', '{"name": "other", "criteria": [{"key": "a"}]}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_model('broken', '[1]')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_model(NULL, '{}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_model('Broken Name', '{"criteria": [{"key": "a"}]}')$$);
SELECT count(*) AS after FROM lead_qual.models;

DROP TABLE model_errors_cases;
