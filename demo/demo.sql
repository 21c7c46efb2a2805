-- The lead_qual demo: a few sample leads qualified under three frameworks
-- and under a company's own model.  Run by demo/run on a throwaway cluster.
\pset footer off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS lead_qual;
SET search_path = lead_qual, public;

-- Sample leads: what sales has learned so far.  Grades are marks out of 10;
-- yes/no are booleans; an empty cell is not known yet.
CREATE TEMP TABLE leads (
    id int PRIMARY KEY, company text, contact text, role text, budget_eur numeric, purchase_date date,
    budget int, authority int, need int, timeframe int,
    challenges boolean, money int, prioritization int,
    fit boolean, research int, urgency int, purposeful int
);
\copy leads FROM 'demo/leads.csv' WITH (FORMAT csv, HEADER true)

\echo
\echo '== BANT (qualified at 3 of 4 criteria): who to call, and what to ask next =='
SELECT company, q.score, q.status, q.tier, q.met || '/' || q.total AS met,
       array_to_string(q.missing, ', ') AS ask_about
  FROM leads l, qualify('bant', l) q
 ORDER BY q.score DESC;

\echo
\echo '== The same leads under three frameworks =='
SELECT company,
       (qualify('bant', l)).status AS bant,
       (qualify('champ', l)).status AS champ,
       (qualify('six_signals', l)).status AS six_signals,
       round((qualify('six_signals', l)).score) AS six_signals_score
  FROM leads l ORDER BY id;

\echo
\echo '== Northgate Steel under BANT, criterion by criterion (what to ask, in Dutch) =='
SELECT criterion, value, grade, points, met, question
  FROM explain('bant', (SELECT l FROM leads l WHERE company = 'Northgate Steel'), lang => 'nl');

\echo
\echo '== Your own model: budget in euros, the buyer role, a purchase within 90 days =='
SELECT define_model('acme', $${
  "label": "Acme hardware", "min_met": 3, "pass_score": 60,
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "role", "weight": 2, "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "need", "weight": 2},
    {"key": "timeframe", "source": "purchase_date", "rule": {"type": "within_days", "days": 90}}
  ]}$$) IS NOT NULL AS defined;
SELECT company, role, budget_eur, purchase_date, q.score, q.status, q.tier,
       array_to_string(q.failed, ', ') AS not_met
  FROM leads l, qualify('acme', l, as_of => '2026-01-05') q
 ORDER BY q.score DESC;
SELECT drop_model('acme') AS dropped;
