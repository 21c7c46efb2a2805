/* lead_qual 0.3.0 -> 0.3.1: security fixes.  No new objects for users;
 * every change here keeps one user from reading or changing what another
 * user owns, or keeps an unprivileged user's objects from running as the
 * role that calls the extension. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.3.1'" to load this file. \quit

--------------------------------------------------------------------------
-- Built-in models and engagement rules: lead_qual.maintenance is honoured
-- only for the owner of the registry (the extension's owner), so a role
-- granted the right to write user models cannot change the built-ins.
--------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION lead_qual.protect_builtin_models() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF current_setting('lead_qual.maintenance', true) IS NOT DISTINCT FROM 'on'
       AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'lead_qual.models cannot be truncated: it holds the built-in models'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop user models with lead_qual.drop_model().';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.builtin THEN
        RAISE EXCEPTION 'model "%" is built in and cannot be changed or dropped', OLD.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Make your own version under another name: SELECT lead_qual.define_model(%L, lead_qual.model(%L)::jsonb - %L);',
                                'my_' || OLD.name, OLD.name, 'name');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.builtin THEN
        RAISE EXCEPTION 'only the extension adds built-in models'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;


CREATE OR REPLACE FUNCTION lead_qual.protect_builtin_engagement_rules() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF current_setting('lead_qual.maintenance', true) IS NOT DISTINCT FROM 'on'
       AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'lead_qual.engagement_rule_sets cannot be truncated: it holds the built-in rules'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop user rules with lead_qual.drop_engagement_rules().';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.builtin THEN
        RAISE EXCEPTION 'engagement rules "%" are built in and cannot be changed or dropped', OLD.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Make your own version under another name: SELECT lead_qual.define_engagement_rules(%L, lead_qual.engagement_rules(%L)::jsonb - %L);',
                                'my_' || OLD.name, OLD.name, 'name');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.builtin THEN
        RAISE EXCEPTION 'only the extension adds built-in engagement rules'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;


--------------------------------------------------------------------------
-- rescore(): a procedure cannot pin its search_path (it commits), so every
-- name in it, operators and types included, is schema-qualified; before,
-- operators such as = on oid and regclass were looked up on the caller's
-- search_path, where another user may have put look-alikes.
--------------------------------------------------------------------------

CREATE OR REPLACE PROCEDURE lead_qual.rescore(target regclass, batch_pages integer DEFAULT 1000,
                                              restart boolean DEFAULT false)
    LANGUAGE plpgsql
AS $$
DECLARE
    qualified_name pg_catalog.text;
    sets pg_catalog.text := '';
    differs pg_catalog.text := '';
    expr pg_catalog.text;
    scorer record;
    sql pg_catalog.text;
    page bigint := 0;
    pages bigint := pg_catalog.pg_relation_size(target) OPERATOR(pg_catalog./)
                    pg_catalog.current_setting('block_size')::integer;
    changed bigint;
    rescored bigint := 0;
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'the table to rescore must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF batch_pages IS NULL OR batch_pages OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'batch_pages must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) INTO qualified_name
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE c.oid OPERATOR(pg_catalog.=) target;

    -- What each autoscore trigger of the table writes, as the trigger would.
    FOR scorer IN SELECT * FROM lead_qual.autoscore_triggers(target) LOOP
        expr := pg_catalog.format('lead_qual.qualify(%L, %s, %s)', scorer.model,
                    CASE WHEN scorer.evidence_column IS NULL THEN 't'
                         ELSE 't.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(scorer.evidence_column) END,
                    CASE WHEN scorer.as_of_column IS NULL THEN 'pg_catalog.transaction_timestamp()'
                         WHEN (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid OPERATOR(pg_catalog.=) target
                                  AND a.attname OPERATOR(pg_catalog.=) scorer.as_of_column)
                              OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.date'::pg_catalog.regtype,
                                                                'pg_catalog.timestamp'::pg_catalog.regtype]::pg_catalog.oid[])
                         THEN pg_catalog.format('(t.%I::pg_catalog.timestamp AT TIME ZONE ''UTC'')', scorer.as_of_column)
                         ELSE 't.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(scorer.as_of_column) END);
        sets := sets OPERATOR(pg_catalog.||) CASE WHEN sets OPERATOR(pg_catalog.=) '' THEN '' ELSE ', ' END
                OPERATOR(pg_catalog.||) pg_catalog.format('%I = %s', scorer.target_column, expr);
        -- IS DISTINCT FROM, written without it: it finds = on the search
        -- path.  qualify() is NULL for a NULL as_of; the second test is
        -- evaluated only when the first holds, so qualify() runs once per
        -- row unless the stored value is NULL.
        differs := differs OPERATOR(pg_catalog.||) CASE WHEN differs OPERATOR(pg_catalog.=) '' THEN '' ELSE ' OR ' END
                OPERATOR(pg_catalog.||) pg_catalog.format('((t.%I OPERATOR(pg_catalog.=) %s) IS NOT TRUE'
                                                          ' AND (t.%I IS NOT NULL OR %s IS NOT NULL))',
                                                          scorer.target_column, expr, scorer.target_column, expr);
    END LOOP;
    IF sets OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'table % has no lead_qual.autoscore trigger', target
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    sql := pg_catalog.format('UPDATE %s AS t SET %s WHERE t.ctid OPERATOR(pg_catalog.>=) $1 AND t.ctid OPERATOR(pg_catalog.<) $2 AND (%s)',
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
-- A NULL table (or column) is 22004 null_value_not_allowed, not an error
-- of the statement these functions would have built from it.
--------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION lead_qual.make_view(source regclass, view_name text, q text, joined text,
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
    IF source IS NULL OR view_name IS NULL OR column_prefix IS NULL THEN
        RAISE EXCEPTION 'table, view name and column prefix must not be null' USING ERRCODE = 'null_value_not_allowed';
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

CREATE OR REPLACE FUNCTION lead_qual.create_stored_view(source regclass, qualification_column name,
                                             view_name text, column_prefix text DEFAULT '')
    RETURNS regclass
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF source IS NULL OR qualification_column IS NULL THEN
        RAISE EXCEPTION 'table and qualification column must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
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

CREATE OR REPLACE FUNCTION lead_qual.enable_history(target regclass, key_column name DEFAULT NULL)
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
    IF target IS NULL THEN
        RAISE EXCEPTION 'the table must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF (SELECT c.relpersistence FROM pg_class c WHERE c.oid = target) = 't' THEN
        RAISE EXCEPTION 'lead_qual does not record the history of temporary table %', target
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its name would be another session''s temporary table later, and so would its history.';
    END IF;
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

--------------------------------------------------------------------------
-- History
--------------------------------------------------------------------------

-- pg_dump reads the sequence of a configuration table: let every role that
-- may dump the database read it (it tells how many changes were recorded,
-- no more).  The rows themselves stay behind the row security policy.
GRANT SELECT ON SEQUENCE lead_qual.history_id_seq TO PUBLIC;

-- record_history() now records the table the trigger is on, not a name
-- from its arguments.  Rows an older version wrote under a name that is
-- not a schema-qualified table name would make the policy below fail for
-- everyone; they cannot be anyone's history, so they go.
DO $clean$
DECLARE
    t pg_catalog.text;
BEGIN
    FOR t IN SELECT DISTINCT h.table_name FROM lead_qual.history h LOOP
        BEGIN
            PERFORM pg_catalog.parse_ident(t);
            IF pg_catalog.array_length(pg_catalog.parse_ident(t), 1) OPERATOR(pg_catalog.<>) 2 THEN
                RAISE EXCEPTION 'not a schema-qualified name';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            DELETE FROM lead_qual.history h WHERE h.table_name OPERATOR(pg_catalog.=) t;
        END;
    END LOOP;
END
$clean$;

-- The history of a dropped table stays, for the history's owner: whoever
-- later creates a table of the same name must not read it.  The table is
-- looked up in the catalog rather than with to_regclass(), which raises an
-- error for a table in a schema the reader may not use: one such row made
-- the whole history unreadable for that reader.
ALTER TABLE lead_qual.history ADD COLUMN table_dropped boolean NOT NULL DEFAULT false;
ALTER POLICY history_of_readable_tables ON lead_qual.history
    USING (NOT table_dropped
           AND EXISTS (SELECT FROM pg_catalog.pg_class c
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = (pg_catalog.parse_ident(table_name))[1]
                          AND c.relname = (pg_catalog.parse_ident(table_name))[2]
                          AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
                          AND pg_catalog.has_table_privilege(c.oid, 'SELECT')));
-- The history of tables dropped before this update, marked as the event
-- trigger below marks it from now on.
UPDATE lead_qual.history h SET table_dropped = true
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                    WHERE n.nspname OPERATOR(pg_catalog.=) (pg_catalog.parse_ident(h.table_name))[1]
                      AND c.relname OPERATOR(pg_catalog.=) (pg_catalog.parse_ident(h.table_name))[2]);

CREATE FUNCTION lead_qual.history_of_dropped_tables() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dropped text[];
BEGIN
    SELECT array_agg(d.object_identity) INTO dropped
      FROM pg_event_trigger_dropped_objects() d
     WHERE d.object_type IN ('table', 'foreign table') AND NOT d.is_temporary;
    IF dropped IS NULL OR to_regclass('lead_qual.history') IS NULL THEN
        RETURN;
    END IF;
    UPDATE lead_qual.history h SET table_dropped = true
     WHERE h.table_name = ANY (dropped) AND NOT h.table_dropped;
END
$$;
REVOKE ALL ON FUNCTION lead_qual.history_of_dropped_tables() FROM PUBLIC;
CREATE EVENT TRIGGER lead_qual_history_of_dropped_tables ON sql_drop
    EXECUTE FUNCTION lead_qual.history_of_dropped_tables();

COMMENT ON COLUMN lead_qual.history.table_dropped IS 'The table was dropped: its rows are kept, readable by the owner of the history only';
COMMENT ON FUNCTION lead_qual.history_of_dropped_tables() IS 'Event trigger function: marks the history of dropped tables, which then only the owner of the history reads';
COMMENT ON EVENT TRIGGER lead_qual_history_of_dropped_tables IS 'Marks the history of dropped tables (lead_qual.history_of_dropped_tables)';
