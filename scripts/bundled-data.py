"""Writes the bundled data sets in data/raw/ from the copies in scikit-learn's and palmerpenguins' wheels.

    pip download --no-deps -d /tmp/wheels scikit-learn==1.9.1 palmerpenguins==0.1.6
    (cd /tmp/wheels && unzip -qo 'scikit_learn-*.whl' 'sklearn/datasets/data/*' && unzip -qo 'palmerpenguins-*.whl')
    python3 scripts/bundled-data.py /tmp/wheels

scikit-learn's CSVs have no header: their first line is `n_samples,n_features,class names...`, and the
last column is the class index. The column names are scikit-learn's feature_names (sklearn/datasets/_base.py),
with spaces written as underscores. The penguins CSV is copied as it is.
"""

import csv
import shutil
import sys
from pathlib import Path

WINE = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
    "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline",
]
BREAST_CANCER = [
    f"{prefix}_{name}"
    for prefix in ["mean", "error", "worst"]
    for name in [
        "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave_points",
        "symmetry", "fractal_dimension",
    ]
]
# scikit-learn orders them "mean radius" ... "radius error" ... "worst radius"; keep its order and wording.
BREAST_CANCER = [
    name if name.startswith(("mean_", "worst_")) else name.removeprefix("error_") + "_error" for name in BREAST_CANCER
]


def convert(source: Path, target: Path, features: list[str], label: str) -> None:
    with source.open(newline="") as file:
        rows = list(csv.reader(file))
    n_samples, n_features, *classes = rows[0]
    body = rows[1:]
    assert len(body) == int(n_samples) and len(features) == int(n_features), source
    with target.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow([*features, label])
        for row in body:
            writer.writerow([*row[:-1], classes[int(row[-1])]])


def main(wheels: Path) -> None:
    data = wheels / "sklearn/datasets/data"
    raw = Path("data/raw")
    convert(data / "wine_data.csv", raw / "wine.csv", WINE, "class")
    convert(data / "breast_cancer.csv", raw / "breast_cancer.csv", BREAST_CANCER, "diagnosis")
    shutil.copyfile(wheels / "palmerpenguins/data/penguins.csv", raw / "penguins.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
