-- lead_qual.autoscore(): the trigger that keeps a stored qualification
-- current as rows are inserted and updated.
SET search_path = public, lead_qual;

-- The row itself as evidence.
CREATE TABLE leads (id int PRIMARY KEY, company text, budget int, authority int, need int,
                    timeframe int, q lead_qual.qualification);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
INSERT INTO leads (id, company, budget, authority, need, timeframe) VALUES
    (1, 'Brightwater', 8, 7, 9, NULL),
    (2, 'Orchid', NULL, NULL, NULL, NULL),
    (3, 'Vega', 2, 1, 3, 9);
SELECT id, q FROM leads ORDER BY id;
-- The stored value is what qualify() says.
SELECT count(*) FILTER (WHERE q = qualify('bant', l)) AS current, count(*) FROM leads l;

-- Updating evidence updates the qualification.
UPDATE leads SET timeframe = 8 WHERE id = 1;
UPDATE leads SET budget = 9, need = 7 WHERE id = 2;
SELECT id, q FROM leads ORDER BY id;

-- A value written into the target column by hand is put right.
UPDATE leads SET q = NULL WHERE id = 3;
SELECT id, q FROM leads WHERE id = 3;
UPDATE leads SET q = ('bant', 100, true, 'qualified', 'A', 4, 4, 4, '{}', '{}')::qualification WHERE id = 3;
SELECT id, q FROM leads WHERE id = 3;

-- An UPDATE of other columns does not evaluate the lead again: redefine
-- the model the trigger uses, and only rows whose evidence changes follow.
CREATE TABLE acme_leads (id int PRIMARY KEY, note text, budget int, need int, q qualification);
SELECT define_model('acme_t', '{"criteria": [{"key": "budget"}, {"key": "need"}]}') IS NOT NULL AS defined;
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON acme_leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('acme_t', 'q');
INSERT INTO acme_leads VALUES (1, 'a', 8, 4), (2, 'b', 8, 4);
SELECT define_model('acme_t', '{"criteria": [{"key": "budget", "weight": 3}, {"key": "need"}]}') IS NOT NULL AS redefined;
UPDATE acme_leads SET note = 'only the note' WHERE id = 1;
UPDATE acme_leads SET need = 4 WHERE id = 2;          -- the same value: nothing to do
UPDATE acme_leads SET need = 5 WHERE id = 2;          -- new evidence: evaluated again
SELECT id, note, (q).score FROM acme_leads ORDER BY id;
-- rescore() puts the stale one right (see history.sql for more).
CALL lead_qual.rescore('acme_leads');
SELECT id, note, (q).score FROM acme_leads ORDER BY id;

-- Evidence in a jsonb column, and as_of from a column of each date type.
CREATE TABLE touches (id int PRIMARY KEY, evidence jsonb, seen date, seen_ts timestamp,
                      seen_tz timestamptz, q1 qualification, q2 qualification, q3 qualification,
                      q4 qualification);
SELECT define_model('timely', '{"min_met": 2, "criteria": [{"key": "budget", "rule": "boolean"},
    {"key": "timeframe", "rule": {"type": "within_days", "days": 30}}]}') IS NOT NULL AS defined;
CREATE TRIGGER s1 BEFORE INSERT OR UPDATE ON touches FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('timely', 'q1', 'evidence', 'seen');
CREATE TRIGGER s2 BEFORE INSERT OR UPDATE ON touches FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('timely', 'q2', 'evidence', 'seen_ts');
CREATE TRIGGER s3 BEFORE INSERT OR UPDATE ON touches FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('timely', 'q3', 'evidence', 'seen_tz');
CREATE TRIGGER s4 BEFORE INSERT OR UPDATE ON touches FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('timely', 'q4', 'evidence');
INSERT INTO touches (id, evidence, seen, seen_ts, seen_tz) VALUES
    (1, '{"budget": true, "timeframe": "2026-01-20"}', '2026-01-01', '2026-01-01 23:00', '2026-01-01 23:00+00'),
    (2, '{"budget": true, "timeframe": "2026-01-20"}', '2025-12-01', '2025-12-01 00:00', '2025-12-01 00:00+00'),
    (3, NULL, '2026-01-01', NULL, '2026-01-01 00:00+00');
SELECT id, (q1).status AS by_date, (q2).status AS by_timestamp, (q3).status AS by_timestamptz,
       (q1).known, q2 IS NULL AS q2_null, (q4).status AS by_clock
  FROM touches ORDER BY id;
-- 1: 19 days after as_of: met. 2: 50 days after: not met. 3: no evidence at
-- all, and a NULL as_of gives a NULL qualification (as qualify() does).
-- by_clock judges against the transaction's start, today: long past.

-- A partitioned table: the trigger runs on every partition.
CREATE TABLE parted (id int, budget int, authority int, need int, timeframe int, q qualification)
    PARTITION BY RANGE (id);
CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (100);
CREATE TABLE parted_high (budget int, authority int, need int, timeframe int, q qualification, id int);
ALTER TABLE parted ATTACH PARTITION parted_high FOR VALUES FROM (100) TO (200);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON parted FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
INSERT INTO parted VALUES (1, 9, 9, 9, NULL), (150, 1, 9, NULL, 9);
SELECT id, q FROM parted ORDER BY id;
UPDATE parted SET id = 120 WHERE id = 1;     -- moves to the other partition
SELECT id, q = qualify('bant', p) AS current FROM parted p ORDER BY id;

-- Many rows in one statement, the binding made once.
INSERT INTO leads (id, budget, authority, need, timeframe)
SELECT i, i % 11, (i * 7) % 11, (i * 3) % 11, CASE WHEN i % 4 = 0 THEN NULL ELSE i % 11 END
  FROM generate_series(10, 5009) i;
SELECT count(*) AS leads, count(*) FILTER (WHERE q = qualify('bant', l)) AS current,
       count(*) FILTER (WHERE (q).qualified) AS qualified
  FROM leads l;

-- Which tables are auto-scored, and how.
SELECT table_name, trigger_name, model, target_column, evidence_column, as_of_column, history
  FROM autoscore_triggers() ORDER BY 1, 2;
SELECT trigger_name FROM autoscore_triggers('touches') ORDER BY 1;

-- Wrong use is refused when the trigger is created, naming what is wrong
-- (the context names the trigger), so that no write fails for it later.
-- Where the checks at creation are off (check_function_bodies = off, as
-- in pg_dump's scripts), the first row checks the same.
CREATE TABLE misuse (id int, budget int, authority int, need int, timeframe int,
                     q qualification, notq text, ev text, asof text);
CREATE FUNCTION try_trigger(definition text)
    RETURNS TABLE (state text, message text, same_on_first_row boolean)
LANGUAGE plpgsql AS $$
DECLARE
    first_state text;
    first_message text;
BEGIN
    EXECUTE 'DROP TRIGGER IF EXISTS t ON misuse';
    SELECT r.state, r.message INTO state, message FROM regress.err('CREATE TRIGGER t ' || definition) r;
    PERFORM set_config('check_function_bodies', 'off', true);
    EXECUTE 'CREATE TRIGGER t ' || definition;
    PERFORM set_config('check_function_bodies', 'on', true);
    SELECT r.state, r.message INTO first_state, first_message
      FROM regress.err('INSERT INTO misuse (id) VALUES (1)') r;
    EXECUTE 'DROP TRIGGER t ON misuse';
    same_on_first_row := first_state = state AND first_message = message;
    RETURN NEXT;
END
$$;
SET client_min_messages = warning;
SELECT d AS trigger, t.*
  FROM (VALUES
    ('AFTER INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'')'),
    ('BEFORE INSERT ON misuse FOR EACH STATEMENT EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore()'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'', '''', '''', ''x'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant_cmr'', ''q'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''nope'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''notq'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', '''')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'', ''nope'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'', ''ev'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'', '''', ''nope'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', ''q'', '''', ''asof'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''six_signals'', ''q'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''{"name": "inline", "criteria": [{"key": "budget", "weight": -1}]}'', ''q'')'),
    ('BEFORE INSERT ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.record_history(''t'', ''id'', ''misuse'')')
  ) AS v(d), try_trigger(d) t;
RESET client_min_messages;
-- The context of the error names the trigger.
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON misuse
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant_cmr', 'q');
-- A trigger that also fires on DELETE (or TRUNCATE) is refused: there is
-- nothing to score.  Made without the check, it fails on the DELETE.
CREATE TRIGGER t BEFORE INSERT OR DELETE ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SET check_function_bodies = off;
CREATE TRIGGER t BEFORE INSERT OR DELETE ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
RESET check_function_bodies;
INSERT INTO misuse (id) VALUES (1);
SELECT * FROM regress.err('DELETE FROM misuse');
DROP TRIGGER t ON misuse;
-- Evidence a rule cannot read stops the statement, and nothing is written.
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON misuse FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT * FROM regress.err('INSERT INTO misuse (id, budget) VALUES (2, 1), (3, 11)');
SELECT count(*) AS rows_left FROM misuse;

-- The error says which row: the message is qualify()'s, and the context
-- names the trigger, the table, the row's place in the statement and,
-- where the user may read it, its primary key.
INSERT INTO leads (id, budget, need) VALUES (6001, 5, 6), (6002, 3, 12);
UPDATE leads SET need = 11 WHERE id = 10;
INSERT INTO misuse (id, budget) VALUES (2, 1), (3, 11);
CREATE TABLE regional (region text, id int, need int, budget int, authority int, timeframe int,
                       q qualification, PRIMARY KEY (region, id));
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON regional
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
INSERT INTO regional (region, id, need) VALUES ('eu', 1, 5), ('us', 7, -1);
-- A user who may not read the key (only insert) is not shown it; one who
-- may read the key's columns is.
CREATE ROLE regress_lq_inserter;
GRANT INSERT ON regional TO regress_lq_inserter;
SET ROLE regress_lq_inserter;
INSERT INTO regional (region, id, need) VALUES ('us', 8, 42);
RESET ROLE;
GRANT SELECT (region, id) ON regional TO regress_lq_inserter;
SET ROLE regress_lq_inserter;
INSERT INTO regional (region, id, need) VALUES ('us', 8, 42);
RESET ROLE;
REVOKE ALL ON regional FROM regress_lq_inserter;
DROP ROLE regress_lq_inserter;

-- Altering a table so that its autoscore trigger could no longer work is
-- refused: dropping, renaming or retyping a column it reads or writes.
SELECT * FROM regress.err('ALTER TABLE leads DROP COLUMN need');
SELECT * FROM regress.err('ALTER TABLE leads RENAME COLUMN q TO qual');
SELECT * FROM regress.err('ALTER TABLE leads ALTER COLUMN q TYPE text');
SELECT * FROM regress.err('ALTER TABLE touches ALTER COLUMN evidence TYPE text');
SELECT * FROM regress.err('ALTER TABLE touches DROP COLUMN seen_ts');
SELECT * FROM regress.err('ALTER TABLE parted DROP COLUMN authority');
ALTER TABLE regional DROP COLUMN timeframe;
-- Other changes go through, and a disabled trigger is not checked until
-- it is enabled again.
ALTER TABLE leads ADD COLUMN note text;
ALTER TABLE leads RENAME COLUMN company TO account;
ALTER TABLE regional DISABLE TRIGGER score;
ALTER TABLE regional DROP COLUMN timeframe;
SELECT * FROM regress.err('ALTER TABLE regional ENABLE TRIGGER score');
ALTER TABLE regional ADD COLUMN timeframe int, ENABLE TRIGGER score;
-- Without the trigger, the column may go.
DROP TRIGGER score ON regional;
ALTER TABLE regional DROP COLUMN timeframe;
DROP TABLE regional;

-- Flat targets: arguments field=column write fields of the qualification
-- into plain columns of the table (missing and failed into text as
-- "a, b", or into text[]), with or without a qualification column.
CREATE TABLE flat (id int PRIMARY KEY, budget boolean, authority boolean, need int,
                   timeframe int, score double precision, status text, tier varchar,
                   qualified boolean, missing text, failed text[], met int, model text,
                   known int, total int, note text);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON flat FOR EACH ROW
    EXECUTE FUNCTION lead_qual.autoscore('bant', 'score=score', 'status=status', 'tier=tier',
        'qualified=qualified', 'missing=missing', 'failed=failed', 'met=met', 'model=model',
        'known=known', 'total=total');
INSERT INTO flat (id, budget, authority, need, timeframe) VALUES
    (1, true, NULL, 7, NULL), (2, false, false, 2, 3), (3, true, true, 8, 9),
    (4, NULL, NULL, NULL, NULL);
SELECT id, score, status, tier, qualified, missing, failed, met, model, known, total
  FROM flat ORDER BY id;
-- The same as qualify() says.
SELECT count(*) FILTER (WHERE (f.model, f.score, f.qualified, f.status, f.tier, f.met, f.known,
                               f.total, f.missing, f.failed)
                              IS NOT DISTINCT FROM
                              (q.model, q.score, q.qualified, q.status, q.tier, q.met, q.known,
                               q.total, array_to_string(q.missing, ', '), q.failed)) AS current,
       count(*)
  FROM flat f, qualify('bant', f) q;
-- New evidence is scored again; a value written by hand is put right; an
-- UPDATE of other columns leaves the row as it is.
UPDATE flat SET need = 10 WHERE id = 1;
UPDATE flat SET status = 'qualified', score = NULL WHERE id = 2;
UPDATE flat SET note = 'called' WHERE id = 3;
SELECT id, score, status, tier, missing, note FROM flat WHERE id <= 3 ORDER BY id;
-- With a qualification column too, and the evidence in jsonb.
CREATE TABLE flat_jsonb (id int, evidence jsonb, q qualification, score float8, missing text[]);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON flat_jsonb FOR EACH ROW
    EXECUTE FUNCTION lead_qual.autoscore('bant', 'q', 'evidence', 'score=score', 'missing=missing');
INSERT INTO flat_jsonb (id, evidence) VALUES (1, '{"budget": 8, "need": 9}'), (2, NULL);
SELECT id, score, missing, (q).score AS q_score, (q).missing AS q_missing FROM flat_jsonb ORDER BY id;
-- autoscore_triggers() lists the target, evidence and as_of columns, not
-- the flat targets.
SELECT trigger_name, model, target_column, evidence_column, as_of_column
  FROM autoscore_triggers('flat');
SELECT trigger_name, model, target_column, evidence_column, as_of_column
  FROM autoscore_triggers('flat_jsonb');
-- Wrong flat targets are refused when the trigger is created: a field the
-- qualification lacks (22023), a column the table lacks (42703) or of
-- another type (42804; a domain too: its constraints would not be
-- checked) or generated (428C9), a field or a column named twice (42710,
-- 42701), a column a criterion reads (42701), a column or target after a
-- flat target (39P01).
CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 5);
ALTER TABLE flat ADD COLUMN short_status short_text, ADD COLUMN status8 varchar(8),
    ADD COLUMN score2 float8 GENERATED ALWAYS AS (need * 10) STORED;
SELECT v.args, r.*
  FROM (VALUES
    ($$'scroe=score'$$),
    ($$'score=nope'$$),
    ($$'score=status'$$),
    ($$'status=short_status'$$),
    ($$'status=status8'$$),
    ($$'score=score2'$$),
    ($$'missing=met'$$),
    ($$'met=need'$$),
    ($$'score=score', 'score=met'$$),
    ($$'score=score', 'tier=score'$$),
    ($$'score=score', 'status'$$),
    ($$'=score'$$),
    ($$'score='$$),
    ($$'', ''$$)
  ) AS v(args),
  regress.err_detail('CREATE TRIGGER t BEFORE INSERT ON flat FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore(''bant'', '
                     || args || ')') r;
-- The history is read from a qualification column: a trigger with flat
-- targets only has none to follow.
SELECT * FROM regress.err('SELECT lead_qual.enable_history(''flat'')');
-- rescore() compares and rewrites the qualification column; with flat
-- targets only it says so (0A000).
SELECT * FROM regress.err('CALL lead_qual.rescore(''flat'')');
-- A column it writes cannot be dropped, renamed or retyped.
SELECT * FROM regress.err('ALTER TABLE flat DROP COLUMN tier');
SELECT * FROM regress.err('ALTER TABLE flat ALTER COLUMN score TYPE numeric');
ALTER TABLE flat DROP COLUMN short_status, DROP COLUMN status8, DROP COLUMN score2;
DROP DOMAIN short_text;

DROP TABLE leads, acme_leads, touches, parted, misuse, flat, flat_jsonb;
DROP FUNCTION try_trigger(text);
SELECT drop_model('acme_t'), drop_model('timely');
