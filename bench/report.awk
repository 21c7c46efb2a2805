# Report of bench/qualify.sh from the raw psql output (-A -t) it saved.
#
# The output holds, after markers written by the generated script:
#   @info|KEY|VALUE                      facts about the server and the table
#   @variant|SECTION|KIND|NAME|REF       then per run: the result row and
#                                        "Time: N ms"; the first run is a warm-up
#   @plan|NAME                           then the lines of an EXPLAIN
#   @end
# Variables: date, machine, runs, targets (lines of
# "label|variant|compared with|ratio <= or speed-up >=|limit"), extras (lines
# of "label|slower variant|faster variant").
# Exits 1 if the variants do not return the same result.  Run with
# bench/stats.awk, which has the statistics and the helper after().

/^@info\|/ {
    split($0, f, "|")
    info[f[2]] = after($0, 2)
    mode = ""
    next
}
/^@variant\|/ {
    split($0, f, "|")
    cur = f[2] SUBSEP f[4]
    section[cur] = f[2]; kind[cur] = f[3]; name[cur] = f[4]; ref[cur] = f[5]
    order[++nvariants] = cur
    ntimes[cur] = -1            # the warm-up run is not kept
    mode = "variant"
    next
}
/^@plan\|/ {
    cur = after($0, 1)
    nplan[cur] = 0
    mode = "plan"
    next
}
/^@end$/ { mode = ""; next }
mode == "variant" && /^Time: / {
    if (++ntimes[cur] > 0)
        times[cur, ntimes[cur]] = $2 + 0
    next
}
mode == "variant" { result[cur, ++nresults[cur]] = $0; next }
mode == "plan" { plan[cur, ++nplan[cur]] = $0; next }

END {
    for (i = 1; i <= nvariants; i++) {
        v = order[i]
        if (ntimes[v] != runs) {
            printf "FAIL: %d timed runs of %s, expected %d\n", ntimes[v], name[v], runs
            exit 1
        }
        med[v] = median(v)
        min[v] = minimum(v)
    }

    printf "lead_qual benchmark (bench/qualify.sh), %s\n", date
    printf "server:   %s\n", info["server"]
    printf "machine:  %s\n", machine
    printf "leads:    %s rows, %s; as_of 2026-01-01 00:00+00\n", info["rows"], info["size"]
    printf "runs:     %d timed runs per variant after a warm-up run; psql \\timing wall time in ms\n", runs
    printf "settings: %s\n", info["settings"]
    print ""

    # Every run of a query returning scores must return the same sum, serial
    # or parallel, as every other of its kind (score: bench_bant over leads;
    # plain: bant over plain_leads); every run of any other query its own
    # first result.
    for (i = 1; i <= nvariants; i++) {
        v = order[i]
        scores = (kind[v] == "score" || kind[v] == "plain")
        if (scores && !(kind[v] in sums))
            sums[kind[v]] = result[v, 1]
        expected = scores ? sums[kind[v]] : result[v, 1]
        for (k = 1; k <= nresults[v]; k++)
            if (abs(result[v, k] - expected) > 1e-6 * abs(expected)) {
                printf "FAIL: %s %s returns %s in run %d (0: the warm-up), expected %s\n", section[v], name[v],
                    result[v, k], k - 1, expected
                failed = 1
            }
        if (kind[v] == "count")
            counts = counts sprintf("; %s: %d leads", name[v], expected)
    }
    if (failed)
        exit 1
    printf "check:    every variant scores each lead as the SQL CASE does; sum of scores %.1f%s\n",
        sums["score"], counts
    if ("plain" in sums)
        printf "          plain_leads (model bant): sum of scores %.1f\n", sums["plain"]
    print ""

    printf "%-24s %10s %10s %8s\n", "serial", "median ms", "min ms", "vs CASE"
    for (i = 1; i <= nvariants; i++) {
        v = order[i]
        if (section[v] == "serial")
            printf "%-24s %10.1f %10.1f %8.2f\n", name[v], med[v], min[v],
                med[v] / med["serial", ref[v]]
    }
    print "(vs CASE: median / median of the SQL CASE over the same evidence, columns or jsonb,"
    print " or over plain_leads for the plain variants)"
    print ""

    print "parallel: max_parallel_workers_per_gather = 2, parallel_setup_cost = parallel_tuple_cost = 0"
    printf "%-24s %10s %10s %10s %8s\n", "", "median ms", "min ms", "speed-up", "workers"
    for (i = 1; i <= nvariants; i++) {
        v = order[i]
        if (section[v] != "parallel")
            continue
        workers = "?"
        for (j = 1; j <= nplan[name[v]]; j++)
            if (match(plan[name[v], j], /Workers Launched: [0-9]+/))
                workers = substr(plan[name[v], j], RSTART + 18, RLENGTH - 18)
        printf "%-24s %10.1f %10.1f %9.2fx %8s\n", name[v], med[v], min[v],
            med["serial", ref[v]] / med[v], workers
        if (planned == "")
            planned = name[v]
    }
    print "(speed-up: serial median / parallel median)"
    printf "plan of %s, parallel:\n", planned
    for (j = 1; j <= nplan[planned]; j++)
        printf "  %s\n", plan[planned, j]
    print ""

    print "targets"
    n = split(targets, lines, "\n")
    for (i = 1; i <= n; i++) {
        if (split(lines[i], t, "|") != 5)
            continue
        x = med["serial", t[2]] / med["serial", t[3]]
        split(t[4], how, " ")
        ok = (how[2] == "<=") ? x <= t[5] + 0 : x >= t[5] + 0
        if (how[1] == "speed-up")
            shown = sprintf("%s %.1fx (target %s %sx)", how[1], x, how[2], t[5])
        else
            shown = sprintf("%s %.2f (target %s %s)", how[1], x, how[2], t[5])
        printf "%-30s %-40s %s\n", t[1] ":", shown, ok ? "PASS" : "MISS"
    }

    # Speed-ups that are not targets: "label|slower variant|faster
    # variant[|scan]".  "net of the scan" leaves out what every variant pays
    # to read the table: the median of the scan variant, "scan only" unless
    # named.
    print ""
    print "other speed-ups (slower / faster; net: both minus the scan of their table)"
    n = split(extras, lines, "\n")
    for (i = 1; i <= n; i++) {
        nt = split(lines[i], t, "|")
        if (nt != 3 && nt != 4)
            continue
        scan = med["serial", nt == 4 ? t[4] : "scan only"]
        printf "%-30s %5.1fx   net of the scan %5.1fx\n", t[1] ":",
               med["serial", t[2]] / med["serial", t[3]],
               (med["serial", t[2]] - scan) / (med["serial", t[3]] - scan)
    }
}
