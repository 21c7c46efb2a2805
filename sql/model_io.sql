-- The lead_qual.model type: input, canonical output, defaults, round trips,
-- equality, hashing, casts and binary send/receive.
SET search_path = public, lead_qual;

-- A minimal model: every default is filled in and shown.
-- label from the name, min_met = half the criteria rounded up, default tiers,
-- criterion label from the key, weight 1, source = key, grade rule passing at 6.
SELECT '{"name": "mini", "criteria": [{"key": "decision_role"}, {"key": "b"}, {"key": "c"}]}'::model;

-- Every field given, every rule type.
CREATE TABLE io_models (id int, m model);
INSERT INTO io_models VALUES (1, $$
{
  "name": "everything",
  "label": "Every field",
  "description": {"nl": "Alles", "en": "All of it"},
  "min_met": 4,
  "pass_score": 55.5,
  "tiers": {"A": 90, "B": 60, "C": 30},
  "criteria": [
    {"key": "consent", "rule": "boolean", "knockout": true, "weight": 0.5},
    {"key": "need", "rule": {"type": "grade", "pass": 7}, "questions": "What do you need?"},
    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
    {"key": "risk", "rule": {"type": "at_most", "value": 3.25}},
    {"key": "size", "source": "Employees", "rule": {"type": "between", "min": 10, "max": 500}},
    {"key": "role", "rule": {"type": "one_of", "values": ["owner", "CFO", "purchasing"]}},
    {"key": "interest", "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9.5}, "pass": 5, "default": null}},
    {"key": "timeframe", "rule": {"type": "within_days", "days": 90}},
    {"key": "contact", "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
    {"key": "event", "label": "Event nearby", "description": "An event within a week", "weight": 0,
     "rule": {"type": "within_days", "days": 7, "direction": "either"},
     "questions": {"es": ["¿Viene al evento?"], "en": ["Are you coming to the event?", "Shall we meet there?"]}}
  ]
}$$);
SELECT m FROM io_models WHERE id = 1;

-- What models learned from won and lost leads add: a bands rule, an
-- unknown_grade, a calibration (written after the tiers; unknown_grade
-- after the rule), in any order and spelling; and each alone.
INSERT INTO io_models VALUES
  (2, $$
{
  "criteria": [
    {"unknown_grade": 2.5, "key": "size", "source": "Employees",
     "rule": {"pass": 5, "grades": [0, 4, 8.5, 10], "cuts": [1e1, 50, 250.5], "type": "bands"}},
    {"key": "budget", "rule": {"type": "bands", "cuts": [-0, 1e6], "grades": [0, 6, 10]}, "questions": "Budget?"},
    {"key": "need", "unknown_grade": 0}
  ],
  "calibration": {"slope": 0.085, "intercept": -4.25},
  "tiers": {"A": 80},
  "name": "learned"
}$$),
  (3, '{"name": "only_unknown_grade", "criteria": [{"key": "a", "unknown_grade": 10}]}'),
  (4, '{"name": "only_calibration", "calibration": {"intercept": 0, "slope": -0}, "criteria": [{"key": "a"}]}'),
  (5, '{"name": "only_bands", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [1], "grades": [0, 10]}}]}');
SELECT id, m FROM io_models WHERE id > 1 ORDER BY id;
-- The same models written otherwise are equal; a model differs from the
-- same model without the addition.
SELECT a = b AS equal, a::text = b::text AS same_text, a <> c AS differs_without
  FROM (SELECT m AS a,
               '{"name": "only_calibration", "criteria": [{"key": "a", "weight": 1.0}], "calibration": {"slope": 0, "intercept": -0.0}}'::model AS b,
               '{"name": "only_calibration", "criteria": [{"key": "a"}]}'::model AS c
          FROM io_models WHERE id = 4) t;
SELECT a = b AS equal, a <> c AS differs_without
  FROM (SELECT m AS a, '{"name": "only_unknown_grade", "criteria": [{"key": "a", "unknown_grade": 1e1}]}'::model AS b,
               '{"name": "only_unknown_grade", "criteria": [{"key": "a"}]}'::model AS c
          FROM io_models WHERE id = 3) t;
SELECT key, rule_type, rule FROM criteria((SELECT m FROM io_models WHERE id = 2));

-- The canonical text reads back to an equal model, with the same text.
SELECT m::text::model = m AS round_trip_equal,
       m::text::model::text = m::text AS same_text
  FROM io_models;
SELECT name, model::text::model = model AS round_trip_equal
  FROM models ORDER BY name;

-- Layout, member order, number spelling and a string description do not
-- matter: these models are equal to each other.
SELECT a = b AS equal, a::text = b::text AS same_text
  FROM (SELECT '{"name":"x","criteria":[{"key":"a","weight":1.0,"rule":"boolean"}],"description":"d"}'::model AS a,
               '{ "criteria" : [ { "rule" : {"type":"boolean"}, "weight" : 1e0, "key" : "a" } ],
                  "description": {"en": "d"}, "name" : "x" }'::model AS b) t;

-- The order of scale entries and one_of values does not matter either
-- (they are kept sorted: scale by grade, one_of by value).
SELECT a = b AS equal, b::jsonb -> 'criteria' -> 0 -> 'rule' AS rule_b, a::jsonb -> 'criteria' -> 1 -> 'rule' AS rule_a
  FROM (SELECT '{"name":"o","criteria":[{"key":"s","rule":{"type":"scale","grades":{"high":9,"low":2,"mid":6}}},{"key":"v","rule":{"type":"one_of","values":["z","a"]}}]}'::model AS a,
               '{"name":"o","criteria":[{"key":"s","rule":{"type":"scale","grades":{"low":2,"mid":6,"high":9}}},{"key":"v","rule":{"type":"one_of","values":["a","z"]}}]}'::model AS b) t;

-- Different models are not equal.
SELECT '{"name":"x","criteria":[{"key":"a"}]}'::model = '{"name":"x","criteria":[{"key":"a","weight":2}]}'::model AS equal,
       '{"name":"x","criteria":[{"key":"a"}]}'::model <> '{"name":"y","criteria":[{"key":"a"}]}'::model AS differ;

-- Negative zero is stored as zero; big and small numbers are written exactly.
SELECT '{"name":"z","criteria":[{"key":"a","weight":-0},{"key":"b","rule":{"type":"at_least","value":1e15}},{"key":"c","rule":{"type":"at_most","value":0.000001}}]}'::model;

-- Unicode, quotes and backslashes survive the round trip.
SELECT m, m::text::model = m AS round_trip_equal
  FROM (SELECT $$ {"name":"intl","label":"Presupuesto \u2713 \"quoted\" back\\slash","criteria":[{"key":"a","label":"Café – ok","rule":{"type":"one_of","values":["naïve","日本"]}}]} $$::model AS m) t;

-- Hashing: DISTINCT and GROUP BY on models (with hashing only).
SET enable_sort = off;
SELECT count(*) AS rows, count(DISTINCT m::text) AS distinct_texts
  FROM (SELECT model AS m FROM models UNION ALL SELECT model FROM models) t;
SELECT lead_qual.model_name(m) AS name, count(*)
  FROM (SELECT model AS m FROM models UNION ALL SELECT model FROM models WHERE name < 'c') t
 GROUP BY m ORDER BY 1;
RESET enable_sort;
SELECT model_hash(model('bant')) = model_hash(model('bant')::text::model) AS same_hash,
       model_hash_extended(model('bant'), 1) <> model_hash_extended(model('bant'), 2) AS seeded;

-- A registered model by name: the type input reads the registry, so the
-- cast, the function-call spelling and model(text) all give the same model.
SELECT 'bant'::model = model('bant'::text) AS cast_eq_function,
       lead_qual.model('bant') = model('bant'::text) AS literal_eq_function,
       ' BANT '::model = model('bant'::text) AS case_and_blanks;
SELECT model_name('six_signals'::model);

-- Casts to and from JSON.
SELECT (m::jsonb) ->> 'name' AS name, jsonb_array_length(m::jsonb -> 'criteria') AS criteria,
       (m::json) ->> 'min_met' AS min_met,
       jsonb_typeof(to_jsonb(m)) AS to_jsonb_gives
  FROM (SELECT model('gpct') AS m) t;
SELECT ('{"name":"j","criteria":[{"key":"a"}]}'::jsonb)::model;
SELECT ('{"name":"j","criteria":[{"key":"a"}]}'::json)::model;
SELECT model('{"name":"j","criteria":[{"key":"a"}]}'::jsonb) = '{"name":"j","criteria":[{"key":"a"}]}'::model AS equal;
SELECT m::jsonb::model = m AS jsonb_round_trip FROM io_models;

-- Binary COPY out and back in gives equal models.
INSERT INTO io_models SELECT 100 + row_number() OVER (ORDER BY name), model FROM models;
\copy io_models TO 'results/io_models.bin' WITH (FORMAT binary)
CREATE TABLE io_models_back (LIKE io_models);
\copy io_models_back FROM 'results/io_models.bin' WITH (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE a.m = b.m) AS equal
  FROM io_models a JOIN io_models_back b USING (id);
-- Text COPY too.
\copy io_models TO 'results/io_models.txt'
TRUNCATE io_models_back;
\copy io_models_back FROM 'results/io_models.txt'
SELECT count(*) AS rows, count(*) FILTER (WHERE a.m = b.m) AS equal
  FROM io_models a JOIN io_models_back b USING (id);

-- The criteria of a model as rows.
SELECT ordinal, key, label, weight, source, knockout, rule_type, rule, description, questions
  FROM criteria((SELECT m FROM io_models WHERE id = 1));
SELECT key, description, questions FROM criteria((SELECT m FROM io_models WHERE id = 1), 'es')
 WHERE key IN ('event', 'need');

-- A NULL model has no criteria; a NULL language means English.
SELECT count(*) AS criteria_of_null FROM criteria(NULL::model);
SELECT key, questions[1] FROM criteria('bant', NULL) WHERE ordinal = 1;

-- The binary form (send): a version byte, 1, and the canonical text, for
-- the new fields as for the others; binary COPY above read it back.
SELECT id, get_byte(model_send(m), 0) AS version,
       convert_from(substring(model_send(m) FROM 2), 'UTF8') = m::text AS canonical_text
  FROM io_models WHERE id <= 5 ORDER BY id;

DROP TABLE io_models, io_models_back;

-- The stored form.  A model that uses none of the additions above is
-- stored as before (format version 1): the same bytes, so stored models,
-- equality and hashes do not change.  One that uses any is stored in
-- format version 2.  A cast of the tests reads the stored bytes (the md5
-- sums are those of 0.3.2, on a little-endian machine, where every
-- integer and double of the stored form is little-endian).
CREATE CAST (lead_qual.model AS bytea) WITHOUT FUNCTION;
CREATE CAST (bytea AS lead_qual.model) WITHOUT FUNCTION;
SELECT name, get_byte(model::bytea, 0) AS version, octet_length(model::bytea) AS bytes,
       md5(model::bytea) AS stored_md5, md5(model_send(model)) AS send_md5
  FROM models WHERE builtin ORDER BY name;
SELECT get_byte(m::bytea, 0) AS version, octet_length(m::bytea) AS bytes, md5(m::bytea) AS stored_md5
  FROM (SELECT $${
  "name": "everything", "label": "Every field", "description": {"nl": "Alles", "en": "All of it"},
  "min_met": 4, "pass_score": 55.5, "tiers": {"A": 90, "B": 60, "C": 30},
  "criteria": [
    {"key": "consent", "rule": "boolean", "knockout": true, "weight": 0.5},
    {"key": "need", "rule": {"type": "grade", "pass": 7}, "questions": "What do you need?"},
    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
    {"key": "risk", "rule": {"type": "at_most", "value": 3.25}},
    {"key": "size", "source": "Employees", "rule": {"type": "between", "min": 10, "max": 500}},
    {"key": "role", "rule": {"type": "one_of", "values": ["owner", "CFO", "purchasing"]}},
    {"key": "interest", "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9.5}, "pass": 5, "default": null}},
    {"key": "timeframe", "rule": {"type": "within_days", "days": 90}},
    {"key": "contact", "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
    {"key": "event", "label": "Event nearby", "description": "An event within a week", "weight": 0,
     "rule": {"type": "within_days", "days": 7, "direction": "either"},
     "questions": {"es": ["¿Viene al evento?"], "en": ["Are you coming to the event?", "Shall we meet there?"]}}]}$$::model AS m) t;
CREATE TABLE io_v2 (id int, m model);
INSERT INTO io_v2 VALUES
  (1, '{"name": "u", "criteria": [{"key": "a", "unknown_grade": 3}]}'),
  (2, '{"name": "c", "calibration": {"intercept": -5, "slope": 0.1}, "criteria": [{"key": "a"}]}'),
  (3, '{"name": "b", "criteria": [{"key": "a", "rule": {"type": "bands", "cuts": [1, 20], "grades": [0, 5, 10]}}]}'),
  (4, '{"name": "v1", "criteria": [{"key": "a"}]}');
-- version 2 adds to a criterion a flags byte (and its unknown_grade, 8
-- bytes), a bands rule its cuts and grades; to the model its calibration
-- (16 bytes); a criterion without them costs one byte in version 2.
SELECT id, get_byte(m::bytea, 0) AS version, octet_length(m::bytea) AS bytes,
       m::bytea::model = m AS read_back
  FROM io_v2 ORDER BY id;

-- A damaged stored value is an error (XX001) naming the part, never a
-- crash: version 2 holding none of its additions (not canonical), bands in
-- version 1, unknown flags, cuts out of order, a grade out of range, no
-- cuts, a value cut short.  (The last bytes of model 1 are its criterion's
-- flags and unknown_grade; of model 3, the flags, the number of cuts, the
-- cuts 1 and 20, and the grades 0, 5 and 10.)
SELECT what, (regress.err_detail(format('SELECT %L::bytea::lead_qual.model::text', b))).*
  FROM (SELECT 'v2 without additions' AS what,
               overlay(m::bytea PLACING '\x00'::bytea FROM octet_length(m::bytea) - 8 FOR 9) AS b
          FROM io_v2 WHERE id = 1
        UNION ALL
        SELECT 'v1 read as v2', set_byte(m::bytea, 0, 2) FROM io_v2 WHERE id = 4
        UNION ALL
        SELECT 'v2 read as v1', set_byte(m::bytea, 0, 1) FROM io_v2 WHERE id = 1
        UNION ALL
        SELECT 'bands in v1', set_byte(m::bytea, 0, 1) FROM io_v2 WHERE id = 3
        UNION ALL
        SELECT 'calibration flag in v1', set_byte(set_byte(m::bytea, 0, 1), 1, 2) FROM io_v2 WHERE id = 4
        UNION ALL
        SELECT 'unknown model flag', set_byte(m::bytea, 1, 6) FROM io_v2 WHERE id = 2
        UNION ALL
        SELECT 'unknown criterion flag', set_byte(m::bytea, octet_length(m::bytea) - 9, 3) FROM io_v2 WHERE id = 1
        UNION ALL
        SELECT 'cuts out of order',
               overlay(m::bytea PLACING substring(m::bytea FROM octet_length(m::bytea) - 31 FOR 8)
                                        || substring(m::bytea FROM octet_length(m::bytea) - 39 FOR 8)
                       FROM octet_length(m::bytea) - 39 FOR 16)
          FROM io_v2 WHERE id = 3
        UNION ALL
        SELECT 'band grade above 10',
               overlay(m::bytea PLACING substring(m::bytea FROM octet_length(m::bytea) - 31 FOR 8)
                       FROM octet_length(m::bytea) - 7 FOR 8)
          FROM io_v2 WHERE id = 3
        UNION ALL
        SELECT 'no cuts', overlay(m::bytea PLACING '\x00000000'::bytea FROM octet_length(m::bytea) - 43 FOR 4)
          FROM io_v2 WHERE id = 3
        UNION ALL
        SELECT 'cut short', substring(m::bytea FROM 1 FOR octet_length(m::bytea) - 3) FROM io_v2 WHERE id = 3
        UNION ALL
        SELECT 'a byte too many', m::bytea || '\x00'::bytea FROM io_v2 WHERE id = 2) t;
DROP TABLE io_v2;
DROP CAST (lead_qual.model AS bytea);
DROP CAST (bytea AS lead_qual.model);

-- Binary input that ends too early or goes on after the value is 22P03
-- naming the type, for every lead_qual type (not the protocol error 08P01).
-- COPY of a bytea in binary format writes the bare bytes, which COPY FROM
-- then hands to the type's receive function.
CREATE TABLE io_bin (b bytea);
CREATE TABLE io_bin_model (v model);
CREATE TABLE io_bin_rules (v engagement_rules);
CREATE TABLE io_bin_engagement (v engagement_state);
CREATE TABLE io_bin_touch (v touch_state);
\set VERBOSITY sqlstate
INSERT INTO io_bin VALUES ('');
\copy io_bin TO 'results/io_bin_empty.bin' WITH (FORMAT binary)
\copy io_bin_model FROM 'results/io_bin_empty.bin' WITH (FORMAT binary)
\copy io_bin_rules FROM 'results/io_bin_empty.bin' WITH (FORMAT binary)
\copy io_bin_engagement FROM 'results/io_bin_empty.bin' WITH (FORMAT binary)
\copy io_bin_touch FROM 'results/io_bin_empty.bin' WITH (FORMAT binary)
-- An engagement state cut after 10 bytes, and with a byte too many.
TRUNCATE io_bin;
INSERT INTO io_bin
SELECT substring(engagement_state_send(engagement_step(NULL, 'digital', 'web_visit',
                                                       '2026-06-29', '2026-06-30')) FROM 1 FOR 10);
\copy io_bin TO 'results/io_bin_cut.bin' WITH (FORMAT binary)
\copy io_bin_engagement FROM 'results/io_bin_cut.bin' WITH (FORMAT binary)
TRUNCATE io_bin;
INSERT INTO io_bin
SELECT engagement_state_send(engagement_step(NULL, 'digital', 'web_visit', '2026-06-29', '2026-06-30'))
       || '\x00'::bytea;
\copy io_bin TO 'results/io_bin_long.bin' WITH (FORMAT binary)
\copy io_bin_engagement FROM 'results/io_bin_long.bin' WITH (FORMAT binary)
-- A touch state cut inside its first entry, and with a byte too many.
TRUNCATE io_bin;
INSERT INTO io_bin
SELECT substring(touch_state_send(fold_evidence_step(NULL, '{"budget": 5}', '2026-01-01')) FROM 1 FOR 9);
\copy io_bin TO 'results/io_bin_cut.bin' WITH (FORMAT binary)
\copy io_bin_touch FROM 'results/io_bin_cut.bin' WITH (FORMAT binary)
TRUNCATE io_bin;
INSERT INTO io_bin
SELECT touch_state_send(fold_evidence_step(NULL, '{"budget": 5}', '2026-01-01')) || '\x00'::bytea;
\copy io_bin TO 'results/io_bin_long.bin' WITH (FORMAT binary)
\copy io_bin_touch FROM 'results/io_bin_long.bin' WITH (FORMAT binary)
\set VERBOSITY default
-- The values whole go back in (the checks above are not too strict).
TRUNCATE io_bin;
INSERT INTO io_bin
SELECT engagement_state_send(engagement_step(NULL, 'digital', 'web_visit', '2026-06-29', '2026-06-30'));
\copy io_bin TO 'results/io_bin_whole.bin' WITH (FORMAT binary)
\copy io_bin_engagement FROM 'results/io_bin_whole.bin' WITH (FORMAT binary)
TRUNCATE io_bin;
INSERT INTO io_bin SELECT touch_state_send(fold_evidence_step(NULL, '{"budget": 5}', '2026-01-01'));
\copy io_bin TO 'results/io_bin_whole.bin' WITH (FORMAT binary)
\copy io_bin_touch FROM 'results/io_bin_whole.bin' WITH (FORMAT binary)
SELECT (SELECT count(*) FROM io_bin_engagement) AS engagement_states,
       (SELECT count(*) FROM io_bin_touch) AS touch_states,
       (SELECT fold_evidence_final(v) FROM io_bin_touch) AS folded;
DROP TABLE io_bin, io_bin_model, io_bin_rules, io_bin_engagement, io_bin_touch;
