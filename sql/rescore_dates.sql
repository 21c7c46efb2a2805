-- rescore() as the calendar moves: a stored qualification of a model with
-- date rules is what the model said when the row was last written.  Days
-- later, a purchase comes within its window and a call falls out of its
-- window without anyone writing the row; rescore() judges every row again as
-- of now (the transaction's start, as the trigger does), rewrites those
-- whose qualification changed, and the history records which criteria did.
SET search_path = public, lead_qual;

SELECT define_model('dates_r', '{"min_met": 2, "criteria": [
    {"key": "need"},
    {"key": "timeframe", "source": "purchase", "rule": {"type": "within_days", "days": 90}},
    {"key": "contact", "source": "last_call", "rule": {"type": "within_days", "days": 30, "direction": "behind"}}]}')
    IS NOT NULL AS defined;
CREATE TABLE dated_leads (id int PRIMARY KEY, need int, purchase date, last_call date, q qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON dated_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('dates_r', 'q');
SELECT enable_history('dated_leads');
INSERT INTO dated_leads VALUES
    (1, 8, current_date + 30,  current_date - 5),     -- now: both dates in their windows
    (2, 8, current_date + 200, current_date - 100),   -- now: neither
    (3, 3, current_date + 10,  current_date - 10),    -- now: both, with a low need
    (4, 8, NULL, NULL);                               -- no dates
SELECT id, (q).status, (q).met, (q).failed FROM dated_leads ORDER BY id;

-- As if the rows had last been written 100 days ago: their qualifications as
-- of then, stored past the triggers.  Then lead 1's purchase was 130 days
-- away and its call 95 days ahead; lead 2's call was that day; lead 3's
-- dates were both outside their windows.
ALTER TABLE dated_leads DISABLE TRIGGER USER;
UPDATE dated_leads SET q = qualify('dates_r', dated_leads, now() - interval '100 days');
ALTER TABLE dated_leads ENABLE TRIGGER USER;
SELECT max(id) AS history_before FROM lead_qual.history \gset
SELECT id, (q).status AS stored, (qualify('dates_r', l)).status AS now,
       q = qualify('dates_r', l) AS current
  FROM dated_leads l ORDER BY id;

-- rescore() rewrites the three stale rows and nothing else; the history says
-- what changed; a second run finds nothing to do.
CALL lead_qual.rescore('dated_leads');
SELECT count(*) FILTER (WHERE q = qualify('dates_r', l)) AS current, count(*) FROM dated_leads l;
SELECT lead_key, old_status, new_status, old_score, new_score, changed_criteria
  FROM lead_qual.history WHERE id > :history_before ORDER BY id;
CALL lead_qual.rescore('dated_leads');
SELECT rows_rescored FROM lead_qual.rescore_progress WHERE table_name = 'public.dated_leads';

-- An UPDATE of such a row judges it again as of now too, even one that
-- changes no input (the clock moved): the trigger does not skip it.
ALTER TABLE dated_leads DISABLE TRIGGER USER;
UPDATE dated_leads SET q = qualify('dates_r', dated_leads, now() - interval '100 days') WHERE id = 1;
ALTER TABLE dated_leads ENABLE TRIGGER USER;
UPDATE dated_leads SET need = need WHERE id = 1;
SELECT (q).status, q = qualify('dates_r', l) AS current FROM dated_leads l WHERE id = 1;

DROP TABLE dated_leads;
SELECT drop_model('dates_r');
