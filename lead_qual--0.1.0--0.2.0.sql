/* lead_qual 0.1.0 -> 0.2.0: the auto-scoring trigger, score history,
 * rescoring, and views for BI tools. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.2.0'" to load this file. \quit

--------------------------------------------------------------------------
-- Auto-scoring
--------------------------------------------------------------------------

CREATE FUNCTION lead_qual.autoscore() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lq_autoscore' LANGUAGE C;

CREATE FUNCTION lead_qual.autoscore_triggers(target regclass DEFAULT NULL)
    RETURNS TABLE (table_name regclass, trigger_name name, model text,
                   target_column text, evidence_column text, as_of_column text,
                   history boolean)
    AS 'MODULE_PATHNAME', 'lq_autoscore_triggers' LANGUAGE C STABLE PARALLEL SAFE;

--------------------------------------------------------------------------
-- Score history
--------------------------------------------------------------------------

CREATE TABLE lead_qual.history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    lead_key text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    model text NOT NULL,
    old_status text,
    new_status text,
    old_tier text,
    new_tier text,
    old_score double precision,
    new_score double precision,
    changed_criteria text[] NOT NULL DEFAULT '{}',
    changed_by name NOT NULL
);
CREATE INDEX history_lead ON lead_qual.history (table_name, lead_key, id);
SELECT pg_catalog.pg_extension_config_dump('lead_qual.history', '');
SELECT pg_catalog.pg_extension_config_dump('lead_qual.history_id_seq', '');

-- Only the extension's owner writes the history (the trigger switches to
-- it); everyone reads the history of the tables they may read.
REVOKE ALL ON lead_qual.history FROM PUBLIC;
GRANT SELECT ON lead_qual.history TO PUBLIC;
ALTER TABLE lead_qual.history ENABLE ROW LEVEL SECURITY;
CREATE POLICY history_of_readable_tables ON lead_qual.history FOR SELECT
    USING (pg_catalog.to_regclass(table_name) IS NOT NULL
           AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(table_name), 'SELECT'));

CREATE FUNCTION lead_qual.record_history() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lq_record_history' LANGUAGE C;

CREATE FUNCTION lead_qual.enable_history(target regclass, key_column name DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key name := key_column;
    qualified_name text;
    scorer record;
    n integer := 0;
BEGIN
    SELECT format('%I.%I', n.nspname, c.relname) INTO qualified_name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target;
    IF key IS NULL THEN
        SELECT a.attname INTO key
          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisprimary AND i.indnatts = 1;
        IF key IS NULL THEN
            RAISE EXCEPTION 'table % has no single-column primary key to name its leads in the history', target
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Give the key column: lead_qual.enable_history(table, key_column => ...).';
        END IF;
    ELSIF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = target AND attname = key
                                                 AND attnum > 0 AND NOT attisdropped) THEN
        RAISE EXCEPTION 'table % has no column "%"', target, key
            USING ERRCODE = 'undefined_column';
    END IF;
    FOR scorer IN SELECT trigger_name FROM lead_qual.autoscore_triggers(target) LOOP
        IF EXISTS (SELECT FROM pg_trigger
                    WHERE tgrelid = target AND tgname = scorer.trigger_name || '_history') THEN
            EXECUTE format('DROP TRIGGER %I ON %s', scorer.trigger_name || '_history', target);
        END IF;
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %s FOR EACH ROW '
                       'EXECUTE FUNCTION lead_qual.record_history(%L, %L, %L)',
                       scorer.trigger_name || '_history', target,
                       scorer.trigger_name, key, qualified_name);
        n := n + 1;
    END LOOP;
    IF n = 0 THEN
        RAISE EXCEPTION 'table % has no lead_qual.autoscore trigger', target
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'History records the changes an autoscore trigger makes; create that first.';
    END IF;
    RETURN n;
END
$$;

CREATE FUNCTION lead_qual.disable_history(target regclass)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
    n integer := 0;
BEGIN
    FOR t IN SELECT tgname FROM pg_trigger
              WHERE tgrelid = target AND tgfoid = 'lead_qual.record_history()'::regprocedure
                AND tgparentid = 0
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, target);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

--------------------------------------------------------------------------
-- Rescoring after a model changes
--------------------------------------------------------------------------

CREATE TABLE lead_qual.rescore_progress (
    table_name text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    finished_at timestamptz,
    pages_done bigint NOT NULL,
    pages_total bigint NOT NULL,
    rows_rescored bigint NOT NULL
);
REVOKE ALL ON lead_qual.rescore_progress FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON lead_qual.rescore_progress TO PUBLIC;
ALTER TABLE lead_qual.rescore_progress ENABLE ROW LEVEL SECURITY;
CREATE POLICY progress_readable ON lead_qual.rescore_progress FOR SELECT USING (true);
CREATE POLICY progress_of_own_rescores ON lead_qual.rescore_progress FOR INSERT
    WITH CHECK (pg_catalog.to_regclass(table_name) IS NOT NULL
                AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(table_name), 'UPDATE'));
CREATE POLICY progress_of_own_rescores_update ON lead_qual.rescore_progress FOR UPDATE
    USING (pg_catalog.to_regclass(table_name) IS NOT NULL
           AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(table_name), 'UPDATE'));

-- A procedure, so that it can commit after each batch.  It cannot have a
-- SET clause for that reason: every name in it is schema-qualified.
CREATE PROCEDURE lead_qual.rescore(target regclass, batch_pages integer DEFAULT 1000,
                                   restart boolean DEFAULT false)
    LANGUAGE plpgsql
AS $$
DECLARE
    qualified_name text;
    sets text := '';
    differs text := '';
    expr text;
    scorer record;
    sql text;
    page bigint := 0;
    pages bigint := pg_catalog.pg_relation_size(target) OPERATOR(pg_catalog./)
                    pg_catalog.current_setting('block_size')::integer;
    changed bigint;
    rescored bigint := 0;
BEGIN
    IF batch_pages IS NULL OR batch_pages < 1 THEN
        RAISE EXCEPTION 'batch_pages must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO qualified_name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = target;

    -- What each autoscore trigger of the table writes, as the trigger would.
    FOR scorer IN SELECT * FROM lead_qual.autoscore_triggers(target) LOOP
        expr := pg_catalog.format('lead_qual.qualify(%L, %s, %s)', scorer.model,
                    CASE WHEN scorer.evidence_column IS NULL THEN 't'
                         ELSE 't.' || pg_catalog.quote_ident(scorer.evidence_column) END,
                    CASE WHEN scorer.as_of_column IS NULL THEN 'pg_catalog.transaction_timestamp()'
                         WHEN (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = target AND a.attname = scorer.as_of_column)
                              IN ('pg_catalog.date'::pg_catalog.regtype, 'pg_catalog.timestamp'::pg_catalog.regtype)
                         THEN pg_catalog.format('(t.%I::pg_catalog.timestamp AT TIME ZONE ''UTC'')', scorer.as_of_column)
                         ELSE 't.' || pg_catalog.quote_ident(scorer.as_of_column) END);
        sets := sets || CASE WHEN sets = '' THEN '' ELSE ', ' END
                || pg_catalog.format('%I = %s', scorer.target_column, expr);
        differs := differs || CASE WHEN differs = '' THEN '' ELSE ' OR ' END
                || pg_catalog.format('t.%I IS DISTINCT FROM %s', scorer.target_column, expr);
    END LOOP;
    IF sets = '' THEN
        RAISE EXCEPTION 'table % has no lead_qual.autoscore trigger', target
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    sql := pg_catalog.format('UPDATE %s AS t SET %s WHERE t.ctid >= $1 AND t.ctid < $2 AND (%s)',
                             target, sets, differs);

    -- Resume an interrupted run, unless asked to start over.
    IF NOT restart THEN
        SELECT p.pages_done, p.rows_rescored INTO page, rescored
          FROM lead_qual.rescore_progress p
         WHERE p.table_name OPERATOR(pg_catalog.=) qualified_name AND p.finished_at IS NULL;
        page := COALESCE(page, 0);
        rescored := COALESCE(rescored, 0);
    END IF;
    INSERT INTO lead_qual.rescore_progress AS p
           (table_name, started_at, updated_at, finished_at, pages_done, pages_total, rows_rescored)
    VALUES (qualified_name, pg_catalog.clock_timestamp(), pg_catalog.clock_timestamp(), NULL, page,
            pages, rescored)
    ON CONFLICT (table_name) DO UPDATE
       SET started_at = CASE WHEN EXCLUDED.pages_done OPERATOR(pg_catalog.=) 0
                             THEN EXCLUDED.started_at ELSE p.started_at END,
           updated_at = EXCLUDED.updated_at, finished_at = NULL,
           pages_done = EXCLUDED.pages_done, pages_total = EXCLUDED.pages_total,
           rows_rescored = EXCLUDED.rows_rescored;
    COMMIT;

    -- The pages the table has now.  Rows written after this point, and the
    -- new versions this writes, are scored by the trigger with the model as
    -- it is: there is no need to follow the table as it grows.
    LOOP
        EXIT WHEN page OPERATOR(pg_catalog.>=) pages;
        EXECUTE sql USING pg_catalog.format('(%s,0)', page)::pg_catalog.tid,
                          pg_catalog.format('(%s,0)', page OPERATOR(pg_catalog.+) batch_pages)::pg_catalog.tid;
        GET DIAGNOSTICS changed = ROW_COUNT;
        page := LEAST(page OPERATOR(pg_catalog.+) batch_pages, pages);
        rescored := rescored OPERATOR(pg_catalog.+) changed;
        UPDATE lead_qual.rescore_progress
           SET updated_at = pg_catalog.clock_timestamp(), pages_done = page, rows_rescored = rescored
         WHERE table_name OPERATOR(pg_catalog.=) qualified_name;
        RAISE NOTICE 'lead_qual.rescore(%): % of % pages, % rows rescored',
            qualified_name, page, pages, rescored;
        COMMIT;
    END LOOP;
    UPDATE lead_qual.rescore_progress
       SET updated_at = pg_catalog.clock_timestamp(), finished_at = pg_catalog.clock_timestamp()
     WHERE table_name OPERATOR(pg_catalog.=) qualified_name;
    COMMIT;
END
$$;

--------------------------------------------------------------------------
-- Views for BI tools: flat, plainly typed columns
--------------------------------------------------------------------------

-- The qualification columns a view adds: their names, and their
-- expressions over q, an expression of type lead_qual.qualification that
-- can take a field selection (q.score).
CREATE FUNCTION lead_qual.flat_columns(q text, column_prefix text)
    RETURNS TABLE (name text, expr text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT column_prefix || f.name, format(f.expr, q)
      FROM (VALUES (1, 'model', '%s.model'), (2, 'score', '%s.score'),
                   (3, 'qualified', '%s.qualified'), (4, 'status', '%s.status'),
                   (5, 'tier', '%s.tier'), (6, 'met', '%s.met'), (7, 'known', '%s.known'),
                   (8, 'total', '%s.total'),
                   (9, 'missing', 'pg_catalog.array_to_string(%s.missing, '', '')'),
                   (10, 'failed', 'pg_catalog.array_to_string(%s.failed, '', '')'))
           AS f(n, name, expr)
     ORDER BY f.n
$$;

-- The view: the table's columns (but skip_column), then the flat columns of
-- q, where joined is what FROM adds after the table t (or '').  A view name
-- without a schema is created in the schema of the table.
CREATE FUNCTION lead_qual.make_view(source regclass, view_name text, q text, joined text,
                                    skip_column name, column_prefix text, description text)
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols text;
    clash text;
    target text;
    v regclass;
BEGIN
    IF view_name IS NULL OR column_prefix IS NULL THEN
        RAISE EXCEPTION 'view name and column prefix must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- a view without a schema goes next to its table
    SELECT string_agg(quote_ident(p), '.') INTO target FROM unnest(parse_ident(view_name)) AS p;
    IF array_length(parse_ident(view_name), 1) = 1 THEN
        SELECT format('%I.', n.nspname) || target INTO target
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = source;
    END IF;
    SELECT f.name INTO clash
      FROM lead_qual.flat_columns(q, column_prefix) f
      JOIN pg_attribute a ON a.attrelid = source AND a.attname = f.name AND a.attnum > 0
                         AND NOT a.attisdropped AND a.attname IS DISTINCT FROM skip_column
     LIMIT 1;
    IF clash IS NOT NULL THEN
        RAISE EXCEPTION 'table % already has a column "%"', source, clash
            USING ERRCODE = 'duplicate_column',
                  HINT = 'Give the qualification columns a prefix: column_prefix => ''lq_''.';
    END IF;
    SELECT string_agg(format('t.%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = source AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname IS DISTINCT FROM skip_column;
    SELECT coalesce(cols || ', ', '') || string_agg(format('%s AS %I', f.expr, f.name), ', ')
      INTO cols FROM lead_qual.flat_columns(q, column_prefix) f;
    EXECUTE format('CREATE VIEW %s AS SELECT %s FROM %s AS t %s', target, cols, source, joined);
    v := to_regclass(target);
    EXECUTE format('COMMENT ON VIEW %s IS %L', v, description);
    RETURN v;
END
$$;

CREATE FUNCTION lead_qual.create_view(source regclass, model text, view_name text,
                                      evidence_column name DEFAULT NULL,
                                      as_of_column name DEFAULT NULL,
                                      column_prefix text DEFAULT '')
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF model IS NULL THEN
        RAISE EXCEPTION 'model must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM lead_qual.model(model);     -- an unknown model fails here
    RETURN lead_qual.make_view(source, view_name, 'q',
        format('CROSS JOIN LATERAL lead_qual.qualify(%L, %s, %s) AS q', model,
               CASE WHEN evidence_column IS NULL THEN 't' ELSE format('t.%I', evidence_column) END,
               CASE WHEN as_of_column IS NULL THEN 'pg_catalog.now()' ELSE format('t.%I', as_of_column) END),
        NULL, column_prefix,
        format('lead_qual: rows of %s qualified with model %s, computed when read', source, model));
END
$$;

CREATE FUNCTION lead_qual.create_stored_view(source regclass, qualification_column name,
                                             view_name text, column_prefix text DEFAULT '')
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_attribute
                    WHERE attrelid = source AND attname = qualification_column AND attnum > 0
                      AND NOT attisdropped AND atttypid = 'lead_qual.qualification'::regtype) THEN
        RAISE EXCEPTION 'table % has no column "%" of type lead_qual.qualification', source, qualification_column
            USING ERRCODE = 'undefined_column';
    END IF;
    RETURN lead_qual.make_view(source, view_name, format('(t.%I)', qualification_column), '',
        qualification_column, column_prefix,
        format('lead_qual: rows of %s with the qualification stored in %s', source, qualification_column));
END
$$;

-- The registry for BI tools.
CREATE VIEW lead_qual.model_overview AS
SELECT m.name AS model,
       j ->> 'label' AS label,
       j -> 'description' ->> 'en' AS description,
       m.builtin,
       (j ->> 'min_met')::integer AS min_met,
       (SELECT count(*) FROM lead_qual.criteria(m.model))::integer AS criteria,
       (j ->> 'pass_score')::double precision AS pass_score,
       (j -> 'tiers' ->> 'A')::double precision AS tier_a,
       (j -> 'tiers' ->> 'B')::double precision AS tier_b,
       (j -> 'tiers' ->> 'C')::double precision AS tier_c,
       m.updated_at
  FROM lead_qual.models m, LATERAL (SELECT m.model::jsonb AS j) AS d;

CREATE VIEW lead_qual.model_criteria AS
SELECT m.name AS model,
       c.ordinal,
       c.key AS criterion,
       c.label,
       c.description,
       c.weight,
       c.source,
       c.rule_type,
       c.rule,
       c.knockout,
       ((m.model::jsonb) ->> 'min_met')::integer AS min_met
  FROM lead_qual.models m, LATERAL lead_qual.criteria(m.model) AS c;

GRANT SELECT ON lead_qual.model_overview, lead_qual.model_criteria TO PUBLIC;

--------------------------------------------------------------------------
-- Comments
--------------------------------------------------------------------------

COMMENT ON FUNCTION lead_qual.autoscore() IS 'Trigger (BEFORE INSERT OR UPDATE FOR EACH ROW): writes the qualification of the row into a column; arguments: model, target column[, jsonb evidence column[, as_of column]]';
COMMENT ON FUNCTION lead_qual.autoscore_triggers(regclass) IS 'The autoscore triggers on a table (every table when NULL): model, target, evidence and as_of columns, and whether history is recorded';
COMMENT ON TABLE lead_qual.history IS 'Changes of status, tier or score of auto-scored leads, for tables with enable_history()';
COMMENT ON COLUMN lead_qual.history.id IS 'Order of the changes';
COMMENT ON SEQUENCE lead_qual.history_id_seq IS 'Numbers the rows of lead_qual.history';
COMMENT ON COLUMN lead_qual.history.table_name IS 'The table of the lead, schema-qualified';
COMMENT ON COLUMN lead_qual.history.lead_key IS 'The lead''s key (the key column as text)';
COMMENT ON COLUMN lead_qual.history.changed_at IS 'When the change was written';
COMMENT ON COLUMN lead_qual.history.model IS 'The model of the qualification';
COMMENT ON COLUMN lead_qual.history.old_status IS 'Status before (NULL for a new lead)';
COMMENT ON COLUMN lead_qual.history.new_status IS 'Status after';
COMMENT ON COLUMN lead_qual.history.old_tier IS 'Tier before';
COMMENT ON COLUMN lead_qual.history.new_tier IS 'Tier after';
COMMENT ON COLUMN lead_qual.history.old_score IS 'Score before';
COMMENT ON COLUMN lead_qual.history.new_score IS 'Score after';
COMMENT ON COLUMN lead_qual.history.changed_criteria IS 'Criteria whose state (met, unmet, unknown) or evidence changed';
COMMENT ON COLUMN lead_qual.history.changed_by IS 'The user whose statement made the change';
COMMENT ON POLICY history_of_readable_tables ON lead_qual.history IS 'Users read the history of the tables they may read';
COMMENT ON FUNCTION lead_qual.record_history() IS 'Trigger (AFTER INSERT OR UPDATE FOR EACH ROW), made by enable_history(): adds a row to lead_qual.history when status, tier or score change';
COMMENT ON FUNCTION lead_qual.enable_history(regclass, name) IS 'Record the changes the autoscore triggers of a table make in lead_qual.history';
COMMENT ON FUNCTION lead_qual.disable_history(regclass) IS 'Stop recording history for a table (the rows recorded stay)';
COMMENT ON TABLE lead_qual.rescore_progress IS 'Progress of lead_qual.rescore() runs, one row per table';
COMMENT ON COLUMN lead_qual.rescore_progress.table_name IS 'The table being rescored';
COMMENT ON COLUMN lead_qual.rescore_progress.started_at IS 'When the run started';
COMMENT ON COLUMN lead_qual.rescore_progress.updated_at IS 'When the last batch was committed';
COMMENT ON COLUMN lead_qual.rescore_progress.finished_at IS 'When the run finished; NULL while running or interrupted';
COMMENT ON COLUMN lead_qual.rescore_progress.pages_done IS 'Pages of the table done';
COMMENT ON COLUMN lead_qual.rescore_progress.pages_total IS 'Pages of the table';
COMMENT ON COLUMN lead_qual.rescore_progress.rows_rescored IS 'Rows whose stored qualification was out of date and was rewritten';
COMMENT ON POLICY progress_readable ON lead_qual.rescore_progress IS 'Everyone sees the progress';
COMMENT ON POLICY progress_of_own_rescores ON lead_qual.rescore_progress IS 'Progress is written by those who may update the table';
COMMENT ON POLICY progress_of_own_rescores_update ON lead_qual.rescore_progress IS 'Progress is written by those who may update the table';
COMMENT ON PROCEDURE lead_qual.rescore(regclass, integer, boolean) IS 'Rewrite the stored qualifications of an auto-scored table that are out of date (after a model changed), in batches of pages, committing after each; resumes an interrupted run';
COMMENT ON FUNCTION lead_qual.flat_columns(text, text) IS 'The flat qualification columns of the views made by create_view and create_stored_view';
COMMENT ON FUNCTION lead_qual.make_view(regclass, text, text, text, name, text, text) IS 'Creates a view of a table with flat qualification columns (used by create_view and create_stored_view)';
COMMENT ON FUNCTION lead_qual.create_view(regclass, text, text, name, name, text) IS 'Create a view of a table with flat qualification columns computed when read (for BI tools)';
COMMENT ON FUNCTION lead_qual.create_stored_view(regclass, name, text, text) IS 'Create a view of a table with its stored qualification column as flat columns (for BI tools)';
COMMENT ON VIEW lead_qual.model_overview IS 'The registered models, one row each, with plain columns (for BI tools)';
COMMENT ON VIEW lead_qual.model_criteria IS 'The criteria of the registered models, one row each, with plain columns (for BI tools)';
