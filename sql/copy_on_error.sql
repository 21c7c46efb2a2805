-- COPY ... FROM with ON_ERROR ignore (PostgreSQL 17 and later): rows with a
-- bad model, engagement rules or state are skipped, the others loaded.
-- This suite runs only on servers that have ON_ERROR (see the Makefile).
SET search_path = public, lead_qual;

CREATE TABLE imported (id int, m lead_qual.model, rules lead_qual.engagement_rules,
                       fold lead_qual.touch_state);
COPY imported FROM STDIN WITH (FORMAT csv, ON_ERROR ignore);
1,"{""name"": ""a"", ""criteria"": [{""key"": ""need""}]}",digital,"{""version"": 1, ""kind"": ""fold"", ""entries"": []}"
2,"{""name"": ""b"", ""criteria"": []}",digital,
3,bant,"{""kinds"": {}}",
4,bant,digital,"{""version"": 1, ""kind"": ""folded"", ""entries"": []}"
5,anum,,
6,no_such_model,digital,
7,bant,No_Such_Rules,
8,MADR,DIGITAL,
\.
SELECT id, model_name(m), engagement_rules_name(rules), fold IS NOT NULL AS has_fold
  FROM imported ORDER BY id;
-- what was loaded is what a cast gives
SELECT count(*) FILTER (WHERE m = '{"name": "a", "criteria": [{"key": "need"}]}'::lead_qual.model) AS same_inline,
       count(*) FILTER (WHERE m = 'anum'::lead_qual.model) AS same_anum
  FROM imported;

-- With ON_ERROR stop (the default) the first bad row ends the COPY, and
-- nothing of it is loaded.
SELECT * FROM regress.err($$COPY imported FROM PROGRAM 'printf "9,bant,,\n10,{bad,,\n11,anum,,\n"' WITH (FORMAT csv)$$);
SELECT count(*) AS rows_after FROM imported;
DROP TABLE imported;
