-- The catalog entries of the extension: volatility and parallel labels,
-- and a comment on every object.

-- Every function: volatility, parallel safety and strictness.  Functions
-- taking a model value are IMMUTABLE; those reading the registry STABLE;
-- those writing it VOLATILE and PARALLEL UNSAFE.
SELECT p.oid::regprocedure AS function,
       p.provolatile AS volatile, p.proparallel AS parallel, p.proisstrict AS strict
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
 ORDER BY p.proname, p.oid::regprocedure::text;

-- Objects of the extension without a comment (there should be none).
SELECT pg_describe_object(d.classid, d.objid, 0) AS uncommented
  FROM pg_depend d
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual')
   AND d.deptype = 'e'
   AND obj_description(d.objid, d.classid::regclass::name) IS NULL
 ORDER BY 1;
SELECT count(*) AS members FROM pg_depend
 WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'lead_qual') AND deptype = 'e';

-- Table columns and triggers have comments too.
SELECT a.attname, col_description(a.attrelid, a.attnum) IS NOT NULL AS commented
  FROM pg_attribute a WHERE a.attrelid = 'lead_qual.models'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT tgname, obj_description(oid, 'pg_trigger') IS NOT NULL AS commented
  FROM pg_trigger WHERE tgrelid = 'lead_qual.models'::regclass ORDER BY tgname;
