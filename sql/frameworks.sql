-- The built-in frameworks, with scenarios taken from the articles they come
-- from.  Each scenario states the status it should get; "as_expected" checks it.
SET search_path = public, lead_qual;

-- The calls that must work without casts: a model name and evidence as
-- untyped literals, and a model name with a table row.
SELECT lead_qual.qualify('bant', '{"budget": true}');
CREATE TABLE plain_leads (id int, budget boolean, authority int, need int, timeframe text);
INSERT INTO plain_leads VALUES (1, true, 8, 7, NULL);
SELECT lead_qual.qualify('bant', l) FROM plain_leads l;
SELECT lead_qual.qualify('bant', l, '2026-01-01') FROM plain_leads l;
DROP TABLE plain_leads;

-- What the registry holds: equal weights, min_met as the frameworks say,
-- and a knockout only on CHAMP's challenges.
SELECT name, builtin, (model::jsonb) ->> 'min_met' AS min_met,
       (SELECT string_agg(key || CASE WHEN knockout THEN ' (knockout)' ELSE '' END, ', ' ORDER BY ordinal)
          FROM criteria(model)) AS criteria,
       (SELECT count(DISTINCT weight) FROM criteria(model)) AS distinct_weights
  FROM models WHERE builtin ORDER BY name;

-- Every built-in criterion has a description and questions in English,
-- Dutch and Spanish.
SELECT m.name, count(*) AS criteria,
       count(*) FILTER (WHERE c.description IS NOT NULL AND cardinality(c.questions) >= 2) AS en,
       count(*) FILTER (WHERE n.description IS NOT NULL AND cardinality(n.questions) >= 2
                          AND n.questions <> c.questions) AS nl,
       count(*) FILTER (WHERE s.description IS NOT NULL AND cardinality(s.questions) >= 2
                          AND s.questions <> c.questions) AS es
  FROM models m,
       criteria(m.model, 'en') c
       JOIN criteria(m.model, 'nl') n USING (ordinal)
       JOIN criteria(m.model, 'es') s USING (ordinal)
 WHERE m.builtin
 GROUP BY m.name ORDER BY m.name;

CREATE TABLE scenarios (n serial, model text, scenario text, evidence jsonb, expect text);
INSERT INTO scenarios (model, scenario, evidence, expect) VALUES
 -- BANT: IBM counts a lead as an opportunity at 3 of the 4.
 ('bant', '3 of 4 met, timeframe unknown',      '{"budget": true, "authority": true, "need": true}', 'qualified'),
 ('bant', '3 of 4 met, timeframe not met',      '{"budget": true, "authority": true, "need": true, "timeframe": false}', 'qualified'),
 ('bant', 'all 4 met',                          '{"budget": true, "authority": true, "need": true, "timeframe": true}', 'qualified'),
 ('bant', '2 met, 2 unknown: ask more',         '{"budget": true, "need": true}', 'needs_info'),
 ('bant', '2 met, 1 failed, 1 unknown',         '{"budget": true, "need": true, "authority": false}', 'needs_info'),
 ('bant', '2 met, 2 failed: not now',           '{"budget": true, "need": true, "authority": false, "timeframe": false}', 'nurture'),
 ('bant', 'nothing known yet',                  '{}', 'needs_info'),
 ('bant', 'weighted: marks 8, 7, 5, 9',         '{"budget": 8, "authority": 7, "need": 5, "timeframe": 9}', 'qualified'),
 ('bant', 'marks just below the pass mark',     '{"budget": 5.9, "authority": 5.99, "need": 8, "timeframe": 9}', 'nurture'),
 ('bant', 'marks at the pass mark',             '{"budget": 6, "authority": 6, "need": 6, "timeframe": 0}', 'qualified'),
 ('bant', 'urgency low',                        '{"budget": 8, "authority": 8, "need": 7, "timeframe": 3}', 'qualified'),
 ('bant', 'urgency rises: the score rises',     '{"budget": 8, "authority": 8, "need": 7, "timeframe": 9}', 'qualified'),
 ('bant', 'yes/no written as text',             '{"budget": "yes", "authority": "no", "need": "true", "timeframe": "1"}', 'nurture'),
 -- ANUM: authority first.
 ('anum', 'authority and need',                 '{"authority": true, "need": true}', 'qualified'),
 ('anum', 'only money known, and met',          '{"money": true}', 'needs_info'),
 ('anum', 'no authority, no urgency, no money', '{"authority": false, "need": true, "urgency": false, "money": false}', 'nurture'),
 ('anum', 'nothing known yet',                  '{}', 'needs_info'),
 -- CHAMP: no fit with the challenge disqualifies, whatever else is true.
 ('champ', 'challenge not relieved, rest met',  '{"challenges": false, "authority": true, "money": true, "prioritization": true}', 'disqualified'),
 ('champ', 'challenge unknown, rest met',       '{"authority": true, "money": true, "prioritization": true}', 'needs_info'),
 ('champ', 'challenge relieved and authority',  '{"challenges": true, "authority": true}', 'qualified'),
 ('champ', 'challenge relieved, nothing else',  '{"challenges": true, "authority": false, "money": false, "prioritization": false}', 'nurture'),
 ('champ', 'challenge graded 4 of 10',          '{"challenges": 4, "authority": 9, "money": 9, "prioritization": 9}', 'disqualified'),
 -- GPCT: the organisation's goals, plans, challenges and timeline.
 ('gpct', 'goals and plans clear',              '{"goals": true, "plans": true}', 'qualified'),
 ('gpct', 'goals only',                         '{"goals": true, "plans": false, "challenges": false, "timeline": false}', 'nurture'),
 -- FAINT: no planned budget is no problem when the rest is there.
 ('faint', 'no funds, rest met',                '{"funds": false, "authority": true, "interest": true, "need": true, "timing": true}', 'qualified'),
 ('faint', '2 of 5 met, 3 unknown',             '{"interest": true, "need": true}', 'needs_info'),
 ('faint', '2 met, 3 failed',                   '{"funds": false, "authority": false, "interest": true, "need": true, "timing": false}', 'nurture'),
 -- MAD-R: money and authority, desire and response.
 ('madr', 'money and authority',                '{"money": true, "authority": true}', 'qualified'),
 ('madr', 'desire and response only',           '{"money": false, "authority": false, "desire": true, "response": true}', 'qualified'),
 ('madr', 'only responds to marketing',         '{"money": false, "authority": false, "desire": false, "response": true}', 'nurture'),
 -- Six signals: three of six is enough; a low scorer is nurtured, not dropped.
 ('six_signals', 'fits, can decide, urgent',    '{"fit": true, "authority": true, "urgency": true}', 'qualified'),
 ('six_signals', 'tire kicker',                 '{"fit": true, "research": false, "budget": false, "purposeful": false, "authority": false, "urgency": false}', 'nurture'),
 ('six_signals', 'intern asking for a manager', '{"fit": true, "authority": 6, "research": 7}', 'qualified'),
 ('six_signals', 'all six',                     '{"fit": 9, "authority": 8, "research": 8, "urgency": 9, "budget": 7, "purposeful": 10}', 'qualified');

SELECT n, s.model, scenario, q.score, q.status, q.tier, q.met, q.known, q.total,
       q.missing, q.failed, q.status = s.expect AS as_expected
  FROM scenarios s, qualify(s.model, s.evidence) q
 ORDER BY n;

-- The fast forms agree with qualify().
SELECT count(*) AS scenarios,
       count(*) FILTER (WHERE score(model, evidence) = (qualify(model, evidence)).score) AS same_score,
       count(*) FILTER (WHERE is_qualified(model, evidence) = (qualify(model, evidence)).qualified) AS same_qualified,
       count(*) FILTER (WHERE (qualify(model, evidence)).qualified = (expect = 'qualified')) AS qualified_iff_status
  FROM scenarios;

-- Whether the model is given by name or as a value makes no difference.
SELECT count(*) FILTER (WHERE qualify(model, evidence) = qualify(lead_qual.model(model), evidence)) AS same,
       count(*) AS scenarios
  FROM scenarios;

DROP TABLE scenarios;
