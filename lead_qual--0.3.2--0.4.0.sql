/* lead_qual 0.3.2 -> 0.4.0: learning from won and lost leads. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.4.0'" to load this file. \quit
