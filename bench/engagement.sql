-- Setup for bench/engagement.sh: a table of generated events, the kinds of
-- the built-in digital rules as a table (for the versions written by hand),
-- the same aggregate written in PL/pgSQL, and a copy of the events sorted
-- by lead (for the memory of a GroupAggregate).
-- Run with psql -v rows=N -v leads=M -v as_of=TIMESTAMPTZ on an empty database.

\ir common.sql

CREATE EXTENSION pg_prewarm;

-- The kinds of the digital rules, numbered, with the share of events of
-- each kind (per mille): many web visits and e-mail opens, few demo and
-- contact requests, 5.5% negative kinds (bounces, unsubscribes, job seekers,
-- competitors).  The shares add up to 1000.
CREATE TABLE bench_kinds AS
SELECT row_number() OVER (ORDER BY k.kind)::int AS kind_no, k.kind, k.points, k.cap,
       k.half_life_days, s.share
  FROM lead_qual.engagement_kinds('digital') AS k
  JOIN (VALUES ('web_visit', 380), ('email_open', 250), ('product_page_visit', 90),
               ('email_click', 80), ('pricing_page_visit', 40), ('content_download', 30),
               ('email_reply', 20), ('form_submitted', 15), ('webinar_attended', 15),
               ('demo_watched', 15), ('demo_request', 5), ('contact_request', 5),
               ('email_bounce', 25), ('unsubscribe', 20), ('job_seeker', 6),
               ('competitor', 4)) AS s(kind, share) USING (kind);
DO $$
BEGIN
    IF (SELECT count(*) FROM bench_kinds) <> (SELECT count(*) FROM lead_qual.engagement_kinds('digital'))
       OR (SELECT sum(share) FROM bench_kinds) <> 1000 THEN
        RAISE EXCEPTION 'bench_kinds does not cover the kinds of the digital rules';
    END IF;
END
$$;
-- The overall cap and floor of the digital rules (100, none).
CREATE TABLE bench_limits AS
SELECT (r ->> 'cap')::float8 AS cap, (r ->> 'floor')::float8 AS floor
  FROM (SELECT lead_qual.engagement_rules('digital')::jsonb AS r) AS s;

-- Event i's kind: the kind whose range of [0, 1000) holds pick(i, 12, 1000),
-- looked up in an array of 1000 kind numbers.
CREATE TABLE bench_kind_of AS
SELECT p, k.kind_no
  FROM (SELECT kind_no, sum(share) OVER (ORDER BY kind_no) - share AS lo,
               sum(share) OVER (ORDER BY kind_no) AS hi
          FROM bench_kinds) AS k
  JOIN generate_series(0, 999) AS p ON p >= k.lo AND p < k.hi;

-- The events: lead uniform over 1..leads, kind by the shares above,
-- occurred_at uniform over the year (365 days, to the second) before as_of,
-- points the kind's points.  From hashes of the row number: the same rows
-- on every run, in the order of the row number.
CREATE TABLE events (
    lead_id int,
    kind text,
    occurred_at timestamptz,
    points double precision
);
INSERT INTO events
SELECT 1 + pick(i, 11, :leads), a.kinds[n], :'as_of'::timestamptz - pick(i, 13, 365 * 86400) * interval '1 second',
       a.points[n]
  FROM (SELECT array_agg(kind ORDER BY kind_no) AS kinds, array_agg(points ORDER BY kind_no) AS points,
               (SELECT array_agg(kind_no ORDER BY p) FROM bench_kind_of) AS kind_nos
          FROM bench_kinds) AS a,
       generate_series(1, :rows) AS i,
       LATERAL (SELECT a.kind_nos[1 + pick(i, 12, 1000)]) AS x(n);
VACUUM ANALYZE events;

-- The same events sorted by lead, with an index: the input of a
-- GroupAggregate that needs no sort.
CREATE TABLE events_by_lead AS SELECT * FROM events ORDER BY lead_id, occurred_at;
CREATE INDEX ON events_by_lead (lead_id);
VACUUM ANALYZE events_by_lead;

-- engagement() written as a PL/pgSQL aggregate over the rows of a join
-- with bench_kinds: the state holds the overall cap and floor, then for
-- each kind_no a sum and the kind's cap (NULL: none); the digital rules are
-- baked into the initial state.  The kind's points and half-life come from
-- the join, so the transition function does no lookup.
CREATE FUNCTION bench_engagement_step(s float8[], kind_no int, points float8, half_life_days float8,
                                      occurred_at timestamptz, as_of timestamptz)
    RETURNS float8[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF kind_no IS NOT NULL AND occurred_at <= as_of THEN
        s[1 + 2 * kind_no] := s[1 + 2 * kind_no]
            + points * CASE WHEN half_life_days IS NULL THEN 1
                            ELSE 2 ^ (-date_part('epoch', as_of - occurred_at) / 86400 / half_life_days) END;
    END IF;
    RETURN s;
END
$$;
CREATE FUNCTION bench_engagement_combine(a float8[], b float8[]) RETURNS float8[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
BEGIN
    FOR i IN 3 .. array_upper(a, 1) BY 2 LOOP
        a[i] := a[i] + b[i];
    END LOOP;
    RETURN a;
END
$$;
CREATE FUNCTION bench_engagement_final(s float8[]) RETURNS float8
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    total float8 := 0;
BEGIN
    FOR i IN 3 .. array_upper(s, 1) BY 2 LOOP
        total := total + COALESCE(greatest(-s[i + 1], least(s[i], s[i + 1])), s[i]);
    END LOOP;
    total := greatest(least(total, s[1]), s[2]);
    RETURN round(total * 1e6) / 1e6;
END
$$;
DO $$
BEGIN
    EXECUTE format($f$
        CREATE AGGREGATE bench_engagement(kind_no int, points float8, half_life_days float8,
                                          occurred_at timestamptz, as_of timestamptz) (
            SFUNC = bench_engagement_step, STYPE = float8[], INITCOND = %L,
            FINALFUNC = bench_engagement_final, COMBINEFUNC = bench_engagement_combine,
            PARALLEL = SAFE)$f$,
        (SELECT array_agg(v ORDER BY ord)::text
           FROM (SELECT 0 AS ord, cap AS v FROM bench_limits
                 UNION ALL SELECT 1, floor FROM bench_limits
                 UNION ALL SELECT 2 * kind_no, 0 FROM bench_kinds
                 UNION ALL SELECT 2 * kind_no + 1, cap FROM bench_kinds) AS s));
END
$$;

-- The events in shared buffers (a sequential scan of a table larger than a
-- quarter of shared_buffers reads through a small ring and caches little).
SELECT pg_prewarm('events') > 0 AS prewarmed;
