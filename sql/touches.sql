-- Multi-touch evidence: fold_evidence() folds the partial evidence of many
-- touches into the latest known value per key; qualify_touches() qualifies
-- the folded evidence with a model in one step.  Both run as plain,
-- parallel (partial) and window aggregates; their state,
-- lead_qual.touch_state, round-trips through text and binary.
SET search_path = public, lead_qual;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

--------------------------------------------------------------------------
-- 1. Folding: a later observation replaces an earlier one, whatever the
--    order of the rows; null values and absent keys never erase.
--------------------------------------------------------------------------

CREATE TABLE touch_story (lead int, n int, at timestamptz, e jsonb);
INSERT INTO touch_story VALUES
 (1, 1, '2026-01-05 09:00', '{"budget": 4, "need": 7}'),                    -- first call
 (1, 2, '2026-01-09 14:30', '{"timeframe": "2026-03-01"}'),                 -- an e-mail
 (1, 3, '2026-01-12 11:00', '{"budget": 8, "authority": true}'),            -- a call corrects the budget
 (1, 4, '2026-01-03 08:00', '{"budget": 2, "need": 1, "region": "nl"}'),    -- an older touch, entered late
 (1, 5, '2026-01-15 16:00', '{"need": null, "authority": null}'),           -- nulls: erase nothing
 (1, 6, NULL,               '{"budget": 10, "need": 9, "source": "fair"}'), -- undated: only fills gaps
 (1, 7, '2026-01-20 10:00', NULL),                                          -- no evidence
 (1, 8, '2026-01-21 10:00', '{}'),                                          -- nothing in it
 (1, 9, '2026-01-22 10:00', '{"contacts": ["ann", "bob"], "address": {"city": "Utrecht", "zip": "3511"}}'),
 (1, 10, '2026-01-25 10:00', '{"contacts": ["cor"], "address": {"city": "Delft"}}');  -- nested values are replaced whole

-- budget 8 (n 3, the latest dated budget), need 7 (n 1: n 4 is older, n 6
-- undated, n 5 null), timeframe from n 2, authority from n 3 (n 5's null
-- does not erase it), region from n 4, source from the undated n 6 (no
-- dated touch has it), contacts and address from n 10, whole.
SELECT jsonb_pretty(fold_evidence(e, at)) FROM touch_story;

-- The same in every row order: ascending, descending, by a hash, by time,
-- by time descending (undated first and last), and 50 random orders.
SELECT fold_evidence(e, at ORDER BY n) = fold_evidence(e, at ORDER BY n DESC) AS asc_desc,
       fold_evidence(e, at ORDER BY n) = fold_evidence(e, at ORDER BY md5(n::text)) AS hashed,
       fold_evidence(e, at ORDER BY n) = fold_evidence(e, at ORDER BY at NULLS FIRST) AS by_time,
       fold_evidence(e, at ORDER BY n) = fold_evidence(e, at ORDER BY at DESC NULLS LAST) AS by_time_desc
  FROM touch_story;
SELECT setseed(0.25);
SELECT count(DISTINCT f) AS distinct_results, count(*) AS orders
  FROM generate_series(1, 50) g,
       LATERAL (SELECT fold_evidence(e, at ORDER BY random() + g * 0) AS f FROM touch_story) s;

-- NULLs: no rows gives NULL (like other aggregates); rows that carry
-- nothing give {}; keys seen only as null do not appear.
SELECT fold_evidence(e, at) IS NULL AS no_rows FROM touch_story WHERE false;
SELECT fold_evidence(e, at) AS nothing_known
  FROM (VALUES (NULL::jsonb, '2026-01-01'::timestamptz), ('{}', NULL), ('{"a": null}', '2026-01-02')) v(e, at);
-- An undated touch is older than any dated one, even one at -infinity;
-- between undated touches, the tie rule of section 2 decides.
SELECT fold_evidence(e, at ORDER BY n) AS fold, fold_evidence(e, at ORDER BY n DESC) AS reversed
  FROM (VALUES (1, '{"a": 1, "b": 1, "c": 3}'::jsonb, '-infinity'::timestamptz),
               (2, '{"a": 2, "b": 2, "c": 1}', NULL),
               (3, '{"c": 2}', NULL)) v(n, e, at);

-- Evidence that is not a JSON object is an error naming what it is.
SELECT v AS evidence, (regress.err(format('SELECT lead_qual.fold_evidence(%L::jsonb, now())', v))).*
  FROM unnest(ARRAY['[1, 2]', '"budget"', '7', 'true', 'null']) v;

--------------------------------------------------------------------------
-- 2. Ties: the same key at the same time with different values.  The value
--    that sorts greatest in jsonb's btree order wins (object > array >
--    boolean > number > string > null; numbers by value, strings by the
--    database collation, arrays and objects by size, then element-wise);
--    values equal in that order but written differently (1 and 1.0) are
--    decided by their text, bytewise (1.0 wins).  Undated touches tie among
--    themselves the same way.
--------------------------------------------------------------------------

CREATE TABLE touch_ties (n int, at timestamptz, e jsonb);
INSERT INTO touch_ties VALUES
 (1, '2026-02-01 10:00', '{"budget": 6, "role": "cfo", "score": 1, "flag": false}'),
 (2, '2026-02-01 10:00', '{"budget": 9, "role": "owner", "score": 1.0}'),
 (3, '2026-02-01 10:00', '{"budget": "high", "role": "ceo", "flag": true, "list": [3]}'),
 (4, '2026-02-01 10:00', '{"list": [1, 2], "score": 1.00, "deal": {"a": 1}}'),
 (5, '2026-02-01 10:00', '{"deal": [1, 2, 3], "budget": null}'),
 (6, NULL, '{"budget": 100, "zeta": 1}'),
 (7, NULL, '{"zeta": 2}'),
 (8, NULL, '{"zeta": "z"}');

-- budget 9 (numbers beat the string "high"; 9 > 6; the undated 100 does
-- not count against dated values), role "owner" (> "cfo" > "ceo"), score
-- 1.00 (1, 1.0 and 1.00 are equal numbers; "1.00" is the greatest text),
-- flag true (> false), list [1, 2] (more elements), deal {"a": 1} (an
-- object beats an array), zeta 2 (undated ties: a number beats a string).
SELECT fold_evidence(e, at) FROM touch_ties;

-- The same winner in every order: all 40320 orders of the 8 rows would be
-- many; 200 random ones, and every rotation of both directions.
SELECT setseed(0.5);
SELECT count(DISTINCT f) AS distinct_results, count(*) AS orders
  FROM generate_series(1, 200) g,
       LATERAL (SELECT fold_evidence(e, at ORDER BY random() + g * 0) AS f FROM touch_ties) s;
SELECT count(DISTINCT f) AS distinct_results, count(*) AS orders
  FROM generate_series(0, 7) r, (VALUES (1), (-1)) d(dir),
       LATERAL (SELECT fold_evidence(e, at ORDER BY ((n + r) % 8) * dir) AS f FROM touch_ties) s;

-- jsonb's own order says the same: the greatest value of each key among the
-- dated rows (all at one time), then by text; "score" is the key where
-- jsonb's order alone cannot decide.
SELECT k, (array_agg(v ORDER BY v DESC, v::text COLLATE "C" DESC))[1] AS greatest_dated,
       count(DISTINCT v) AS distinct_in_jsonb_order, count(DISTINCT v::text) AS distinct_texts
  FROM touch_ties, jsonb_each(e) AS j(k, v)
 WHERE at IS NOT NULL AND v <> 'null' GROUP BY k ORDER BY k;

--------------------------------------------------------------------------
-- 3. The state, lead_qual.touch_state: transition and combine functions
--    called directly, text and binary round trips.
--------------------------------------------------------------------------

-- A helper aggregate that returns the state itself (no final function).
CREATE AGGREGATE regress.fold_state(jsonb, timestamptz) (
    SFUNC = lead_qual.fold_evidence_step, STYPE = lead_qual.touch_state,
    COMBINEFUNC = lead_qual.touch_state_combine);

-- The text form: times in UTC to the microsecond, values as jsonb prints
-- them, keys in jsonb's order.
SELECT fold_evidence_step(fold_evidence_step(NULL, '{"budget": 7, "note": "first \"call\"", "x": null}', '2026-01-05 09:00:00.123456+01'),
                          '{"budget": 1.50, "tags": ["a", {"b": []}]}', NULL) AS state;
-- The text does not depend on the session's TimeZone or DateStyle.
SET TimeZone = 'America/Sao_Paulo';
SET DateStyle = 'SQL, DMY';
SELECT fold_evidence_step(NULL, '{"a": 1}', '2026-01-05 09:00:00.123456+01') AS state;
RESET TimeZone;
RESET DateStyle;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- Direct calls never change their arguments, and a step after a text round
-- trip gives the same state as without it.
SELECT s::text = s::text::touch_state::text AS round_trip,
       fold_evidence_step(s, '{"budget": 3, "need": 8}', '2026-01-06')::text =
       fold_evidence_step(s::text::touch_state, '{"budget": 3, "need": 8}', '2026-01-06')::text AS step_after_round_trip,
       s::text = before AS unchanged
  FROM (SELECT s, s::text AS before
          FROM (SELECT fold_evidence_step(NULL, '{"budget": 7}', '2026-01-05') AS s) x) y;

-- Partial states of two halves of the story, combined either way, equal the
-- state of the whole; the combined state survives a text round trip; its
-- final value is the fold of section 1.
WITH parts AS (
    SELECT regress.fold_state(e, at) FILTER (WHERE n % 2 = 0) AS even,
           regress.fold_state(e, at) FILTER (WHERE n % 2 = 1) AS odd,
           regress.fold_state(e, at) AS whole
      FROM touch_story)
SELECT touch_state_combine(even, odd)::text = touch_state_combine(odd, even)::text AS commutes,
       touch_state_combine(even, odd)::text = whole::text AS equals_whole,
       touch_state_combine(even, odd)::text::touch_state::text = touch_state_combine(even, odd)::text AS round_trip,
       fold_evidence_final(touch_state_combine(even::text::touch_state, odd::text::touch_state)) =
       (SELECT fold_evidence(e, at) FROM touch_story) AS final_after_round_trip
  FROM parts;

-- Every split of the tie rows into two parts (2^8 of them) combines to the
-- same state.
SELECT count(DISTINCT touch_state_combine(a, b)::text) AS distinct_states, count(*) AS splits
  FROM generate_series(0, 255) mask,
       LATERAL (SELECT regress.fold_state(e, at) FILTER (WHERE (mask >> (n - 1)) & 1 = 1) AS a,
                       regress.fold_state(e, at) FILTER (WHERE (mask >> (n - 1)) & 1 = 0) AS b
                  FROM touch_ties) s;

-- Binary round trip (COPY in binary format uses the send and receive
-- functions), through a file in the data directory of the test server (the
-- one place the server can surely write; it is left there, emptied).
CREATE TABLE touch_states (id int, s touch_state);
INSERT INTO touch_states
SELECT 1, regress.fold_state(e, at) FROM touch_story
UNION ALL SELECT 2, regress.fold_state(e, at) FROM touch_ties
UNION ALL SELECT 3, lead_qual.qualify_touches_step(NULL, 'bant', '{"budget": 8, "noise": 1}', '2026-01-05 10:00')
UNION ALL SELECT 4, lead_qual.qualify_touches_step(NULL, 'bant', '{"need": 6}', NULL, '2026-02-01')
UNION ALL SELECT 5, lead_qual.qualify_touches_step(NULL, 'bant', '{"need": 6}', NULL, NULL);
CREATE TABLE touch_states_copy (LIKE touch_states);
DO $$
BEGIN
    EXECUTE format('COPY touch_states TO %L (FORMAT binary)',
                   current_setting('data_directory') || '/lead_qual_regress_touch_states.bin');
    EXECUTE format('COPY touch_states_copy FROM %L (FORMAT binary)',
                   current_setting('data_directory') || '/lead_qual_regress_touch_states.bin');
    EXECUTE format('COPY (SELECT) TO %L',
                   current_setting('data_directory') || '/lead_qual_regress_touch_states.bin');
END
$$;
SELECT a.id, a.s::text = b.s::text AS same FROM touch_states a JOIN touch_states_copy b USING (id) ORDER BY a.id;

-- Malformed state texts: clear errors.
SELECT n, (regress.err(format('SELECT %L::lead_qual.touch_state', t))).*
  FROM (VALUES
   (1, 'not json'),
   (2, '[1, 2]'),
   (3, '{"kind": "fold", "entries": []}'),
   (4, '{"version": 2, "kind": "fold", "entries": []}'),
   (5, '{"version": 1, "kind": "sum", "entries": []}'),
   (6, '{"version": 1, "kind": "fold", "kind": "fold", "entries": []}'),
   (7, '{"version": 1, "kind": "fold", "entries": [], "extra": 1}'),
   (8, '{"version": 1, "kind": "fold"}'),
   (9, '{"version": 1, "kind": "fold", "entries": {"a": 1}}'),
   (10, '{"version": 1, "kind": "fold", "entries": [["a", null]]}'),
   (11, '{"version": 1, "kind": "fold", "entries": [[1, null, 1]]}'),
   (12, '{"version": 1, "kind": "fold", "entries": [["a", 20260101, 1]]}'),
   (13, '{"version": 1, "kind": "fold", "entries": [["a", "yesterday", 1]]}'),
   (14, '{"version": 1, "kind": "fold", "entries": [["a", "2026-01-05 10:00:00", 1]]}'),
   (15, '{"version": 1, "kind": "fold", "entries": [["a", "2026-01-05 10:00:00+01", 1]]}'),
   (16, '{"version": 1, "kind": "fold", "entries": [["a", "2026-13-05 10:00:00+00", 1]]}'),
   (17, '{"version": 1, "kind": "fold", "entries": [["a", null, null]]}'),
   (18, '{"version": 1, "kind": "fold", "entries": [["a", null, 1], ["a", null, 2]]}'),
   (19, '{"version": 1, "kind": "fold", "model": {"name": "m", "criteria": [{"key": "a"}]}, "entries": []}'),
   (20, '{"version": 1, "kind": "qualify", "latest": null, "entries": []}'),
   (21, '{"version": 1, "kind": "qualify", "model": "bant", "latest": null, "entries": []}'),
   (22, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a", "wieght": 2}]}, "latest": null, "entries": []}'),
   (23, '{"version": 1, "kind": "qualify", "model": {"name": "m", "name": "n", "criteria": [{"key": "a"}]}, "latest": null, "entries": []}'),
   (24, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "entries": []}'),
   (25, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "as_of": null, "latest": null, "entries": []}'),
   (26, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "latest": null, "entries": [["b", null, 1]]}'),
   (27, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "latest": null, "entries": [["a", "2026-01-01 00:00:00+00", 1]]}'),
   (28, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "latest": "2026-01-01 00:00:00+00", "entries": [["a", "2026-01-02 00:00:00+00", 1]]}'),
   (29, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "as_of": "2026-01-01 00:00:00+00", "entries": [["a", "2026-01-02 00:00:00+00", 1]]}'),
   (30, '{"version": 1, "kind": "qualify", "model": {"name": "m", "criteria": [{"key": "a"}]}, "as_of": null, "entries": [["a", null, 1]]}'),
   (31, '')
  ) AS c(n, t) ORDER BY n;

-- A hand-written state that is valid reads back in the canonical form: the
-- model without its descriptions and questions, the entries in key order.
SELECT '{"entries": [["need", null, 8], ["budget", "2026-01-05 09:00:00+00", 7]], "latest": "2026-01-05 09:00:00+00",
         "model": {"name": "m", "criteria": [{"key": "budget", "questions": "How much?"}, {"key": "need"}], "description": "d"},
         "kind": "qualify", "version": 1}'::touch_state;

-- States of the other aggregate, or of another model or as_of, are refused.
SELECT * FROM regress.err($$SELECT lead_qual.fold_evidence_final(lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL))$$);
SELECT * FROM regress.err($$SELECT lead_qual.qualify_touches_final(lead_qual.fold_evidence_step(NULL, '{}', NULL))$$);
SELECT * FROM regress.err($$SELECT lead_qual.fold_evidence_step(lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL), '{}', NULL)$$);
SELECT * FROM regress.err($$SELECT lead_qual.touch_state_combine(lead_qual.fold_evidence_step(NULL, '{}', NULL),
                                                                 lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL))$$);
SELECT * FROM regress.err($$SELECT lead_qual.touch_state_combine(lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL),
                                                                 lead_qual.qualify_touches_step(NULL, 'anum', '{}', NULL))$$);
SELECT * FROM regress.err($$SELECT lead_qual.touch_state_combine(lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL, '2026-01-01'),
                                                                 lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL, '2026-01-02'))$$);
SELECT * FROM regress.err($$SELECT lead_qual.touch_state_combine(lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL, '2026-01-01'),
                                                                 lead_qual.qualify_touches_step(NULL, 'bant', '{}', NULL))$$);

-- Damaged values (bytes that no input function makes; a superuser's
-- binary-coercible cast lets the test write them) are an error XX001 in
-- every function that reads a state from outside an aggregate, never a
-- crash: a bad version, a bad offset, and a number inside a value whose
-- digit is out of range (10000, where a digit is 0 to 9999).
SET client_min_messages = warning;
CREATE TYPE regress.raw_state;
CREATE FUNCTION regress.raw_state_in(cstring) RETURNS regress.raw_state
    AS 'byteain' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION regress.raw_state_out(regress.raw_state) RETURNS cstring
    AS 'byteaout' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE regress.raw_state (INPUT = regress.raw_state_in, OUTPUT = regress.raw_state_out,
                               INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
CREATE CAST (regress.raw_state AS touch_state) WITHOUT FUNCTION;
CREATE CAST (touch_state AS regress.raw_state) WITHOUT FUNCTION;
RESET client_min_messages;
CREATE TABLE damaged AS
SELECT fold_evidence_step(NULL, '{"a": 12345}', '2026-01-05')::regress.raw_state::text AS raw;
-- (12345 is stored as the digits 1 and 2345: 0100 2909 in little-endian hex.)
SELECT raw::regress.raw_state::touch_state AS undamaged,
       length(raw) - length(replace(raw, '01002909', '')) = 8 AS digits_found_once
  FROM damaged;
SELECT d.what, e.state, e.message, e.detail
  FROM damaged,
       LATERAL (VALUES ('version', overlay(raw placing '02' from 3 for 2)),
                       ('data offset', overlay(raw placing 'ffffff7f' from 19 for 8)),
                       ('digit', replace(raw, '01002909', '01001027'))) AS d(what, bad),
       LATERAL (SELECT * FROM regress.err_detail(format('SELECT lead_qual.fold_evidence_final(%L::regress.raw_state::lead_qual.touch_state)', d.bad))) e;
SELECT * FROM regress.err_detail($$SELECT lead_qual.touch_state_out(replace(raw, '01002909', '01001027')::regress.raw_state::lead_qual.touch_state) FROM damaged$$);
SELECT * FROM regress.err_detail($$SELECT lead_qual.touch_state_combine(NULL, replace(raw, '01002909', '01001027')::regress.raw_state::lead_qual.touch_state) FROM damaged$$);

-- NULL arguments of the support functions.
SELECT touch_state_combine(NULL, NULL) IS NULL AS both_null,
       touch_state_combine(NULL, s)::text = s::text AS first_null,
       touch_state_combine(s, NULL)::text = s::text AS second_null,
       fold_evidence_step(NULL, NULL, NULL)::text AS empty_state,
       qualify_touches_step(NULL, NULL::model, '{"budget": 1}', NULL) IS NULL AS no_model
  FROM (SELECT fold_evidence_step(NULL, '{"a": 1}', NULL) AS s) x;

--------------------------------------------------------------------------
-- 4. qualify_touches: the model by value and by name, as_of, NULLs.
--------------------------------------------------------------------------

-- A story with BANT, whose criteria are marks 0-10 (true counts as 10).
-- The model is given by name in several spellings, and as a value.
CREATE TABLE touch_bant (lead int, n int, at timestamptz, e jsonb, m text);
INSERT INTO touch_bant VALUES
 (1, 1, '2026-01-05', '{"budget": 4, "need": 7}', 'bant'),
 (1, 2, '2026-01-09', '{"timeframe": 5, "notes": "call back"}', 'bant'),
 (1, 3, '2026-01-12', '{"budget": 8, "authority": true}', ' BANT '),
 (1, 4, '2026-01-15', '{"need": null, "authority": null}', 'Bant'),
 (2, 1, '2026-01-02', '{"budget": 2}', 'bant'),
 (2, 2, '2026-01-04', '{"budget": 3, "need": 9}', NULL),      -- no model: adds nothing
 (3, 1, NULL, '{"budget": 9}', NULL);                          -- no row with a model

-- Lead 1: budget 8, authority true, need 7 met; timeframe 5 not met (pass
-- 6): 3 of 4 met = qualified; score = (8 + 10 + 7 + 5) / 40 = 75 -> tier A.
-- Lead 2: only budget 2 (the row without a model does not count): score 5.
-- Lead 3: no row with a model: NULL.
SELECT lead, qualify_touches(m, e, at) AS by_name,
       qualify_touches(m::model, e, at) AS by_value,
       qualify_touches(m, e, at) = qualify_touches(m::model, e, at) AS same
  FROM touch_bant GROUP BY lead ORDER BY lead;

-- It is qualify() of the folded evidence as of the latest touch.
SELECT lead, (qualify_touches(m, e, at)).* FROM touch_bant WHERE lead = 1 GROUP BY lead;
SELECT (qualify('bant', fold_evidence(e, at), max(at))).* FROM touch_bant WHERE lead = 1;

-- The state keeps only what the model reads ("notes" is not kept), and the
-- model without descriptions and questions.
SELECT qualify_touches_step(qualify_touches_step(NULL, 'bant', '{"budget": 4, "need": 7, "notes": "x"}', '2026-01-05'),
                            'bant', '{"notes": "y", "timeframe": 5}', '2026-01-09') AS state;
-- How big a state is for BANT with all four keys known (outside an
-- aggregate, where a state has no room to grow), in bytes, and its text:
SELECT pg_column_size(s) AS state_bytes, length(s::text) AS text_bytes,
       pg_column_size('bant'::model) AS full_model_bytes
  FROM (SELECT qualify_touches_step(NULL, 'bant', '{"budget": 8, "authority": 7, "need": 6, "timeframe": 9}', '2026-01-05') AS s) x;

-- The model must be the same in every row of a group.
SELECT * FROM regress.err($$SELECT lead_qual.qualify_touches(m, '{}', NULL) FROM (VALUES ('bant'), ('anum')) v(m)$$);
SELECT * FROM regress.err($$SELECT lead_qual.qualify_touches(m::lead_qual.model, '{}', NULL) FROM (VALUES ('bant'), ('anum')) v(m)$$);
SELECT * FROM regress.err_detail($$SELECT lead_qual.qualify_touches(m::lead_qual.model, '{}', NULL)
  FROM (VALUES ('{"name": "x", "criteria": [{"key": "a"}]}'), ('{"name": "x", "criteria": [{"key": "b"}]}')) v(m)$$);
-- ... and so must as_of.
SELECT * FROM regress.err($$SELECT lead_qual.qualify_touches('bant', '{}', NULL, a) FROM (VALUES ('2026-01-01'::timestamptz), ('2026-01-02')) v(a)$$);
SELECT * FROM regress.err($$SELECT lead_qual.qualify_touches('bant', '{}', NULL, a) FROM (VALUES ('2026-01-01'::timestamptz), (NULL)) v(a)$$);
-- Models that differ only in descriptions or questions count as the same.
SELECT qualify_touches(m::model, e, '2026-01-01')
  FROM (VALUES ('{"name": "x", "criteria": [{"key": "a"}]}', '{"a": 7}'::jsonb),
               ('{"name": "x", "description": "the same", "criteria": [{"key": "a", "questions": "A?"}]}', '{}')) v(m, e);
-- Evidence that is not an object.
SELECT * FROM regress.err($$SELECT lead_qual.qualify_touches('bant', '[{"budget": 7}]', now())$$);

-- A model changed in the registry is read again by the next query.
SELECT define_model('touch_m', '{"name": "touch_m", "criteria": [{"key": "a", "rule": {"type": "at_least", "value": 5}}]}');
SELECT qualify_touches('touch_m', e, at) FROM (VALUES ('{"a": 6}'::jsonb, '2026-01-01'::timestamptz)) v(e, at);
SELECT define_model('touch_m', '{"name": "touch_m", "criteria": [{"key": "a", "rule": {"type": "at_least", "value": 7}}]}');
SELECT qualify_touches('touch_m', e, at) FROM (VALUES ('{"a": 6}'::jsonb, '2026-01-01'::timestamptz)) v(e, at);

--------------------------------------------------------------------------
-- 5. as_of.  With as_of, touches after it do not count (undated ones do)
--    and date rules are judged against it.  Without, they are judged as of
--    the latest touched_at of the group; qualify_touches(m, e, t, now())
--    gives "as of now".  A group whose touches are all undated has no such
--    time: the result is NULL, as qualify(m, e, NULL) is.
--------------------------------------------------------------------------

-- (The date criterion is keyed "purchase": the generated touches below also
-- carry BANT's "timeframe", a grade, and a criterion reads its key when the
-- evidence lacks its source.)
SELECT define_model('touch_acme', '{"name": "touch_acme", "min_met": 3, "pass_score": 60, "criteria": [
  {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
  {"key": "authority", "source": "role", "weight": 2, "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
  {"key": "need", "weight": 2},
  {"key": "purchase", "source": "purchase_date", "rule": {"type": "within_days", "days": 30}}]}');

CREATE TABLE touch_dated (n int, at timestamptz, e jsonb);
INSERT INTO touch_dated VALUES
 (1, '2026-01-05', '{"budget_eur": 8000, "role": "cfo"}'),
 (2, '2026-01-20', '{"purchase_date": "2026-02-10", "need": 8}'),
 (3, '2026-02-01', '{"budget_eur": 12000}'),
 (4, NULL, '{"need": 3, "budget_eur": 50000}');

-- Points: weight x grade, out of 8 x 10 = 80; a met rule other than a
-- grade counts 10, need counts its mark.
-- Without as_of: as of 2026-02-01 (the latest touch).  budget 12000 met (30),
-- role cfo met (20), need 8 (16), purchase 2026-02-10 is 9 days ahead: met
-- (10).  76 / 80 = 95, 4 met: qualified, tier A.  As of 2026-02-01: the same.
-- As of 2026-01-25: touch 3 does not count, so the budget is 8000 from
-- touch 1 (0); the purchase is 16 days ahead (10).  0 + 20 + 16 + 10 =
-- 46 / 80 = 57.5: 3 met, but below pass_score 60 with nothing unknown:
-- nurture, tier B.
-- As of 2026-01-10: touches 2 and 3 do not count; the undated touch 4 fills
-- need (3, not met: 6 points), not the budget (touch 1 is dated and wins);
-- the purchase date is unknown.  0 + 20 + 6 = 26 / 80 = 32.5; met 1 +
-- unknown 1 < min_met 3: nurture, tier C.
-- As of 2026-02-20: the purchase date lies behind as_of: not met.  30 + 20
-- + 16 = 66 / 80 = 82.5, 3 met: qualified, tier A.
SELECT a AS as_of, (q).score, (q).status, (q).tier, (q).met, (q).known, (q).missing, (q).failed
  FROM (SELECT NULL::timestamptz AS a, qualify_touches('touch_acme', e, at) AS q FROM touch_dated
        UNION ALL
        SELECT a, qualify_touches('touch_acme', e, at, a) FROM touch_dated,
               (VALUES ('2026-01-10'::timestamptz), ('2026-01-25'), ('2026-02-01'), ('2026-02-20')) v(a) GROUP BY a) s
 ORDER BY a NULLS FIRST;

-- The same as qualify() of the fold of the touches up to as_of.
SELECT a AS as_of,
       qualify_touches('touch_acme', e, at, a) =
       qualify('touch_acme', fold_evidence(e, at) FILTER (WHERE at <= a OR at IS NULL), a) AS same
  FROM touch_dated, (VALUES ('2026-01-10'::timestamptz), ('2026-01-25'), ('2026-02-01'), ('2026-02-20')) v(a)
 GROUP BY a ORDER BY a;

-- "As of now": now() is the same in every row, so it is a valid as_of.
SELECT qualify_touches('touch_acme', e, at, now()) = qualify('touch_acme', fold_evidence(e, at), now()) AS as_of_now
  FROM touch_dated;

-- All touches undated, no as_of: NULL.  With as_of: qualified as of it.
-- NULL as_of: NULL, as qualify(m, e, NULL) is.  Touches all after as_of:
-- nothing counts, every criterion unknown.
SELECT qualify_touches('bant', e, NULL::timestamptz) IS NULL AS undated_null,
       qualify_touches('bant', e, NULL, '2026-01-01') AS undated_as_of,
       qualify_touches('bant', e, NULL, NULL) IS NULL AS null_as_of,
       qualify_touches('bant', e, '2026-03-01', '2026-01-01') AS all_later
  FROM (VALUES ('{"budget": 7}'::jsonb), ('{"need": 9}')) v(e);

--------------------------------------------------------------------------
-- 6. Generated touches: qualify_touches = qualify(fold_evidence), in every
--    group, with and without as_of, by name and by value; the same with a
--    parallel plan.
--------------------------------------------------------------------------

-- 4000 touches of 300 leads over ten days; some undated, some without
-- evidence, values of every kind (null, numbers, strings, dates), keys the
-- models do not read, and touches of a lead at the same time with
-- different values.
CREATE TABLE touch_gen AS
SELECT (i % 300) + 1 AS lead, i AS n,
       CASE WHEN i % 11 = 0 THEN NULL
            ELSE '2026-01-01'::timestamptz + ((((i / 300) * 4 + i % 300) % 19) / 2) * interval '1 day' END AS at,
       CASE WHEN i % 17 = 0 THEN NULL ELSE
       (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM (
          SELECT k, CASE WHEN (i * 31 + j * 7) % 9 = 0 THEN 'null'::jsonb
                         WHEN k = 'role' THEN to_jsonb((ARRAY['owner', 'intern', 'cfo', 'purchasing', 'sales'])[1 + (i * 13 + j) % 5])
                         WHEN k = 'purchase_date' THEN to_jsonb(to_char(date '2026-01-10' + (i * 29) % 60, 'YYYY-MM-DD'))
                         WHEN k = 'budget_eur' THEN to_jsonb(1000 * ((i * 37 + j) % 20))
                         WHEN k = 'authority' AND (i * 13 + j) % 10 = 0 THEN to_jsonb('yes'::text)
                         ELSE to_jsonb((i * 37 + j * 11) % 11) END AS v
            FROM unnest(ARRAY['budget', 'authority', 'need', 'timeframe', 'noise', 'budget_eur', 'role', 'purchase_date'])
                 WITH ORDINALITY u(k, j)
           WHERE (i * 3 + j * 5) % 7 < 3) s) END AS e
  FROM generate_series(1, 4000) i;
ANALYZE touch_gen;
SELECT count(*) AS touches, count(DISTINCT lead) AS leads, count(*) - count(at) AS undated,
       count(*) - count(e) AS without_evidence,
       (SELECT count(*) FROM (SELECT lead, at FROM touch_gen WHERE at IS NOT NULL
                               GROUP BY lead, at HAVING count(DISTINCT e) > 1) t) AS same_time_groups
  FROM touch_gen;

CREATE TABLE touch_serial AS
SELECT lead,
       fold_evidence(e, at) AS f,
       max(at) AS latest,
       fold_evidence(e, at) FILTER (WHERE at <= '2026-01-06' OR at IS NULL) AS f_jan06,
       qualify_touches('bant', e, at) AS bant,
       qualify_touches('bant'::model, e, at, '2026-01-06') AS bant_jan06,
       qualify_touches('touch_acme', e, at) AS acme,
       qualify_touches('touch_acme'::model, e, at, '2026-01-06') AS acme_jan06
  FROM touch_gen GROUP BY lead;

SELECT count(*) AS groups,
       count(*) FILTER (WHERE bant IS NOT DISTINCT FROM qualify('bant', f, latest)) AS bant_same,
       count(*) FILTER (WHERE bant_jan06 IS NOT DISTINCT FROM qualify('bant', f_jan06, '2026-01-06')) AS bant_jan06_same,
       count(*) FILTER (WHERE acme IS NOT DISTINCT FROM qualify('touch_acme', f, latest)) AS acme_same,
       count(*) FILTER (WHERE acme_jan06 IS NOT DISTINCT FROM qualify('touch_acme', f_jan06, '2026-01-06')) AS acme_jan06_same,
       count(DISTINCT acme) AS distinct_acme, count(DISTINCT (acme).status) AS statuses,
       count(*) FILTER (WHERE acme IS DISTINCT FROM acme_jan06) AS changed_by_as_of,
       count(*) FILTER (WHERE bant IS NULL) AS bant_null
  FROM touch_serial;

-- fold_evidence() is what jsonb's order gives in SQL: per key, the latest
-- dated value (undated ones last), then the greatest in jsonb's order, then
-- the greatest text.
CREATE FUNCTION regress.fold_reference(lead_filter int) RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM (
        SELECT DISTINCT ON (k) k, v
          FROM touch_gen, jsonb_each(e) AS j(k, v)
         WHERE lead = lead_filter AND v <> 'null'
         ORDER BY k, at DESC NULLS LAST, v DESC, v::text COLLATE "C" DESC) s
$$;
SELECT count(*) AS groups, count(*) FILTER (WHERE f = regress.fold_reference(lead)) AS same_as_sql
  FROM touch_serial;

-- A bigger state: one group of 3000 touches of 150 keys, with values that
-- grow and shrink (so that they no longer fit where the earlier value was),
-- and ties.
CREATE TABLE touch_big AS
SELECT i AS n,
       CASE WHEN i % 13 = 0 THEN NULL ELSE '2026-01-01'::timestamptz + (i % 97) * interval '1 hour' END AS at,
       jsonb_build_object('k' || (i % 150), repeat('x', (i * 7) % 201),
                          'k' || ((i * 11) % 150), CASE WHEN i % 5 = 0 THEN to_jsonb(i) ELSE to_jsonb(ARRAY[i, i % 7]) END) AS e
  FROM generate_series(1, 3000) i;
SELECT (SELECT count(*) FROM jsonb_object_keys(fold_evidence(e, at))) AS keys,
       pg_column_size(fold_evidence(e, at)) AS folded_bytes,
       fold_evidence(e, at) = (SELECT jsonb_object_agg(k, v) FROM (
           SELECT DISTINCT ON (k) k, v FROM touch_big, jsonb_each(e) AS j(k, v)
            ORDER BY k, at DESC NULLS LAST, v DESC, v::text COLLATE "C" DESC) s) AS same_as_sql,
       fold_evidence(e, at ORDER BY n) = fold_evidence(e, at ORDER BY n DESC) AS order_free
  FROM touch_big;

-- Parallel: partial aggregates in two workers (the leader does not take
-- part, so the workers see every row), combined after the Gather.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CALL regress.force_parallel(true);

EXPLAIN (COSTS OFF)
SELECT lead, fold_evidence(e, at), qualify_touches('bant', e, at), qualify_touches('touch_acme'::model, e, at, '2026-01-06')
  FROM touch_gen GROUP BY lead;

CREATE FUNCTION regress.touch_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        IF line ~ 'Workers Launched|Partial|Gather' THEN
            -- (row counts vary with the workers; PostgreSQL 18 writes them as 12.00)
            RETURN NEXT regexp_replace(line, 'rows=\d+(\.\d+)?', 'rows=N');
        END IF;
    END LOOP;
END
$$;
SELECT * FROM regress.touch_plan($$SELECT lead, fold_evidence(e, at), qualify_touches('touch_acme', e, at)
                                      FROM touch_gen GROUP BY lead$$);

CREATE TABLE touch_parallel AS
SELECT lead,
       fold_evidence(e, at) AS f,
       qualify_touches('bant', e, at) AS bant,
       qualify_touches('bant'::model, e, at, '2026-01-06') AS bant_jan06,
       qualify_touches('touch_acme', e, at) AS acme,
       qualify_touches('touch_acme'::model, e, at, '2026-01-06') AS acme_jan06
  FROM touch_gen GROUP BY lead;

-- One group for the whole table: every worker holds a partial state of it.
SELECT fold_evidence(e, at) = (SELECT fold_evidence(e, at ORDER BY n) FROM touch_gen) AS one_group_same
  FROM touch_gen;
SELECT fold_evidence(e, at) = (SELECT fold_evidence(e, at ORDER BY n) FROM touch_big) AS big_group_same
  FROM touch_big;
SELECT * FROM regress.touch_plan($$SELECT fold_evidence(e, at) FROM touch_gen$$);

CALL regress.force_parallel(false);
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

SELECT count(*) AS groups,
       count(*) FILTER (WHERE s.f = p.f) AS fold_same,
       count(*) FILTER (WHERE s.bant IS NOT DISTINCT FROM p.bant AND s.bant_jan06 IS NOT DISTINCT FROM p.bant_jan06) AS bant_same,
       count(*) FILTER (WHERE s.acme IS NOT DISTINCT FROM p.acme AND s.acme_jan06 IS NOT DISTINCT FROM p.acme_jan06) AS acme_same
  FROM touch_serial s JOIN touch_parallel p USING (lead);

-- Every group's partial state survives a text round trip.
SELECT count(*) AS groups, count(*) FILTER (WHERE s::text::touch_state::text = s::text) AS round_trips
  FROM (SELECT regress.fold_state(e, at) AS s FROM touch_gen GROUP BY lead) x;
SELECT (SELECT regress.fold_state(e, at) FROM touch_big)::text::touch_state::text =
       (SELECT regress.fold_state(e, at) FROM touch_big)::text AS big_round_trip;

--------------------------------------------------------------------------
-- 7. Window functions: running folded evidence and running qualification.
--    (No inverse transition: taking a touch back out would need the values
--    it replaced, which the state does not keep; a moving frame recomputes.)
--------------------------------------------------------------------------

SELECT n, at, e,
       fold_evidence(e, at) OVER w AS running,
       (qualify_touches('bant', e, at) OVER w).score AS score,
       (qualify_touches('bant', e, at) OVER w).status AS status
  FROM touch_bant WHERE lead = 1
WINDOW w AS (ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
 ORDER BY at;

-- In every generated lead, the running values equal the fold of the rows up
-- to each one; a sliding frame of three touches too.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE running = (SELECT fold_evidence(g2.e, g2.at) FROM touch_gen g2
                                          WHERE g2.lead = g.lead AND g2.n <= g.n)) AS running_same,
       count(*) FILTER (WHERE sliding IS NOT DISTINCT FROM
                              (SELECT fold_evidence(g2.e, g2.at) FROM touch_gen g2
                                WHERE g2.lead = g.lead AND g2.n <= g.n AND g2.n > g.n - 900)) AS sliding_same,
       count(*) FILTER (WHERE running_q IS NOT DISTINCT FROM
                              (SELECT qualify_touches('touch_acme', g2.e, g2.at) FROM touch_gen g2
                                WHERE g2.lead = g.lead AND g2.n <= g.n)) AS running_qualification_same
  FROM (SELECT lead, n, fold_evidence(e, at) OVER (PARTITION BY lead ORDER BY n) AS running,
               fold_evidence(e, at) OVER (PARTITION BY lead ORDER BY n ROWS 2 PRECEDING) AS sliding,
               qualify_touches('touch_acme', e, at) OVER (PARTITION BY lead ORDER BY n) AS running_q
          FROM touch_gen WHERE lead <= 40) g;

-- Many keys in one call: a direct call grows one state (not a copy per
-- key), and the result is compact; a state whose entries share no key
-- combines in one pass.  (Before 0.3.1 a direct call with 40,000 keys took
-- all the memory of the machine.)
SELECT length(fold_evidence_final(s)::text) AS folded_text, pg_column_size(s) < 2600000 AS compact
  FROM (SELECT fold_evidence_step(NULL, (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 40000) i),
                                  '2026-01-01') AS s) x;
SELECT (SELECT count(*) FROM jsonb_object_keys(fold_evidence_final(touch_state_combine(a, b)))) AS keys
  FROM (SELECT fold_evidence_step(NULL, (SELECT jsonb_object_agg('a' || i, i) FROM generate_series(1, 5000) i), '2026-01-01') AS a,
               fold_evidence_step(NULL, (SELECT jsonb_object_agg('b' || i, i) FROM generate_series(1, 5000) i), '2026-01-02') AS b) x;

-- Evidence values nested deeper than evidence may be (64 levels with the
-- object holding them) are an error, as for qualify(); a state's text
-- nested deeper than a state can be is an error before it is parsed.
SELECT length(fold_evidence(('{"a": ' || repeat('[', 63) || repeat(']', 63) || '}')::jsonb, NULL)::text) AS deepest_kept;
SELECT * FROM regress.err($$SELECT fold_evidence(('{"a": ' || repeat('[', 64) || repeat(']', 64) || '}')::jsonb, NULL)$$);
SELECT * FROM regress.err($$SELECT ('{"version": 1, "kind": "fold", "entries": [["a", null, ' || repeat('[', 100000) || repeat(']', 100000) || ']]}')::touch_state$$);
SELECT length(('{"version": 1, "kind": "fold", "entries": [["a", null, ' || repeat('[', 63) || repeat(']', 63) || ']]}')::touch_state::text) AS deepest_state_text;
-- qualify_touches() refuses it too, under a key the model does not read,
-- so that it stays qualify() of what fold_evidence() gives.
SELECT * FROM regress.err($$SELECT qualify_touches('bant', ('{"note": ' || repeat('[', 64) || repeat(']', 64) || '}')::jsonb, NULL)$$);
SELECT * FROM regress.err($$SELECT ('{"version": 1, "kind": "fold", "entries": [["a", null, ' || repeat('[', 64) || repeat(']', 64) || ']]}')::touch_state$$);
