-- The database SQLsmith fuzzes: lead_qual with user models and engagement
-- rules, and a small CRM in schema crm whose tables have columns of every
-- lead_qual type, filled with real values, so that the expressions SQLsmith
-- generates meet lead_qual's types and functions often.
--
-- Run by test/sqlsmith/run as a superuser, in a new database, with psql
-- variables :role (the unprivileged role that runs SQLsmith; it must exist)
-- and :weight (how many times lead_qual's routines are listed in the catalog
-- SQLsmith reads; 0 = the real catalog).  The data is generated with a fixed
-- seed, so every run starts from the same database.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET TimeZone = 'UTC';
CREATE EXTENSION lead_qual;
CREATE SCHEMA crm;
SET search_path = crm, lead_qual, public;
SELECT setseed(0.4242);

------------------------------------------------------------------------------
-- User models and engagement rules, next to the built-in ones.
------------------------------------------------------------------------------
SELECT define_model('acme', $${
  "label": "Acme hardware", "min_met": 3, "pass_score": 60,
  "description": {"en": "Our own BANT, priced in euros", "nl": "Onze eigen BANT, in euro", "es": "Nuestro BANT, en euros"},
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
    {"key": "authority", "source": "role", "weight": 2, "rule": {"type": "one_of", "values": ["owner", "cfo", "purchasing"]}},
    {"key": "need", "weight": 2, "questions": {"en": ["What problem are you solving?", "What does it cost today?"], "nl": "Welk probleem lost u op?"}},
    {"key": "timeframe", "source": "purchase_date", "rule": {"type": "within_days", "days": 90}}
  ]}$$) IS NOT NULL AS defined;
SELECT define_model('icp', $${
  "label": "Ideal customer profile", "min_met": 2, "tiers": {"A": 80, "B": 60, "C": 30},
  "criteria": [
    {"key": "industry", "weight": 2, "rule": {"type": "one_of", "values": ["logistics", "healthcare", "manufacturing", "retail"]}},
    {"key": "employees", "weight": 2, "rule": {"type": "between", "min": 50, "max": 5000}},
    {"key": "region", "knockout": true, "rule": {"type": "one_of", "values": ["benelux", "iberia", "nordics", "dach"]}}
  ]}$$) IS NOT NULL AS defined;
SELECT define_model('saas_fit', $${
  "label": "SaaS fit and intent", "min_met": 3, "pass_score": 55,
  "criteria": [
    {"key": "interest", "weight": 2, "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9.5}, "pass": 5, "default": null}},
    {"key": "consent", "weight": 0.5, "knockout": true, "rule": "boolean"},
    {"key": "churn_risk", "source": "risk", "rule": {"type": "at_most", "value": 3.25}},
    {"key": "last_contact", "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
    {"key": "event", "source": "event_at", "weight": 0, "rule": {"type": "within_days", "days": 7, "direction": "either"},
     "description": "An event within a week", "questions": {"en": ["Are you coming to the event?", "Shall we meet there?"]}},
    {"key": "need", "rule": {"type": "grade", "pass": 7}}
  ]}$$) IS NOT NULL AS defined;
SELECT define_model('big_deal', $${
  "min_met": 1,
  "criteria": [
    {"key": "budget", "source": "budget_eur", "weight": 1000000, "rule": {"type": "at_least", "value": 1e6}},
    {"key": "small", "source": "budget", "weight": 1e-6},
    {"key": "contract_end", "rule": {"type": "within_days", "days": 60, "direction": "either"}},
    {"key": "purchase", "source": "purchase_date", "rule": {"type": "within_days", "days": 36600}}
  ]}$$) IS NOT NULL AS defined;
SELECT define_model('quick', '{"criteria": [{"key": "fit", "rule": "boolean"}]}') IS NOT NULL AS defined;
SELECT define_model('my_bant', model('bant')::jsonb - 'name') IS NOT NULL AS copied;

SELECT define_engagement_rules('web', $${
  "description": "Visits and demos on our site",
  "half_life_days": 14, "cap": 60, "floor": -40,
  "kinds": {"web_visit": {"points": 2, "cap": 12}, "demo_request": {"points": 30, "cap": 30},
            "email_reply": 9, "unsubscribe": {"points": -25, "half_life_days": null}}}$$) IS NOT NULL AS defined;
SELECT define_engagement_rules('strict', '{"unknown_kinds": "error", "kinds": {"call": 5, "meeting": {"points": 20, "cap": 40}}}') IS NOT NULL AS defined;
SELECT define_engagement_rules('flat', '{"kinds": {"web_visit": 1, "pricing_page_visit": 3, "job_seeker": -50}}') IS NOT NULL AS defined;

------------------------------------------------------------------------------
-- Types of the CRM: a domain for marks and an enum for interest.
------------------------------------------------------------------------------
CREATE DOMAIN crm.mark AS int CHECK (VALUE BETWEEN 0 AND 10);
CREATE TYPE crm.interest_level AS ENUM ('low', 'medium', 'high');

------------------------------------------------------------------------------
-- Accounts and leads.  The leads are auto-scored with BANT, with history.
------------------------------------------------------------------------------
CREATE TABLE crm.accounts (
    id int PRIMARY KEY, company text NOT NULL, industry text, employees int, region text,
    revenue_eur numeric(14, 2), founded date
);
INSERT INTO crm.accounts
SELECT i,
       (ARRAY['Brightwater', 'Kestrel', 'Orchid', 'Northgate', 'Vega', 'Linden', 'Harbor', 'Atlas',
              'Juniper', 'Meridian', 'Cobalt', 'Saffron', 'Granite', 'Tidewater', 'Alder', 'Quarry'])[1 + (i % 16)]
       || ' ' ||
       (ARRAY['Logistics', 'Foods', 'Dental', 'Steel', 'Software', 'Hotels', 'Health', 'Print',
              'Pharma', 'Retail', 'Paints', 'Bakeries', 'Mining'])[1 + (i * 7 % 13)],
       (ARRAY['logistics', 'food', 'healthcare', 'manufacturing', 'software', 'hospitality', 'retail', 'printing', NULL])[1 + (i % 9)],
       CASE WHEN i % 11 = 0 THEN NULL ELSE (10 + floor(random() * 4990))::int END,
       (ARRAY['benelux', 'iberia', 'nordics', 'dach', 'north america', 'uk', NULL])[1 + (i % 7)],
       round((random() * 50000000)::numeric, 2),
       date '1950-01-01' + (random() * 26000)::int
  FROM generate_series(1, 60) i;

CREATE TABLE crm.leads (
    id int PRIMARY KEY,
    account_id int REFERENCES crm.accounts,
    company text, contact text, role text,
    budget_eur numeric(12, 2), purchase_date date, contract_end date,
    budget crm.mark, authority crm.mark, need crm.mark, timeframe crm.mark,
    challenges boolean, money int, prioritization int,
    fit boolean, research int, urgency int, purposeful int,
    industry text, employees int, region text,
    consent boolean, interest crm.interest_level, risk real, last_contact timestamptz, event_at timestamp,
    created_at timestamptz NOT NULL DEFAULT '2026-01-01',
    note text,
    q lead_qual.qualification
);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON crm.leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('bant', 'q');
SELECT lead_qual.enable_history('crm.leads') AS history_triggers;

-- Marks 0-10 or unknown (about a quarter unknown).
CREATE FUNCTION crm.some_mark() RETURNS int LANGUAGE sql VOLATILE
    AS $$ SELECT CASE WHEN random() < 0.25 THEN NULL ELSE floor(random() * 11)::int END $$;

INSERT INTO crm.leads (id, account_id, company, contact, role, budget_eur, purchase_date, contract_end,
                       budget, authority, need, timeframe, challenges, money, prioritization,
                       fit, research, urgency, purposeful, industry, employees, region,
                       consent, interest, risk, last_contact, event_at, created_at, note)
SELECT i, a.id, a.company,
       (ARRAY['Ana Ruiz', 'Tom de Vries', 'Lena Berg', 'Pieter Jansen', 'Marta Gil', 'Sara Okafor', 'Jan Smit',
              'Eva Novak', 'Jürgen Müller', 'Zoë Brontë', 'Łukasz Wójcik', 'Siobhán Ó Briain', '李娜', NULL])[1 + (i % 14)],
       (ARRAY['cfo', 'owner', 'purchasing', 'manager', 'intern', ' CFO ', 'Owner', 'it director', NULL])[1 + (i % 9)],
       CASE WHEN random() < 0.2 THEN NULL ELSE round((random() * 80000)::numeric, 2) END,
       CASE WHEN random() < 0.3 THEN NULL ELSE date '2025-10-01' + (random() * 500)::int END,
       CASE WHEN random() < 0.5 THEN NULL ELSE date '2025-06-01' + (random() * 800)::int END,
       crm.some_mark(), crm.some_mark(), crm.some_mark(), crm.some_mark(),
       CASE WHEN random() < 0.3 THEN NULL ELSE random() < 0.7 END,
       crm.some_mark(), crm.some_mark(),
       CASE WHEN random() < 0.3 THEN NULL ELSE random() < 0.6 END,
       crm.some_mark(), crm.some_mark(), crm.some_mark(),
       a.industry, a.employees, a.region,
       CASE WHEN random() < 0.2 THEN NULL ELSE random() < 0.8 END,
       (ARRAY['low', 'medium', 'high', NULL]::crm.interest_level[])[1 + (i % 4)],
       CASE WHEN random() < 0.3 THEN NULL ELSE round((random() * 6)::numeric, 2)::real END,
       CASE WHEN random() < 0.3 THEN NULL ELSE timestamptz '2025-11-01' + random() * interval '90 days' END,
       CASE WHEN random() < 0.6 THEN NULL ELSE timestamp '2025-12-20' + random() * interval '40 days' END,
       timestamptz '2025-09-01' + i * interval '7 hours',
       CASE WHEN i % 5 = 0 THEN 'call back after the trade fair' END
  FROM generate_series(1, 300) i
  JOIN crm.accounts a ON a.id = 1 + (i % 60);
-- Some leads move on: the history records the changes.
UPDATE crm.leads SET timeframe = 9, note = 'urgent now' WHERE id % 7 = 0;
UPDATE crm.leads SET budget = 2, authority = NULL WHERE id % 13 = 0;

-- Leads with evidence as jsonb and an as_of column, scored with the acme model.
CREATE TABLE crm.inbound (
    id int PRIMARY KEY, source text, evidence jsonb, received_at timestamptz, q lead_qual.qualification
);
CREATE TRIGGER score_acme BEFORE INSERT OR UPDATE ON crm.inbound
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('acme', 'q', 'evidence', 'received_at');
SELECT lead_qual.enable_history('crm.inbound') AS history_triggers;
INSERT INTO crm.inbound
SELECT id, (ARRAY['web form', 'trade fair', 'partner', 'cold call'])[1 + id % 4],
       jsonb_strip_nulls(jsonb_build_object(
           'budget_eur', budget_eur, 'role', role, 'need', need,
           'purchase_date', purchase_date, 'company', company, 'notes', note)),
       created_at
  FROM crm.leads WHERE id <= 200;

-- A partitioned table, auto-scored with six_signals on every partition.
CREATE TABLE crm.prospects (
    id int, region text NOT NULL, fit boolean, authority int, research int, urgency int,
    budget int, purposeful int, q lead_qual.qualification
) PARTITION BY LIST (region);
CREATE TABLE crm.prospects_eu PARTITION OF crm.prospects FOR VALUES IN ('benelux', 'iberia', 'nordics', 'dach');
CREATE TABLE crm.prospects_other (q lead_qual.qualification, purposeful int, budget int, urgency int,
                                  research int, authority int, fit boolean, region text NOT NULL, id int);
ALTER TABLE crm.prospects ATTACH PARTITION crm.prospects_other DEFAULT;
CREATE TRIGGER score_six BEFORE INSERT OR UPDATE ON crm.prospects
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('six_signals', 'q');
INSERT INTO crm.prospects (id, region, fit, authority, research, urgency, budget, purposeful)
SELECT id, coalesce(region, 'unknown'), fit, authority, research, urgency, budget, purposeful
  FROM crm.leads WHERE id % 2 = 0;

------------------------------------------------------------------------------
-- Touches and events.
------------------------------------------------------------------------------
CREATE TABLE crm.touches (
    id int PRIMARY KEY, lead_id int NOT NULL, touched_at timestamptz, channel text, evidence jsonb, model text
);
INSERT INTO crm.touches
SELECT t, 1 + (t * 37 % 300),
       CASE WHEN t % 17 = 0 THEN NULL ELSE timestamptz '2025-10-01' + random() * interval '100 days' END,
       (ARRAY['call', 'e-mail', 'web form', 'demo', 'trade fair', 'chat'])[1 + t % 6],
       CASE t % 9
           WHEN 0 THEN jsonb_build_object('budget', floor(random() * 11), 'authority', floor(random() * 11))
           WHEN 1 THEN jsonb_build_object('need', floor(random() * 11), 'notes', 'asked for a quote')
           WHEN 2 THEN jsonb_build_object('timeframe', floor(random() * 11), 'purchase_date',
                                          to_char(date '2026-01-01' + (random() * 200)::int, 'YYYY-MM-DD'))
           WHEN 3 THEN jsonb_build_object('budget_eur', round((random() * 60000)::numeric), 'role', 'cfo')
           WHEN 4 THEN '{"authority": null, "need": null}'
           WHEN 5 THEN jsonb_build_object('budget', 'yes', 'need', 7.5, 'contacts', jsonb_build_array('ann', 'bob'))
           WHEN 6 THEN jsonb_build_object('address', jsonb_build_object('city', 'Utrecht', 'zip', '3511'), 'authority', true)
           WHEN 7 THEN NULL
           ELSE '{}'
       END,
       CASE WHEN t % 23 = 0 THEN NULL ELSE 'bant' END
  FROM generate_series(1, 1500) t;

CREATE TABLE crm.events (
    id int PRIMARY KEY, lead_id int NOT NULL, kind text, occurred_at timestamptz, rules text
);
INSERT INTO crm.events
SELECT e, 1 + (e * 53 % 300),
       (ARRAY['web_visit', 'pricing_page_visit', 'product_page_visit', 'email_open', 'email_click', 'email_reply',
              'content_download', 'webinar_attended', 'demo_request', 'demo_watched', 'form_submitted',
              'contact_request', 'unsubscribe', 'email_bounce', 'job_seeker', 'competitor', 'tradeshow', NULL])[1 + e % 18],
       CASE WHEN e % 29 = 0 THEN NULL
            WHEN e % 97 = 0 THEN '-infinity'
            ELSE timestamptz '2025-09-01' + random() * interval '130 days' END,
       CASE WHEN e % 31 = 0 THEN NULL ELSE 'digital' END
  FROM generate_series(1, 1500) e;

------------------------------------------------------------------------------
-- Models and rules as values, and evidence of every kind.
------------------------------------------------------------------------------
CREATE TABLE crm.model_versions (
    id int PRIMARY KEY, name text, m lead_qual.model, definition jsonb, definition_text text,
    history lead_qual.model[], valid_from date
);
INSERT INTO crm.model_versions
SELECT row_number() OVER (ORDER BY name), name, model, model::jsonb, model::text,
       ARRAY[model, 'bant'::lead_qual.model], date '2025-01-01' + (row_number() OVER (ORDER BY name))::int * 30
  FROM lead_qual.models;
-- Variants: a heavier weight, a pass score, a knockout, every rule type.
INSERT INTO crm.model_versions (id, name, m, definition, definition_text, valid_from)
SELECT 100 + n, name, d::lead_qual.model, d, d::text, date '2026-01-01' + n
  FROM (VALUES
    (1, 'bant_heavy_budget', '{"name": "bant_heavy_budget", "min_met": 2, "criteria": [{"key": "budget", "weight": 5}, {"key": "authority"}, {"key": "need"}, {"key": "timeframe"}]}'::jsonb),
    (2, 'consent_first', '{"name": "consent_first", "pass_score": 40, "criteria": [{"key": "consent", "rule": "boolean", "knockout": true}, {"key": "need"}]}'),
    (3, 'everything', '{"name": "everything", "label": "Every rule", "min_met": 4, "pass_score": 50, "tiers": {"A": 90, "B": 70, "C": 10},
       "criteria": [{"key": "consent", "rule": "boolean", "knockout": true, "weight": 0.5},
                    {"key": "need", "rule": {"type": "grade", "pass": 7}, "questions": "What do you need?"},
                    {"key": "budget", "source": "budget_eur", "weight": 3, "rule": {"type": "at_least", "value": 10000}},
                    {"key": "risk", "rule": {"type": "at_most", "value": 3.25}},
                    {"key": "size", "source": "employees", "rule": {"type": "between", "min": 10, "max": 500}},
                    {"key": "role", "rule": {"type": "one_of", "values": ["owner", "CFO", "purchasing"]}},
                    {"key": "interest", "rule": {"type": "scale", "grades": {"low": 2, "medium": 6, "high": 9.5}, "pass": 5}},
                    {"key": "timeframe", "source": "purchase_date", "rule": {"type": "within_days", "days": 90}},
                    {"key": "contact", "source": "last_contact", "rule": {"type": "within_days", "days": 30, "direction": "behind"}},
                    {"key": "event", "source": "event_at", "weight": 0, "rule": {"type": "within_days", "days": 7, "direction": "either"},
                     "description": {"en": "An event within a week", "es": "Un evento esta semana"},
                     "questions": {"en": ["Are you coming to the event?", "Shall we meet there?"], "nl": "Komt u naar het event?"}}]}'),
    (4, 'tiny', '{"name": "tiny", "criteria": [{"key": "need", "weight": 1e-6}]}'),
    (5, 'unicode_sources', '{"name": "unicode_sources", "criteria": [{"key": "budget", "source": "Budget (€)", "rule": {"type": "at_least", "value": 0.3}}, {"key": "city", "source": "stad/ciudad", "rule": {"type": "one_of", "values": ["Zürich", "Köln", "São Paulo"]}}]}')
  ) v(n, name, d);

CREATE TABLE crm.rule_sets (
    id int PRIMARY KEY, name text, r lead_qual.engagement_rules, definition jsonb, all_rules lead_qual.engagement_rules[]
);
INSERT INTO crm.rule_sets
SELECT row_number() OVER (ORDER BY name), name, rules, rules::jsonb, ARRAY[rules, 'digital'::lead_qual.engagement_rules]
  FROM lead_qual.engagement_rule_sets;
INSERT INTO crm.rule_sets (id, name, r, definition)
SELECT 100 + n, d->>'description', d::lead_qual.engagement_rules, d
  FROM (VALUES
    (1, '{"description": "no decay", "kinds": {"web_visit": 1, "demo_request": 25}}'::jsonb),
    (2, '{"description": "per-kind half-lives", "half_life_days": 0.5, "cap": 1000000, "floor": -1000000, "kinds": {"a": {"points": 1000000, "half_life_days": 36600}, "b": {"points": -1000000, "cap": 1e12}, "c": 0}}'),
    (3, '{"description": "unicode kinds", "unknown_kinds": "error", "kinds": {"Besuch der Seite": 2, "visita ñ": 3, "訪問": 4}}')
  ) v(n, d);

-- Evidence as jsonb and as JSON text: ordinary leads and awkward values.
CREATE FUNCTION crm.try_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;
CREATE TABLE crm.evidence_samples (id int PRIMARY KEY, note text, evidence jsonb, evidence_text text, as_of timestamptz);
INSERT INTO crm.evidence_samples
SELECT n, note, crm.try_jsonb(t), t, a
  FROM (VALUES
    (1, 'BANT, three met', '{"budget": 8, "authority": 7, "need": 9}', timestamptz '2026-01-05'),
    (2, 'nothing known', '{}', '2026-01-05'),
    (3, 'booleans and words', '{"budget": true, "authority": "yes", "need": " 7.5 ", "timeframe": "no"}', '2026-01-05'),
    (4, 'acme lead', '{"budget_eur": 25000, "role": " CFO ", "need": 8, "purchase_date": "2026-02-10"}', '2026-01-05'),
    (5, 'dates with offsets', '{"purchase_date": "2026-04-01T23:30:00-02:00", "last_contact": "2025-12-20T10:00:00Z", "event_at": "2026-01-08 09:00"}', '2026-01-05'),
    (6, 'grade out of range', '{"budget": 11, "need": -1}', '2026-01-05'),
    (7, 'array value', '{"budget": [7], "authority": {"role": "cfo"}}', '2026-01-05'),
    (8, 'not an object', '[1, 2, 3]', '2026-01-05'),
    (9, 'JSON null', 'null', '2026-01-05'),
    (10, 'huge numbers', '{"budget_eur": 1e308, "need": 1e-308, "risk": -1e300, "employees": 123456789012345678901234567890}', '2026-01-05'),
    (11, 'NaN and infinity as text', '{"budget_eur": "NaN", "risk": "Infinity", "need": "-inf"}', '2026-01-05'),
    (12, 'unicode', '{"role": "директор", "Budget (€)": 12.5, "stad/ciudad": "Zürich", "need": "７"}', '2026-01-05'),
    (13, 'a long key', '{"' || repeat('k', 5000) || '": 1, "need": 5}', '2026-01-05'),
    (14, 'deeply nested', repeat('{"a": ', 60) || '1' || repeat('}', 60), '2026-01-05'),
    (15, 'truncated JSON', '{"budget": 8, "need":', '2026-01-05'),
    (16, 'repeated key', '{"need": 2, "need": 9}', '2026-01-05'),
    (17, 'bad dates', '{"purchase_date": "2026-02-30", "last_contact": "tomorrow"}', '2026-01-05'),
    (18, 'infinite as_of', '{"purchase_date": "2026-02-01"}', 'infinity'),
    (19, 'NULL evidence', NULL, '2026-01-05'),
    (20, 'scale values', '{"interest": "HIGH", "consent": "t", "risk": "3.25", "need": 7}', NULL),
    (21, 'strings for numbers', '{"budget_eur": "12000", "employees": " 250 ", "risk": "1e0"}', '2026-01-05'),
    (22, 'empty strings', '{"budget": "", "role": "", "purchase_date": ""}', '2026-01-05'),
    (23, 'NUL escape', '{"role": "cf\u0000o"}', '2026-01-05'),
    (24, 'many keys', (SELECT '{' || string_agg(format('"k%s": %s', i, i), ', ') || ', "need": 6}' FROM generate_series(1, 2000) i), '2026-01-05')
  ) v(n, note, t, a);

-- Readiness thresholds and next_action configurations, good and bad.
CREATE TABLE crm.settings (id int PRIMARY KEY, kind text, config jsonb);
INSERT INTO crm.settings VALUES
    (1, 'thresholds', NULL),
    (2, 'thresholds', '{}'),
    (3, 'thresholds', '{"bands": [100, 50, 20], "mql": {"fit": "A", "engagement": 40}, "sql": {"fit": "B"}}'),
    (4, 'thresholds', '{"mql": {"fit": "D"}, "sql": {"fit": "D"}}'),
    (5, 'thresholds', '{"bands": [1, 2, 3]}'),
    (6, 'thresholds', '{"mql": {"fitt": "B"}}'),
    (7, 'config', '{"ask_days": 14, "nurture_days": {"A": 15, "D": 365}, "drop_days": 365}'),
    (8, 'config', '{"ask_days": 0, "drop_days": null}'),
    (9, 'config', '{"ask_days": 1.5}'),
    (10, 'config', '[]');

------------------------------------------------------------------------------
-- States of the aggregates, as values and as text.
------------------------------------------------------------------------------
CREATE AGGREGATE crm.fold_state(jsonb, timestamptz) (
    SFUNC = lead_qual.fold_evidence_step, STYPE = lead_qual.touch_state,
    COMBINEFUNC = lead_qual.touch_state_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.qualify_state(text, jsonb, timestamptz) (
    SFUNC = lead_qual.qualify_touches_step, STYPE = lead_qual.touch_state,
    COMBINEFUNC = lead_qual.touch_state_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.qualify_state(lead_qual.model, jsonb, timestamptz, timestamptz) (
    SFUNC = lead_qual.qualify_touches_step, STYPE = lead_qual.touch_state,
    COMBINEFUNC = lead_qual.touch_state_combine, PARALLEL = SAFE);
CREATE AGGREGATE crm.engagement_state(lead_qual.engagement_rules, text, timestamptz, timestamptz) (
    SFUNC = lead_qual.engagement_step, STYPE = lead_qual.engagement_state,
    COMBINEFUNC = lead_qual.engagement_combine, PARALLEL = SAFE);

CREATE TABLE crm.lead_states (
    lead_id int PRIMARY KEY,
    folded lead_qual.touch_state, qualifying lead_qual.touch_state, qualifying_as_of lead_qual.touch_state,
    engaged lead_qual.engagement_state,
    folded_text text, qualifying_text text, engaged_text text,
    states lead_qual.touch_state[]
);
INSERT INTO crm.lead_states (lead_id, folded, qualifying, qualifying_as_of)
SELECT lead_id, crm.fold_state(evidence, touched_at),
       crm.qualify_state(model, evidence, touched_at),
       crm.qualify_state('acme'::lead_qual.model, evidence, touched_at, '2026-01-05')
  FROM crm.touches GROUP BY lead_id;
UPDATE crm.lead_states s SET engaged = e.state
  FROM (SELECT lead_id, crm.engagement_state('digital', kind, occurred_at, '2026-01-05') AS state
          FROM crm.events GROUP BY lead_id) e
 WHERE e.lead_id = s.lead_id;
UPDATE crm.lead_states SET folded_text = folded::text, qualifying_text = qualifying::text,
                           engaged_text = engaged::text, states = ARRAY[folded, qualifying];

------------------------------------------------------------------------------
-- 0.4.0: won and lost leads to learn from, what learn() is asked (sources
-- as regclass, outcomes, criteria, templates, options and goals), the models
-- it learned, and the states of its passes (fit_state, score_histogram).
------------------------------------------------------------------------------
CREATE TABLE crm.won_lost (
    id int PRIMARY KEY, won boolean, channel text, budget numeric, score double precision, newsletter boolean,
    interest crm.interest_level, amount numeric, evidence jsonb
);
INSERT INTO crm.won_lost
SELECT i, CASE WHEN i % 13 = 0 THEN NULL ELSE random() < 0.15 + (i % 3) * 0.25 END,
       (ARRAY['Referral', 'web', 'Event', ' EVENT ', NULL])[1 + i % 5],
       CASE WHEN i % 11 = 0 THEN NULL WHEN i % 97 = 0 THEN 1e308 ELSE round((random() * 100 + (i % 3) * 40)::numeric, 1) END,
       CASE i % 50 WHEN 0 THEN 'Infinity'::float8 WHEN 1 THEN '-0' ELSE random() * 10 END,
       CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 2 END,
       (ARRAY['low', 'medium', 'high', NULL]::crm.interest_level[])[1 + i % 4],
       round((random() * 1000)::numeric, 2),
       jsonb_strip_nulls(jsonb_build_object('channel', (ARRAY['Referral', 'web', 'Event'])[1 + i % 3],
                                            'budget', round((random() * 100 + (i % 3) * 40)::numeric, 1),
                                            'newsletter', CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 2 END))
  FROM generate_series(1, 400) i;
CREATE TABLE crm.learn_requests (
    id int PRIMARY KEY, source regclass, outcome text, criteria text[], template lead_qual.model, options jsonb, goal jsonb
);
INSERT INTO crm.learn_requests VALUES
    (1, 'crm.won_lost', 'won', '{channel,budget,newsletter}', NULL, '{}', '"f1"'),
    (2, 'crm.won_lost', 'won', '{channel,budget,score,interest}', NULL, '{"bands": 4, "weight": "amount", "goal": {"top": 0.2}}', '{"top": 0.2}'),
    (3, 'crm.won_lost', 'won', '{channel,budget,newsletter}', NULL, '{"evidence": "evidence", "min_rows": 5}', '{"precision": 0.7}'),
    (4, 'crm.won_lost', 'won', NULL, '{"name": "deal_fit", "criteria": [{"key": "budget", "rule": {"type": "at_least", "value": 50}}, {"key": "newsletter", "knockout": true, "rule": "boolean"}, {"key": "channel", "rule": {"type": "scale", "grades": {"referral": 9, "web": 4}}}]}',
     '{"as_of": "2026-01-01", "goal": {"precision": 0.6}}', '{"precision": 0.6}'),
    (5, 'crm.leads', 'consent', '{budget,need,industry}', 'bant', '{"regularization": 0.5, "noise": 0}', '"f1"'),
    (6, 'crm.won_lost', 'newsletter', '{nope}', 'saas_fit', '{"bands": 1}', '{"top": 0}'),
    (7, 'crm.accounts', 'won', '{}', NULL, '[]', '"recall"');
CREATE TABLE crm.learned (
    id int PRIMARY KEY, m lead_qual.model, fit lead_qual.fit_state, hist lead_qual.auc_state, fits lead_qual.fit_state[]
);
INSERT INTO crm.learned (id, m)
SELECT id, CASE WHEN template IS NULL THEN lead_qual.learn(source, outcome, criteria, options)
                ELSE lead_qual.learn(source, outcome, template, options) END
  FROM crm.learn_requests WHERE id <= 5;
UPDATE crm.learned SET
    fit = (SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "budget", "kind": "bands", "cuts": [25, 50, 75]}, {"source": "channel", "kind": "values", "values": ["referral", "web"]}]}',
                                      '{-0.2, 0, -1, -0.5, 0.5, 1, 0, -0.5, 0.3, 1}', w, w.won, 1) FROM crm.won_lost w WHERE w.id % 5 = crm.learned.id % 5),
    hist = (SELECT lead_qual.score_histogram(budget::float8, won) FROM crm.won_lost w WHERE w.id % 5 = crm.learned.id % 5),
    fits = ARRAY[(SELECT lead_qual.learn_fit('{"version": 1, "criteria": [{"source": "newsletter", "kind": "boolean"}]}', '{0.1, 0, 0.2, -0.3}',
                                             w.evidence, w.won, 1) FROM crm.won_lost w), NULL];
CREATE VIEW crm.learned_scores AS
SELECT w.id, l.id AS model_id, lead_qual.score(l.m, to_jsonb(w), '2026-01-05') AS score,
       lead_qual.win_probability(l.m, to_jsonb(w), '2026-01-05') AS p_won
  FROM crm.won_lost w, crm.learned l WHERE l.id <= 2;
CREATE VIEW crm.learned_auc AS
SELECT l.id, lead_qual.auc(lead_qual.score(l.m, to_jsonb(w), '2026-01-05'), w.won) AS auc,
       lead_qual.score_histogram(w.score, w.won) AS hist
  FROM crm.won_lost w, crm.learned l GROUP BY l.id;
CREATE AGGREGATE crm.fit_pass(jsonb, double precision[], jsonb, boolean, double precision) (
    SFUNC = lead_qual.learn_fit_step, STYPE = lead_qual.fit_state,
    COMBINEFUNC = lead_qual.learn_fit_combine, PARALLEL = SAFE);

-- Texts to feed the text inputs: models, rules and states as they are
-- written out, and damaged (cut short, a number out of range or not a
-- number, a field twice, another version, nested deeply, a long key).
-- SQLsmith passes the text columns of its tables to functions that take
-- text or cstring, so these reach model(text), qualify(text, ...),
-- touch_state_in() and the other inputs.
CREATE TABLE crm.raw_inputs (id serial PRIMARY KEY, kind text, body text, body_json jsonb);
INSERT INTO crm.raw_inputs (kind, body)
SELECT kind, body FROM (
    SELECT 'model' AS kind, definition_text AS body FROM crm.model_versions
    UNION ALL SELECT 'rules', definition::text FROM crm.rule_sets
    UNION ALL SELECT 'fold state', folded_text FROM crm.lead_states WHERE lead_id <= 10
    UNION ALL SELECT 'qualify state', qualifying_text FROM crm.lead_states WHERE lead_id <= 10
    UNION ALL SELECT 'qualify state', qualifying_as_of::text FROM crm.lead_states WHERE lead_id <= 5
    UNION ALL SELECT 'engagement state', engaged_text FROM crm.lead_states WHERE lead_id <= 10
    UNION ALL SELECT 'fit state', fit::text FROM crm.learned
    UNION ALL SELECT 'auc state', hist::text FROM crm.learned
    UNION ALL SELECT 'learned model', m::text FROM crm.learned
    UNION ALL SELECT 'learn options', options::text FROM crm.learn_requests
    UNION ALL SELECT 'thresholds', config::text FROM crm.settings
    UNION ALL SELECT 'evidence', evidence_text FROM crm.evidence_samples
) t;
INSERT INTO crm.raw_inputs (kind, body)
SELECT 'damaged ' || kind,
       CASE m
           WHEN 0 THEN left(body, length(body) / 2)
           WHEN 1 THEN regexp_replace(body, '\d+(\.\d+)?', '1e999')
           WHEN 2 THEN regexp_replace(body, '\d+(\.\d+)?', 'NaN')
           WHEN 3 THEN regexp_replace(body, '\d+(\.\d+)?', '-0.000000000000000000000000001')
           WHEN 4 THEN regexp_replace(body, '^\{', '{"version": 2, ')
           WHEN 5 THEN regexp_replace(body, '"([a-z_]+)": ', '"\1": 1, "\1": ')
           WHEN 6 THEN repeat('[', 40) || body || repeat(']', 40)
           WHEN 7 THEN regexp_replace(body, '"([a-z_]+)"', '"' || repeat('x', 70) || '"')
           WHEN 8 THEN replace(replace(body, 'fold', 'qualify'), '+00', '+01')
           WHEN 9 THEN regexp_replace(body, '("[^"]*")', '\1\1', 'g')
           WHEN 10 THEN translate(body, '[]', '{}')
           ELSE reverse(body)
       END
  FROM crm.raw_inputs r, generate_series(0, 11) m
 WHERE r.body IS NOT NULL AND r.kind <> 'evidence' AND (r.id + m) % 3 = 0;
UPDATE crm.raw_inputs SET body_json = crm.try_jsonb(body);

-- Equality, hashing and ordering of the lead_qual types that lack them, by
-- their canonical text, so that the NULLIF, DISTINCT, UNION, IN, ORDER BY
-- and window ORDER BY that SQLsmith writes over such columns can run (a
-- model has = and hashing, engagement rules have =; states have neither).
DO $$
DECLARE
    t text;
    short text;
BEGIN
    FOREACH t IN ARRAY ARRAY['model', 'engagement_rules', 'touch_state', 'engagement_state', 'auc_state', 'fit_state'] LOOP
        short := t;
        EXECUTE format($f$CREATE FUNCTION crm.%1$s_cmp(a lead_qual.%1$s, b lead_qual.%1$s) RETURNS int
                             LANGUAGE sql IMMUTABLE STRICT
                             AS 'SELECT CASE WHEN a::text COLLATE "C" < b::text COLLATE "C" THEN -1
                                             WHEN a::text = b::text THEN 0 ELSE 1 END'$f$, short);
        EXECUTE format($f$CREATE FUNCTION crm.%1$s_hash(a lead_qual.%1$s) RETURNS int
                             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT hashtext(a::text)'$f$, short);
        EXECUTE format($f$CREATE FUNCTION crm.%1$s_lt(a lead_qual.%1$s, b lead_qual.%1$s) RETURNS boolean
                             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT crm.%1$s_cmp(a, b) < 0'$f$, short);
        EXECUTE format($f$CREATE FUNCTION crm.%1$s_le(a lead_qual.%1$s, b lead_qual.%1$s) RETURNS boolean
                             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT crm.%1$s_cmp(a, b) <= 0'$f$, short);
        EXECUTE format($f$CREATE FUNCTION crm.%1$s_ge(a lead_qual.%1$s, b lead_qual.%1$s) RETURNS boolean
                             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT crm.%1$s_cmp(a, b) >= 0'$f$, short);
        EXECUTE format($f$CREATE FUNCTION crm.%1$s_gt(a lead_qual.%1$s, b lead_qual.%1$s) RETURNS boolean
                             LANGUAGE sql IMMUTABLE STRICT AS 'SELECT crm.%1$s_cmp(a, b) > 0'$f$, short);
        EXECUTE format($f$CREATE OPERATOR crm.< (LEFTARG = lead_qual.%1$s, RIGHTARG = lead_qual.%1$s, FUNCTION = crm.%1$s_lt)$f$, short);
        EXECUTE format($f$CREATE OPERATOR crm.<= (LEFTARG = lead_qual.%1$s, RIGHTARG = lead_qual.%1$s, FUNCTION = crm.%1$s_le)$f$, short);
        EXECUTE format($f$CREATE OPERATOR crm.>= (LEFTARG = lead_qual.%1$s, RIGHTARG = lead_qual.%1$s, FUNCTION = crm.%1$s_ge)$f$, short);
        EXECUTE format($f$CREATE OPERATOR crm.> (LEFTARG = lead_qual.%1$s, RIGHTARG = lead_qual.%1$s, FUNCTION = crm.%1$s_gt)$f$, short);
        IF t IN ('touch_state', 'engagement_state', 'auc_state', 'fit_state') THEN
            EXECUTE format($f$CREATE FUNCTION crm.%1$s_eq(a lead_qual.%1$s, b lead_qual.%1$s) RETURNS boolean
                                 LANGUAGE sql IMMUTABLE STRICT AS 'SELECT a::text = b::text'$f$, short);
            EXECUTE format($f$CREATE OPERATOR crm.= (LEFTARG = lead_qual.%1$s, RIGHTARG = lead_qual.%1$s,
                                                     FUNCTION = crm.%1$s_eq, COMMUTATOR = OPERATOR(crm.=), HASHES)$f$, short);
        END IF;
        EXECUTE format($f$CREATE OPERATOR CLASS crm.%1$s_btree_ops DEFAULT FOR TYPE lead_qual.%1$s USING btree AS
                             OPERATOR 1 crm.<, OPERATOR 2 crm.<=, OPERATOR 3 %2$s, OPERATOR 4 crm.>=, OPERATOR 5 crm.>,
                             FUNCTION 1 crm.%1$s_cmp(lead_qual.%1$s, lead_qual.%1$s)$f$,
                       short, CASE WHEN t IN ('touch_state', 'engagement_state', 'auc_state', 'fit_state') THEN 'crm.=' ELSE 'lead_qual.=' END);
        IF t <> 'model' THEN
            EXECUTE format($f$CREATE OPERATOR CLASS crm.%1$s_hash_ops DEFAULT FOR TYPE lead_qual.%1$s USING hash AS
                                 OPERATOR 1 %2$s, FUNCTION 1 crm.%1$s_hash(lead_qual.%1$s)$f$,
                           short, CASE WHEN t IN ('touch_state', 'engagement_state', 'auc_state', 'fit_state') THEN 'crm.=' ELSE 'lead_qual.=' END);
        END IF;
    END LOOP;
END
$$;

------------------------------------------------------------------------------
-- Results of every kind: qualifications, explanations, readiness, next steps.
------------------------------------------------------------------------------
CREATE TABLE crm.lead_scores (
    lead_id int PRIMARY KEY,
    bant lead_qual.qualification, acme lead_qual.qualification, fit lead_qual.qualification,
    touches lead_qual.qualification, engagement double precision,
    ready lead_qual.readiness, next lead_qual.next_step,
    all_quals lead_qual.qualification[], scored_at timestamptz
);
INSERT INTO crm.lead_scores
SELECT l.id, qualify('bant', l, '2026-01-05'), qualify('acme', l, '2026-01-05'),
       qualify('icp', l, '2026-01-05'), lead_qual.qualify_touches_final(s.qualifying), e.score,
       readiness(qualify('icp', l, '2026-01-05'), e.score, qualify('bant', l, '2026-01-05')),
       next_action('acme', l, '2026-01-05'),
       ARRAY[qualify('bant', l, '2026-01-05'), qualify('saas_fit', l, '2026-01-05')],
       '2026-01-05'
  FROM crm.leads l
  LEFT JOIN crm.lead_states s ON s.lead_id = l.id
  LEFT JOIN (SELECT lead_id, engagement('digital', kind, occurred_at, '2026-01-05') AS score
               FROM crm.events GROUP BY lead_id) e ON e.lead_id = l.id;

CREATE TABLE crm.explanations (id serial PRIMARY KEY, lead_id int, model text, lang text, e lead_qual.explanation);
INSERT INTO crm.explanations (lead_id, model, lang, e)
SELECT l.id, m, lang, x
  FROM crm.leads l,
       (VALUES ('bant', 'en'), ('acme', 'nl'), ('saas_fit', 'es')) v(m, lang),
       LATERAL explain(m, l, '2026-01-05', lang) x
 WHERE l.id <= 40;

------------------------------------------------------------------------------
-- Views: computed when read, flattened for BI tools, and over the aggregates.
------------------------------------------------------------------------------
SELECT lead_qual.create_view('crm.leads', 'acme', 'crm.leads_acme', column_prefix => 'acme_') IS NOT NULL AS created;
SELECT lead_qual.create_view('crm.inbound', 'saas_fit', 'crm.inbound_fit', 'evidence', 'received_at') IS NOT NULL AS created;
SELECT lead_qual.create_stored_view('crm.leads', 'q', 'crm.leads_bi', column_prefix => 'bant_') IS NOT NULL AS created;

CREATE VIEW crm.lead_touch_summary AS
SELECT lead_id, count(*) AS touches, fold_evidence(evidence, touched_at) AS latest,
       qualify_touches('bant', evidence, touched_at) AS bant,
       qualify_touches('acme'::lead_qual.model, evidence, touched_at, '2026-01-05') AS acme
  FROM crm.touches GROUP BY lead_id;
CREATE VIEW crm.lead_engagement AS
SELECT lead_id, count(kind) AS events,
       engagement('digital', kind, occurred_at, '2026-01-05') AS digital,
       engagement('web'::lead_qual.engagement_rules, kind, occurred_at, '2026-01-05') AS web
  FROM crm.events GROUP BY lead_id;
CREATE VIEW crm.lead_running AS
SELECT e.lead_id, e.occurred_at, e.kind,
       engagement('digital', e.kind, e.occurred_at, '2026-01-05')
           OVER (PARTITION BY e.lead_id ORDER BY e.occurred_at ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS moving,
       (qualify_touches('bant', t.evidence, t.touched_at)
           OVER (PARTITION BY t.lead_id ORDER BY t.touched_at)).score AS running_bant
  FROM crm.events e JOIN crm.touches t ON t.id = e.id;
CREATE VIEW crm.lead_readiness AS
SELECT l.id, l.company, f AS fit, e.digital, b AS bant, r.*
  FROM crm.leads l
  LEFT JOIN crm.lead_engagement e ON e.lead_id = l.id,
       LATERAL qualify('icp', l, '2026-01-05') f,
       LATERAL qualify('bant', l, '2026-01-05') b,
       LATERAL readiness(f, e.digital, b) r;
CREATE VIEW crm.lead_next_steps AS
SELECT l.id, n.*
  FROM crm.leads l, LATERAL next_action('acme', l, '2026-01-05', 'nl', '{"ask_days": 10}') n;
CREATE VIEW crm.lead_explained AS
SELECT l.id, x.*
  FROM crm.leads l, LATERAL explain('saas_fit', l, '2026-01-05') x;
CREATE VIEW crm.model_catalog AS
SELECT m.name, m.model, c.*
  FROM lead_qual.models m, LATERAL lead_qual.criteria(m.model, 'es') c;
CREATE VIEW crm.rule_catalog AS
SELECT r.name, r.rules, k.*
  FROM lead_qual.engagement_rule_sets r, LATERAL lead_qual.engagement_kinds(r.rules) k;

------------------------------------------------------------------------------
-- Scalar wrappers of the set-returning functions, which SQLsmith does not
-- call itself.
------------------------------------------------------------------------------
CREATE FUNCTION crm.explain_all(m lead_qual.model, evidence jsonb, as_of timestamptz, lang text)
    RETURNS lead_qual.explanation[] LANGUAGE sql STABLE
    AS $$ SELECT array_agg(x ORDER BY x.ordinal) FROM lead_qual.explain(m, evidence, as_of, lang) x $$;
CREATE FUNCTION crm.explain_all(m text, evidence text, as_of timestamptz)
    RETURNS lead_qual.explanation[] LANGUAGE sql STABLE
    AS $$ SELECT array_agg(x ORDER BY x.ordinal) FROM lead_qual.explain(m, evidence, as_of) x $$;
CREATE FUNCTION crm.criteria_of(m lead_qual.model, lang text)
    RETURNS jsonb LANGUAGE sql STABLE
    AS $$ SELECT jsonb_agg(to_jsonb(c)) FROM lead_qual.criteria(m, lang) c $$;
CREATE FUNCTION crm.kinds_of(r lead_qual.engagement_rules)
    RETURNS jsonb LANGUAGE sql STABLE
    AS $$ SELECT jsonb_agg(to_jsonb(k)) FROM lead_qual.engagement_kinds(r) k $$;
CREATE FUNCTION crm.scored_tables(t regclass)
    RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT string_agg(concat_ws(' ', a.table_name, a.trigger_name, a.model, a.target_column), '; ')
            FROM lead_qual.autoscore_triggers(t) a $$;

------------------------------------------------------------------------------
-- The unprivileged role that runs SQLsmith: it reads everything and may
-- write the CRM tables and the registries (SQLsmith rolls back every
-- statement it runs), but owns nothing and is no superuser.
------------------------------------------------------------------------------
GRANT USAGE ON SCHEMA crm TO :"role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm TO :"role";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA crm TO :"role";
GRANT INSERT, UPDATE, DELETE ON lead_qual.models, lead_qual.engagement_rule_sets TO :"role";
ANALYZE;

------------------------------------------------------------------------------
-- The catalog of routines SQLsmith reads.  SQLsmith picks a function at
-- random among all functions of the wanted result type, so lead_qual's few
-- dozen are rarely picked among PostgreSQL's three thousand.  It reads the
-- functions from "pg_proc" without a schema, so a relation of that name in a
-- schema that comes before pg_catalog in the role's search_path is what it
-- reads.  That relation lists:
--   * every function of PostgreSQL, except those SQLsmith cannot call right:
--     arguments or results of the polymorphic range, multirange, enum and
--     "anycompatible" pseudo-types (it passes a NULL cast to the
--     pseudo-type itself, which always fails), "internal" arguments,
--     VARIADIC arrays (it passes the array without VARIADIC), procedures
--     (it writes no CALL), and arguments or results of type unknown (which
--     PostgreSQL cannot sort: known_core_errors.txt);
--   * the functions and aggregates of schema lead_qual, and those of schema
--     crm that use them, :weight times each (the copies get identifiers of
--     their own, which SQLsmith uses only to read their argument types from
--     this relation).
-- It is a materialized view, because SQLsmith takes the tables it queries
-- from information_schema.tables, which lists tables and views but not
-- materialized views: SQLsmith never queries it.
------------------------------------------------------------------------------
CREATE SCHEMA smith_catalog;
GRANT USAGE ON SCHEMA smith_catalog TO :"role";
SELECT :weight > 0 AS weighted \gset
\if :weighted
CREATE MATERIALIZED VIEW smith_catalog.pg_proc AS
WITH usable AS (
    SELECT p.oid, p.pronamespace, p.proname, p.prorettype, p.proretset, p.prokind, p.proargtypes,
           p.pronamespace = 'lead_qual'::regnamespace
           OR (p.pronamespace = 'crm'::regnamespace AND (p.prokind = 'a' OR p.prosrc ~ 'lead_qual\.')) AS ours
      FROM pg_catalog.pg_proc p
     WHERE NOT (p.proargtypes::oid[] || p.prorettype) && ARRAY[
               'anyrange', 'anymultirange', 'anyenum', 'anycompatible', 'anycompatiblearray',
               'anycompatiblenonarray', 'anycompatiblerange', 'anycompatiblemultirange', 'unknown']::regtype[]::oid[]
       AND NOT 'internal'::regtype::oid = ANY (p.proargtypes::oid[])
       AND p.provariadic IN (0, '"any"'::regtype)
       AND p.prokind <> 'p'
)
SELECT oid, pronamespace, proname, prorettype, proretset, prokind, proargtypes FROM usable
UNION ALL
SELECT (4000000000 + row_number() OVER (ORDER BY u.oid, copy))::oid,
       pronamespace, proname, prorettype, proretset, prokind, proargtypes
  FROM usable u, generate_series(2, :weight) copy
 WHERE ours;
-- SQLsmith reads the argument types of each function by its oid.
CREATE UNIQUE INDEX ON smith_catalog.pg_proc (oid);
GRANT SELECT ON smith_catalog.pg_proc TO :"role";
\endif
ALTER ROLE :"role" IN DATABASE :"DBNAME" SET search_path = smith_catalog, pg_catalog, crm, lead_qual, public;
