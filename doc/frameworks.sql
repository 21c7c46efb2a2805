-- Writes doc/frameworks.md from the built-in models in the registry, so that
-- the document says exactly what the models hold.  Regenerate with
--   test/with-pg sh -c 'psql -X -q -c "CREATE EXTENSION lead_qual" && psql -X -q -A -t -f doc/frameworks.sql -o doc/frameworks.md'
-- (test/t/docs.sh checks that the committed file is current).
\pset format unaligned
\pset tuples_only on
WITH framework AS (
    SELECT m.name, m.model, ord
      FROM unnest(ARRAY['bant', 'anum', 'champ', 'gpct', 'faint', 'madr', 'six_signals'])
           WITH ORDINALITY AS o(name, ord)
      JOIN lead_qual.models m USING (name)
),
lang AS (
    SELECT * FROM (VALUES (1, 'en', 'English'), (2, 'nl', 'Nederlands'), (3, 'es', 'Español')) AS l(lord, code, title)
),
section AS (
    SELECT f.ord,
           format(E'## %s\n\nModel name: `%s`.  Qualified when at least %s of the %s criteria are met%s.\n\n%s\n',
                  f.model::jsonb ->> 'label', f.name, f.model::jsonb ->> 'min_met',
                  jsonb_array_length(f.model::jsonb -> 'criteria'),
                  coalesce((SELECT ', and only if ' || string_agg(format('`%s`', c.key), ', ') || ' is met: not meeting it disqualifies the lead'
                              FROM lead_qual.criteria(f.model) c WHERE c.knockout), ''),
                  (SELECT string_agg(format(E'**%s.** %s', l.title, f.model::jsonb -> 'description' ->> l.code), E'\n\n' ORDER BY l.lord)
                     FROM lang l))
           || E'\n| Criterion | Meaning | Betekenis | Significado |\n|---|---|---|---|\n'
           || (SELECT string_agg(format('| `%s` %s | %s | %s | %s |', c.key, c.label, c.description, n.description, e.description),
                                 E'\n' ORDER BY c.ordinal)
                 FROM lead_qual.criteria(f.model, 'en') c
                 JOIN lead_qual.criteria(f.model, 'nl') n USING (ordinal)
                 JOIN lead_qual.criteria(f.model, 'es') e USING (ordinal))
           || E'\n\nQuestions to ask, one criterion at a time and as part of a conversation:\n'
           || (SELECT string_agg(format(E'\n%s:\n\n%s', l.title,
                                        (SELECT string_agg(format('- `%s`: %s', c.key, array_to_string(c.questions, ' / ')), E'\n' ORDER BY c.ordinal)
                                           FROM lead_qual.criteria(f.model, l.code) c)), E'\n' ORDER BY l.lord)
                 FROM lang l)
           || E'\n' AS text
      FROM framework f
)
SELECT E'# The built-in frameworks\n\n'
       || E'lead_qual comes with seven qualification frameworks as registered models.  This page is\n'
       || E'generated from them by `doc/frameworks.sql`; edit the models, not this page.  Every\n'
       || E'criterion of a built-in model takes a mark from 0 to 10 (met from 6 on) or a boolean\n'
       || E'(yes = 10, no = 0), all criteria weigh the same, and a criterion nobody has asked about\n'
       || E'yet is unknown, not failed.  To change a framework, copy it under a name of your own:\n\n'
       || E'```sql\nSELECT lead_qual.define_model(''my_bant'', lead_qual.model(''bant'')::jsonb - ''name'');\n```\n\n'
       || E'Contents: ' || (SELECT string_agg(format('[%s](#%s)', f.model::jsonb ->> 'label',
                                                   regexp_replace(lower(regexp_replace(f.model::jsonb ->> 'label', '[^A-Za-z0-9 -]', '', 'g')), ' ', '-', 'g')),
                                            ', ' ORDER BY f.ord) FROM framework f)
       || E'.\n\n'
       || string_agg(s.text, E'\n' ORDER BY s.ord)
  FROM section s;
