"""What bench/learn.sh compares learn() with: the rows exported as CSV,
loaded with pandas, one-hot encoded and fitted with scikit-learn's
LogisticRegression, as a user without lead_qual would.

Usage: learn_sklearn.py TRAIN.csv HOLDOUT.csv

The CSV files hold the criteria of bench/learn.sql and won (1 or 0), with
a header.  The encoding is learn()'s: a column per value of each text or
boolean column and one for unknown (NULL); numbers cut at their deciles
(on the training rows), a column per band and one for unknown.  The matrix
is sparse (one 1 per criterion and row), the cheapest form for both
solvers.  The penalty is learn()'s: ridge 1 (C = 1), intercept not
penalised.  Both solvers are timed on the same matrix: lbfgs (the
default) and newton-cholesky (Newton's method, as learn() fits).

Prints "@sk|KEY|VALUE" lines: times in ms, the held-out AUC of each fit,
the peak memory of the process.
"""
import resource
import sys
import time

started = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

CATEGORIES = ["source", "industry", "region", "job_level", "demo_requested", "newsletter"]
NUMBERS = ["budget", "employees", "visits", "last_touch_days"]


def out(key, value):
    print(f"@sk|{key}|{value}", flush=True)


def ms(since):
    return f"{(time.perf_counter() - since) * 1000:.1f}"


def load(path):
    dtypes = {c: "category" for c in CATEGORIES}
    dtypes.update({c: "float64" for c in NUMBERS})
    dtypes["won"] = "int8"
    return pd.read_csv(path, dtype=dtypes)


def encoding(train):
    """The columns of each criterion: its categories, or its cut points."""
    enc = {}
    for c in CATEGORIES:
        enc[c] = train[c].cat.categories
    for c in NUMBERS:
        x = train[c].to_numpy()
        enc[c] = np.unique(np.nanquantile(x, np.arange(1, 10) / 10))
    return enc


def encode(df, enc):
    """A sparse 0/1 matrix: for each criterion, its unknown column first."""
    n = len(df)
    cols = []
    offset = 0
    for c in CATEGORIES:
        codes = pd.Categorical(df[c], categories=enc[c]).codes.astype(np.int32)
        cols.append(offset + codes + 1)  # -1 (NULL, or a value not seen) -> 0
        offset += len(enc[c]) + 1
    for c in NUMBERS:
        x = df[c].to_numpy()
        band = np.searchsorted(enc[c], x, side="right").astype(np.int32) + 1
        band[np.isnan(x)] = 0
        cols.append(offset + band)
        offset += len(enc[c]) + 2
    indices = np.column_stack(cols).ravel()
    k = len(cols)
    return sp.csr_matrix((np.ones(n * k), indices, np.arange(0, n * k + 1, k)), shape=(n, offset))


def main():
    train_path, holdout_path = sys.argv[1:3]
    out("import", ms(started))

    t = time.perf_counter()
    train = load(train_path)
    out("load", ms(t))
    out("rows", len(train))

    t = time.perf_counter()
    enc = encoding(train)
    x = encode(train, enc)
    y = train["won"].to_numpy()
    out("encode", ms(t))
    out("columns", x.shape[1])

    holdout = load(holdout_path)
    x_holdout = encode(holdout, enc)
    y_holdout = holdout["won"].to_numpy()

    for solver in ("lbfgs", "newton-cholesky"):
        t = time.perf_counter()
        model = LogisticRegression(C=1.0, solver=solver, max_iter=1000)
        model.fit(x, y)
        out(f"fit {solver}", ms(t))
        out(f"iterations {solver}", int(model.n_iter_[0]))
        out(f"holdout auc {solver}", f"{roc_auc_score(y_holdout, model.decision_function(x_holdout)):.6f}")

    out("peak rss kB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    out("total", ms(started))


if __name__ == "__main__":
    main()
