-- Setup for bench/trigger.sh: the generated leads, the models, and one
-- table per way of storing a qualification as rows are written.
-- Run with psql -v rows=N on an empty database.

\ir common.sql

-- bench_ban: bench_bant without the timeframe, so without date rules.  With
-- it, and as_of the clock, an UPDATE that changes none of the columns read
-- is not evaluated again; with bench_bant it is, as the clock moves.
SELECT lead_qual.define_model('bench_ban', $${
  "min_met": 2,
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 1,
     "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "decision_role", "weight": 1,
     "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "need", "source": "need", "weight": 1,
     "rule": {"type": "grade", "pass": 6}}
  ]}$$) IS NOT NULL AS defined;

-- The trigger functions in PL/pgSQL: one calls lead_qual.qualify() with the
-- row, the other bench_qualify() of common.sql.  now() is the transaction's
-- start time, the as_of autoscore uses when no as_of column is named.
CREATE FUNCTION score_by_qualify() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.q := lead_qual.qualify('bench_bant', NEW, now());
    RETURN NEW;
END
$$;

CREATE FUNCTION score_by_hand() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.q := bench_qualify(NEW.budget_eur, NEW.decision_role, NEW.need, NEW.purchase_date, now());
    RETURN NEW;
END
$$;

-- The tables: all alike, a heap without indexes (an index would add the
-- same cost to every variant), with a note no model reads and the stored
-- qualification q.  They differ only in their trigger.
CREATE TABLE leads_plain (
    id int,
    budget_eur numeric,
    decision_role text,
    need int,
    purchase_date date,
    note text,
    q lead_qual.qualification
);
CREATE TABLE leads_autoscore (LIKE leads_plain);
CREATE TABLE leads_autoscore_ban (LIKE leads_plain);
CREATE TABLE leads_plpgsql (LIKE leads_plain);
CREATE TABLE leads_byhand (LIKE leads_plain);
CREATE UNLOGGED TABLE leads_plain_unlogged (LIKE leads_plain);
CREATE UNLOGGED TABLE leads_autoscore_unlogged (LIKE leads_plain);

CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads_autoscore
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bench_bant', 'q');
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads_autoscore_unlogged
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bench_bant', 'q');
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads_autoscore_ban
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bench_ban', 'q');
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads_plpgsql
    FOR EACH ROW EXECUTE FUNCTION score_by_qualify();
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON leads_byhand
    FOR EACH ROW EXECUTE FUNCTION score_by_hand();

-- A trigger that scores nothing: PostgreSQL's own C trigger that skips
-- updates changing nothing.
CREATE TABLE leads_noop (LIKE leads_plain);
CREATE TRIGGER noop BEFORE UPDATE ON leads_noop
    FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();

-- The simplest case: the plain leads of common.sql (booleans and 0-10
-- marks, and a note) scored with the built-in model bant, stored as a
-- qualification ...
CREATE TABLE plain_lead_columns (
    id int,
    budget boolean,
    authority boolean,
    need int,
    timeframe int,
    note text
);
CREATE TABLE plain_q (LIKE plain_lead_columns, q lead_qual.qualification);
CREATE TABLE plain_q_autoscore (LIKE plain_q);
CREATE TABLE plain_q_plpgsql (LIKE plain_q);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON plain_q_autoscore
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
CREATE FUNCTION score_plain_by_qualify() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.q := lead_qual.qualify('bant', NEW, now());
    RETURN NEW;
END
$$;
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON plain_q_plpgsql
    FOR EACH ROW EXECUTE FUNCTION score_plain_by_qualify();

-- ... or as plain columns of the table (flat targets), which BI tools read
-- as they are.
CREATE TABLE plain_flat (
    LIKE plain_lead_columns,
    score double precision,
    status text,
    tier text,
    qualified boolean,
    missing text
);
CREATE TABLE plain_flat_autoscore (LIKE plain_flat);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON plain_flat_autoscore
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'score=score', 'status=status',
                                                      'tier=tier', 'qualified=qualified',
                                                      'missing=missing');
