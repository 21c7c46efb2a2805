-- Score history: enable_history() records every change of status, tier or
-- score that the autoscore triggers of a table make; and rescore().
SET search_path = public, lead_qual;

CREATE TABLE deals (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                    q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON deals
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
-- It returns how many autoscore triggers of the table are now recorded
-- (one history trigger each, named after the autoscore trigger).
SELECT enable_history('deals');
SELECT trigger_name, history FROM autoscore_triggers('deals');
SELECT tgname, encode(tgargs, 'escape') AS arguments FROM pg_trigger
 WHERE tgrelid = 'deals'::regclass AND tgfoid = 'lead_qual.record_history()'::regprocedure;

-- The dynamic lead score: a lead rises as urgency goes up.
INSERT INTO deals (id, budget, authority, need) VALUES (1, 7, 6, 8);
UPDATE deals SET timeframe = 3 WHERE id = 1;     -- known now, but low: only the score changes
UPDATE deals SET timeframe = 9 WHERE id = 1;     -- urgency rises: tier A
UPDATE deals SET need = 8 WHERE id = 1;          -- nothing changes: no history row
UPDATE deals SET authority = 2, budget = 2 WHERE id = 1;   -- falls back
INSERT INTO deals (id) VALUES (2);               -- a new lead nobody has asked yet
CREATE FUNCTION show_history() RETURNS TABLE (lead text, old_status text, new_status text,
    old_tier text, new_tier text, old_score float8, new_score float8, changed text[],
    reason text, by_me boolean, model text, table_name text)
LANGUAGE sql AS $$
    SELECT lead_key, old_status, new_status, old_tier, new_tier, old_score, new_score,
           changed_criteria, reason, changed_by = current_user, model, table_name
      FROM lead_qual.history ORDER BY id
$$;
SELECT * FROM show_history();
-- In order of id, the times never go back, and every row takes over where
-- the previous row of its lead ended.
SELECT bool_and(changed_at >= prev_at) AS in_order,
       bool_and(old_status IS NOT DISTINCT FROM prev_status AND old_score IS NOT DISTINCT FROM prev_score) AS linked
  FROM (SELECT changed_at, old_status, old_score,
               lag(changed_at, 1, '-infinity') OVER w AS prev_at,
               lag(new_status) OVER w AS prev_status, lag(new_score) OVER w AS prev_score
          FROM lead_qual.history WINDOW w AS (PARTITION BY lead_key ORDER BY id)) h;
-- and the last row of each lead is what is stored now.
SELECT d.id, (d.q).status = h.new_status AND (d.q).score = h.new_score AS matches_stored
  FROM deals d JOIN LATERAL (SELECT new_status, new_score FROM lead_qual.history
                              WHERE lead_key = d.id::text ORDER BY id DESC LIMIT 1) h ON true
 ORDER BY d.id;

-- Evidence in a jsonb column: which criteria changed, from the evidence.
CREATE TABLE touched (email text PRIMARY KEY, evidence jsonb, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON touched
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q', 'evidence');
SELECT enable_history('touched', key_column => 'email');
INSERT INTO touched VALUES ('ana@example.com', '{"budget": 8, "need": 7}');
UPDATE touched SET evidence = evidence || '{"need": 9, "authority": true}';
UPDATE touched SET evidence = evidence || '{"budget": 8.0}';   -- the same number: no change
UPDATE touched SET evidence = '{"budget": 8, "need": 9, "authority": false}';
SELECT lead, old_status, new_status, old_score, new_score, changed, reason, table_name FROM show_history() WHERE lead LIKE '%@%';

-- Errors: no autoscore trigger, no key, a key column that does not exist.
CREATE TABLE bare (id int PRIMARY KEY);
SELECT * FROM regress.err($$SELECT lead_qual.enable_history('bare')$$);
CREATE TABLE keyless (budget int, authority int, need int, timeframe int, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON keyless
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT * FROM regress.err($$SELECT lead_qual.enable_history('keyless')$$);
SELECT * FROM regress.err($$SELECT lead_qual.enable_history('keyless', 'nope')$$);

-- Enabling twice keeps one history trigger; disabling removes it, and the
-- rows recorded stay.
SELECT enable_history('deals');
SELECT count(*) AS history_triggers FROM pg_trigger
 WHERE tgrelid = 'deals'::regclass AND tgfoid = 'lead_qual.record_history()'::regprocedure;
SELECT disable_history('deals');
UPDATE deals SET budget = 9 WHERE id = 1;
SELECT count(*) AS history_rows_of_deals FROM lead_qual.history WHERE table_name = 'public.deals';
SELECT trigger_name, history FROM autoscore_triggers('deals');
SELECT enable_history('deals');

-- A history trigger is checked when it is created, as its first row would
-- check it: it must name an autoscore trigger of its table and a column
-- of it for the key.
SELECT * FROM regress.err($$CREATE TRIGGER h AFTER INSERT OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('scroe', 'id', 'deals')$$);
SELECT * FROM regress.err($$CREATE TRIGGER h AFTER INSERT OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score_history', 'id', 'deals')$$);
SELECT * FROM regress.err($$CREATE TRIGGER h AFTER INSERT OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'key', 'deals')$$);
SELECT * FROM regress.err($$CREATE TRIGGER h AFTER INSERT OR UPDATE ON deals FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'id')$$);
SELECT * FROM regress.err($$CREATE TRIGGER h AFTER DELETE ON deals FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'id', 'deals')$$);
-- It depends on the autoscore trigger it follows: that one is not dropped
-- or renamed from under it, nor is the key column.
DROP TRIGGER score ON deals;
ALTER TRIGGER score ON deals RENAME TO scoring;
SELECT * FROM regress.err($$ALTER TABLE deals RENAME COLUMN id TO deal_id$$);
BEGIN;
DROP TRIGGER score ON deals CASCADE;
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgrelid = 'deals'::regclass;
ROLLBACK;
-- Replaced so that it follows another autoscore trigger, it depends on
-- that one only.
BEGIN;
CREATE TRIGGER score2 BEFORE INSERT OR UPDATE ON deals
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
CREATE OR REPLACE TRIGGER score_history AFTER INSERT OR UPDATE ON deals
    FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score2', 'id', 'public.deals');
SELECT s.tgname AS follows
  FROM pg_depend d JOIN pg_trigger s ON s.oid = d.refobjid
 WHERE d.classid = 'pg_trigger'::regclass AND d.refclassid = 'pg_trigger'::regclass
   AND d.objid = (SELECT oid FROM pg_trigger WHERE tgrelid = 'deals'::regclass AND tgname = 'score_history');
DROP TRIGGER score ON deals;
ROLLBACK;

-- Privileges: writers of leads need no rights on the history, cannot write
-- it themselves, and read the history of the tables they may read only.
CREATE ROLE regress_lq_writer;
CREATE ROLE regress_lq_outsider;
GRANT SELECT, INSERT, UPDATE ON deals TO regress_lq_writer;
SET ROLE regress_lq_writer;
UPDATE deals SET timeframe = 1 WHERE id = 1;
INSERT INTO deals (id, budget, authority, need, timeframe) VALUES (3, 9, 9, 9, 9);
SELECT lead_key, new_status, changed_by = 'regress_lq_writer' AS by_writer
  FROM lead_qual.history WHERE table_name = 'public.deals' ORDER BY id DESC LIMIT 2;
SELECT * FROM regress.err($$INSERT INTO lead_qual.history (table_name, lead_key, model, changed_by) VALUES ('public.deals', '1', 'bant', 'x')$$);
SELECT * FROM regress.err($$UPDATE lead_qual.history SET new_status = 'qualified'$$);
SELECT * FROM regress.err($$DELETE FROM lead_qual.history$$);
RESET ROLE;
SET ROLE regress_lq_outsider;
SELECT count(*) AS history_rows_visible_to_outsider FROM lead_qual.history;
RESET ROLE;
SELECT count(*) > 0 AS history_rows_visible_to_owner FROM lead_qual.history;
REVOKE ALL ON deals FROM regress_lq_writer;
DROP ROLE regress_lq_writer;
DROP ROLE regress_lq_outsider;

-- rescore(): after a model is redefined, the stored qualifications are out
-- of date; rescore rewrites those (and only those), batch by batch, and
-- the history records what changed.
CREATE TABLE many (id int PRIMARY KEY, budget int, need int, pad text, q qualification);
SELECT define_model('acme_h', '{"criteria": [{"key": "budget"}, {"key": "need"}]}') IS NOT NULL AS defined;
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON many
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('acme_h', 'q');
INSERT INTO many SELECT i, i % 11, (i * 3) % 11, repeat('x', 200) FROM generate_series(1, 3000) i;
SELECT enable_history('many');
SELECT define_model('acme_h', '{"criteria": [{"key": "budget", "weight": 2}, {"key": "need"}]}') IS NOT NULL AS redefined;
SELECT count(*) FILTER (WHERE q = qualify('acme_h', m)) AS current_before FROM many m;
CALL lead_qual.rescore('many', batch_pages => 40);
SELECT count(*) FILTER (WHERE q = qualify('acme_h', m)) AS current_after, count(*) FROM many m;
SELECT pages_done = pages_total AS all_pages, rows_rescored, finished_at IS NOT NULL AS finished
  FROM lead_qual.rescore_progress WHERE table_name = 'public.many';
SELECT count(*) AS history_rows_from_rescore FROM lead_qual.history WHERE table_name = 'public.many';
-- Each says why: the model changed (here a weight, so no criterion's
-- state changed with it), not the evidence.
SELECT reason, changed_criteria, count(*) FROM lead_qual.history WHERE table_name = 'public.many'
 GROUP BY 1, 2 ORDER BY 1, 2;
-- Running it again changes nothing.
CALL lead_qual.rescore('many', batch_pages => 1000);
SELECT rows_rescored FROM lead_qual.rescore_progress WHERE table_name = 'public.many';
-- An interrupted run resumes where it was: here, a run marked as stopped
-- after 20 pages of a table that has not moved.  The rows in those pages
-- stay as they are; restart => true does them all.
CREATE TABLE resumed (id int PRIMARY KEY, budget int, need int, pad text, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON resumed
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('acme_h', 'q');
INSERT INTO resumed SELECT i, 10, 0, repeat('x', 200) FROM generate_series(1, 1000) i;
SELECT define_model('acme_h', '{"criteria": [{"key": "budget", "weight": 3}, {"key": "need"}]}') IS NOT NULL AS redefined;
INSERT INTO lead_qual.rescore_progress VALUES ('public.resumed', now(), now(), NULL, 20,
    pg_relation_size('resumed') / current_setting('block_size')::int, 0);
CALL lead_qual.rescore('resumed', batch_pages => 1000);
SELECT (ctid::text::point)[0] < 20 AS in_first_20_pages,
       count(*) FILTER (WHERE q = qualify('acme_h', r)) AS current,
       count(*) FILTER (WHERE q <> qualify('acme_h', r)) AS stale
  FROM resumed r GROUP BY 1 ORDER BY 1;
CALL lead_qual.rescore('resumed', restart => true);
SELECT count(*) FILTER (WHERE q = qualify('acme_h', r)) AS current_after_restart, count(*) FROM resumed r;
SELECT * FROM regress.err($$CALL lead_qual.rescore('bare')$$);
SELECT * FROM regress.err($$CALL lead_qual.rescore(NULL)$$);
SELECT * FROM regress.err($$CALL lead_qual.rescore('many', batch_pages => 0)$$);

-- A NULL as_of stores a NULL qualification, which is up to date: rescore
-- rewrites nothing the second time (row 2), only what is out of date.
CREATE TABLE dated (id int PRIMARY KEY, evidence jsonb, as_of timestamptz, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON dated
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q', 'evidence', 'as_of');
INSERT INTO dated VALUES (1, '{"budget": 7}', '2026-01-05', NULL), (2, '{"budget": 7}', NULL, NULL);
SELECT id, (q).score FROM dated ORDER BY id;
CALL lead_qual.rescore('dated');
SELECT rows_rescored FROM lead_qual.rescore_progress WHERE table_name = 'public.dated';
ALTER TABLE dated DISABLE TRIGGER score;
UPDATE dated SET q = NULL WHERE id = 1;
ALTER TABLE dated ENABLE TRIGGER score;
CALL lead_qual.rescore('dated', restart => true);
SELECT rows_rescored FROM lead_qual.rescore_progress WHERE table_name = 'public.dated';
SELECT id, (q).score FROM dated ORDER BY id;
DROP TABLE dated;

-- A partitioned table: the history of every lead is recorded under the
-- table enable_history() was called on, whichever partition (at any
-- depth) holds the lead.
CREATE TABLE split (id int, region text, budget int, authority int, need int, timeframe int,
                    q qualification, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE split_eu PARTITION OF split FOR VALUES IN ('eu');
CREATE TABLE split_am PARTITION OF split FOR VALUES IN ('us', 'br') PARTITION BY LIST (region);
CREATE TABLE split_us PARTITION OF split_am FOR VALUES IN ('us');
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON split
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT enable_history('split', 'id');
INSERT INTO split (id, region, budget) VALUES (1, 'eu', 7), (2, 'us', 9);
UPDATE split SET budget = 1;
SELECT table_name, lead_key, old_score, new_score FROM lead_qual.history
 WHERE table_name LIKE '%split%' ORDER BY id;
SELECT disable_history('split');
DROP TABLE split;

-- No history for a temporary table: its name is another session's
-- temporary table later.
CREATE TEMP TABLE scratch (id int PRIMARY KEY, budget int, authority int, need int, timeframe int,
                           q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON scratch
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT * FROM regress.err($$SELECT lead_qual.enable_history('scratch')$$);
SELECT * FROM regress.err($$CREATE TRIGGER score_history AFTER INSERT OR UPDATE ON scratch FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'id', 'public.leads')$$);
-- (nor when made without the checks: its first row refuses)
SET check_function_bodies = off;
CREATE TRIGGER score_history AFTER INSERT OR UPDATE ON scratch
    FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history('score', 'id', 'public.leads');
RESET check_function_bodies;
SELECT * FROM regress.err($$INSERT INTO scratch (id, budget) VALUES (1, 5)$$);
DROP TABLE scratch;

SELECT disable_history('many'), disable_history('touched'), disable_history('deals');
DROP TABLE deals, touched, bare, keyless, many, resumed;
DROP FUNCTION show_history();
SELECT drop_model('acme_h');
