-- The lead_qual demo, as a sales-ops person would walk through it: eight
-- sample leads, who to call first under BANT, how other frameworks see
-- them, what to ask, a company's own model, evidence from several touches,
-- digital engagement, readiness for sales, and what to do next and when.
-- Run by demo/run on a throwaway cluster.  Scores are 0-100; the dates are
-- judged as of 2026-01-05.
\pset footer off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS lead_qual;
SET search_path = lead_qual, public;
SET timezone = 'UTC';

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
\echo '== 1. Who to call first: BANT, qualified at 3 of its 4 criteria =='
SELECT company, trim_scale(round(q.score::numeric, 1)) AS score, q.status, q.tier,
       q.met || ' of ' || q.total AS met, array_to_string(q.missing, ', ') AS still_to_ask
  FROM leads l, qualify('bant', l) q
 ORDER BY q.score DESC, company;

\echo
\echo '== 2. The same leads under three frameworks =='
SELECT company,
       (qualify('bant', l)).status AS bant,
       (qualify('champ', l)).status AS champ,
       (qualify('six_signals', l)).status AS six_signals,
       round((qualify('six_signals', l)).score) AS six_signals_score
  FROM leads l
 ORDER BY company;

\echo
\echo '== 3. Northgate Steel under BANT, criterion by criterion, with the questions in Dutch =='
SELECT criterion, value, grade, points, met, question
  FROM explain('bant', (SELECT l FROM leads l WHERE company = 'Northgate Steel'), lang => 'nl');

\echo
\echo '== 4. A model of your own: budget in euros, the buyer role, a purchase within 90 days =='
SELECT define_model('acme', $${
  "label": "Acme hardware", "min_met": 3, "pass_score": 60,
  "criteria": [
    {"key": "budget", "label": "Budget (EUR)", "source": "budget_eur", "weight": 3,
     "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "label": "Buyer's role", "source": "role", "weight": 2,
     "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "need", "weight": 2},
    {"key": "timeframe", "label": "Planned purchase", "source": "purchase_date",
     "rule": {"type": "within_days", "days": 90}}
  ]}$$) IS NOT NULL AS defined \gset
SELECT company, role, budget_eur, purchase_date, trim_scale(round(q.score::numeric, 1)) AS score, q.status, q.tier,
       array_to_string(q.failed, ', ') AS not_met
  FROM leads l, qualify('acme', l, as_of => '2026-01-05') q
 ORDER BY q.score DESC, company;

\echo
\echo '== 5. Evidence over several touches: the latest value of each criterion, and BANT on it =='
CREATE TEMP TABLE touches (lead_id int, touched_at timestamptz, channel text, evidence jsonb);
INSERT INTO touches VALUES
    (2, '2025-11-03 10:00+00', 'web form', '{"need": 6}'),
    (2, '2025-11-20 15:30+00', 'call',     '{"budget": 5, "authority": 4}'),
    (2, '2025-12-08 09:15+00', 'e-mail',   '{"timeframe": 7}'),
    (2, '2025-12-19 11:00+00', 'call',     '{"budget": 8, "authority": null}'),
    (7, '2025-12-01 14:00+00', 'call',     '{"budget": 8, "authority": 9}'),
    (7, '2025-12-15 16:45+00', 'demo',     '{"need": 4, "timeframe": 7}');
SELECT company, count(*) AS touches, fold_evidence(t.evidence, t.touched_at) AS latest,
       (qualify_touches('bant', t.evidence, t.touched_at)).status AS bant
  FROM touches t JOIN leads l ON l.id = t.lead_id
 GROUP BY company ORDER BY company;

\echo
\echo '== 6. Digital engagement: points per event, halved every 30 days, capped =='
CREATE TEMP TABLE events (lead_id int, kind text, occurred_at timestamptz);
INSERT INTO events VALUES
    (1, 'demo_request', '2025-12-29'), (1, 'pricing_page_visit', '2025-12-28'),
    (1, 'email_reply', '2026-01-02'), (1, 'web_visit', '2026-01-03'),
    (2, 'webinar_attended', '2025-12-10'), (2, 'content_download', '2025-12-11'),
    (2, 'web_visit', '2025-12-20'), (2, 'email_click', '2025-12-22'),
    (3, 'web_visit', '2025-09-01'), (3, 'email_open', '2025-10-01'),
    (4, 'content_download', '2025-12-30'), (4, 'job_seeker', '2025-12-30'),
    (5, 'unsubscribe', '2025-11-15'), (5, 'web_visit', '2025-11-14'),
    (7, 'demo_watched', '2025-12-16'), (7, 'pricing_page_visit', '2026-01-04'),
    (7, 'pricing_page_visit', '2026-01-04'), (7, 'email_reply', '2026-01-04'),
    (8, 'form_submitted', '2025-12-18'), (8, 'web_visit', '2026-01-02'), (8, 'web_visit', '2026-01-03');
CREATE TEMP VIEW engagement AS
SELECT l.id AS lead_id, count(e.kind) AS events,
       engagement('digital', e.kind, e.occurred_at, '2026-01-05') AS points
  FROM leads l LEFT JOIN events e ON e.lead_id = l.id
 GROUP BY l.id;
SELECT company, g.events, round(g.points::numeric, 1) AS engagement,
       (SELECT string_agg(DISTINCT replace(e.kind, '_', ' '), ', ') FROM events e WHERE e.lead_id = l.id) AS what_they_did
  FROM leads l JOIN engagement g ON g.lead_id = l.id
 ORDER BY g.points DESC, company;

\echo
\echo '== 7. Ready for sales? Fit with the ideal customer, engagement and BANT =='
SELECT define_model('icp', $${
  "label": "Ideal customer profile", "min_met": 2,
  "criteria": [
    {"key": "industry", "weight": 2, "rule": {"type": "one_of", "values": ["logistics", "healthcare", "manufacturing"]}},
    {"key": "employees", "weight": 2, "rule": {"type": "between", "min": 50, "max": 5000}},
    {"key": "region", "knockout": true, "rule": {"type": "one_of", "values": ["benelux", "iberia", "nordics"]}}
  ]}$$) IS NOT NULL AS defined \gset
CREATE TEMP TABLE firmographics (lead_id int, industry text, employees int, region text);
INSERT INTO firmographics VALUES
    (1, 'logistics', 800, 'iberia'), (2, 'food', 300, 'benelux'), (3, 'healthcare', 12, 'nordics'),
    (4, 'manufacturing', 2500, 'benelux'), (5, 'software', 120, 'north america'),
    (6, NULL, NULL, NULL), (7, 'healthcare', 650, 'benelux'), (8, 'printing', 40, 'benelux');
SELECT company, r.stage, r.grade, r.reason
  FROM leads l
  JOIN firmographics f ON f.lead_id = l.id
  JOIN engagement g ON g.lead_id = l.id,
       readiness(qualify('icp', f, '2026-01-05'), g.points, qualify('bant', l, '2026-01-05')) r
 ORDER BY array_position(ARRAY['sql', 'mql', 'lead', 'disqualified'], r.stage), r.grade, company;

\echo
\echo '== 8. What to do next, and when (the model of part 4) =='
SELECT company, n.action, n.follow_up, n.reason
  FROM leads l, next_action('acme', l, '2026-01-05') n
 ORDER BY n.follow_up NULLS LAST, company;
\echo '-- what to ask (the model has no questions of its own: they are made from its criteria):'
SELECT company, q.criterion, q.question
  FROM leads l, next_action('acme', l, '2026-01-05') n,
       unnest(n.ask, n.questions) WITH ORDINALITY AS q(criterion, question, nr)
 ORDER BY company, q.nr;
SELECT drop_model('acme') AND drop_model('icp') AS dropped \gset

\echo
\echo '== Learning from won and lost leads: the X Education and Maven CRM data of ../shared/data =='
\set have_data `test -r "${LEAD_QUAL_DATA:-../shared/data}/x_education/Leads.csv" && test -r "${LEAD_QUAL_DATA:-../shared/data}/maven_crm/sales_pipeline.csv" && echo true || echo false`
\if :have_data
SET search_path = public, lead_qual;
\i demo/public_data.sql
SET client_min_messages = notice;
-- Learned from 70% of the 9,240 leads; the sales-status column "tags" is caught as a leak.
CREATE TEMP TABLE x_model AS
SELECT learn('x_train', 'won',
             ARRAY['lead_origin', 'lead_source', 'do_not_email', 'do_not_call', 'total_visits', 'total_time',
                   'page_views', 'country', 'specialization', 'how_heard', 'occupation', 'what_matters',
                   'search', 'magazine', 'newspaper_article', 'x_forums', 'newspaper', 'digital_ad',
                   'recommendations', 'more_updates', 'supply_chain', 'dm_content', 'city', 'cheque',
                   'free_copy', 'tags'],
             '{"name": "x_education"}') AS m;
SET client_min_messages = warning;
\echo '-- what it says of itself:'
SELECT model_to_jsonb(m)->'description'->>'en' AS x_education FROM x_model;
\echo '-- the criteria it kept, heaviest first, with the grades it learned:'
SELECT c.key, c.weight, left(c.rule, 110) AS rule FROM x_model, criteria(m) c ORDER BY c.ordinal;
\echo '-- on the 30% it did not see (logistic regression in scikit-learn: AUC 0.865, log loss 0.436-0.448):'
SELECT round(auc, 3) AS held_out_auc, round(log_loss, 3) AS held_out_log_loss
  FROM (SELECT auc(score(x.m, t), t.won)::numeric AS auc,
               avg(CASE WHEN t.won THEN -ln(win_probability(x.m, t)) ELSE -ln(1 - win_probability(x.m, t)) END)::numeric AS log_loss
          FROM x_model x, x_leads t WHERE t.test) s;
CREATE TEMP VIEW x_test AS SELECT * FROM x_leads WHERE test;
\echo '-- conversion by score decile on those leads, and where to cut for "the top 20% go to sales":'
SELECT decile, rows, won, round(win_rate::numeric, 2) AS win_rate, round(lift::numeric, 2) AS lift
  FROM x_model x, decile_report('x_test', 'won', x.m);
SELECT min_met, pass_score, round(qualified_share::numeric, 3) AS share, round(precision::numeric, 3) AS precision,
       round(recall::numeric, 3) AS recall
  FROM x_model x, choose_thresholds('x_train', 'won', x.m, '{"goal": {"top": 0.2}}');
\echo '-- Maven CRM: firmographics, product and team say little about winning a deal; the learner says so:'
SELECT model_to_jsonb(m)->'description'->>'en' AS maven
  FROM (SELECT learn('m_train', 'won', ARRAY['product', 'sector', 'year_established', 'revenue', 'employees',
                     'office_location', 'manager', 'regional_office', 'sales_agent', 'engage_month']) AS m) s;
\else
\echo 'skipped: no X Education and Maven CRM files in ../shared/data (or the folder LEAD_QUAL_DATA names)'
\endif
