#!/usr/bin/env python3
"""The scikit-learn peer of bench.py's `halving` section: HalvingGridSearchCV over the grid of
experiments/wisconsin.yaml, with the number of epochs (MLPClassifier's max_iter) as the resource.

The model follows ../shared/peers/sklearn_grid.py's mapping of the Keras-style grid onto
MLPClassifier: input(30) -> Dense(units, act) -> output, solver='sgd', momentum=0,
nesterovs_momentum=False, learning_rate='constant', learning_rate_init=learning_rate, batch_size,
alpha=0 (no L2), shuffle=True, float32 input, activation linear -> 'identity', relu -> 'relu';
early stopping on a training-loss plateau is disabled (n_iter_no_change = 10 x the largest
resource), so every fit runs all the epochs it is given (asserted). Class weights 'balanced' via
fit(sample_weight=) (scikit-learn >= 1.7), computed on each fit's training rows; features
standardized on each fit's training rows (StandardScaler inside the estimator).

Split as runexp's reference: a stratified 20 % test part held out (fixed by --seed), then
--repetitions stratified 20 % validation splits of the rest (StratifiedShuffleSplit, n_splits =
repetitions), scored by accuracy. Successive halving: the first iteration trains every candidate
for --min-resources epochs on every split, then the best ceil(n / factor) by mean validation
accuracy go on with factor times the epochs, up to --max-resources. The best candidate of the last
iteration is refit on all non-test rows (train + validation) and scored on the test part.

Differences from runexp that scikit-learn cannot express (or does otherwise):
  * NO DROPOUT: `dropout` is a parameter of the wrapper estimator that is ignored, so the search
    has the same 216 candidates as runexp, each dropout value re-training the same model (same
    random_state, same numbers: duplicate work, still timed). The reported best may therefore
    name any dropout value; only its other parameters matter.
  * Rungs restart from scratch: every iteration fits a new model with more epochs (scikit-learn
    has no warm start across iterations); runexp continues the survivors from their weights.
  * The ladder: scikit-learn never exceeds max_resources, so min 3, factor 3, max 25 gives
    iterations of 3 and 9 epochs only (3 x 3^2 = 27 > 25), and its best is the best of the 72
    candidates at 9 epochs; runexp's rungs are 3, 9, 25 (the last capped by training.epochs).
    --runexp-ladder mimics runexp's: max_resources = the first min x factor^k >= --max-resources
    (27), and each fit trains min(max_iter, --max-resources) epochs (3, 9, 25).
  * A fit whose weights become non-finite raises in scikit-learn; it scores NaN (error_score), and
    a candidate with any NaN split has a NaN mean, ranked last (runexp leaves diverged runs out of
    the cell's mean).
  * Binary problems get ONE logistic output unit (log-loss), not a 2-unit softmax; Glorot-uniform
    init for weights AND biases; the weighted loss is normalized by the batch's sum of weights.
  * The refit trains on all 455 non-test rows (runexp's test accuracy comes from the repetitions'
    models, trained on the rows their validation split leaves).

Prints one JSON line last (bench.py reads it): wall_seconds (from after the imports to the end:
data, search, refit, scoring; as sklearn_grid.py's total), import_seconds, fit_seconds (the
search), best_params, best_val_accuracy (mean over the splits), test_accuracy (refit best),
n_candidates and n_resources per iteration, epochs_trained (sum over iterations of candidates x
splits x epochs trained), refit_epochs, failed_fits, sklearn version.

    python sklearn_halving.py --data Data/wisconsin.csv [--grid JSON] [--min-resources 3]
        [--max-resources 25] [--factor 3] [--repetitions 3] [--test 0.2] [--validation 0.2]
        [--seed 42] [--n-jobs 2] [--runexp-ladder]
"""
import time

_t0 = time.perf_counter()
import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402,F401
from sklearn.model_selection import HalvingGridSearchCV, StratifiedShuffleSplit, train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "Data", "wisconsin.csv"))
# The grid of experiments/wisconsin.yaml (bench.py passes the file's own with --grid).
DEFAULT_GRID = {"units": [1, 32, 64], "activation": ["linear", "relu"], "dropout": [0, 0.3, 0.6],
                "batch_size": [4, 16, 32], "learning_rate": [0.01, 0.1, 0.5, 1]}
ACTIVATIONS = {"linear": "identity", "relu": "relu", "tanh": "tanh", "sigmoid": "logistic"}


class KerasStyleMLP(ClassifierMixin, BaseEstimator):
    """One hidden layer MLPClassifier with the grid's Keras-style parameter names. `dropout` is
    accepted and ignored (MLPClassifier has none); `max_iter` is the halving resource, and a fit
    trains min(max_iter, epoch_cap) epochs when epoch_cap is set (--runexp-ladder)."""

    def __init__(self, units=32, activation="relu", dropout=0.0, batch_size=32, learning_rate=0.01,
                 max_iter=25, epoch_cap=None, patience=250, random_state=0):
        self.units = units
        self.activation = activation
        self.dropout = dropout
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.epoch_cap = epoch_cap
        self.patience = patience
        self.random_state = random_state

    def epochs(self):
        return self.max_iter if self.epoch_cap is None else min(self.max_iter, self.epoch_cap)

    def fit(self, X, y):
        self.scaler_ = StandardScaler().fit(X)
        self.mlp_ = MLPClassifier(
            hidden_layer_sizes=(self.units,), activation=ACTIVATIONS[self.activation], solver="sgd",
            alpha=0.0, batch_size=self.batch_size, learning_rate="constant",
            learning_rate_init=self.learning_rate, max_iter=self.epochs(), shuffle=True,
            random_state=self.random_state, tol=1e-4, n_iter_no_change=self.patience, momentum=0.0,
            nesterovs_momentum=False, early_stopping=False)
        with warnings.catch_warnings():  # in the worker processes too
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow in diverging configs
            self.mlp_.fit(self.scaler_.transform(X).astype(np.float32), y,
                          sample_weight=compute_sample_weight("balanced", y))
        assert self.mlp_.n_iter_ == self.epochs(), (self.mlp_.n_iter_, self.epochs())
        self.classes_ = self.mlp_.classes_
        return self

    def predict(self, X):
        return self.mlp_.predict(self.scaler_.transform(X).astype(np.float32))


def load(path, target, positive):
    """Features (float64) and labels (1 = `positive`, else 0) of a CSV with a header."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index(target)
    X = np.array([[float(v) for j, v in enumerate(r) if j != t] for r in body], dtype=np.float64)
    y = np.array([1 if r[t].strip() == positive else 0 for r in body], dtype=np.int64)
    return X, y


def ladder_top(min_resources, factor, epochs):
    """The first min x factor^k at or above `epochs`: the max_resources that gives runexp's rungs."""
    top = min_resources
    while top < epochs:
        top *= factor
    return top


def plain(value):
    """numpy scalars as JSON numbers."""
    return value.item() if hasattr(value, "item") else value


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=DEFAULT_DATA)
    p.add_argument("--target", default="diagnosis")
    p.add_argument("--positive", default="M")
    p.add_argument("--grid", default=None, help="JSON {axis: [values]} (default: experiments/wisconsin.yaml's)")
    p.add_argument("--min-resources", type=int, default=3, help="epochs of the first iteration")
    p.add_argument("--max-resources", type=int, default=25, help="the most epochs (training.epochs)")
    p.add_argument("--factor", type=int, default=3)
    p.add_argument("--runexp-ladder", action="store_true",
                   help="rungs as runexp's: min x factor^r epochs capped by --max-resources (3, 9, 25)")
    p.add_argument("--repetitions", type=int, default=3, help="validation splits (StratifiedShuffleSplit n_splits)")
    p.add_argument("--test", type=float, default=0.2)
    p.add_argument("--validation", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--n-jobs", type=int, default=2)
    args = p.parse_args()
    start = time.perf_counter()
    grid = json.loads(args.grid) if args.grid else DEFAULT_GRID
    X, y = load(args.data, args.target, args.positive)
    X_dev, X_test, y_dev, y_test = train_test_split(X, y, test_size=args.test, stratify=y, random_state=args.seed)
    cv = StratifiedShuffleSplit(n_splits=args.repetitions, test_size=args.validation, random_state=args.seed)
    if args.runexp_ladder:
        max_resources = ladder_top(args.min_resources, args.factor, args.max_resources)
        cap = args.max_resources
    else:
        max_resources, cap = args.max_resources, None
    estimator = KerasStyleMLP(epoch_cap=cap, patience=10 * max_resources, random_state=args.seed)
    search = HalvingGridSearchCV(estimator, grid, resource="max_iter", min_resources=args.min_resources,
                                 max_resources=max_resources, factor=args.factor, cv=cv, scoring="accuracy",
                                 refit=True, error_score=np.nan, n_jobs=args.n_jobs, random_state=args.seed)
    fit_start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FitFailedWarning)  # diverged fits, counted below
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.filterwarnings("ignore", message="One or more of the test scores are non-finite")
        search.fit(X_dev, y_dev)
    fit_seconds = time.perf_counter() - fit_start
    test_accuracy = float(search.score(X_test, y_test))
    wall = time.perf_counter() - start

    epochs = [r if cap is None else min(r, cap) for r in search.n_resources_]
    splits = search.n_splits_
    results = search.cv_results_
    split_scores = np.array([results[f"split{i}_test_score"] for i in range(splits)])
    best = {k: plain(v) for k, v in search.best_params_.items()}
    print(json.dumps({
        "sklearn": sklearn.__version__,
        "wall_seconds": round(wall, 4), "import_seconds": round(IMPORT_SECONDS, 4), "fit_seconds": round(fit_seconds, 4),
        "best_params": best,
        "best_val_accuracy": float(search.best_score_), "test_accuracy": test_accuracy,
        "n_candidates": [int(n) for n in search.n_candidates_], "n_resources": [int(n) for n in search.n_resources_],
        "epochs_per_iteration": [int(e) for e in epochs], "splits": int(splits),
        "epochs_trained": int(sum(n * splits * e for n, e in zip(search.n_candidates_, epochs))),
        "refit_epochs": int(epochs[-1]), "failed_fits": int(np.isnan(split_scores).sum()),
        "fits": int(split_scores.size), "rows": {"dev": int(len(y_dev)), "test": int(len(y_test))},
        "n_jobs": args.n_jobs, "runexp_ladder": bool(args.runexp_ladder),
    }))


if __name__ == "__main__":
    main()
