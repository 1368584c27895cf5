"""One scikit-learn measurement for scripts/bench-engines.ts: fit a RandomForestClassifier on a pipeline
CSV file, predict another, and print one JSON line with the times, the clean-test accuracy and the peak
memory of this process. Usage: bench_sklearn.py TRAIN.csv TEST.csv SEED N_JOBS FITS TREES"""

import csv
import json
import pickle
import resource
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier

CLASSES = ["setosa", "versicolor", "virginica"]


def read_table(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    features = np.array([[float(value) for value in row[:4]] for row in rows])
    labels = np.array([CLASSES.index(row[4]) for row in rows])
    return features, labels


def main():
    train_path, test_path, seed, n_jobs, fits, trees = sys.argv[1:7]
    x_train, y_train = read_table(train_path)
    x_test, y_test = read_table(test_path)
    fit_seconds = []
    for _ in range(int(fits)):
        # The same settings as poisonlab-forest's defaults: Gini, sqrt of the features per split, bootstrap.
        forest = RandomForestClassifier(
            n_estimators=int(trees), max_features="sqrt", min_samples_leaf=1, random_state=int(seed), n_jobs=int(n_jobs)
        )
        started = time.perf_counter()
        forest.fit(x_train, y_train)
        fit_seconds.append(time.perf_counter() - started)
    # The median of 3 predict calls, as scripts/bench-engines.ts takes (PREDICTS).
    predict_times = []
    for _ in range(3):
        started = time.perf_counter()
        predicted = forest.predict(x_test)
        predict_times.append(time.perf_counter() - started)
    predict_seconds = sorted(predict_times)[1]
    print(json.dumps({
        "fit_seconds": fit_seconds,
        "predict_seconds": predict_seconds,
        # The fitted forest's pickle, for reference beside poisonlab's model file.
        "model_bytes": len(pickle.dumps(forest, protocol=pickle.HIGHEST_PROTOCOL)),
        "accuracy": float(np.mean(predicted == y_test)),
        # Linux reports ru_maxrss in KiB.
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
