# Report of bench/learn.sh from what it saved: the raw psql output (-A -t),
# the output of bench/learn_sklearn.py, the memory readings and the
# server's log.
#
# The psql output holds, after markers written by the generated script:
#   @info|KEY|VALUE...            facts about the server and the tables
#   @planted|CRITERION|SPREAD     the planted effect size of a criterion
#   @profile|MODE                 then "Time: N ms" of the profiled learn()
#   @model|MD5                    a learned model (after @run: of that run)
#   @learned|CRITERION|WEIGHT|RULE  the criteria of the learned model
#   @auc|WHICH|AUC|PREDICTED|WON  an AUC, the probabilities' sum, the won
#   @plan|KEY                     then an EXPLAIN ANALYZE (warm-up round)
#   @run|KEY|ROUND                then the result and "Time: N ms"
#   @end
# the scikit-learn output "@sk|KEY|VALUE", the memory readings
# "@mem|ROWS|before or after|FIELD|kB", and in the server's log the
# profiles: the lines "bench/learn.sh profile MODE" and auto_explain's
# "duration: N ms" of each query learn() runs, with its text and workers.
# Variables: date, machine, runs, variants (lines of "key|label"),
# mem_sizes (rows, " " separated), load, elapsed, sk_info, auc_limit
# (planted AUC - learned AUC, at most), auc_ratio_limit (auc / avg, at
# most).
# Exits 1 if a check fails.  Run with bench/stats.awk, which has the
# statistics and the helpers after() and fail().

function mb(kb) { return kb / 1024 }
function verdict(ok) { return ok ? "PASS" : "MISS" }
# The kind of a query learn() runs, from its text.
function pass_of(text) {
    if (text ~ /lead_qual\.score_histogram\(/) return "histograms of the numbers"
    if (text ~ /lead_qual\.learn_fit\(/) return "fit (Newton steps)"
    if (text ~ /lead_qual\.learn_group\(/) return "scoring with the model"
    if (text ~ /GROUP BY GROUPING SETS/) return "values of text and booleans"
    if (text ~ /lead_qual\.learn\(/) return "total"
    if (text ~ /count\(\*\) FILTER \(WHERE t\./) return "counting won and lost"
    return "other"
}

BEGIN {
    nv = split(variants, lines, "\n")
    for (i = 1; i <= nv; i++) {
        split(lines[i], f, "|")
        order[i] = f[1]; label[f[1]] = f[2]; ntimes[f[1]] = 0
    }
    nmem = split(mem_sizes, msize, " ")
    npass = split("counting won and lost|values of text and booleans|histograms of the numbers|" \
                  "fit (Newton steps)|scoring with the model|other", passes, "|")
    file = 0
}
FNR == 1 { file++ }

# --- the psql output ---
file == 1 && /^@info\|/ { split($0, f, "|"); info[f[2]] = after($0, 2); mode = ""; next }
file == 1 && /^@planted\|/ { split($0, f, "|"); planted[f[2]] = f[3] + 0; crit[++ncrit] = f[2]; next }
file == 1 && /^@learned\|/ { split($0, f, "|"); weight[f[2]] = f[3] + 0; rule[f[2]] = after($0, 3); next }
file == 1 && /^@auc\|/ { split($0, f, "|"); aucv[f[2]] = f[3]; predicted[f[2]] = f[4]; won[f[2]] = f[5]; next }
file == 1 && /^@model\|/ {
    md5 = after($0, 1)
    if (mode == "run")
        run_model[cur] = md5
    else
        profile_model[++nprofile_models] = md5
    if (mode == "run" && cur ~ /^memory / && cur != "memory " msize[nmem])
        next            # a prefix of the table: another model
    if (model == "")
        model = md5
    else if (md5 != model)
        fail(sprintf("learn() returned another model (md5 %s, not %s) in %s", md5, model,
                     mode == "run" ? cur " run " round : "a profile"))
    nmodels++
    next
}
file == 1 && /^@profile\|/ { cur = after($0, 1); mode = "profile"; next }
file == 1 && /^@plan\|/ { cur = after($0, 1); mode = "plan"; next }
file == 1 && /^@run\|/ {
    split($0, f, "|")
    cur = f[2]; round = f[3]; mode = "run"
    next
}
file == 1 && /^@end$/ { ended = 1; mode = ""; next }
file == 1 && mode == "profile" && /^Time: / { profile_ms[cur] = $2 + 0; next }
file == 1 && mode == "plan" && /Workers Launched:/ { launched[cur] += $NF; next }
file == 1 && mode == "plan" && /Workers Planned:/ { planned[cur] += $NF; next }
# the hash table of the scoring query: its groups and memory
file == 1 && mode == "plan" && /HashAggregate \(actual rows=/ {
    match($0, /rows=[0-9.]+/)
    hash_groups[cur] = substr($0, RSTART + 5, RLENGTH - 5) + 0
    next
}
file == 1 && mode == "plan" && /^ *Batches: [0-9]+  Memory Usage: [0-9]+kB/ {
    match($0, /Memory Usage: [0-9]+kB/)
    hash_kb[cur] = substr($0, RSTART + 14, RLENGTH - 16) + 0
    next
}
file == 1 && mode == "run" && /^Time: / { times[cur, ++ntimes[cur]] = $2 + 0; next }
file == 1 && mode == "run" { result[cur, ntimes[cur] + 1] = $0; next }

# --- scikit-learn ---
file == 2 && /^@sk\|/ { split($0, f, "|"); sk[f[2]] = f[3]; next }

# --- memory ---
file == 3 && /^@mem\|/ { split($0, f, "|"); memkb[f[2], f[3], f[4]] = f[5] + 0; next }

# --- the server's log: the profiles ---
file == 4 && /LOG:  bench\/learn\.sh profile / { pmode = $NF; next }
file == 4 && (pmode == "serial" || pmode == "parallel") && / duration: [0-9.]+ ms  plan:/ {
    match($0, / duration: [0-9.]+ ms/)
    pending = substr($0, RSTART + 11, RLENGTH - 14) + 0
    next
}
file == 4 && pending != "" && /Query Text: / {
    kind = pass_of($0)
    pms[pmode, kind] += pending; pn[pmode, kind]++
    pending = ""
    if (kind == "total")
        pmode = pmode " done"    # learn() itself comes last: what follows is not its
    next
}
file == 4 && (pmode == "serial" || pmode == "parallel") && /Workers Planned: / { pplanned[pmode, kind] += $NF; next }
file == 4 && (pmode == "serial" || pmode == "parallel") && /Workers Launched: / { plaunched[pmode, kind] += $NF; next }

END {
    if (!ended)
        fail("the psql output stops before its end")
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (ntimes[k] != runs)
            fail(sprintf("%d timed runs of %s, expected %d", ntimes[k], label[k], runs))
        else {
            med[k] = median(k); min[k] = minimum(k)
        }
    }
    for (i = 1; i <= nmem; i++) {
        k = "memory " msize[i]
        if (ntimes[k] != 1 || memkb[msize[i], "after", "VmHWM"] == "")
            fail(sprintf("no memory reading of learn() over %s rows", msize[i]))
    }
    if (nmodels < 2 * runs + 3)
        fail(sprintf("%d models of the whole table, expected %d", nmodels, 2 * runs + 3))
    # Every run of a query returns what its first run returned (avg within
    # 1e-9 relative: doubles added in another order with workers).
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (k ~ /^learn_/)
            continue
        for (r = 2; r <= ntimes[k]; r++)
            if (k ~ /^avg/ ? abs(result[k, r] - result[k, 1]) > 1e-9 * abs(result[k, 1]) : result[k, r] != result[k, 1])
                fail(sprintf("%s returned %s in run %d, %s in run 1", label[k], result[k, r], r, result[k, 1]))
    }
    if (result["auc_parallel", 1] != result["auc_serial", 1])
        fail(sprintf("auc() with 2 workers returned %s, serially %s", result["auc_parallel", 1], result["auc_serial", 1]))
    if (abs(result["avg_parallel", 1] - result["avg_serial", 1]) > 1e-9 * abs(result["avg_serial", 1]))
        fail("avg() with 2 workers differs from avg() serially")
    if (sk["total"] == "")
        fail("no output of bench/learn_sklearn.py")
    if (failed)
        exit 1

    split(info["rows"], tr, "|"); split(info["holdout"], ho, "|"); split(info["size"], sz, "|")
    printf "lead_qual learn() benchmark (bench/learn.sh), %s\n", date
    printf "server:   %s\n", info["server"]
    printf "machine:  %s\n", machine
    printf "leads:    %d training rows (%.1f%% won, %s), %d held out (%.1f%% won); generated from a planted model\n",
        tr[1], 100 * tr[2] / tr[1], sz[1], ho[1], 100 * ho[2] / ho[1]
    printf "runs:     %d timed rounds after a warm-up, each variant once per round; psql \\timing wall time in ms\n", runs
    printf "settings: %s\n", info["settings"]
    printf "load:     %s (1, 5, 15 min averages); %d s in all\n", load, elapsed
    printf "check:    learn() returned the same model (md5 %s) in all %d runs over the whole table,\n", model, nmodels
    printf "          serial and with 2 workers; auc() and avg() the same in every run, serial and parallel\n"
    print ""

    # --- 1. the planted model ---
    # ranks: by planted spread and by learned weight, largest first
    for (i = 1; i <= ncrit; i++) {
        c = crit[i]
        prank[c] = 1; lrank[c] = 1
        for (j = 1; j <= ncrit; j++) {
            if (planted[crit[j]] > planted[c]) prank[c]++
            if (weight[crit[j]] > weight[c]) lrank[c]++
        }
        sorted[prank[c]] = c
    }
    discordant = 0
    for (i = 1; i <= ncrit; i++)
        for (j = i + 1; j <= ncrit; j++)
            if ((planted[crit[i]] - planted[crit[j]]) * (weight[crit[i]] - weight[crit[j]]) <= 0)
                discordant++
    printf "1. learned vs planted model\n"
    printf "%-18s %15s %15s %8s %6s %8s\n", "criterion", "planted spread", "learned weight", "ratio", "rank", "learned"
    for (r = 1; r <= ncrit; r++) {
        c = sorted[r]
        printf "%-18s %15.3f %15.3f %8.2f %6d %8d\n", c, planted[c], weight[c], weight[c] / planted[c], prank[c], lrank[c]
    }
    printf "(spread: the greatest less the least contribution of the criterion to the planted log-odds, unknown\n"
    printf " included; weight: the learned log-odds between its best and worst value or band, unknown included)\n"
    printf "rank order: %s (%d of %d pairs of criteria in the other order)\n",
        (discordant == 0 ? "the planted order" : "differs"), discordant, ncrit * (ncrit - 1) / 2
    diff = aucv["planted"] - aucv["learned"]
    printf "held-out AUC: learned model %.4f, planted model %.4f (planted log-odds), difference %.4f\n",
        aucv["learned"], aucv["planted"], diff
    printf "training AUC: learned model %.4f, planted model %.4f\n", aucv["learned_train"], aucv["planted_train"]
    printf "held-out calibration: won %d, sum of win_probability() %.0f (planted probabilities: %.0f)\n",
        won["learned"], predicted["learned"], predicted["planted"]
    printf "scikit-learn on the same bins, held out: AUC %.4f (lbfgs), %.4f (newton-cholesky)\n",
        sk["holdout auc lbfgs"], sk["holdout auc newton-cholesky"]
    print ""

    # --- 2. time ---
    fit_lbfgs = sk["fit lbfgs"]; fit_newton = sk["fit newton-cholesky"]
    fit = fit_lbfgs < fit_newton ? fit_lbfgs : fit_newton
    solver = fit_lbfgs < fit_newton ? "lbfgs" : "newton-cholesky"
    pipeline = sk["export"] + sk["import"] + sk["load"] + sk["encode"] + fit
    printf "2. learning time, %d rows                       median ms     min ms    scans\n", tr[1]
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (k !~ /^(scan_|learn_)/)
            continue
        printf "%-44s %12.1f %10.1f %8.1f\n", label[k], med[k], min[k], med[k] / med["scan_columns"]
    }
    printf "(scans: median / median of \"%s\")\n", label["scan_columns"]
    printf "export + scikit-learn, one run (%s):\n", sk_info
    printf "  %-42s %12.1f   (%.0f MB of CSV)\n", "COPY (SELECT ...) TO STDOUT, CSV, to a file", sk["export"], sk["export bytes"] / 1048576
    printf "  %-42s %12.1f\n", "python: import numpy, pandas, sklearn", sk["import"]
    printf "  %-42s %12.1f\n", "pandas.read_csv", sk["load"]
    printf "  %-42s %12.1f   (%d columns, sparse)\n", "one-hot encoding, numbers cut at deciles", sk["encode"], sk["columns"]
    printf "  %-42s %12.1f   (%d iterations)\n", "LogisticRegression(C=1), lbfgs", fit_lbfgs, sk["iterations lbfgs"]
    printf "  %-42s %12.1f   (%d iterations)\n", "LogisticRegression(C=1), newton-cholesky", fit_newton, sk["iterations newton-cholesky"]
    printf "  %-42s %12.1f   (the faster fit, %s; peak RSS of python %.0f MB)\n", "export + fit", pipeline, solver, mb(sk["peak rss kB"])
    printf "target: learn() faster than export + fit: serial %.2fx, with 2 workers %.2fx (target < 1) %s\n",
        med["learn_serial"] / pipeline, med["learn_parallel"] / pipeline, verdict(med["learn_serial"] < pipeline)
    print ""

    # --- 3. where the time goes ---
    printf "3. where learn()'s time goes (one profiled run each, auto_explain: each query's duration)\n"
    printf "%-30s %7s %11s %6s %13s %8s %8s\n", "pass", "queries", "serial ms", "share", "2 workers ms", "speed-up", "workers"
    for (m = 1; m <= 2; m++) {
        pm = m == 1 ? "serial" : "parallel"
        inside[pm] = 0
        for (i = 1; i <= npass; i++)
            inside[pm] += pms[pm, passes[i]]
        pms[pm, "outside the queries"] = pms[pm, "total"] - inside[pm]
    }
    for (i = 1; i <= npass + 2; i++) {
        p = i <= npass ? passes[i] : (i == npass + 1 ? "outside the queries" : "total")
        if (pn["serial", p] == 0 && p != "outside the queries" && p != "total")
            continue
        printf "%-30s %7s %11.1f %5.1f%% %13.1f %8.2f %8s\n", p, (pn["serial", p] == "" ? "" : pn["serial", p]),
            pms["serial", p], 100 * pms["serial", p] / pms["serial", "total"], pms["parallel", p],
            (pms["parallel", p] > 0 ? pms["serial", p] / pms["parallel", p] : 0),
            (pplanned["parallel", p] ? plaunched["parallel", p] + 0 "/" pplanned["parallel", p] : "")
    }
    printf "(workers: launched / planned for the queries of the pass, in all; the profiles count the rows of\n"
    printf " every plan node, the timed runs do not: median %.1f ms serial, %.1f ms with 2 workers)\n",
        med["learn_serial"], med["learn_parallel"]
    printf "%-44s %12.1f ms (median; in the serial profile: %.1f ms)\n", label["score_pass"],
        med["score_pass"], pms["serial", "scoring with the model"]
    fit_pass = pms["serial", "fit (Newton steps)"] / pn["serial", "fit (Newton steps)"]
    printf "a fit pass: %.1f ms in the serial profile, %.1f scans\n", fit_pass, fit_pass / med["scan_columns"]
    print ""

    # --- 4. parallel ---
    printf "4. two parallel workers: learn() %.2fx faster (median %.1f ms serial, %.1f ms with 2 workers)\n",
        med["learn_serial"] / med["learn_parallel"], med["learn_serial"], med["learn_parallel"]
    print ""

    # --- 5. memory ---
    printf "5. memory of the backend running learn() (serial)\n"
    printf "%10s %12s %14s %14s %14s %14s\n", "rows", "learn() ms", "RSS before MB", "peak added MB", "anon added MB", "shmem added MB"
    for (i = 1; i <= nmem; i++) {
        n = msize[i]
        peak[i] = mb(memkb[n, "after", "VmHWM"] - memkb[n, "before", "VmRSS"])
        printf "%10d %12.1f %14.1f %14.1f %14.1f %14.1f\n", n, times["memory " n, 1], mb(memkb[n, "before", "VmRSS"]),
            peak[i], mb(memkb[n, "after", "RssAnon"] - memkb[n, "before", "RssAnon"]),
            mb(memkb[n, "after", "RssShmem"] - memkb[n, "before", "RssShmem"])
    }
    printf "(peak added: VmHWM after learn(), its peak reset just before, less VmRSS before; the table was read\n"
    printf " first, so its pages in shared buffers count before; anon and shmem: RssAnon, RssShmem after less before)\n"
    printf "learn()'s scoring query (GROUP BY learn_group(): score in hundredths, criteria met, qualified) over %d rows: a hash\n", tr[1]
    printf "table of %d groups, %.1f MB (EXPLAIN ANALYZE of \"%s\")\n", hash_groups["score_pass"],
        mb(hash_kb["score_pass"]), label["score_pass"]
    flat = peak[nmem] <= 1.25 * peak[1] + 1
    printf "target: flat as the rows grow %.0fx: peak added %.1f MB at %d rows, %.1f MB at %d (at most 1.25x + 1 MB) %s\n",
        msize[nmem] / msize[1], peak[1], msize[1], peak[nmem], msize[nmem], verdict(flat)
    print ""

    # --- 6. auc ---
    printf "6. auc(score, won) vs avg(score), %d rows (%s)        median ms     min ms   ratio\n", info["auc_rows"], sz[2]
    for (i = 1; i <= nv; i++) {
        k = order[i]
        if (k !~ /^(avg|auc)_/)
            continue
        base = k ~ /serial/ ? "avg_serial" : "avg_parallel"
        printf "%-52s %12.1f %10.1f %7.2f\n", label[k], med[k], min[k], med[k] / med[base]
    }
    printf "workers launched (warm-up, EXPLAIN ANALYZE): avg %d, auc %d; speed-up with 2 workers: avg %.2fx, auc %.2fx\n",
        launched["avg_parallel"], launched["auc_parallel"], med["avg_serial"] / med["avg_parallel"],
        med["auc_serial"] / med["auc_parallel"]
    printf "auc = %s\n", result["auc_serial", 1]
    r_serial = med["auc_serial"] / med["avg_serial"]
    r_parallel = med["auc_parallel"] / med["avg_parallel"]
    print ""

    printf "targets\n"
    printf "learned criteria in the planted order                    %s\n", verdict(discordant == 0)
    printf "held-out AUC within %.3f of the planted model's: %.4f     %s\n", auc_limit, diff, verdict(abs(diff) <= auc_limit)
    printf "learn() faster than export + fit: %.2fx                   %s\n", med["learn_serial"] / pipeline,
        verdict(med["learn_serial"] < pipeline)
    printf "peak memory flat from %d to %d rows: %.1f to %.1f MB %s\n", msize[1], msize[nmem], peak[1], peak[nmem], verdict(flat)
    printf "auc within %gx of avg, serial: %.2fx                        %s\n", auc_ratio_limit, r_serial,
        verdict(r_serial <= auc_ratio_limit)
    printf "auc within %gx of avg, 2 workers: %.2fx                     %s\n", auc_ratio_limit, r_parallel,
        verdict(r_parallel <= auc_ratio_limit)
}
