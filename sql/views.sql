-- Views for BI tools: a table's columns plus flat, plainly typed
-- qualification columns, and the registry as plain rows.
SET search_path = public, lead_qual;

CREATE SCHEMA crm;
CREATE TABLE crm.leads (id int PRIMARY KEY, company text, budget int, authority int, need int,
                        timeframe int, evidence jsonb, seen date, q qualification);
INSERT INTO crm.leads VALUES
    (1, 'Brightwater', 8, 7, 9, NULL, '{"budget": true}', '2026-01-01'),
    (2, 'Orchid', NULL, NULL, NULL, NULL, NULL, NULL),
    (3, 'Vega', 2, 1, 3, 9, '{"budget": false, "need": 9}', '2026-02-01');

-- Computed when read: the table's columns, then model, score, qualified,
-- status, tier, met, known, total, missing and failed.
SELECT create_view('crm.leads', 'bant', 'leads_bant');
SELECT id, company, model, score, qualified, status, tier, met, known, total, missing, failed
  FROM crm.leads_bant ORDER BY id;
-- The column list and types a BI tool sees.
CREATE FUNCTION view_columns(v regclass) RETURNS TABLE (n int, column_name name, data_type text)
LANGUAGE sql AS $$
    SELECT attnum, attname, format_type(atttypid, atttypmod) FROM pg_attribute
     WHERE attrelid = v AND attnum > 0 AND NOT attisdropped ORDER BY attnum
$$;
SELECT * FROM view_columns('crm.leads_bant');
SELECT obj_description('crm.leads_bant'::regclass, 'pg_class');

-- Evidence from a jsonb column, as_of from a column, a prefix, and a
-- schema-qualified name.
SELECT create_view('crm.leads', 'bant', 'public.leads_by_touch', evidence_column => 'evidence',
                   as_of_column => 'seen', column_prefix => 'bant_');
SELECT id, bant_score, bant_status, bant_missing FROM leads_by_touch ORDER BY id;
-- The stored qualification of an auto-scored table, flattened.  (Rows
-- stored before the trigger came get theirs with any UPDATE.)
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON crm.leads
    FOR EACH ROW EXECUTE FUNCTION lead_qual.autoscore('six_signals', 'q', 'evidence');
UPDATE crm.leads SET evidence = evidence;
SELECT create_stored_view('crm.leads', 'q', 'leads_stored', column_prefix => 'lq_');
SELECT * FROM view_columns('crm.leads_stored');
SELECT id, lq_model, lq_score, lq_status, lq_missing FROM crm.leads_stored ORDER BY id;
-- The views follow the data.
UPDATE crm.leads SET timeframe = 9, evidence = '{"fit": true, "budget": true, "urgency": 9}' WHERE id = 2;
SELECT b.id, b.status AS bant_live, s.lq_status AS stored_six_signals
  FROM crm.leads_bant b JOIN crm.leads_stored s USING (id) ORDER BY id;

-- Errors.
CREATE TABLE crm.with_status (id int, status text, budget int);
SELECT * FROM regress.err_detail($$SELECT lead_qual.create_view('crm.with_status', 'bant', 'x')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_view('crm.leads', 'no_such_model', 'x')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_view('crm.leads', 'bant', 'crm.leads_bant')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_view('crm.leads', 'bant', NULL)$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_stored_view('crm.leads', 'company', 'x')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_view('crm.nope', 'bant', 'x')$$);

-- The registry for BI: one row per model and per criterion, plain types.
SELECT * FROM view_columns('lead_qual.model_overview');
SELECT model, label, builtin, min_met, criteria, pass_score, tier_a, tier_b, tier_c
  FROM model_overview ORDER BY model;
SELECT * FROM view_columns('lead_qual.model_criteria');
SELECT model, ordinal, criterion, label, weight, source, rule_type, rule, knockout, min_met
  FROM model_criteria WHERE model IN ('bant', 'champ') ORDER BY model, ordinal;

DROP VIEW leads_by_touch;
DROP SCHEMA crm CASCADE;
DROP FUNCTION view_columns(regclass);

-- A NULL table or column is 22004, not an error of the statement that
-- would have been built from it.
SELECT * FROM regress.err($$SELECT lead_qual.create_view(NULL, 'bant', 'v_null')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_stored_view(NULL, 'q', 'v_null')$$);
SELECT * FROM regress.err($$SELECT lead_qual.create_stored_view('lead_qual.models', NULL, 'v_null')$$);
SELECT * FROM regress.err($$SELECT lead_qual.enable_history(NULL)$$);
SELECT * FROM regress.err($$SELECT lead_qual.enable_history(NULL, 'id')$$);
