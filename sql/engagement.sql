-- Behavioural engagement: engagement rules (a value, and a registry of
-- named rules) and the engagement(rules, kind, occurred_at, as_of)
-- aggregate: decay, caps, negative points, events after as_of, NULLs,
-- window use, parallel query, and the aggregate's state as text.
SET search_path = lead_qual, public;
SET extra_float_digits = 0;
SET timezone = 'UTC';

------------------------------------------------------------------------
-- Rules: written as JSON, read back in canonical form
------------------------------------------------------------------------

-- A kind's points may be given alone (a number) or as an object; kinds come
-- back sorted, with every field written out.
SELECT $${"kinds": {"web_visit": 1, "demo_request": {"points": 25, "cap": 25}}}$$::engagement_rules;
SELECT $${"name": "web", "half_life_days": 14.5, "cap": 100, "floor": -20,
          "unknown_kinds": "error",
          "kinds": {"unsubscribe": {"points": -20, "cap": 20, "half_life_days": null},
                    "email_reply": {"points": 8, "half_life_days": 60}}}$$::engagement_rules;
-- Equal rules compare equal whatever the order they were written in.
SELECT '{"kinds": {"a": 1, "b": 2}}'::engagement_rules
       OPERATOR(lead_qual.=) '{"kinds": {"b": 2.0, "a": 1}}'::engagement_rules AS same;
SELECT '{"kinds": {"a": 1}}'::jsonb::engagement_rules::jsonb -> 'kinds' AS via_jsonb;
SELECT engagement_rules_name('{"kinds": {"a": 1}}') AS unnamed,
       engagement_rules_name('{"name": "x", "kinds": {"a": 1}}') AS named;
SELECT * FROM engagement_kinds($${"half_life_days": 30,
    "kinds": {"visit": 1, "demo": {"points": 25, "cap": 50},
              "job_seeker": {"points": -50, "half_life_days": null},
              "reply": {"points": 8, "half_life_days": 7}}}$$);

-- What is wrong is named.
SELECT * FROM regress.err($$SELECT '[]'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": []}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": "1"}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": {"cap": 3}}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": {"points": 1, "weight": 3}}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": 1, "a": 2}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": 1e7}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": {"points": 1, "cap": -1}}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"half_life_days": 0, "kinds": {"a": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"half_life_days": -3, "kinds": {"a": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": {"points": 1, "half_life_days": 0}}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"cap": 10, "floor": 20, "kinds": {"a": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"unknown_kinds": "skip", "kinds": {"a": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"name": "Web Rules", "kinds": {"a": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"decay": 30, "kinds": {"a": 1}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": 1}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT 'no_such_rules'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT ' '::lead_qual.engagement_rules$$);
-- 200 kinds are allowed, 201 are not.
SELECT * FROM regress.err(format('SELECT %L::lead_qual.engagement_rules',
    (SELECT jsonb_build_object('kinds', jsonb_object_agg('k' || i, 1)) FROM generate_series(1, 201) i)));
SELECT count(*) FROM engagement_kinds(
    (SELECT jsonb_build_object('kinds', jsonb_object_agg('k' || i, 1)) FROM generate_series(1, 200) i)::engagement_rules);

------------------------------------------------------------------------
-- The registry
------------------------------------------------------------------------

SELECT name, builtin, engagement_rules_name(rules) FROM engagement_rule_sets ORDER BY name;
SELECT kind, points, cap, half_life_days FROM engagement_kinds('digital') ORDER BY points DESC, kind;
SELECT define_engagement_rules('webinars', '{"half_life_days": 7, "kinds": {"webinar_attended": 10}}')::jsonb
       -> 'kinds' AS defined;
SELECT engagement_rules('webinars')::jsonb ->> 'name' AS by_name,
       'WEBINARS'::engagement_rules = engagement_rules('webinars') AS any_case;
-- Redefining replaces.
SELECT define_engagement_rules('webinars', '{"half_life_days": 14, "kinds": {"webinar_attended": 12}}')::jsonb
       ->> 'half_life_days' AS redefined;
SELECT * FROM regress.err($$SELECT lead_qual.define_engagement_rules('x', '{"name": "y", "kinds": {"a": 1}}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_engagement_rules('x', '[1]')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_engagement_rules(NULL, '{"kinds": {"a": 1}}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.define_engagement_rules('x', '{"kinds": {"a": "one"}}')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.engagement_rule_sets SET updated_at = now() WHERE name = 'digital'$$);
SELECT * FROM regress.err($$SELECT lead_qual.drop_engagement_rules('digital')$$);
SELECT * FROM regress.err($$TRUNCATE lead_qual.engagement_rule_sets$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.engagement_rule_sets (name, rules, builtin) VALUES ('mine', '{"name": "mine", "kinds": {"a": 1}}', true)$$);
SELECT * FROM regress.err($$INSERT INTO lead_qual.engagement_rule_sets (name, rules) VALUES ('mine', '{"name": "other", "kinds": {"a": 1}}')$$);
SELECT drop_engagement_rules('nothing_here', if_exists => true) AS dropped_missing;
SELECT * FROM regress.err($$SELECT lead_qual.drop_engagement_rules('nothing_here')$$);

------------------------------------------------------------------------
-- Decay: points * 2^(-age / half-life)
------------------------------------------------------------------------

-- One event per row, each judged on its own (GROUP BY the row).
CREATE TABLE decay_cases (label text, kind text, occurred_at timestamptz);
INSERT INTO decay_cases VALUES
    ('at as_of', 'visit', '2026-06-30 00:00+00'),
    ('one half-life old', 'visit', '2026-05-31 00:00+00'),
    ('two half-lives old', 'visit', '2026-05-01 00:00+00'),
    ('half a half-life old', 'visit', '2026-06-15 00:00+00'),
    ('one hour old', 'visit', '2026-06-29 23:00+00'),
    ('a year old', 'visit', '2025-06-30 00:00+00'),
    ('a second after as_of', 'visit', '2026-06-30 00:00:01+00'),
    ('-infinity', 'visit', '-infinity'),
    ('does not decay, a year old', 'steady', '2025-06-30 00:00+00'),
    ('own half-life of 10 days, 10 days old', 'quick', '2026-06-20 00:00+00');
-- visit: 100 points, half-life 30 days: one half-life old 50, two 25; half
-- a half-life 100 * 2^-0.5 = 70.710678; one hour 100 * 2^(-1/720) =
-- 99.903776; a year (365 days) 100 * 2^(-365/30) = 0.02175.  steady does
-- not decay; quick has its own half-life of 10 days, so 10 days old = 50.
SELECT label,
       engagement($${"half_life_days": 30,
                     "kinds": {"visit": 100, "steady": {"points": 100, "half_life_days": null},
                               "quick": {"points": 100, "half_life_days": 10}}}$$::engagement_rules,
                  kind, occurred_at, '2026-06-30 00:00+00') AS points
  FROM decay_cases GROUP BY label ORDER BY points DESC, label;
-- The same by hand, for comparison.
SELECT round(100 * power(2, -0.5)::numeric, 6) AS half_a_half_life,
       round(100 * power(2, -1 / 720.0)::numeric, 6) AS one_hour,
       round(100 * power(2, -365 / 30.0)::numeric, 6) AS a_year;
-- Without a half-life nothing decays.
SELECT engagement('{"kinds": {"visit": 3}}', kind, occurred_at, '2026-06-30 00:00+00') AS no_decay
  FROM decay_cases WHERE kind = 'visit' AND occurred_at <= '2026-06-30 00:00+00';
-- The oldest event and the latest as_of PostgreSQL has: their distance does
-- not fit in 64 bits of microseconds, yet the event decays to 0 (and counts
-- whole for a kind that does not decay).
SELECT k AS kind,
       engagement($${"half_life_days": 30, "kinds": {"visit": 100, "steady": {"points": 100, "half_life_days": null}}}$$::engagement_rules,
                  k, '4713-11-24 00:00:00+00 BC', '294276-12-31 23:59:59+00') AS points
  FROM (VALUES ('visit'), ('steady')) v(k) GROUP BY k ORDER BY k;

------------------------------------------------------------------------
-- Caps, negative points, the overall cap and floor
------------------------------------------------------------------------

CREATE TABLE events (lead int, kind text, occurred_at timestamptz);
INSERT INTO events VALUES
    -- lead 1: three demo requests (25 each, cap 40), four visits (uncapped)
    (1, 'demo', '2026-06-30'), (1, 'demo', '2026-06-30'), (1, 'demo', '2026-06-30'),
    (1, 'visit', '2026-06-30'), (1, 'visit', '2026-06-30'), (1, 'visit', '2026-06-30'),
    (1, 'visit', '2026-06-30'),
    -- lead 2: two unsubscribes (-20 each, cap 30) and a visit
    (2, 'unsubscribe', '2026-06-30'), (2, 'unsubscribe', '2026-06-30'), (2, 'visit', '2026-06-30'),
    -- lead 3: enough to pass the overall cap of 100
    (3, 'demo', '2026-06-30'), (3, 'demo', '2026-06-30'), (3, 'reply', '2026-06-30'),
    (3, 'reply', '2026-06-30'), (3, 'reply', '2026-06-30'), (3, 'reply', '2026-06-30'),
    (3, 'reply', '2026-06-30'), (3, 'reply', '2026-06-30'), (3, 'reply', '2026-06-30'),
    (3, 'visit', '2026-06-30'), (3, 'visit', '2026-06-30'), (3, 'visit', '2026-06-30'),
    (3, 'visit', '2026-06-30'),
    -- lead 4: a job seeker: below the floor of -50
    (4, 'job_seeker', '2026-06-30'), (4, 'unsubscribe', '2026-06-30'),
    -- lead 5: an unknown kind and an event after as_of only
    (5, 'tweet', '2026-06-30'), (5, 'demo', '2026-07-01'),
    -- lead 6: a row of an outer join: no event at all
    (6, NULL, NULL);
CREATE TABLE rules_used AS SELECT $${
    "cap": 100, "floor": -50,
    "kinds": {"demo": {"points": 25, "cap": 40}, "visit": 2,
              "unsubscribe": {"points": -20, "cap": 30},
              "reply": {"points": 9, "cap": 54},
              "job_seeker": -50}}$$::engagement_rules AS rules;
-- lead 1: demos 75 capped to 40, visits 4 * 2 = 8 (not capped): 48.
-- lead 2: unsubscribes -40 capped to -30, visit 2: -28.
-- lead 3: demos 50 capped to 40, replies 63 capped to 54, visits 8: 102,
--         kept at the overall cap: 100.
-- lead 4: job seeker -50 (not capped), unsubscribe -20: -70, kept at the
--         floor: -50.
-- lead 5: nothing counts: 0.  lead 6: no event: 0.
SELECT lead, engagement(r.rules, kind, occurred_at, '2026-06-30') AS score
  FROM events, rules_used r GROUP BY lead ORDER BY lead;
-- With an overall cap of 90 lead 3 stops at 90; without caps, the plain
-- sums (lead 3: 50 + 63 + 8 = 121).
SELECT lead,
       engagement(jsonb_set(r.rules::jsonb, '{cap}', '90')::engagement_rules,
                  kind, occurred_at, '2026-06-30') AS cap_90,
       engagement('{"kinds": {"demo": 25, "visit": 2, "unsubscribe": -20, "reply": 9, "job_seeker": -50}}',
                  kind, occurred_at, '2026-06-30') AS uncapped
  FROM events, rules_used r GROUP BY lead ORDER BY lead;
-- No rows at all: NULL, as for sum().
SELECT engagement(r.rules, kind, occurred_at, '2026-06-30') AS no_rows
  FROM events, rules_used r WHERE false;
-- Rows with NULL rules add nothing.
SELECT engagement(NULL::engagement_rules, kind, occurred_at, '2026-06-30') AS null_rules FROM events;
-- A NULL as_of: the row is no event.
SELECT engagement(r.rules, kind, occurred_at, NULL) AS null_as_of FROM events, rules_used r WHERE lead = 1;

-- Unknown kinds: ignored (the default), or an error if the rules say so.
SELECT * FROM regress.err($$
    SELECT lead_qual.engagement('{"name": "strict", "unknown_kinds": "error", "kinds": {"demo": 25}}',
                                kind, occurred_at, '2026-06-30')
      FROM events WHERE lead = 5$$);
-- Kinds are compared as people write them: blanks around, ASCII case and
-- whether words are joined by blanks, "_" or "-" do not count.  What still
-- matches no kind is shown by engagement_kind(), and refused when the rules
-- say "unknown_kinds": "error".
SELECT k AS kind, engagement_kind('digital', k) AS counts_as,
       engagement('digital', k, '2026-06-30', '2026-06-30') AS points
  FROM unnest(ARRAY['Pricing Page Visit', ' DEMO-REQUEST ', 'email__reply', 'Web_Visit',
                    'demo_requst', 'pricing page visits', 'e-mail reply', '']) AS k
 GROUP BY k ORDER BY k;
SELECT kind, count(*) AS events
  FROM (VALUES ('Demo Request'), ('demo_requst'), ('web_visit'), ('demo_requst'), ('webinar')) v(kind)
 WHERE engagement_kind('digital', kind) IS NULL
 GROUP BY kind ORDER BY kind;
SELECT engagement_kind(engagement_rules('digital'), 'JOB SEEKER') AS by_value,
       engagement_kind('{"kinds": {"Web Visit": 1}}', 'web-visit') AS written_with_blanks,
       engagement_kind('digital', NULL) IS NULL AS null_kind;
SELECT engagement('{"unknown_kinds": "error", "kinds": {"demo": 25}}', k, '2026-06-30', '2026-06-30') AS strict_folded
  FROM unnest(ARRAY['Demo', ' demo ']) AS k;
SELECT * FROM regress.err_detail($$
    SELECT lead_qual.engagement('{"name": "strict", "unknown_kinds": "error", "kinds": {"demo": 25}}',
                                'demo request', '2026-06-30', '2026-06-30')$$);
-- Two kinds that compare alike are refused, and a blank one.
SELECT * FROM regress.err($$SELECT '{"kinds": {"web_visit": 1, "Web Visit": 2}}'::lead_qual.engagement_rules$$);
SELECT * FROM regress.err($$SELECT '{"kinds": {"a": 1, " ": 2}}'::lead_qual.engagement_rules$$);
-- as_of must be finite.
SELECT * FROM regress.err($$
    SELECT lead_qual.engagement('{"kinds": {"demo": 25}}', kind, occurred_at, 'infinity')
      FROM events WHERE lead = 1$$);
-- The rules must be the same for every row of a group.
SELECT * FROM regress.err($$
    SELECT lead_qual.engagement(CASE WHEN kind = 'demo' THEN '{"kinds": {"demo": 25}}'
                                     ELSE '{"kinds": {"demo": 20}}' END::lead_qual.engagement_rules,
                                kind, occurred_at, '2026-06-30')
      FROM events WHERE lead = 1$$);
-- A sum holds up to 2^35 points: 40000 events of a million points do not fit.
SELECT * FROM regress.err($$
    SELECT lead_qual.engagement('{"kinds": {"big": 1000000}}', 'big', '2026-06-30', '2026-06-30')
      FROM generate_series(1, 40000)$$);
SELECT engagement('{"kinds": {"big": 1000000}}', 'big', '2026-06-30', '2026-06-30') AS fits
  FROM generate_series(1, 30000);

-- Rules by name (text): registered rules, or rules as JSON text.
SELECT engagement('digital', k, '2026-06-30', '2026-06-30') AS digital,
       engagement('{"kinds": {"demo_request": 1}}', k, '2026-06-30', '2026-06-30') AS json_text
  FROM (VALUES ('demo_request'), ('demo_request'), ('web_visit')) v(k);
SELECT * FROM regress.err($$SELECT lead_qual.engagement('no_such_rules', 'x', now(), now())$$);

------------------------------------------------------------------------
-- As a window function: a running score
------------------------------------------------------------------------

CREATE TABLE timeline (lead int, kind text, occurred_at timestamptz);
INSERT INTO timeline VALUES
    (1, 'visit', '2026-06-01'), (1, 'reply', '2026-06-05'), (1, 'visit', '2026-06-10'),
    (1, 'demo', '2026-06-20'), (1, 'visit', '2026-06-28'), (1, 'unsubscribe', '2026-06-29'),
    (2, 'visit', '2026-06-02'), (2, 'visit', '2026-06-03');
CREATE TABLE timeline_rules AS SELECT $${"half_life_days": 10,
    "kinds": {"visit": 2, "reply": 8, "demo": {"points": 25, "cap": 30}, "unsubscribe": -20}}$$::engagement_rules AS rules;
-- The running score as of 2026-06-30 of the events so far (a growing
-- frame), and of the last three events (a moving frame: PostgreSQL takes
-- the row that leaves the frame away with the inverse transition function).
-- Each equals engagement() over the same events computed apart.
SELECT t.lead, t.occurred_at, t.kind,
       engagement(r.rules, kind, occurred_at, '2026-06-30')
           OVER (PARTITION BY lead ORDER BY occurred_at) AS so_far,
       engagement(r.rules, kind, occurred_at, '2026-06-30')
           OVER (PARTITION BY lead ORDER BY occurred_at ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last_three
  FROM timeline t, timeline_rules r ORDER BY lead, occurred_at;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.so_far = (SELECT engagement(r.rules, x.kind, x.occurred_at, '2026-06-30')
                                            FROM timeline x WHERE x.lead = w.lead AND x.occurred_at <= w.occurred_at)) AS so_far_equal,
       count(*) FILTER (WHERE w.last_three = (SELECT engagement(r.rules, x.kind, x.occurred_at, '2026-06-30')
                                                FROM (SELECT * FROM timeline x WHERE x.lead = w.lead AND x.occurred_at <= w.occurred_at
                                                       ORDER BY occurred_at DESC LIMIT 3) x)) AS last_three_equal
  FROM (SELECT t.*,
               engagement(r.rules, kind, occurred_at, '2026-06-30')
                   OVER (PARTITION BY lead ORDER BY occurred_at) AS so_far,
               engagement(r.rules, kind, occurred_at, '2026-06-30')
                   OVER (PARTITION BY lead ORDER BY occurred_at ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last_three
          FROM timeline t, timeline_rules r) w, timeline_rules r;
-- A moving frame over many rows: every running value equals the value
-- computed from scratch (the inverse takes away exactly what was added).
CREATE TABLE many AS
SELECT i, (ARRAY['visit', 'reply', 'demo', 'unsubscribe'])[1 + i % 4] AS kind,
       timestamptz '2026-01-01' + i * interval '37 minutes' AS occurred_at
  FROM generate_series(1, 2000) i;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE moving = (SELECT engagement(r.rules, x.kind, x.occurred_at, '2026-06-30')
                                          FROM many x WHERE x.i BETWEEN m.i - 49 AND m.i)) AS equal
  FROM (SELECT i, engagement(r.rules, kind, occurred_at, '2026-06-30')
                      OVER (ORDER BY i ROWS BETWEEN 49 PRECEDING AND CURRENT ROW) AS moving
          FROM many, timeline_rules r) m, timeline_rules r;

-- Rows with NULL rules in a moving frame (the moving-aggregate transition
-- function must never return NULL), frames without any row with rules
-- (NULL), rows with a NULL kind (0), and other rules once the frame holds
-- no row with rules: every frame equals the aggregate over its rows.
CREATE TABLE gappy (n int, rules engagement_rules, kind text, occurred_at timestamptz);
INSERT INTO gappy VALUES
    (1, NULL, 'visit', '2026-06-01'), (2, NULL, 'visit', '2026-06-02'),
    (3, '{"kinds": {"visit": 10}}', 'visit', '2026-06-03'),
    (4, '{"kinds": {"visit": 10}}', NULL, '2026-06-04'),
    (5, NULL, 'visit', '2026-06-05'), (6, NULL, 'visit', '2026-06-06'),
    (7, '{"kinds": {"visit": 3, "demo": {"points": 5, "cap": 4}}}', 'demo', '2026-06-07'),
    (8, '{"kinds": {"visit": 3, "demo": {"points": 5, "cap": 4}}}', 'visit', '2026-06-08'),
    (9, NULL, 'visit', '2026-06-09'), (10, NULL, NULL, '2026-06-10'),
    (11, '{"kinds": {"visit": 3, "demo": {"points": 5, "cap": 4}}}', 'nothing', '2026-06-11'),
    (12, NULL, 'visit', '2026-06-12'), (13, NULL, 'visit', '2026-06-13');
SELECT w.n, w.last_two, a.last_two AS aggregate, w.last_two IS NOT DISTINCT FROM a.last_two AS same
  FROM (SELECT n, engagement(rules, kind, occurred_at, '2026-06-30')
                      OVER (ORDER BY n ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS last_two
          FROM gappy) w,
       LATERAL (SELECT engagement(rules, kind, occurred_at, '2026-06-30') AS last_two
                  FROM gappy x WHERE x.n BETWEEN w.n - 1 AND w.n) a
 ORDER BY n;
SELECT count(*) AS frames, count(*) FILTER (WHERE w.last_three IS NOT DISTINCT FROM a.last_three) AS same
  FROM (SELECT n, engagement(rules, kind, occurred_at, '2026-06-30')
                      OVER (ORDER BY n ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last_three
          FROM gappy) w,
       LATERAL (SELECT engagement(rules, kind, occurred_at, '2026-06-30') AS last_three
                  FROM gappy x WHERE x.n BETWEEN w.n - 2 AND w.n) a;

------------------------------------------------------------------------
-- Parallel query gives the same result as serial
------------------------------------------------------------------------

CREATE TABLE big_events AS
SELECT 1 + (hashint4(i) & 2147483647) % 3000 AS lead,
       (ARRAY['web_visit', 'web_visit', 'pricing_page_visit', 'email_reply', 'demo_request',
              'unsubscribe', 'webinar_attended', 'job_seeker', 'tweet'])[1 + (hashint4(i + 7) & 2147483647) % 9] AS kind,
       timestamptz '2026-06-30' - ((hashint4(i * 3) & 2147483647) % (200 * 86400)) * interval '1 second' AS occurred_at
  FROM generate_series(1, 60000) i;
ANALYZE big_events;
-- About 20 events per lead; the rules cap some leads, not all.
CREATE TABLE serial_result AS
SELECT lead, engagement('digital', kind, occurred_at, '2026-06-30') AS score
  FROM big_events GROUP BY lead;
SELECT count(*) AS leads, min(score), max(score), round(avg(score)::numeric, 6) AS avg,
       count(DISTINCT score) AS distinct_scores
  FROM serial_result;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CALL regress.force_parallel(true);
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT lead, engagement('digital', kind, occurred_at, '2026-06-30') AS score
  FROM big_events GROUP BY lead;
SELECT count(*) AS leads, count(*) FILTER (WHERE p.score = s.score) AS same_score
  FROM (SELECT lead, engagement('digital', kind, occurred_at, '2026-06-30') AS score
          FROM big_events GROUP BY lead) p
  JOIN serial_result s USING (lead);
-- The same with hash aggregation in the workers.
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT lead, engagement('digital', kind, occurred_at, '2026-06-30') AS score
  FROM big_events GROUP BY lead;
SELECT count(*) AS leads, count(*) FILTER (WHERE p.score = s.score) AS same_score
  FROM (SELECT lead, engagement('digital', kind, occurred_at, '2026-06-30') AS score
          FROM big_events GROUP BY lead) p
  JOIN serial_result s USING (lead);
RESET enable_sort;
-- One group over all rows: partial states from the workers combined.
EXPLAIN (COSTS OFF)
SELECT engagement('digital', kind, occurred_at, '2026-06-30') FROM big_events;
-- (Rules without caps, so that every event shows in the total.)
SELECT engagement('{"half_life_days": 30, "kinds": {"web_visit": 1, "email_reply": 8, "unsubscribe": -3}}',
                  kind, occurred_at, '2026-06-30') AS parallel_total
  FROM big_events;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
CALL regress.force_parallel(false);
SELECT engagement('{"half_life_days": 30, "kinds": {"web_visit": 1, "email_reply": 8, "unsubscribe": -3}}',
                  kind, occurred_at, '2026-06-30') AS serial_total
  FROM big_events;

------------------------------------------------------------------------
-- The state: what a partial aggregate carries between nodes, as text
------------------------------------------------------------------------

-- Transition, combine and final called by hand, as a distributed engine
-- does on its nodes: the state's text goes back in unchanged.
CREATE TABLE partial AS
SELECT engagement_step(engagement_step(NULL, 'digital'::text, 'demo_request', '2026-06-20', '2026-06-30'),
                       'digital'::text, 'web_visit', '2026-06-30', '2026-06-30') AS a,
       engagement_step(engagement_step(NULL, 'digital'::text, 'unsubscribe', '2026-05-31', '2026-06-30'),
                       'digital'::text, 'tweet', '2026-06-30', '2026-06-30') AS b;
SELECT a, b FROM partial;
SELECT engagement_combine(a, b) AS combined FROM partial;
SELECT engagement_final(engagement_combine(a::text::engagement_state, b::text::engagement_state)) AS via_text,
       engagement_final(engagement_combine(a, b)) AS direct,
       engagement_combine(a, b)::text = engagement_combine(a::text::engagement_state, b::text::engagement_state)::text AS same_text
  FROM partial;
-- demo_request 25 * 2^(-10/30) = 19.842513 + web_visit 1 - unsubscribe 20/2 = 10.842513
SELECT round(25 * power(2, -10 / 30.0)::numeric + 1 - 10, 6) AS by_hand;
-- Called outside an aggregate, the functions leave their arguments alone:
-- stepping from a twice in one row adds the visit once each time.
SELECT engagement_final(a) AS a,
       engagement_final(engagement_step(a, 'digital'::text, 'web_visit', '2026-06-30', '2026-06-30')) AS once,
       engagement_final(engagement_step(a, 'digital'::text, 'web_visit', '2026-06-30', '2026-06-30')) AS again,
       engagement_final(engagement_combine(a, b)) AS combined,
       engagement_final(engagement_combine(a, b)) AS combined_again
  FROM partial;
-- Combining states of different rules fails.
SELECT * FROM regress.err($$
    SELECT lead_qual.engagement_combine(a, lead_qual.engagement_step(NULL, '{"kinds": {"x": 1}}'::text, 'x', now(), now()))
      FROM partial$$);
-- Hand-written states are checked.
SELECT * FROM regress.err($$SELECT '{}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 2, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": []}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "xyz", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": []}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "+1234567", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": []}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "1.10"}]}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "0.1"}]}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "99999999999999"}]}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": [{"capped_kind": 2, "cap": 5, "sum": "1"}, {"capped_kind": 1, "cap": 5, "sum": "1"}]}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": [{"capped_kind": 1, "cap": -5, "sum": "1"}]}'::lead_qual.engagement_state$$);
-- A sum is exact: 0.5 and 0.25 are multiples of 2^-28; so is -3.0000000037252902984619140625.
SELECT engagement_final('{"version": 1, "rules": "00000000", "events": 2, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "0.75"}, {"capped_kind": 1, "cap": 2, "sum": "-3.0000000037252902984619140625"}]}') AS capped_at_minus_2;
SELECT '{"version": 1, "rules": "00000000", "events": 2, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "-3.0000000037252902984619140625"}]}'::engagement_state;
-- Counts are not negative, and a state without events has no points.
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": -1, "not_counted": 0, "cap": null, "floor": null, "sums": []}'::lead_qual.engagement_state$$);
SELECT * FROM regress.err($$SELECT '{"version": 1, "rules": "00000000", "events": 0, "not_counted": 3, "cap": null, "floor": null, "sums": [{"sum": "1"}]}'::lead_qual.engagement_state$$);
-- Counts that would wrap around, and a sum of exactly -2^35 (which its text
-- could not hold), are out of range.
SELECT * FROM regress.err($$SELECT lead_qual.engagement_combine(
    '{"version": 1, "rules": "00000000", "events": 9223372036854775807, "not_counted": 0, "cap": null, "floor": null, "sums": []}',
    '{"version": 1, "rules": "00000000", "events": 1, "not_counted": 0, "cap": null, "floor": null, "sums": []}')$$);
SELECT * FROM regress.err($$SELECT lead_qual.engagement_combine(
    '{"version": 1, "rules": "00000000", "events": 1, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "-34359738367"}]}',
    '{"version": 1, "rules": "00000000", "events": 1, "not_counted": 0, "cap": null, "floor": null, "sums": [{"sum": "-1"}]}')$$);
-- A state that holds no row with rules (what a window makes of rows with
-- NULL rules) finalizes to NULL, and combines as nothing, whatever its rules.
SELECT engagement_final('{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": []}') AS empty_final,
       engagement_final(engagement_combine('{"version": 1, "rules": "00000000", "events": 0, "not_counted": 0, "cap": null, "floor": null, "sums": []}', a)) =
       engagement_final(a) AS empty_and_a,
       engagement_final(engagement_combine(a, '{"version": 1, "rules": "12345678", "events": 0, "not_counted": 0, "cap": 5, "floor": null, "sums": []}')) =
       engagement_final(a) AS a_and_empty
  FROM partial;
-- A row with a NULL kind counts as a row that added nothing.
SELECT engagement_step(NULL, '{"kinds": {"x": 1}}'::engagement_rules, NULL, now(), now()) AS null_kind;

RESET search_path;
