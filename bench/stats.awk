# What the reports of the benchmarks share: statistics of times, reading
# the "@marker|field|field" lines of their raw output, and failing a check.
# The times of variant v are times[v, 1..ntimes[v]], in ms.

function sort(a, n,    i, j, x) {  # insertion sort of a[1..n]
    for (i = 2; i <= n; i++) {
        x = a[i]
        for (j = i - 1; j >= 1 && a[j] > x; j--)
            a[j + 1] = a[j]
        a[j + 1] = x
    }
}

function median(v,    a, i, n) {
    n = ntimes[v]
    for (i = 1; i <= n; i++)
        a[i] = times[v, i]
    sort(a, n)
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function minimum(v,    i, m) {
    m = times[v, 1]
    for (i = 2; i <= ntimes[v]; i++)
        if (times[v, i] < m)
            m = times[v, i]
    return m
}

function abs(x) { return x < 0 ? -x : x }

function after(line, n,    i) {    # the text after the n-th "|"
    for (i = 0; i < n; i++)
        line = substr(line, index(line, "|") + 1)
    return line
}

# A failed check: said in the report; the report then exits 1.
function fail(msg) { printf "FAIL: %s\n", msg; failed = 1 }
