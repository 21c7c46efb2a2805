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
\.
SELECT id, model_name(m), engagement_rules_name(rules), fold IS NOT NULL AS has_fold
  FROM imported ORDER BY id;

-- With ON_ERROR stop (the default) the first bad row ends the COPY.
SELECT * FROM regress.err($$COPY imported FROM PROGRAM 'printf "6,{bad\n"' WITH (FORMAT csv)$$);
DROP TABLE imported;
