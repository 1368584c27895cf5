"""The scikit-learn side of scripts/bench-predict.ts: fit one RandomForestClassifier on a pipeline CSV file,
keep it, then answer requests on stdin, one JSON line each on stdout:
  "predict N_JOBS"  label every row of the test file with n_jobs=N_JOBS; answers {"seconds": ...}, the time
                    of forest.predict(x_test) alone (x_test already a float64 matrix in memory).
Usage: bench_predict_sklearn.py TRAIN.csv TEST.csv SEED TREES"""

import json
import sys
import time

import numpy as np
import sklearn
from bench_sklearn import read_table
from sklearn.ensemble import RandomForestClassifier


def answer(value):
    print(json.dumps(value), flush=True)


def main():
    train_path, test_path, seed, trees = sys.argv[1:5]
    x_train, y_train = read_table(train_path)
    x_test, y_test = read_table(test_path)
    # Defaults but for the seed (max_features="sqrt", Gini, bootstrap); fitted on every core, as fit is not measured.
    forest = RandomForestClassifier(n_estimators=int(trees), random_state=int(seed), n_jobs=-1)
    started = time.perf_counter()
    forest.fit(x_train, y_train)
    fit_seconds = time.perf_counter() - started
    reference = forest.predict(x_test)
    answer({"fit_seconds": fit_seconds, "version": sklearn.__version__, "accuracy": float(np.mean(reference == y_test))})
    for line in sys.stdin:
        command, n_jobs = line.split()
        if command != "predict":
            raise SystemExit(f"bench_predict_sklearn.py: unknown request {line.strip()!r}")
        forest.n_jobs = int(n_jobs)
        started = time.perf_counter()
        predicted = forest.predict(x_test)
        seconds = time.perf_counter() - started
        # Not timed: every call labels the rows alike.
        if not np.array_equal(predicted, reference):
            raise SystemExit(f"bench_predict_sklearn.py: n_jobs={n_jobs} predicted other labels")
        answer({"seconds": seconds})


if __name__ == "__main__":
    main()
