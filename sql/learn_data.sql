-- learn() on real public data, loaded from the files as they are: the
-- X Education leads and the Maven CRM pipeline (../shared/data, or the
-- folder LEAD_QUAL_DATA names).  Where the files are absent the suite says
-- so and checks nothing (expected/learn_data_1.out).
SET search_path = public, lead_qual;
\set have_data `test -r "${LEAD_QUAL_DATA:-../shared/data}/x_education/Leads.csv" && test -r "${LEAD_QUAL_DATA:-../shared/data}/maven_crm/sales_pipeline.csv" && echo true || echo false`
\if :have_data

\i demo/public_data.sql
SELECT count(*) AS leads, count(*) FILTER (WHERE test) AS test_rows, count(*) FILTER (WHERE won) AS won,
       count(*) FILTER (WHERE line_end <> '') AS line_end_not_empty
  FROM x_leads JOIN x_raw USING (idx);

-- Learned from the training rows: tags is reported as a leak and left
-- out; the constant and useless columns are noise.
CREATE TABLE x_model AS
SELECT learn('x_train', 'won',
             ARRAY['lead_origin', 'lead_source', 'do_not_email', 'do_not_call', 'total_visits', 'total_time',
                   'page_views', 'country', 'specialization', 'how_heard', 'occupation', 'what_matters',
                   'search', 'magazine', 'newspaper_article', 'x_forums', 'newspaper', 'digital_ad',
                   'recommendations', 'more_updates', 'supply_chain', 'dm_content', 'city', 'cheque',
                   'free_copy', 'tags'],
             '{"name": "x_education"}') AS m;
SELECT count(*) AS criteria, count(*) <= 12 AS about_a_dozen FROM x_model, criteria(m);
SELECT c.key FROM x_model, criteria(m) c ORDER BY c.key;

-- Held out: AUC at least 0.865 (logistic regression on one-hot values
-- reaches 0.865, a scorecard 0.870), and the log loss of the probability
-- within 0.01 of logistic regression's (0.436-0.448).
SELECT round(auc(score(x.m, t), t.won)::numeric, 2) AS test_auc,
       auc(score(x.m, t), t.won) >= 0.865 AS reaches_0_865,
       round(avg(CASE WHEN t.won THEN -ln(win_probability(x.m, t)) ELSE -ln(1 - win_probability(x.m, t)) END)::numeric, 2) AS test_log_loss,
       avg(CASE WHEN t.won THEN -ln(win_probability(x.m, t)) ELSE -ln(1 - win_probability(x.m, t)) END) < 0.446 AS log_loss_ok
  FROM x_model x, x_leads t WHERE t.test;
SELECT rows, won, round(auc::numeric, 2) AS auc, round(log_loss::numeric, 2) AS log_loss, round(brier::numeric, 2) AS brier
  FROM x_model x, model_report('x_leads', 'won', x.m) r;

-- Maven CRM: won and lost deals are closed, the others open (NULL: not
-- learned from); close value and date, known only at the close, are left
-- out.  The signal is weak, and the reports say so.
SELECT count(*) AS deals, count(won) AS closed, count(*) FILTER (WHERE won) AS won FROM m_deals;
CREATE TABLE m_model AS
SELECT learn('m_train', 'won',
             ARRAY['product', 'sector', 'year_established', 'revenue', 'employees', 'office_location',
                   'manager', 'regional_office', 'sales_agent', 'engage_month'],
             '{"name": "maven"}') AS m;
SELECT c.key FROM m_model, criteria(m) c ORDER BY c.key;
SELECT model_to_jsonb(m)->'description'->>'en' AS description FROM m_model;
SELECT round(auc(score(x.m, d), d.won)::numeric, 2) AS test_auc,
       auc(score(x.m, d), d.won) BETWEEN 0.5 AND 0.65 AS weak
  FROM m_model x, m_deals d WHERE d.test;
SELECT criterion, round(information_value::numeric, 2) AS iv
  FROM m_model x, criterion_report('m_deals', 'won', x.m) r ORDER BY r.ordinal;

DROP VIEW x_train, x_leads, m_train, m_deals;
DROP TABLE x_raw, x_model, m_pipeline, m_accounts, m_teams, m_model;
\else
\echo 'skipped: no X Education and Maven CRM files in ../shared/data (or the folder LEAD_QUAL_DATA names)'
\endif
