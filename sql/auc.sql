-- lead_qual.auc(score, won): the ROC AUC of scores against outcomes, and its
-- state lead_qual.auc_state (a histogram of the scores): values worked out by
-- hand, NULLs, NaN and infinities, groups, windows, parallel query, the
-- coarsening of more than 65,536 distinct scores, the state's text and binary
-- forms, and the combine function called directly.
SET search_path = public, lead_qual;

-- The aggregate's state itself (no final function), to look at and combine.
CREATE AGGREGATE regress.auc_state_of(double precision, boolean) (
    SFUNC = lead_qual.auc_step, STYPE = lead_qual.auc_state,
    INITCOND = '{"version": 1, "shift": 0, "bins": []}',
    COMBINEFUNC = lead_qual.auc_combine, PARALLEL = SAFE);

------------------------------------------------------------------------
-- Values worked out by hand
------------------------------------------------------------------------

-- Every won lead above every lost one: 1; the other way round: 0; all tied: 0.5.
SELECT auc(s, w) AS perfect FROM (VALUES (0.9, true), (0.8, true), (0.3, false), (0.1, false)) v(s, w);
SELECT auc(s, w) AS reversed FROM (VALUES (0.9, false), (0.8, false), (0.3, true), (0.1, true)) v(s, w);
SELECT auc(s, w) AS all_tied FROM (VALUES (50, true), (50, false), (50, false), (50, true), (50, true)) v(s, w);
-- One won and one lost lead: 1, 0 or 0.5.
SELECT auc(s, w) FILTER (WHERE pair = 'above') AS above, auc(s, w) FILTER (WHERE pair = 'below') AS below,
       auc(s, w) FILTER (WHERE pair = 'tied') AS tied
  FROM (VALUES ('above', 2, true), ('above', 1, false), ('below', 0, true), ('below', 1, false),
               ('tied', 7, true), ('tied', 7, false)) v(pair, s, w);

-- A mixed example with a tie.  Won: 90, 80, 70, 40; lost: 80, 60, 60, 20; 16 pairs:
--   won 90 is above all four lost:                          4
--   won 80 ties lost 80 (a half) and is above 60, 60, 20:   3.5
--   won 70 is above 60, 60, 20 (below 80):                  3
--   won 40 is above 20:                                     1
-- (4 + 3.5 + 3 + 1) / 16 = 11.5 / 16 = 0.71875
CREATE TABLE auc_leads (id int, score double precision, won boolean);
INSERT INTO auc_leads VALUES
 (1, 90, true), (2, 80, false), (3, 80, true), (4, 70, true),
 (5, 60, false), (6, 60, false), (7, 40, true), (8, 20, false);
SELECT auc(score, won) FROM auc_leads;
SELECT 11.5 / 16 AS by_hand;
-- The same by counting the pairs in SQL.
SELECT avg(CASE WHEN w.score > l.score THEN 1 WHEN w.score = l.score THEN 0.5 ELSE 0 END) AS pairs
  FROM auc_leads w JOIN auc_leads l ON w.won AND NOT l.won;
-- Any type that casts to double precision: integers, numeric.
SELECT auc(score::int, won) AS int_scores, auc(score::numeric / 7, won) AS numeric_scores FROM auc_leads;

-- With scores from a model: BANT on five leads, two of them won.
SELECT auc(lead_qual.score('bant', e, '2026-01-05'), won) AS bant_auc
  FROM (VALUES ('{"budget": 9, "authority": 8, "need": 9, "timeframe": 7}'::jsonb, true),
               ('{"budget": 7, "authority": 6, "need": 8}', true),
               ('{"budget": 9, "authority": 9, "need": 9, "timeframe": 3}', false),
               ('{"budget": 2, "need": 5}', false),
               ('{}', false)) v(e, won);
-- (BANT scores the won leads 82.5 and 52.5, the lost ones 75, 17.5 and 0: the
-- first won lead is above all three lost ones, the second above two: 5 / 6)

------------------------------------------------------------------------
-- NULLs, NaN, infinities, -0
------------------------------------------------------------------------

-- No rows, only won, only lost: NULL.
SELECT auc(score, won) IS NULL AS no_rows FROM auc_leads WHERE false;
SELECT auc(score, won) IS NULL AS all_won, auc(score, NOT won) IS NULL AS all_lost
  FROM auc_leads WHERE won;
-- A NULL score or a NULL outcome: the row is left out.
SELECT auc(s, w) AS with_nulls,
       auc(s, w) FILTER (WHERE s IS NOT NULL AND w IS NOT NULL) AS without,
       auc(s, w) FILTER (WHERE s IS NULL OR w IS NULL) IS NULL AS only_nulls
  FROM (VALUES (0.9, true), (NULL, false), (0.5, NULL), (0.4, false), (0.7, false), (NULL, NULL), (0.2, true)) v(s, w);
-- NaN is an error (unless the row is left out for a NULL outcome).
SELECT * FROM regress.err($$SELECT lead_qual.auc(s, w) FROM (VALUES (0.5, true), ('NaN', false)) v(s, w)$$);
SELECT * FROM regress.err_detail($$SELECT lead_qual.auc('NaN', true)$$);
SELECT auc(s, w) AS nan_without_outcome FROM (VALUES (0.5::float8, true), ('NaN', NULL), (0.1, false)) v(s, w);
-- Infinities are scores like any other, and -0 ties with 0.  Won: infinity, 0;
-- lost: -infinity, infinity, -0.  Won infinity: above -infinity (1), ties
-- infinity (a half), above -0 (1); won 0: above -infinity (1), below
-- infinity, ties -0 (a half): (2.5 + 1.5) / 6.
SELECT auc(s, w) AS infinities
  FROM (VALUES ('infinity'::float8, true), ('0', true), ('-infinity', false), ('infinity', false), ('-0', false)) v(s, w);
SELECT auc(s, w) AS extremes
  FROM (VALUES ('-infinity'::float8, false), ('-1.7976931348623157e308', true), ('-5e-324', false),
               ('5e-324', true), ('1.7976931348623157e308', false), ('infinity', true)) v(s, w);
-- (won -1.8e308: above -infinity (1); won 5e-324: above -infinity and -5e-324 (2);
-- won infinity: above all three (3): 6 / 9)
SELECT regress.auc_state_of(s, w) AS state
  FROM (VALUES ('infinity'::float8, true), ('0', true), ('-infinity', false), ('infinity', false), ('-0', false)) v(s, w);

------------------------------------------------------------------------
-- Groups, and against the pairs counted in SQL on generated data
------------------------------------------------------------------------

SELECT g, auc(s, w), count(*)
  FROM (VALUES ('a', 3, true), ('a', 1, false), ('a', 2, true), ('b', 1, true), ('b', 2, false),
               ('c', 5, true), ('c', 4, true), ('d', NULL, true), ('d', 1, false)) v(g, s, w)
 GROUP BY g ORDER BY g;

-- 8000 rows in 40 groups, scores in steps of 0.5 from 0 to 100 (so with ties),
-- the won leads scoring higher on the whole, a few NULLs.
CREATE TABLE auc_gen AS
SELECT i, i % 40 AS g,
       CASE WHEN i % 97 = 0 THEN NULL ELSE ((hashint4(i) & 2147483647) % 201) / 2.0 END::float8 AS score,
       CASE WHEN i % 89 = 0 THEN NULL
            ELSE (hashint4(i + 1) & 2147483647) % 100 < ((hashint4(i) & 2147483647) % 201) / 2 + (i % 40) END AS won
  FROM generate_series(1, 8000) i;
-- Exactly: the pairs counted by a join (twice the pairs won above lost, plus
-- the tied ones) over twice the product of won and lost, both exact integers.
WITH pairs AS (
    SELECT w.g, 2 * count(*) FILTER (WHERE w.score > l.score) + count(*) FILTER (WHERE w.score = l.score) AS twice,
           2 * count(*) AS all_twice
      FROM auc_gen w JOIN auc_gen l ON w.g = l.g AND w.won AND NOT l.won
     WHERE w.score IS NOT NULL AND l.score IS NOT NULL
     GROUP BY w.g)
SELECT count(*) AS groups, count(*) FILTER (WHERE a.auc = p.twice::float8 / p.all_twice::float8) AS equal,
       min(a.auc) AS lowest, max(a.auc) AS highest
  FROM (SELECT g, auc(score, won) FROM auc_gen GROUP BY g) a JOIN pairs p USING (g);

------------------------------------------------------------------------
-- As a window function
------------------------------------------------------------------------

-- The AUC so far, as outcomes come in (ORDER BY), and over the last four
-- rows (a frame whose start moves: computed anew for each frame, since there
-- is no inverse transition function: see the reference).
SELECT id, score, won,
       auc(score, won) OVER (ORDER BY id) AS so_far,
       auc(score, won) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS last_four
  FROM auc_leads ORDER BY id;
-- Each frame gives what the aggregate gives over the frame's rows.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.so_far IS NOT DISTINCT FROM
                        (SELECT auc(x.score, x.won) FROM auc_gen x WHERE x.g = w.g AND x.i <= w.i)) AS so_far_same,
       count(*) FILTER (WHERE w.last_ten IS NOT DISTINCT FROM
                        (SELECT auc(x.score, x.won) FROM (SELECT * FROM auc_gen x WHERE x.g = w.g AND x.i <= w.i
                                                            ORDER BY x.i DESC LIMIT 10) x)) AS last_ten_same
  FROM (SELECT i, g, auc(score, won) OVER (PARTITION BY g ORDER BY i) AS so_far,
               auc(score, won) OVER (PARTITION BY g ORDER BY i ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS last_ten
          FROM auc_gen WHERE g < 4) w;

------------------------------------------------------------------------
-- More than 65,536 distinct scores: coarsened, and the same in any order
------------------------------------------------------------------------

-- 100,000 distinct scores in (0, 1) (i times the golden ratio, modulo 1: every
-- bit of the mantissa used), won more often the higher the score.
CREATE TABLE auc_many AS
SELECT i, i % 50 AS g, x AS score, (hashint4(i) & 1023) < 1024 * x AS won
  FROM generate_series(1, 100000) i,
       LATERAL (SELECT i * 0.6180339887498949::float8 - floor(i * 0.6180339887498949::float8) AS x) s;
SELECT count(*) AS rows, count(DISTINCT score) AS distinct_scores, count(*) FILTER (WHERE won) AS won
  FROM auc_many;
CREATE TABLE auc_many_state AS SELECT regress.auc_state_of(score, won) AS s FROM auc_many;
-- The state: its shift, how many bins it kept, its size in memory (131,072
-- slots of 24 bytes: the most a state takes) and as text.
CREATE TABLE auc_many_shift AS SELECT (s::text::jsonb ->> 'shift')::int AS shift FROM auc_many_state;
SELECT shift, jsonb_array_length(s::text::jsonb -> 'bins') AS bins,
       (SELECT pg_column_size(regress.auc_state_of(score, won)) FROM auc_many) AS bytes,
       length(s::text) AS text_bytes
  FROM auc_many_state, auc_many_shift;
-- Scores in a bin share its key shifted right by the shift: for a positive
-- double, its IEEE bits shifted right.  The shift is the smallest at which
-- the scores fit in 65,536 bins: at one less they need more.
CREATE TABLE auc_many_bits AS
SELECT i, score, won, ('x' || encode(float8send(score), 'hex'))::bit(64)::bigint AS bits FROM auc_many;
SELECT count(DISTINCT bits >> shift) AS bins_at_shift, count(DISTINCT bits >> (shift - 1)) AS bins_one_less
  FROM auc_many_bits, auc_many_shift;
-- The result is the AUC of the scores rounded to their bins (scores that
-- share a bin are ties), computed exactly in SQL.
WITH bins AS (
    SELECT bits >> shift AS bin, count(*) FILTER (WHERE won) AS w, count(*) FILTER (WHERE NOT won) AS l
      FROM auc_many_bits, auc_many_shift GROUP BY 1),
below AS (
    SELECT w, l, coalesce(sum(l) OVER (ORDER BY bin ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS lost_below
      FROM bins)
SELECT (SELECT auc(score, won) FROM auc_many) AS auc,
       sum(w * (2 * lost_below + l))::float8 / (2 * sum(w) * sum(l))::float8 AS binned_in_sql,
       (SELECT auc(score, won) FROM auc_many) = sum(w * (2 * lost_below + l))::float8 / (2 * sum(w) * sum(l))::float8 AS equal
  FROM below;
-- Against the AUC of the scores as they are (every score distinct: the sum of
-- the ranks of the won rows, less W (W + 1) / 2, over W L): at shift 38 a bin
-- of scores from 0.5 to 1 spans 2^(38 - 53) = 0.0000305, and the two differ
-- in the eighth decimal.
WITH ranked AS (
    SELECT won, rank() OVER (ORDER BY score) AS r FROM auc_many)
SELECT ((sum(r) FILTER (WHERE won) - count(*) FILTER (WHERE won) * (count(*) FILTER (WHERE won) + 1) / 2)::float8
        / (count(*) FILTER (WHERE won) * count(*) FILTER (WHERE NOT won))::float8) AS unrounded_auc,
       (SELECT auc(score, won) FROM auc_many) AS coarsened_auc
  FROM ranked;
-- Any order of the rows gives the same state (the same text) and the same result.
SELECT count(DISTINCT st) AS states, count(DISTINCT a) AS results, count(*) AS orders
  FROM (SELECT md5(regress.auc_state_of(score, won ORDER BY i)::text) AS st, auc(score, won ORDER BY i) AS a FROM auc_many
        UNION ALL
        SELECT md5(regress.auc_state_of(score, won ORDER BY i DESC)::text), auc(score, won ORDER BY i DESC) FROM auc_many
        UNION ALL
        SELECT md5(regress.auc_state_of(score, won ORDER BY score)::text), auc(score, won ORDER BY score) FROM auc_many
        UNION ALL
        SELECT md5(regress.auc_state_of(score, won ORDER BY score DESC)::text), auc(score, won ORDER BY score DESC) FROM auc_many
        UNION ALL
        SELECT md5(regress.auc_state_of(score, won ORDER BY hashint4(i))::text), auc(score, won ORDER BY hashint4(i)) FROM auc_many
        UNION ALL
        SELECT md5(regress.auc_state_of(score, won ORDER BY won, g, i)::text), auc(score, won ORDER BY won, g, i) FROM auc_many
        UNION ALL
        SELECT md5(regress.auc_state_of(score, won ORDER BY random())::text), auc(score, won ORDER BY random()) FROM auc_many) o;
-- However the rows are split into partial states, combining them gives the
-- state of all rows: halves by parity; the lower and upper half of the
-- scores (50,000 distinct scores each, which fit at shift 0: the combine
-- coarsens); 1,000 rows and the rest; three parts combined in either order.
WITH parts AS (
    SELECT regress.auc_state_of(score, won) FILTER (WHERE i % 2 = 0) AS even,
           regress.auc_state_of(score, won) FILTER (WHERE i % 2 = 1) AS odd,
           regress.auc_state_of(score, won) FILTER (WHERE score < 0.5) AS low,
           regress.auc_state_of(score, won) FILTER (WHERE score >= 0.5) AS high,
           regress.auc_state_of(score, won) FILTER (WHERE i <= 1000) AS first,
           regress.auc_state_of(score, won) FILTER (WHERE i > 1000) AS rest,
           regress.auc_state_of(score, won) FILTER (WHERE i % 3 = 0) AS t0,
           regress.auc_state_of(score, won) FILTER (WHERE i % 3 = 1) AS t1,
           regress.auc_state_of(score, won) FILTER (WHERE i % 3 = 2) AS t2
      FROM auc_many)
SELECT (low::text::jsonb ->> 'shift') AS low_shift, (high::text::jsonb ->> 'shift') AS high_shift,
       (first::text::jsonb ->> 'shift') AS first_shift,
       auc_combine(even, odd)::text = w.s::text AS even_odd,
       auc_combine(odd, even)::text = w.s::text AS odd_even,
       auc_combine(low, high)::text = w.s::text AS low_high,
       auc_combine(high, low)::text = w.s::text AS high_low,
       auc_combine(first, rest)::text = w.s::text AS first_rest,
       auc_combine(rest, first)::text = w.s::text AS rest_first,
       auc_combine(auc_combine(t0, t1), t2)::text = w.s::text AS t01_2,
       auc_combine(t2, auc_combine(t1, t0))::text = w.s::text AS t2_10,
       auc_combine(low::text::auc_state, high::text::auc_state)::text = w.s::text AS through_text,
       auc_final(auc_combine(low, high)) = (SELECT auc(score, won) FROM auc_many) AS same_auc
  FROM parts, auc_many_state w;

------------------------------------------------------------------------
-- Parallel query gives the same result as serial
------------------------------------------------------------------------

CREATE TABLE auc_serial AS SELECT g, auc(score, won) AS a FROM auc_many GROUP BY g;
CREATE TABLE auc_serial_gen AS SELECT g, auc(score, won) AS a FROM auc_gen GROUP BY g;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CALL regress.force_parallel(true);
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT g, auc(score, won) FROM auc_many GROUP BY g;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.a = s.a) AS same
  FROM (SELECT g, auc(score, won) AS a FROM auc_many GROUP BY g) p JOIN auc_serial s USING (g);
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT g, auc(score, won) FROM auc_gen GROUP BY g;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.a IS NOT DISTINCT FROM s.a) AS same
  FROM (SELECT g, auc(score, won) AS a FROM auc_gen GROUP BY g) p JOIN auc_serial_gen s USING (g);
RESET enable_sort;
-- One group of all 100,000 rows: coarsened partial states from the workers, combined.
EXPLAIN (COSTS OFF)
SELECT auc(score, won) FROM auc_many;
SELECT auc(score, won) = (SELECT auc_final(s) FROM auc_many_state) AS parallel_same,
       md5(regress.auc_state_of(score, won)::text) = (SELECT md5(s::text) FROM auc_many_state) AS same_state
  FROM auc_many;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
CALL regress.force_parallel(false);

------------------------------------------------------------------------
-- The state: text and binary forms, and the functions called directly
------------------------------------------------------------------------

CREATE TABLE auc_parts AS
SELECT regress.auc_state_of(score, won) FILTER (WHERE id <= 4) AS a,
       regress.auc_state_of(score, won) FILTER (WHERE id > 4) AS b,
       regress.auc_state_of(score, won) AS whole
  FROM auc_leads;
SELECT a, b, whole FROM auc_parts;
-- Combined either way: the state of all rows; the final function on it.
SELECT auc_combine(a, b) AS combined, auc_combine(a, b)::text = whole::text AS a_b,
       auc_combine(b, a)::text = whole::text AS b_a, auc_final(auc_combine(a, b)) AS final
  FROM auc_parts;
-- With an empty state, and with itself (every row twice: the same AUC).
SELECT auc_combine(a, '{"version": 1, "shift": 0, "bins": []}')::text = a::text AS a_empty,
       auc_combine('{"version": 1, "shift": 0, "bins": []}', a)::text = a::text AS empty_a,
       auc_combine(whole, whole) AS doubled, auc_final(auc_combine(whole, whole)) = auc_final(whole) AS same_auc
  FROM auc_parts;
-- Called outside an aggregate the functions leave their arguments alone: a
-- row added to a twice is added once each time.
SELECT auc_step(a, 0.5, true) AS once, auc_step(a, 0.5, true) AS again, a AS a_after,
       auc_combine(a, b)::text = auc_combine(a, b)::text AS combine_again
  FROM auc_parts;
-- The final function of the empty state, of only won rows: NULL; of one won
-- row above two lost ones: 1.
SELECT auc_final('{"version": 1, "shift": 0, "bins": []}') IS NULL AS empty,
       auc_final('{"version": 1, "shift": 0, "bins": [[1, 2, 0], [3, 1, 0]]}') IS NULL AS only_won,
       auc_final('{"version": 1, "shift": 0, "bins": [[1, 0, 2], [3, 1, 0]]}') AS one;
-- The text reads back to the same state, and may have other blanks.
SELECT count(*) AS states, count(*) FILTER (WHERE s::text::auc_state::text = s::text) AS round_trip
  FROM (SELECT a AS s FROM auc_parts UNION ALL SELECT b FROM auc_parts UNION ALL SELECT whole FROM auc_parts
        UNION ALL SELECT s FROM auc_many_state
        UNION ALL SELECT regress.auc_state_of(s, w)
                    FROM (VALUES ('infinity'::float8, true), ('-infinity', false), ('-5e-324', false), ('0', true)) v(s, w)) x;
SELECT E'{ "version":1,\n\t"shift" :0 , "bins":[ [ -2.5,0,1 ],[1e+300, 2, 0]] }'::auc_state AS blanks;
-- Binary: send, and the receive function reading those bytes back (a binary
-- COPY of a bytea into a column of auc_state reads the same bytes); the
-- coarsened state through a file written by binary COPY.
CREATE TEMP TABLE auc_bytes (b bytea);
CREATE TEMP TABLE auc_read (s lead_qual.auc_state);
CREATE FUNCTION regress.auc_recv(bytes bytea) RETURNS lead_qual.auc_state LANGUAGE plpgsql AS $$
DECLARE
    result lead_qual.auc_state;
BEGIN
    DELETE FROM auc_bytes;
    DELETE FROM auc_read;
    INSERT INTO auc_bytes VALUES (bytes);
    COPY auc_bytes TO PROGRAM 'cat > regress_auc_recv.bin' WITH (FORMAT binary);
    COPY auc_read FROM PROGRAM 'cat regress_auc_recv.bin' WITH (FORMAT binary);
    SELECT s INTO result FROM auc_read;
    RETURN result;
END
$$;
SELECT auc_state_send(a) AS a_sent FROM auc_parts;
SELECT auc_state_send('{"version": 1, "shift": 0, "bins": [["-Infinity", 1, 0], [0, 0, 1], ["Infinity", 3, 4]]}') AS sent;
SELECT regress.auc_recv(auc_state_send(a))::text = a::text AS a_back,
       regress.auc_recv(auc_state_send(whole))::text = whole::text AS whole_back,
       regress.auc_recv('\x010000000000') AS empty_back,
       regress.auc_recv(auc_state_send('{"version": 1, "shift": 0, "bins": [["-Infinity", 1, 0], [0, 0, 1], ["Infinity", 3, 4]]}')) AS infinities_back
  FROM auc_parts;
CREATE TEMP TABLE auc_copied (s auc_state);
COPY auc_many_state TO PROGRAM 'cat > regress_auc_many.bin' WITH (FORMAT binary);
COPY auc_copied FROM PROGRAM 'cat regress_auc_many.bin' WITH (FORMAT binary);
SELECT c.s::text = m.s::text AS coarse_back, auc_state_send(c.s) = auc_state_send(m.s) AS same_bytes
  FROM auc_copied c, auc_many_state m;
COPY (SELECT 1) TO PROGRAM 'rm -f regress_auc_recv.bin regress_auc_many.bin';

-- Hand-written text is a state or an error 22P02 naming what is wrong.
CREATE TABLE auc_bad_text (n int, t text);
INSERT INTO auc_bad_text VALUES
 (1, ''),
 (2, '{}'),
 (3, '{"version": 2, "shift": 0, "bins": []}'),
 (4, '{"version": 1, "shift": 49, "bins": []}'),
 (5, '{"version": 1, "shift": -1, "bins": []}'),
 (6, '{"version": 1, "bins": [], "shift": 0}'),
 (7, '{"version": 1, "shift": 0, "bins": {}}'),
 (8, '{"version": 1, "shift": 0, "bins": [[0.5, 1]]}'),
 (9, '{"version": 1, "shift": 0, "bins": [["high", 1, 0]]}'),
 (10, '{"version": 1, "shift": 0, "bins": [["NaN", 1, 0]]}'),
 (11, '{"version": 1, "shift": 0, "bins": [[0.50, 1, 0]]}'),
 (12, '{"version": 1, "shift": 0, "bins": [[1E2, 1, 0]]}'),
 (13, '{"version": 1, "shift": 0, "bins": [[1e999, 1, 0]]}'),
 (14, '{"version": 1, "shift": 0, "bins": [[-0, 1, 0]]}'),
 (15, '{"version": 1, "shift": 0, "bins": [[0.5, -1, 2]]}'),
 (16, '{"version": 1, "shift": 0, "bins": [[0.5, 01, 2]]}'),
 (17, '{"version": 1, "shift": 0, "bins": [[0.5, 1.0, 2]]}'),
 (18, '{"version": 1, "shift": 0, "bins": [[0.5, 9223372036854775808, 0]]}'),
 (19, '{"version": 1, "shift": 0, "bins": [[0.5, 1, 0], [0.25, 0, 1]]}'),
 (20, '{"version": 1, "shift": 0, "bins": [[0.5, 1, 0], [0.5, 0, 1]]}'),
 (21, '{"version": 1, "shift": 0, "bins": [[0.5, 0, 0]]}'),
 (22, '{"version": 1, "shift": 0, "bins": [[0.5, 9223372036854775807, 0], [0.75, 1, 0]]}'),
 (23, '{"version": 1, "shift": 1, "bins": [[0.25, 1, 0], [0.5, 3, 2]]}'),
 (24, '{"version": 1, "shift": 1, "bins": [[0.3, 1, 0]]}'),
 (25, '{"version": 1, "shift": 0, "bins": [[0.5, 1, 0],]}'),
 (26, '{"version": 1, "shift": 0, "bins": []} x'),
 (27, '{"version": 1, "shift": 0, "bins": []'),
 (28, '{"version": 1, "shift": 0, "bins": [[0.5, 1, 0]], "won": 1}'),
 (29, '["version", 1]');
SELECT n, t, (regress.err(format('SELECT %L::lead_qual.auc_state', t))).*
  FROM auc_bad_text ORDER BY n;
SELECT * FROM regress.err_detail($$SELECT '{"version": 1, "shift": 0, "bins": [[0.50, 1, 0]]}'::lead_qual.auc_state$$);
-- At most 65,536 bins; at shift 1, a bin of two rows or more may have held
-- two distinct scores at shift 0, so 65,536 bins of two rows each need shift 1,
-- and of one row each do not.
SELECT (regress.err('SELECT ''{"version": 1, "shift": 0, "bins": [' ||
                    string_agg(format('[%s, 1, 0]', i), ', ' ORDER BY i) || ']}''::lead_qual.auc_state')).*
  FROM generate_series(1, 65537) i;
SELECT jsonb_array_length((('{"version": 1, "shift": 1, "bins": [' ||
                            string_agg(format('[%s, 1, 1]', i), ', ' ORDER BY i) || ']}')::auc_state)::text::jsonb -> 'bins') AS bins_of_two_rows
  FROM generate_series(1, 65536) i;
SELECT (regress.err('SELECT ''{"version": 1, "shift": 1, "bins": [' ||
                    string_agg(format('[%s, 1, 0]', i), ', ' ORDER BY i) || ']}''::lead_qual.auc_state')).*
  FROM generate_series(1, 65536) i;
-- At shift 1 a bin holds two neighbouring doubles: 0.3 joins the double below
-- it, and the bin is written as that lower one; infinity's bin holds it alone.
WITH coarse AS (
    SELECT ('{"version": 1, "shift": 1, "bins": [' || string_agg(format('[%s, 1, 1]', i), ', ' ORDER BY i) || ']}')::auc_state AS s
      FROM generate_series(1, 65534) i),
added AS (
    SELECT auc_step(auc_step(auc_step(s, 0.3, true), 0.29999999999999993, true), 'infinity', false) AS s FROM coarse)
SELECT s::text::jsonb -> 'shift' AS shift, s::text::jsonb -> 'bins' -> 0 AS first_bin,
       s::text::jsonb -> 'bins' -> -1 AS last_bin, jsonb_array_length(s::text::jsonb -> 'bins') AS bins
  FROM added;

-- Damaged binary input is an error 22P03.  The form: version (1 byte), shift
-- (1 byte), the number of bins (4 bytes), and per bin its lowest score
-- (float8), won and lost (8 bytes each), big-endian.
CREATE TABLE auc_bad_binary (n int, what text, b bytea);
INSERT INTO auc_bad_binary VALUES
 (1, 'empty', ''::bytea),
 (2, 'version 2', '\x02'::bytea || '\x00' || '\x00000000'),
 (3, 'shift 49', '\x01'::bytea || '\x31' || '\x00000000'),
 (4, 'a negative number of bins', '\x01'::bytea || '\x00' || '\xffffffff'),
 (5, 'too many bins', '\x01'::bytea || '\x00' || '\x00010001'),
 (6, 'cut short', '\x01'::bytea || '\x00' || '\x00000001' || '\x3fe0000000000000' || '\x0000000000000001' || '\x00000000000000'),
 (7, 'a byte too many', '\x01'::bytea || '\x00' || '\x00000001' || '\x3fe0000000000000' || '\x0000000000000001' || '\x0000000000000000' || '\xff'),
 (8, 'NaN', '\x01'::bytea || '\x00' || '\x00000001' || '\x7ff8000000000000' || '\x0000000000000001' || '\x0000000000000000'),
 (9, '0.3 at shift 1', '\x01'::bytea || '\x01' || '\x00000001' || '\x3fd3333333333333' || '\x0000000000000001' || '\x0000000000000000'),
 (10, '-0', '\x01'::bytea || '\x00' || '\x00000001' || '\x8000000000000000' || '\x0000000000000001' || '\x0000000000000000'),
 (11, 'no rows', '\x01'::bytea || '\x00' || '\x00000001' || '\x3fe0000000000000' || '\x0000000000000000' || '\x0000000000000000'),
 (12, 'a negative count', '\x01'::bytea || '\x00' || '\x00000001' || '\x3fe0000000000000' || '\xffffffffffffffff' || '\x0000000000000002'),
 (13, 'out of order', '\x01'::bytea || '\x00' || '\x00000002' || '\x3fe0000000000000' || '\x0000000000000001' || '\x0000000000000000'
                                                              || '\x3fd0000000000000' || '\x0000000000000000' || '\x0000000000000001'),
 (14, 'shift not needed', '\x01'::bytea || '\x01' || '\x00000001' || '\x3fe0000000000000' || '\x0000000000000001' || '\x0000000000000001');
SELECT n, what, (regress.err(format('SELECT regress.auc_recv(%L)', b))).*
  FROM auc_bad_binary ORDER BY n;
-- (case 6 with the last byte: 0.5 won once; case 7 without the extra one)
SELECT regress.auc_recv(b || '\x00'::bytea) AS six_completed FROM auc_bad_binary WHERE n = 6;
SELECT regress.auc_recv(substr(b, 1, length(b) - 1)) AS seven_cut FROM auc_bad_binary WHERE n = 7;

RESET search_path;
