#!/usr/bin/env bash
# Stored qualifications kept fresh on a schedule with pg_cron, as the README
# shows it: on a cluster of its own that preloads pg_cron, every example of
# README.md runs as written (the pg_cron jobs included, which
# test/t/examples.sh leaves out), then the stored data is made stale as it
# would be after 120 days (qualifications of date rules judged as of then,
# engagement not refreshed), the README's two jobs are set to run every
# minute, and once both have run the qualifications are those qualify()
# gives now, the history has recorded the changes, and the engagement
# column is current again.
#
# pg_cron comes from Debian's package postgresql-15-cron, for Debian's
# PostgreSQL 15 (test/run skips this check on other servers).  The package
# is installed when missing and it can be had (test/deps.sh); otherwise the
# check skips itself (exit 77, the reason on its last line).
set -euo pipefail
cd "$(dirname "$0")/../.."

skip() { echo "$1"; exit 77; }

libdir=$(pg_config --pkglibdir)
if [ ! -f "$libdir/pg_cron.so" ] && [ "$(pg_config --bindir)" = /usr/lib/postgresql/15/bin ]; then
    test/deps.sh postgresql-15-cron || true
fi
if [ ! -f "$libdir/pg_cron.so" ]; then
    [ "$(pg_config --bindir)" = /usr/lib/postgresql/15/bin ] ||
        skip "pg_cron is not installed for this server ($libdir); the check installs it only for Debian's PostgreSQL 15"
    skip "pg_cron is not installed ($libdir), and Debian's postgresql-15-cron could not be installed"
fi

# The jobs run in background workers of the server, in database postgres:
# this script again, on such a cluster.
if [ -z "${LQ_CRON_CLUSTER:-}" ]; then
    exec test/with-pg -o shared_preload_libraries=pg_cron -o cron.database_name=postgres \
        -o cron.use_background_workers=on env LQ_CRON_CLUSTER=1 "$0"
fi

PGTZ=UTC test/doc-examples README.md
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# As if the rows had last been written 120 days ago: the purchases that are
# within 90 days now were not then, and the engagement was never refreshed.
# Written past the triggers (session_replication_role).
q "SET session_replication_role = replica;
   UPDATE leads SET q = lead_qual.qualify('acme', leads, now() - interval '120 days'), engagement = NULL"
stale=$(q "SELECT count(*) FROM leads WHERE q IS DISTINCT FROM lead_qual.qualify('acme', leads)")
echo "stale qualifications: $stale"
[ "$stale" -ge 2 ] || { echo "too few qualifications were made stale"; exit 1; }
history_before=$(q "SELECT max(id) FROM lead_qual.history")

q "SELECT cron.alter_job(jobid, schedule => '* * * * *') FROM cron.job" >/dev/null
echo "waiting for both jobs to run (they start on the minute)"
done_jobs=0 failed_runs=0
for _ in $(seq 1 75); do
    sleep 2
    done_jobs=$(q "SELECT count(DISTINCT jobid) FROM cron.job_run_details WHERE status = 'succeeded'")
    failed_runs=$(q "SELECT count(*) FROM cron.job_run_details WHERE status = 'failed'")
    [ "$failed_runs" -eq 0 ] && [ "$done_jobs" -lt 2 ] || break
done
psql -X -c "SELECT j.jobname, d.status, d.return_message
              FROM cron.job_run_details d JOIN cron.job j USING (jobid) ORDER BY d.start_time"
[ "$failed_runs" -eq 0 ] || { echo "a job failed"; exit 1; }
[ "$done_jobs" -eq 2 ] || { echo "the jobs did not both run within 150 s"; grep -i cron "$PG_SERVER_LOG" | tail -20; exit 1; }
q "SELECT cron.unschedule(jobid) FROM cron.job" >/dev/null
# A run that began meanwhile may still be committing: wait for it.
for _ in $(seq 1 30); do
    [ "$(q "SELECT count(*) FROM cron.job_run_details WHERE status IN ('starting', 'running')")" -eq 0 ] && break
    sleep 1
done

still_stale=$(q "SELECT count(*) FROM leads WHERE q IS DISTINCT FROM lead_qual.qualify('acme', leads)")
recorded=$(q "SELECT count(DISTINCT lead_key) FROM lead_qual.history
               WHERE id > $history_before AND 'timeframe' = ANY (changed_criteria)")
engagement=$(q "SELECT count(*) FROM leads l JOIN lead_engagement e USING (id)
                 WHERE l.engagement = round(e.points::numeric, 1)")
leads=$(q "SELECT count(*) FROM leads")
echo "after the jobs: $still_stale stale, $recorded leads with a history row for timeframe," \
     "engagement current for $engagement of $leads leads"
[ "$still_stale" -eq 0 ] && [ "$recorded" -eq "$stale" ] && [ "$engagement" -eq "$leads" ]
echo "pg_cron: the README's jobs rescored the stale qualifications and refreshed the engagement"
