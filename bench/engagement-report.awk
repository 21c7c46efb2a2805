# Report of bench/engagement.sh from the raw psql output (-A -t) it saved
# and the memory samples of its poller.
#
# The output holds, after markers written by the generated script:
#   @info|KEY|VALUE                    facts about the server and the table
#   @check|KEY|VALUE                   the lead-by-lead checks (check_result)
#   @plan|KEY                          then an EXPLAIN ANALYZE (warm-up round)
#   @run|KEY|ROUND                     then "count|sum of scores" and "Time: N ms"
#   @mem|CASE|LABEL|ROWS|start|EPOCH   the memory query of CASE begins
#   @memplan|CASE                      then its EXPLAIN ANALYZE
#   @mem|CASE|LABEL|ROWS|end|EPOCH     ... and ends
#   @end
# and the samples file: @sample|CASE|EPOCH|RssAnon kB.
# Variables: date, machine, rows, leads, runs, as_of, variants (lines of
# "key|section|label|compared with"), mem_cases (lines of "case|series|
# rows|groups", groups empty for the sorted series), load, elapsed, target
# (engagement / sum, at most).
# Exits 1 if a check fails.  Run with bench/stats.awk, which has the
# statistics and the helpers after() and fail().

function mb(kb) { return kb / 1024 }
# "Batches: 1  Memory Usage: 123kB  Disk Usage: 4kB" -> "batches|memory kB|disk kB"
function hash_usage(line,    b, m, d) {
    b = m = d = 0
    if (match(line, /Batches: [0-9]+/)) b = substr(line, RSTART + 9, RLENGTH - 9)
    if (match(line, /Memory Usage: [0-9]+kB/)) m = substr(line, RSTART + 14, RLENGTH - 16)
    if (match(line, /Disk Usage: [0-9]+kB/)) d = substr(line, RSTART + 12, RLENGTH - 14)
    return b "|" m "|" d
}
# The aggregate nodes of plan k: nagg[k] nodes, agg_name[k, i] (the node as
# EXPLAIN names it), agg_rows[k, i] (actual rows per loop), agg_use[k, i]
# (hash_usage of the leader, or the only process), agg_workers[k, i]
# (hash_usage of each worker, " " separated); workers planned and launched.
function parse_plan(k,    i, line, name, n) {
    nagg[k] = 0
    for (i = 1; i <= nplan[k]; i++) {
        line = plan[k, i]
        if (line ~ /->/)
            inworker = 0        # a new node
        if (match(line, /(Finalize |Partial )?(Hash|Group|Mixed)?Aggregate \(actual rows=[0-9]+/) &&
            line !~ /^ *Output:/) {
            n = ++nagg[k]
            name = substr(line, RSTART, RLENGTH)
            agg_rows[k, n] = substr(name, index(name, "rows=") + 5)
            agg_name[k, n] = substr(name, 1, index(name, " (actual") - 1)
            agg_use[k, n] = ""; agg_workers[k, n] = ""
            match(line, /^ */); agg_indent[k, n] = RLENGTH
        } else if (line ~ /^ *Worker [0-9]+:/) {
            inworker = 1        # what follows is the worker's
            if (line ~ /Batches:/ && nagg[k] > 0)
                agg_workers[k, nagg[k]] = agg_workers[k, nagg[k]] " " hash_usage(line)
        } else if (line ~ /^ *Batches:/ && nagg[k] > 0) {
            if (inworker)
                agg_workers[k, nagg[k]] = agg_workers[k, nagg[k]] " " hash_usage(line)
            else
                agg_use[k, nagg[k]] = hash_usage(line)
        }
        else if (line ~ /Workers Planned:/)
            planned[k] = substr(line, index(line, ":") + 2) + 0
        else if (line ~ /Workers Launched:/)
            launched[k] = substr(line, index(line, ":") + 2) + 0
    }
}
# One line per hash aggregate of plan k.
function print_hash_nodes(k, title,    i, u, w, nw, j, x, s) {
    for (i = 1; i <= nagg[k]; i++) {
        if (agg_use[k, i] == "")
            continue            # the plain Aggregate on top, or a GroupAggregate
        split(agg_use[k, i], u, "|")
        s = sprintf("%-37s %-23s %8d %7s %7.0f %7.0f", title, agg_name[k, i], agg_rows[k, i],
                    u[1], mb(u[2]), mb(u[3]))
        nw = split(agg_workers[k, i], w, " ")
        for (j = 1; j <= nw; j++) {
            split(w[j], x, "|")
            s = s sprintf("  w%d %.0f MB%s", j - 1, mb(x[2]), x[3] > 0 ? sprintf(", %s batches, disk %.0f MB", x[1], mb(x[3])) : "")
        }
        print s
        title = ""
    }
}

BEGIN {
    nv = split(variants, lines, "\n")
    for (i = 1; i <= nv; i++) {
        split(lines[i], f, "|")
        order[i] = f[1]; sect[f[1]] = f[2]; label[f[1]] = f[3]; ref[f[1]] = f[4]
    }
    nm = split(mem_cases, lines, "\n")
    for (i = 1; i <= nm; i++) {
        split(lines[i], f, "|")
        morder[i] = f[1]; mlabel[f[1]] = f[2]; mrows[f[1]] = f[3]
    }
}
/^@info\|/ {
    split($0, f, "|")
    info[f[2]] = after($0, 2)
    mode = ""
    next
}
/^@check\|/ {
    split($0, f, "|")
    check[f[2]] = f[3]
    mode = ""
    next
}
/^@plan\|/ { cur = after($0, 1); nplan[cur] = 0; mode = "plan"; next }
/^@memplan\|/ { cur = after($0, 1); nplan["mem " cur] = 0; mode = "memplan"; next }
/^@run\|/ {
    split($0, f, "|")
    cur = f[2]; run = f[3] + 0
    mode = "run"
    next
}
/^@mem\|/ {
    split($0, f, "|")
    if (f[5] == "start") mstart[f[2]] = f[6] + 0
    else mend[f[2]] = f[6] + 0
    mode = ""
    next
}
/^@sample\|/ {
    split($0, f, "|")
    ns = ++nsamples[f[2]]
    st[f[2], ns] = f[3] + 0; sv[f[2], ns] = f[4] + 0
    next
}
/^@kinds\|/ {
    split($0, f, "|")
    kinds_avg[f[2]] = f[3]; kinds_over8[f[2]] = f[4]; kinds_groups[f[2]] = f[5]
    mode = ""
    next
}
/^@end$/ { ended = 1; mode = ""; next }
mode == "plan" { plan[cur, ++nplan[cur]] = $0; next }
mode == "memplan" { plan["mem " cur, ++nplan["mem " cur]] = $0; next }
mode == "run" && /^Time: / { times[cur, ++ntimes[cur]] = $2 + 0; next }
mode == "run" && /^[0-9]+\|/ { result[cur, run] = $0; next }

END {
    if (!ended)
        fail("the output stops before its end")
    split(info["events"], ev, "|")
    nleads = ev[2] + 0

    # The checks before timing (the psql script stops if they fail; this
    # reads them back), then every timed run: each variant returns every
    # lead, and the sum of scores of its group of variants.
    if (check["leads"] != nleads || check["missing"] != 0 || check["value_differs"] != 0 || check["value_fn_differs"] != 0 ||
        check["parallel_differs"] != 0 || check["hand_differs"] != 0 || check["plpgsql_differs"] != 0)
        fail(sprintf("lead-by-lead check: %d leads, %d missing, differing: by value %d, parallel %d, hand-written %d, PL/pgSQL %d", check["leads"], check["missing"], check["value_differs"], check["parallel_differs"], check["hand_differs"], check["plpgsql_differs"]))
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (ntimes[k] != runs) {
            fail(sprintf("%d timed runs of %s, expected %d", ntimes[k], k, runs))
            continue
        }
        med[k] = median(k); mn[k] = minimum(k)
        for (r = 1; r <= runs; r++) {
            split(result[k, r], f, "|")
            ngroups = sect[k] == "tenth" ? check["leads_10"] : sect[k] == "few" ? few : nleads
            if (f[1] != ngroups)
                fail(sprintf("%s, round %d: %s groups, expected %d", k, r, f[1], ngroups))
            if (k ~ /^sum/) {
                expected = check["sum_of_points"]; tol = 1e-9 * abs(expected)
            } else {
                expected = check["sum_of_scores"]
                tol = (k ~ /^(name|value)/ ? 0 : 1.000001e-6 * nleads) + 1e-9 * abs(expected)
            }
            if (sect[k] == "tenth") {       # engagement over the first tenth: its own sum
                if (!("tenth" in tenth_sum)) tenth_sum["tenth"] = f[2]
                expected = tenth_sum["tenth"]; tol = 1e-9 * abs(expected)
            }
            if (sect[k] == "few" && k ~ /^name/) {  # engagement over few groups: the same
                if (!("few" in tenth_sum)) tenth_sum["few"] = f[2]    # serial and parallel
                expected = tenth_sum["few"]; tol = 0
            }
            if (abs(f[2] - expected) > tol)
                fail(sprintf("%s, round %d: sum %s, expected %s", k, r, f[2], expected))
        }
    }
    for (k in nplan)
        parse_plan(k)
    for (k in launched)
        if (k !~ /^mem / && launched[k] != 2)
            fail(sprintf("%s: %d workers launched, expected 2", k, launched[k]))
    if (failed)
        exit 1

    printf "lead_qual engagement benchmark (bench/engagement.sh), %s\n", date
    printf "server:   %s\n", info["server"]
    printf "machine:  %s\n", machine
    printf "events:   %d rows (%s) over %d leads, as_of %s, occurred_at over the year before;\n",
        ev[1], info["size"], nleads, as_of
    printf "          kinds: %s\n", info["kinds"]
    printf "runs:     %d timed rounds after a warm-up round (EXPLAIN ANALYZE), each variant once per round;\n", runs
    printf "          psql \\timing wall time of SELECT count(*), sum(score) FROM (... GROUP BY lead_id), in ms\n"
    printf "settings: %s\n", info["settings"]
    printf "load:     %s (1, 5, 15 min averages); %d s in all\n", load, elapsed
    print ""
    printf "check:    lead by lead, before timing: engagement with the rules by name, as a value, with\n"
    printf "          2 workers, and (over the first 10%%) engagement_rules(text) give the same scores, exactly;\n"
    printf "          the hand-written SQL within 1e-6 (largest difference %.3g; %d leads not equal), the\n",
        check["hand_max_diff"], check["hand_not_equal"]
    printf "          PL/pgSQL aggregate within 1e-6 (largest difference %.3g; %d leads not equal);\n",
        check["plpgsql_max_diff"], check["plpgsql_not_equal"]
    printf "          sum of scores %.6f, min %s, max %s, %d leads at the cap; sum of points %s;\n",
        check["sum_of_scores"], check["min_score"], check["max_score"], check["at_cap"], check["sum_of_points"]
    printf "          every timed run returned every lead and the same sum\n"

    print ""
    printf "%-34s %10s %10s %8s %9s\n", "serial (no workers)", "median ms", "min ms", "vs sum", "ns/event"
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (sect[k] != "serial") continue
        printf "%-34s %10.1f %10.1f %8.2f %9.0f\n", label[k], med[k], mn[k], med[k] / med["sum"],
            med[k] * 1e6 / ev[1]
    }
    print "(vs sum: median / median of sum(points); ns/event: median / events)"

    print ""
    printf "%-34s %10s %10s %8s %9s %8s\n", "2 parallel workers", "median ms", "min ms", "vs sum", "speed-up", "workers"
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (sect[k] != "parallel") continue
        s = ref[k] == "sum" ? "sum" : ref[k]
        printf "%-34s %10.1f %10.1f %8.2f %8.2fx %5d/%d\n", label[k], med[k], mn[k], med[k] / med["sum_par"],
            med[s] / med[k], launched[k], planned[k]
    }
    print "(speed-up: serial median / median with workers; workers launched/planned, EXPLAIN ANALYZE of the warm-up)"

    print ""
    printf "%-34s %10s %10s %8s %9s %8s\n", sprintf("%d groups (lead_id %% %d)", few, few), "median ms", "min ms",
        "vs sum", "speed-up", "workers"
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (sect[k] != "few") continue
        par = k ~ /_par$/
        printf "%-34s %10.1f %10.1f %8.2f", label[k], med[k], mn[k], med[k] / med[par ? "sum_few_par" : "sum_few"]
        if (par)
            printf " %8.2fx %5d/%d", med[ref[k]] / med[k], launched[k], planned[k]
        printf "\n"
    }
    print "(the same events over few groups: the workers' partial states condense their rows; the same sums"
    print " serial and parallel, exactly for engagement)"

    print ""
    printf "%-34s %10s %10s %8s\n", "default work_mem (4MB), serial", "median ms", "min ms", "vs 1GB"
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (sect[k] != "work_mem") continue
        printf "%-34s %10.1f %10.1f %8.2f\n", label[k], med[k], mn[k], med[k] / med[ref[k]]
    }

    print ""
    printf "%-34s %10s %10s %8s\n", "rules for every row, first 10%", "median ms", "min ms", "vs name"
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (sect[k] != "tenth") continue
        printf "%-34s %10.1f %10.1f %8.2f\n", label[k], med[k], mn[k], med[k] / med[ref[k]]
    }
    printf "(the first %d events, %d leads; engagement_rules(text) reads the registry for every row)\n",
        ev[1] / 10, check["leads_10"]

    print ""
    print "aggregate nodes (EXPLAIN ANALYZE, warm-up)                     groups batches  mem MB disk MB"
    for (i = 1; i <= nv; i++) {
        k = order[i]
        t = sect[k] == "serial" ? "" : sect[k] == "parallel" ? ", 2 workers" : sect[k] == "tenth" ? ", 10%" : ", 4MB"
        if (sect[k] == "few")
            t = ", few groups"
        print_hash_nodes(k, label[k] t)
        for (j = 1; j <= nagg[k]; j++)
            if (agg_name[k, j] ~ /GroupAggregate/)
                printf "%-37s %-23s %8d  (sorted input)\n", label[k] t, agg_name[k, j], agg_rows[k, j]
    }
    print "(per process: groups out of the node and the hash table of the leader; w0, w1: the workers' hash tables)"

    # Rules as a value: is the rules argument folded to a constant, or left
    # in the aggregate's arguments, so evaluated for every row?
    print ""
    for (v = 1; v <= 2; v++) {
        k = v == 1 ? "value" : "value_fn_10"
        line = ""
        for (i = 1; i <= nplan[k]; i++)
            if (plan[k, i] ~ /^ *Output: .*lead_qual\.engagement\(/) {
                line = plan[k, i]
                sub(/^ *Output: [^,]*, /, "", line)
                break
            }
        if (line ~ /engagement\(lead_qual\.engagement_rules\(/)
            printf "%-31s evaluated for every row; EXPLAIN VERBOSE: %.58s...\n",
                label[k] ":", substr(line, index(line, "engagement("))
        else
            printf "%-31s a constant in the plan;    EXPLAIN VERBOSE: %.58s...\n",
                label[k] ":", substr(line, index(line, "engagement("))
    }

    # Memory: the peak of RssAnon between the start and the end of the
    # query, over the last sample before it.
    print ""
    printf "memory, serial, one new backend per query %9s %7s  %-14s %7s %8s %6s %5s\n", "events", "groups",
        "plan", "hash MB", "RssAnon", "kinds", ">8"
    for (i = 1; i <= nm; i++) {
        c = morder[i]
        base = ""; peak = ""; inside = 0
        for (j = 1; j <= nsamples[c]; j++) {
            if (st[c, j] < mstart[c])
                base = sv[c, j]
            else if (st[c, j] <= mend[c]) {
                inside++
                if (peak == "" || sv[c, j] > peak) peak = sv[c, j]
            }
        }
        if (base == "" || inside == 0)
            short++             # shorter than the sampling interval
        k = "mem " c
        node = ""; use = ""
        for (j = 1; j <= nagg[k]; j++)
            if (agg_name[k, j] ~ /HashAggregate|GroupAggregate/) {
                node = agg_name[k, j]; ngroups = agg_rows[k, j]; use = agg_use[k, j]
            }
        split(use, u, "|")
        rss[c] = (base == "" || inside == 0) ? "" : peak - base
        if (i > 1 && mlabel[c] != mlabel[morder[i - 1]])
            print ""
        printf "%-41s %9d %7d  %-14s %7s %8s", mlabel[c], mrows[c], ngroups, node,
            use == "" ? "-" : sprintf("%.1f", mb(u[2])), rss[c] == "" ? "-" : sprintf("%.1f", mb(rss[c]))
        if (c in kinds_avg)
            printf " %6.1f %4.0f%%", kinds_avg[c], 100 * kinds_over8[c] / kinds_groups[c]
        printf "\n"
        # the growth of each series, from its fewest rows to its most
        if (!(mlabel[c] in first) && rss[c] != "") first[mlabel[c]] = c
        last[mlabel[c]] = c
    }
    print "(hash MB: Memory Usage of the HashAggregate; RssAnon: MB, the peak during the query minus the value"
    print " before it, sampled every 20 ms from /proc; kinds: kinds a group has events of, on average; >8: groups"
    print " with more than 8, whose state has grown once, from room for 8 sums to 16, its bound with 16 kinds)"
    if (short)
        printf "(-: %d queries shorter than the sampling interval)\n", short
    for (i = 1; i <= nm; i++) {
        c = morder[i]
        l = mlabel[c]
        if (done[l]++ || rss[first[l]] == "" || rss[last[l]] == "") continue
        printf "RssAnon, %-30s %+6.1f MB from %d to %d events (x%.0f)\n", l ":", mb(rss[last[l]] - rss[first[l]]),
            mrows[first[l]], mrows[last[l]], mrows[last[l]] / mrows[first[l]]
    }
    if (failed)
        exit 1

    print ""
    print "ratios (of medians)"
    x = med["name"] / med["sum"]
    printf "engagement / sum, serial:              %5.2f (target <= %s)  %s\n", x, target, x <= target + 0 ? "PASS" : "MISS"
    printf "engagement / sum, 2 workers:           %5.2f\n", med["name_par"] / med["sum_par"]
    printf "engagement by value / by name, serial: %5.2f (engagement_rules(text) for every row: %.2f)\n",
        med["value"] / med["name"], med["value_fn_10"] / med["name_10"]
    printf "hand-written SQL / engagement:         %5.2f serial, %5.2f with 2 workers\n",
        med["hand"] / med["name"], med["hand_par"] / med["name_par"]
    printf "PL/pgSQL aggregate / engagement:       %5.2f serial\n", med["plpgsql"] / med["name"]
    printf "serial / 2 workers:                    %5.2f sum, %5.2f engagement, %5.2f hand-written SQL\n",
        med["sum"] / med["sum_par"], med["name"] / med["name_par"], med["hand"] / med["hand_par"]
    printf "serial / 2 workers, %4d groups:        %5.2f sum, %5.2f engagement (engagement / sum %.2f, %.2f)\n",
        few, med["sum_few"] / med["sum_few_par"], med["name_few"] / med["name_few_par"],
        med["name_few"] / med["sum_few"], med["name_few_par"] / med["sum_few_par"]
    printf "4MB / 1GB work_mem, serial:            %5.2f sum, %5.2f engagement\n",
        med["sum_4mb"] / med["sum"], med["name_4mb"] / med["name"]
}
