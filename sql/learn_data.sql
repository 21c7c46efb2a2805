-- learn() on real public data, loaded from the files as they are: the
-- X Education leads and the Maven CRM pipeline (../shared/data, or the
-- folder LEAD_QUAL_DATA names).  Where the files are absent the suite says
-- so and checks nothing (expected/learn_data_1.out).
SET search_path = public, lead_qual;
\set data `cd "${LEAD_QUAL_DATA:-../shared/data}" 2>/dev/null && pwd || echo "${LEAD_QUAL_DATA:-../shared/data}"`
\set have_data `test -r "${LEAD_QUAL_DATA:-../shared/data}/x_education/Leads.csv" && test -r "${LEAD_QUAL_DATA:-../shared/data}/maven_crm/sales_pipeline.csv" && echo true || echo false`
\if :have_data

-- X Education: 9,240 leads, 37 columns; CRLF line ends, a comma at the end
-- of every line (a 38th, empty field), "Select" for a choice not made.
CREATE TABLE x_raw (
    idx bigint GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START WITH 0),
    prospect_id text, lead_number text, lead_origin text, lead_source text, do_not_email text,
    do_not_call text, converted text, total_visits text, total_time text, page_views text,
    last_activity text, country text, specialization text, how_heard text, occupation text,
    what_matters text, search text, magazine text, newspaper_article text, x_forums text,
    newspaper text, digital_ad text, recommendations text, more_updates text, tags text,
    lead_quality text, supply_chain text, dm_content text, lead_profile text, city text,
    asym_activity_index text, asym_profile_index text, asym_activity_score text,
    asym_profile_score text, cheque text, free_copy text, last_notable_activity text,
    line_end text);
\set file :data '/x_education/Leads.csv'
COPY x_raw (prospect_id, lead_number, lead_origin, lead_source, do_not_email, do_not_call, converted,
            total_visits, total_time, page_views, last_activity, country, specialization, how_heard,
            occupation, what_matters, search, magazine, newspaper_article, x_forums, newspaper, digital_ad,
            recommendations, more_updates, tags, lead_quality, supply_chain, dm_content, lead_profile, city,
            asym_activity_index, asym_profile_index, asym_activity_score, asym_profile_score, cheque,
            free_copy, last_notable_activity, line_end)
  FROM :'file' WITH (FORMAT csv, HEADER true);
-- The rows in file order (idx from 0); test rows where idx % 10 is 0, 8 or 9.
-- Left out: the identifiers, what sales fills in after contact (tags is
-- kept to show the leak warning), the Asymmetrique scores of another
-- scoring process, and the last activity columns.
CREATE VIEW x_leads AS
SELECT idx, idx % 10 IN (0, 8, 9) AS test, converted = '1' AS won,
       lead_origin, lead_source, do_not_email, do_not_call,
       total_visits::numeric AS total_visits, total_time::numeric AS total_time,
       page_views::numeric AS page_views, country, specialization, how_heard, occupation,
       what_matters, search, magazine, newspaper_article, x_forums, newspaper, digital_ad,
       recommendations, more_updates, supply_chain, dm_content, city, cheque, free_copy, tags
  FROM x_raw;
CREATE VIEW x_train AS SELECT * FROM x_leads WHERE NOT test;
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

-- Maven CRM: 8,800 opportunities; won and lost are closed, the others open
-- (NULL: not learned from).  Close value and date are known only at the
-- close and leak the outcome: left out.  The signal is weak, and the
-- reports say so.
CREATE TABLE m_pipeline (idx bigint GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START WITH 0),
                         opportunity_id text, sales_agent text, product text, account text, deal_stage text,
                         engage_date date, close_date date, close_value numeric);
CREATE TABLE m_accounts (account text, sector text, year_established int, revenue numeric, employees int,
                         office_location text, subsidiary_of text);
CREATE TABLE m_teams (sales_agent text, manager text, regional_office text);
\set file :data '/maven_crm/sales_pipeline.csv'
COPY m_pipeline (opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date, close_value)
  FROM :'file' WITH (FORMAT csv, HEADER true);
\set file :data '/maven_crm/accounts.csv'
COPY m_accounts FROM :'file' WITH (FORMAT csv, HEADER true);
\set file :data '/maven_crm/sales_teams.csv'
COPY m_teams FROM :'file' WITH (FORMAT csv, HEADER true);
CREATE VIEW m_deals AS
SELECT p.idx, p.idx % 10 IN (0, 8, 9) AS test,
       CASE p.deal_stage WHEN 'Won' THEN true WHEN 'Lost' THEN false END AS won,
       p.product, a.sector, a.year_established, a.revenue, a.employees, a.office_location,
       t.manager, t.regional_office, p.sales_agent,
       to_char(p.engage_date, 'MM') AS engage_month
  FROM m_pipeline p LEFT JOIN m_accounts a USING (account) LEFT JOIN m_teams t USING (sales_agent);
CREATE VIEW m_train AS SELECT * FROM m_deals WHERE NOT test;
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
