/* lead_qual 0.2.0 -> 0.3.0: aggregates over touches and events (multi-touch
 * evidence, behavioural engagement with decay) and sales readiness. */

\echo Use "ALTER EXTENSION lead_qual UPDATE TO '0.3.0'" to load this file. \quit

--------------------------------------------------------------------------
-- Multi-touch evidence
--------------------------------------------------------------------------

-- @end of multi-touch evidence

--------------------------------------------------------------------------
-- Behavioural engagement
--------------------------------------------------------------------------

-- @end of behavioural engagement

--------------------------------------------------------------------------
-- Sales readiness and the next action
--------------------------------------------------------------------------

-- @end of sales readiness
