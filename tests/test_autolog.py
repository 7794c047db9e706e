"""Autolog: ordinary scikit-learn evaluation code logs the right model, with no nbalign call.

Through a real IPython shell, on scikit-learn's breast cancer data, with real estimators.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from IPython.utils.capture import capture_output

from nbalign.session import active_session

OBJECTIVE = """%%objective cancer
metric: auc
target: 0.999
baseline: first
data:
  test: X_test, y_test
"""


def run(shell, code: str):
    with capture_output() as captured:
        result = shell.run_cell(code)
    assert result.success, result.error_in_exec
    return captured


@pytest.fixture
def watched(shell, cancer):
    """nbalign loaded (autolog on by default), the data defined, an objective on ROC AUC."""
    shell.user_ns.update({k: v for k, v in cancer.items() if k.startswith(("X_", "y_"))})
    run(shell, "%load_ext nbalign")
    run(shell, OBJECTIVE)
    run(shell, "import numpy as np\nimport pandas as pd\n"
               "from sklearn.linear_model import LogisticRegression\n"
               "from sklearn.ensemble import RandomForestClassifier\n"
               "from sklearn.pipeline import make_pipeline\n"
               "from sklearn.preprocessing import StandardScaler\n"
               "from sklearn.metrics import roc_auc_score, f1_score, accuracy_score\n"
               "lr = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)\n"
               "forest = RandomForestClassifier(n_estimators=30, random_state=0).fit(X_train, y_train)")
    return shell


def logged(name: str | None = None) -> list:
    records = [r for r in active_session().records if r.source == "autolog"]
    return records if name is None else [r for r in records if r.name == name]


# ------------------------------------------------------------------ which calls log which model


@pytest.mark.parametrize("expression, metric", [
    ("roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])", "roc_auc_score"),
    ("p = forest.predict_proba(X_test)\nroc_auc_score(y_test, p[:, 1].copy())", "roc_auc_score"),
    ("p = forest.predict_proba(X_test)\nroc_auc_score(y_test, pd.Series(p[:, 1], index=y_test.index))",
     "roc_auc_score"),
    ("p = forest.predict_proba(X_test)\nroc_auc_score(y_test, np.asarray(list(p[:, 1])))", "roc_auc_score"),
    ("f1_score(y_test, forest.predict_proba(X_test)[:, 1] >= 0.3)", "f1_score"),
    ("f1_score(y_test, (forest.predict_proba(X_test)[:, 1] > 0.7).astype(int))", "f1_score"),
    ("accuracy_score(y_test, forest.predict(X_test))", "accuracy_score"),
    ("forest.score(X_test, y_test)", "score"),
])
def test_a_metric_on_the_models_predictions_logs_that_model(watched, expression, metric):
    run(watched, expression)
    (record,) = logged()
    assert record.name == "forest" and record.estimator.endswith("RandomForestClassifier")
    # the objective's metric, whatever the user computed; the user's own metric beside it
    assert record.metric == "auc" and 0.9 < record.score <= 1
    assert record.reported["metric"] == metric and isinstance(record.reported["value"], float)
    assert record.kept is None and record.data_fingerprint is not None
    assert (record.complexity or {}).get("fit_seconds") is not None  # autolog saw the fit


def test_a_pipeline_is_logged_as_the_pipeline(watched):
    run(watched, "roc_auc_score(y_test, lr.predict_proba(X_test)[:, 1])")
    (record,) = logged()
    assert record.name == "lr" and record.estimator.endswith("Pipeline")


def test_a_metric_imported_before_nbalign_is_watched_too(shell, cancer):
    shell.user_ns.update({k: v for k, v in cancer.items() if k.startswith(("X_", "y_"))})
    run(shell, "from sklearn.metrics import roc_auc_score as auc_imported_early")
    run(shell, "%load_ext nbalign")
    run(shell, OBJECTIVE)
    run(shell, "from sklearn.tree import DecisionTreeClassifier\n"
               "tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)\n"
               "auc_imported_early(y_test, tree.predict_proba(X_test)[:, 1])")
    (record,) = logged()
    assert record.name == "tree" and record.reported["metric"] == "roc_auc_score"


def test_a_class_defined_after_loading_is_watched(watched):
    run(watched, "from sklearn.base import BaseEstimator, ClassifierMixin\n"
                 "class Mine(ClassifierMixin, BaseEstimator):\n"
                 "    def fit(self, X, y):\n"
                 "        self.classes_ = np.array([0, 1]); self.mean_ = X.mean().to_numpy(); return self\n"
                 "    def predict_proba(self, X):\n"
                 "        p = 1 / (1 + np.exp(-(X.to_numpy() - self.mean_)[:, 0] / 3))\n"
                 "        return np.column_stack([1 - p, p])\n"
                 "mine = Mine().fit(X_train, y_train)\n"
                 "roc_auc_score(y_test, mine.predict_proba(X_test)[:, 1])")
    (record,) = logged()
    assert record.name == "mine"


def test_predictions_that_match_no_model_log_nothing(watched):
    run(watched, "roc_auc_score(y_test, np.linspace(0, 1, len(y_test)))\n"
                 "accuracy_score(y_test, y_test)\n"
                 "roc_auc_score(y_test[:50], forest.predict_proba(X_test)[:50, 1])")  # a slice of the rows
    assert logged() == []


def test_a_cell_that_evaluates_nothing_records_nothing(watched):
    run(watched, "x = 1\nforest.predict(X_test)")
    assert logged() == [] and active_session().standing.summary.n_models == 0


# ------------------------------------------------------------------ one record per evaluation


def test_the_same_model_on_the_same_data_is_one_record(watched):
    run(watched, "for t in np.linspace(0.1, 0.9, 50):\n"
                 "    f1_score(y_test, forest.predict_proba(X_test)[:, 1] >= t)")
    run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    assert len(logged("forest")) == 1
    assert logged("forest")[0].reported["metric"] == "roc_auc_score"  # the latest call's metric


def test_a_model_refitted_with_new_parameters_is_a_new_evaluation(watched):
    run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    run(watched, "forest.set_params(max_depth=2).fit(X_train, y_train)\n"
                 "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    first, second = logged("forest")
    assert first.model_id != second.model_id and first.id != second.id


def test_one_cell_is_one_update_of_the_views(watched):
    session = active_session()
    seen = []
    session.subscribe(lambda kind, message: seen.append(message["revision"]))
    run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])\n"
                 "roc_auc_score(y_test, lr.predict_proba(X_test)[:, 1])")
    assert len(logged()) == 2 and len(seen) == 1


def test_each_logged_model_shows_its_line(watched):
    captured = run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    text = "\n".join(o.data.get("text/plain", "") for o in captured.outputs)
    assert re.search(r"forest: ROC AUC 0\.\d{3} .*\(your roc_auc_score 0\.\d{3}\)", text), text


# ------------------------------------------------------------------ switching it, and never in the way


def originals():
    """Every function and method autolog may replace, as they are now."""
    import sklearn.metrics
    import sklearn.model_selection
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC

    found = {name: getattr(sklearn.metrics, name) for name in sklearn.metrics.__all__}
    found.update({name: getattr(sklearn.model_selection, name)
                  for name in ("cross_validate", "cross_val_score", "cross_val_predict")})
    for cls in (RandomForestClassifier, Pipeline, SVC, ClassifierMixin, BaseEstimator):
        for name in ("fit", "predict", "predict_proba", "decision_function", "score", "__init_subclass__"):
            definer = next((c for c in cls.__mro__ if name in vars(c)), None)  # where the method lives
            found[f"{cls.__name__}.{name}"] = None if definer is None else vars(definer)[name]
    return found


def test_unloading_restores_every_function_and_method_by_identity(shell, cancer):
    import sklearn.metrics  # present before loading, so patched at once

    before = originals()
    shell.user_ns["auc"] = sklearn.metrics.roc_auc_score
    run(shell, "%load_ext nbalign")
    during = originals()
    assert during["roc_auc_score"] is not before["roc_auc_score"]
    assert during["RandomForestClassifier.predict_proba"] is not before["RandomForestClassifier.predict_proba"]
    assert shell.user_ns["auc"] is not before["roc_auc_score"]
    run(shell, "%unload_ext nbalign")
    after = originals()
    assert all(after[k] is before[k] for k in before), [k for k in before if after[k] is not before[k]]
    assert shell.user_ns["auc"] is before["roc_auc_score"]


def test_autolog_off_and_on(watched):
    import sklearn.metrics

    run(watched, "%nbalign autolog off")
    assert not getattr(sklearn.metrics.roc_auc_score, "__nbalign_observed__", False)
    run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    assert logged() == []
    run(watched, "%config NbalignMagics.autolog = True")
    run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    assert len(logged()) == 1


def test_methods_missing_on_a_model_stay_missing(watched):
    from sklearn.svm import SVC

    assert not hasattr(SVC(), "predict_proba") and hasattr(SVC(probability=True), "predict_proba")


def test_a_failure_inside_autolog_is_one_warning_and_the_result_is_untouched(watched, monkeypatch):
    from nbalign import autolog

    def broken(self, y_pred):
        raise RuntimeError("matching broke")

    monkeypatch.setattr(autolog.Watcher, "match", broken)
    monkeypatch.delenv("NBALIGN_STRICT")  # in use, not in nbalign's tests: there it raises (test_do_no_harm)
    with capture_output() as captured:
        watched.run_cell("value = roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])\n"
                         "again = roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    from sklearn.metrics._ranking import roc_auc_score

    expected = roc_auc_score(watched.user_ns["y_test"], watched.user_ns["forest"].predict_proba(
        watched.user_ns["X_test"])[:, 1])
    assert watched.user_ns["value"] == watched.user_ns["again"] == expected
    assert captured.stderr.count("autolog failed while watching roc_auc_score (RuntimeError: matching broke)") == 1
    assert logged() == []


def test_loading_before_scikit_learn_is_imported_watches_it_from_its_import(private_store):
    """`%load_ext` never imports scikit-learn; autolog starts watching it when the user does."""
    code = (
        "import sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'nbalign')\n"
        "print('before', [m for m in ('sklearn', 'pandas', 'scipy') if m in sys.modules])\n"
        "shell.run_cell('from sklearn.datasets import load_breast_cancer\\n'\n"
        "               'X, y = load_breast_cancer(return_X_y=True)')\n"
        "shell.run_cell('%%objective c\\nmetric: auc\\ntarget: 0.999\\nbaseline: 0.9')\n"
        "shell.run_cell('from sklearn.linear_model import LogisticRegression\\n'\n"
        "               'from sklearn.metrics import roc_auc_score\\n'\n"
        "               'm = LogisticRegression(max_iter=5000).fit(X[:400], y[:400])\\n'\n"
        "               'roc_auc_score(y[400:], m.predict_proba(X[400:])[:, 1])')\n"
        "from nbalign.session import active_session\n"
        "print('logged', [(r.name, r.source) for r in active_session().records])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert done.returncode == 0, done.stderr
    assert "before []" in done.stdout
    assert "logged [('m', 'autolog')]" in done.stdout, done.stdout + done.stderr


# ------------------------------------------------------------------ which data counts


def test_a_score_on_the_training_data_is_shown_apart_and_never_best(watched):
    run(watched, "roc_auc_score(y_test, lr.predict_proba(X_test)[:, 1])")
    run(watched, "deep = RandomForestClassifier(n_estimators=30, random_state=1).fit(X_train, y_train)\n"
                 "roc_auc_score(y_train, deep.predict_proba(X_train)[:, 1])")
    (record,) = logged("deep")
    assert record.kind == "train" and record.score > 0.999  # it has learned these rows
    standing = active_session().standing
    row = standing.row(record.id)
    assert row.verdict == "training_data" and row.word == "on training data"
    assert [f.code for f in row.findings] == ["NBA204"]
    assert "was scored on the data it was fitted on" in row.findings[0].message
    assert standing.summary.best.name == "lr" and standing.summary.n_models == 1


def test_a_score_on_another_test_set_is_shown_apart(watched, cancer):
    watched.user_ns["X_other"], watched.user_ns["y_other"] = cancer["X_train"][:200], cancer["y_train"][:200]
    run(watched, "roc_auc_score(y_test, lr.predict_proba(X_test)[:, 1])")
    run(watched, "roc_auc_score(y_other, forest.predict_proba(X_other)[:, 1])")
    (record,) = logged("forest")
    row = active_session().standing.row(record.id)
    assert row.verdict == "other_test_set" and [f.code for f in row.findings] == ["NBA203"]
    assert "200 rows that are not the test set the models are compared on (143 rows)" in row.findings[0].message
    assert active_session().standing.summary.best.name == "lr"


def test_an_explicit_evaluation_on_the_objectives_training_data_is_shown_apart(shell, cancer):
    import nbalign

    shell.user_ns.update(cancer)
    run(shell, "%load_ext nbalign")
    run(shell, OBJECTIVE.replace("  test: X_test, y_test", "  train: X_train, y_train\n  test: X_test, y_test"))
    with capture_output():
        result = nbalign.evaluate(cancer["forest"], cancer["X_train"], cancer["y_train"])
    assert result.evaluation.kind == "train" and result.verdict == "training_data"


def test_the_autolog_benchmark_runs():
    """`benchmarks/autolog_cost.py --smoke`: the benchmark never rots (its figures are not asserted)."""
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "autolog_cost.py"
    done = subprocess.run([sys.executable, str(script), "--smoke"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "(anchor)" in done.stdout and "a cell that evaluates nothing" in done.stdout


# ------------------------------------------------------------------ cross-validation and searches


def test_cross_val_score_is_a_cross_validation_kept_apart(watched):
    run(watched, "from sklearn.model_selection import cross_val_score, cross_validate\n"
                 "scores = cross_val_score(RandomForestClassifier(n_estimators=20, random_state=0), "
                 "X_train, y_train, cv=4, scoring='accuracy')")
    scores = watched.user_ns["scores"]
    assert scores.shape == (4,) and all(0.8 < s <= 1 for s in scores)  # the user's result, as scikit-learn gives it
    (record,) = logged()
    assert record.kind == "cv" and record.metric == "auc" and record.cv["folds"] == 4
    assert record.score == pytest.approx(sum(record.cv["scores"]) / 4)
    # what the user called, by name
    assert record.reported == {"metric": "cross_val_score (accuracy)", "value": pytest.approx(float(scores.mean()))}
    row = active_session().standing.row(record.id)
    assert row.verdict == "cross_validation" and active_session().standing.summary.best is None


def test_cross_validate_returns_the_users_keys_only(watched):
    run(watched, "from sklearn.model_selection import cross_validate\n"
                 "result = cross_validate(LogisticRegression(max_iter=5000), X_train, y_train, cv=3, "
                 "scoring={'acc': 'accuracy', 'f1': 'f1'}, return_train_score=True)")
    assert sorted(watched.user_ns["result"]) == ["fit_time", "score_time", "test_acc", "test_f1",
                                                  "train_acc", "train_f1"]
    (record,) = logged()
    assert record.cv["folds"] == 3 and record.reported["value"] is None


def test_scored_out_of_fold_predictions_are_a_cross_validation_kept_apart(watched):
    """``cross_val_predict`` then a metric on (a column of) its output logs the estimator as
    cross-validated, the objective's metric scored on each of the very folds the predictions
    came from; the user's predictions are scikit-learn's, unchanged."""
    import numpy as np
    import sklearn.model_selection
    from sklearn.metrics import roc_auc_score

    original = sklearn.model_selection.cross_val_predict.original
    run(watched, "from sklearn.model_selection import cross_val_predict, StratifiedKFold\n"
                 "folds = StratifiedKFold(5, shuffle=True, random_state=0)\n"
                 "oof = cross_val_predict(LogisticRegression(max_iter=5000), X_train, y_train, cv=folds, "
                 "method='predict_proba')\n"
                 "auc = roc_auc_score(y_train, oof[:, 1])")
    ns = watched.user_ns
    from sklearn.linear_model import LogisticRegression

    expected = original(LogisticRegression(max_iter=5000), ns["X_train"], ns["y_train"], cv=ns["folds"],
                        method="predict_proba")
    assert np.array_equal(ns["oof"], expected)
    (record,) = logged()
    assert record.kind == "cv" and record.name == "LogisticRegression" and record.cv["folds"] == 5
    by_hand = [roc_auc_score(ns["y_train"].iloc[test], ns["oof"][test, 1])
               for _, test in ns["folds"].split(ns["X_train"], ns["y_train"])]
    assert record.cv["scores"] == pytest.approx(by_hand) and record.score == pytest.approx(np.mean(by_hand))
    assert record.reported == {"metric": "roc_auc_score", "value": pytest.approx(ns["auc"])}
    assert active_session().standing.row(record.id).verdict == "cross_validation"


def test_out_of_fold_labels_cannot_give_a_ranking_metric_and_say_what_to_pass(watched):
    captured = run(watched, "from sklearn.model_selection import cross_val_predict\n"
                            "labels = cross_val_predict(LogisticRegression(max_iter=5000), X_train, y_train, cv=3)\n"
                            "accuracy_score(y_train, labels)")
    assert logged() == []
    assert "ROC AUC cannot be computed from cross_val_predict's predict output" in captured.stderr
    assert "pass method='predict_proba' to cross_val_predict" in captured.stderr


def test_a_fitted_search_logs_its_best_estimator_cross_validated(watched):
    run(watched, "from sklearn.model_selection import GridSearchCV\n"
                 "search = GridSearchCV(RandomForestClassifier(n_estimators=10, random_state=0), "
                 "{'max_depth': [2, 4]}, cv=3, scoring='roc_auc').fit(X_train, y_train)")
    (record,) = logged()
    search = watched.user_ns["search"]
    assert record.name == "search.best_estimator_" and record.kind == "cv"
    assert record.score == pytest.approx(search.best_score_)  # the search scored the objective's metric
    assert record.params["max_depth"] == search.best_params_["max_depth"]


def test_a_search_on_another_metric_is_cross_validated_again_on_the_objectives(watched):
    """Its best estimator's 3 refits are a small share of a search over 20 candidates (60 fits):
    autolog lets them in (a tenth of the cell at most)."""
    run(watched, "%config NbalignMagics.refit_budget = 60")  # however slow this machine
    run(watched, "from sklearn.model_selection import GridSearchCV\n"
                 "from sklearn.tree import DecisionTreeClassifier\n"
                 "search = GridSearchCV(DecisionTreeClassifier(random_state=0), "
                 "{'min_samples_leaf': list(range(1, 21))}, cv=3).fit(X_train, y_train)")  # scored by accuracy
    (record,) = logged()
    search = watched.user_ns["search"]
    assert record.cv["folds"] == 3 and record.params["min_samples_leaf"] == search.best_params_["min_samples_leaf"]
    assert record.reported == {"metric": "GridSearchCV.best_score_", "value": pytest.approx(search.best_score_)}
    assert record.score != pytest.approx(search.best_score_) and 0.8 < record.score <= 1  # ROC AUC, not accuracy


def test_a_search_whose_refits_do_not_fit_the_budget_is_not_cross_validated_again(watched):
    """The refits are nbalign's, not the user's: over the budget they are not made, and one line
    says why and what to do instead (score it on the test set, or search on the objective's metric)."""
    # a budget no cell's tenth reaches, however slow or busy this machine: the tenth is the limit
    run(watched, "%config NbalignMagics.refit_budget = 1000")
    captured = run(watched, "from sklearn.model_selection import GridSearchCV\n"
                            "search = GridSearchCV(LogisticRegression(max_iter=5000), {'C': [0.01, 1.0]}, cv=3)"
                            ".fit(X_train, y_train)")  # 3 refits beside 6 fits: more than a tenth of the cell
    assert logged() == []
    (line,) = [line for line in captured.stderr.splitlines() if "search" in line]
    assert line.startswith("nbalign: did not log search: GridSearchCV scored its default score, not ROC AUC; "
                           "cross-validating search.best_estimator_ again on it would take about ")
    assert "over what autolog may add to this cell (a tenth of its " in line
    assert line.endswith("Score it on the test set (`%evaluate search.best_estimator_`), or search with "
                         "scoring='roc_auc'.")


# ------------------------------------------------------------------ the user's own metrics, other libraries


def test_a_users_own_metric_is_watched_once_registered(watched):
    run(watched, "import nbalign\n"
                 "@nbalign.metric\n"
                 "def cost(y_true, y_pred):\n"
                 "    return float(200 * ((y_true == 1) & (y_pred == 0)).sum() + 20 * (y_pred == 1).sum())\n"
                 "bill = cost(y_test, forest.predict(X_test))")
    (record,) = logged()
    assert record.name == "forest" and record.reported == {"metric": "cost", "value": watched.user_ns["bill"]}
    run(watched, "%nbalign autolog off")
    run(watched, "cost(y_test, lr.predict(X_test))")
    assert len(logged()) == 1  # off: computed, not watched


@pytest.mark.parametrize("library, model", [
    ("xgboost", "XGBClassifier(n_estimators=20, max_depth=3)"),
    ("lightgbm", "LGBMClassifier(n_estimators=20, verbose=-1)"),
])
def test_boosting_libraries_through_their_scikit_learn_api(watched, library, model):
    run(watched, f"from {library} import {model.split('(')[0]}\n"
                 f"booster = {model}.fit(X_train, y_train)\n"
                 "roc_auc_score(y_test, booster.predict_proba(X_test)[:, 1])")
    (record,) = logged()
    assert record.name == "booster" and record.estimator.startswith(library)
    assert 0.9 < record.score <= 1 and (record.complexity or {}).get("fit_seconds") is not None


# ------------------------------------------------------------------ in a real kernel


@pytest.mark.kernel
def test_autolog_in_a_real_kernel_through_nbclient(tmp_path, monkeypatch):
    """A notebook that never calls nbalign after its objective: a metric, a cross-validation and a
    search are logged; unloading puts scikit-learn's functions back (checked in the kernel)."""
    import json

    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("NBALIGN_STORE", str(tmp_path / "nbalign.db"))
    cells = [
        "%load_ext nbalign",
        ("from sklearn.datasets import load_breast_cancer\n"
         "from sklearn.model_selection import train_test_split, cross_val_score, GridSearchCV\n"
         "from sklearn.linear_model import LogisticRegression\n"
         "from sklearn.tree import DecisionTreeClassifier\n"
         "from sklearn.metrics import roc_auc_score\n"
         "import sklearn.metrics\n"
         "original = sklearn.metrics.roc_auc_score.__wrapped__\n"
         "X, y = load_breast_cancer(return_X_y=True, as_frame=True)\n"
         "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)"),
        OBJECTIVE,
        ("tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train)\n"
         "roc_auc_score(y_test, tree.predict_proba(X_test)[:, 1])"),
        "cross_val_score(LogisticRegression(max_iter=5000), X_train, y_train, cv=3).mean()",
        ("search = GridSearchCV(DecisionTreeClassifier(random_state=0), {'max_depth': [2, 3]}, cv=3,"
         " scoring='roc_auc').fit(X_train, y_train)"),
        ("from nbalign.session import active_session\n"
         "import json\n"
         "print(json.dumps([[r.name, r.kind, r.source] for r in active_session().records]))"),
        "%unload_ext nbalign",
        "print(sklearn.metrics.roc_auc_score is original, roc_auc_score is original)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    records = json.loads(nb.cells[6].outputs[0].text)
    assert records == [["tree", "test", "autolog"], ["LogisticRegression", "cv", "autolog"],
                       ["search.best_estimator_", "cv", "autolog"]]
    assert nb.cells[8].outputs[0].text.strip() == "True True"


def test_registering_a_function_that_is_not_a_metric_is_one_message():
    import nbalign

    with pytest.raises(nbalign.NbalignError, match=r"takes the truth and the predictions"):
        nbalign.metric(lambda y: 0.0)


# ------------------------------------------------------------------ do no harm (issue 18)


def test_under_the_test_switch_a_failure_inside_autolog_raises(watched, monkeypatch):
    """nbalign's tests run with NBALIGN_STRICT=1: a bug in autolog fails them instead of being
    the one warning a user gets."""
    from nbalign import autolog

    def broken(self, y_pred):
        raise RuntimeError("matching broke")

    monkeypatch.setattr(autolog.Watcher, "match", broken)
    with capture_output():
        result = watched.run_cell("roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    assert isinstance(result.error_in_exec, RuntimeError) and str(result.error_in_exec) == "matching broke"


def test_patched_methods_are_bound_methods_that_pickle_by_reference(watched):
    import inspect
    import pickle

    import numpy as np

    lr, X_test = watched.user_ns["lr"], watched.user_ns["X_test"]
    assert inspect.ismethod(lr.predict_proba) and inspect.ismethod(lr.fit)
    assert getattr(type(lr).__dict__["predict_proba"], "__nbalign_observed__", False)  # it is watched
    again = pickle.loads(pickle.dumps(lr.predict_proba))
    assert np.array_equal(again(X_test), lr.predict_proba(X_test))
    from sklearn.svm import SVC

    assert not hasattr(SVC(), "predict_proba")  # available_if: missing where it was missing
    assert inspect.isfunction(type(lr).fit)  # on the class, the original function


def test_a_registered_metric_pickles_as_the_users_function(watched):
    import pickle

    run(watched, "import nbalign\n"
                 "def cost(y_true, y_pred):\n"
                 "    return float(((y_true == 1) & (y_pred == 0)).sum())\n"
                 "import sys; sys.modules['__main__'].cost = cost\n"
                 "watched_cost = nbalign.metric(cost)")
    assert pickle.loads(pickle.dumps(watched.user_ns["watched_cost"])) is watched.user_ns["cost"]


def test_a_search_scored_in_one_line_is_scored_from_the_users_predictions(watched, monkeypatch):
    """The evaluation at the end of the cell reuses what the user's predict_proba returned: the
    search predicts once, as without nbalign."""
    run(watched, "from sklearn.model_selection import GridSearchCV\n"
                 "search = GridSearchCV(RandomForestClassifier(n_estimators=10, random_state=0), "
                 "{'max_depth': [2, 3]}, cv=3, scoring='roc_auc').fit(X_train, y_train)")
    best, calls = watched.user_ns["search"].best_estimator_, []
    original = best.predict_proba
    best.predict_proba = lambda X: calls.append(1) or original(X)  # the search predicts through its best estimator
    run(watched, "roc_auc_score(y_test, search.predict_proba(X_test)[:, 1])")
    assert len(calls) == 1
    (record,) = logged("search")
    assert record.kind == "test" and record.score == pytest.approx(watched.user_ns["_"])


def test_a_cross_validation_holds_no_fitted_estimator_until_the_end_of_the_cell(watched, monkeypatch):
    """The folds' estimators come back with the user's call only to be scored right after it: a
    loop of cross-validations in one cell keeps their scores, not their models."""
    from nbalign import autolog

    queued = []
    monkeypatch.setattr(autolog.Watcher, "queue", lambda self, observed: (queued.append(observed),
                                                                           self.queued.append(observed)))
    run(watched, "from sklearn.model_selection import cross_val_score\n"
                 "for depth in (2, 3):\n"
                 "    cross_val_score(RandomForestClassifier(n_estimators=5, max_depth=depth, random_state=0), "
                 "X_train, y_train, cv=3)")
    assert [sorted(o.folds) for o in queued] == [["fit_seconds", "scores"]] * 2
    assert len(logged()) == 2


# ------------------------------------------------------------------ the end of the cell predicts only what it must

COUNTED = """from collections import Counter
calls = Counter()
class Counted(LogisticRegression):
    # scikit-learn's own logistic regression, counting its calls (predict and predict_proba call
    # decision_function inside)
    def predict(self, X):
        calls["predict"] += 1
        return super().predict(X)
    def predict_proba(self, X):
        calls["predict_proba"] += 1
        return super().predict_proba(X)
    def decision_function(self, X):
        calls["decision_function"] += 1
        return super().decision_function(X)
counted = Counted(max_iter=5000).fit(X_train, y_train)
"""


def counted_calls(shell, cell: str) -> tuple[dict, dict]:
    """The calls of ``counted`` that ``cell`` makes without autolog, and with it (the end of the
    cell included)."""
    counts = []
    for on in ("off", "on"):
        run(shell, f"%nbalign autolog {on}")
        run(shell, "calls.clear()")
        run(shell, cell)
        counts.append(dict(shell.user_ns["calls"]))
    return counts[0], counts[1]


def logged_and_explicit(shell, name: str):
    """The autolog record of ``name`` and its kept predictions, then those of an explicit
    evaluation of the same model on the same data (it updates that one record)."""
    import nbalign

    session = active_session()
    (record,) = logged(name)
    kept, _ = session.store.predictions(record)
    with capture_output():
        explicit = nbalign.evaluate(shell.user_ns[name], shell.user_ns["X_test"], shell.user_ns["y_test"]).evaluation
    return (record, kept), (explicit, session.store.predictions(explicit)[0])


@pytest.mark.parametrize("cell", [
    "roc_auc_score(y_test, counted.predict_proba(X_test)[:, 1])",  # ROC AUC takes the decision_function inside
    "f1_score(y_test, counted.predict(X_test))",  # and so does predict
    "accuracy_score(y_test, counted.predict_proba(X_test)[:, 1] >= 0.5)",
])
def test_the_end_of_the_cell_scores_from_the_users_own_call_and_predicts_nothing(watched, cell):
    """Under ROC AUC, whatever the user scored of a logistic regression, its evaluation takes the
    decision_function the model computed inside the user's call: the model is called exactly as
    without nbalign, and the record and its kept predictions are those of an explicit evaluation."""
    run(watched, COUNTED)
    without, with_ = counted_calls(watched, cell)
    assert with_ == without and without["decision_function"] == 1
    (record, kept), (explicit, explicit_kept) = logged_and_explicit(watched, "counted")
    assert kept.method == "decision_function"
    assert record.score == explicit.score and kept == explicit_kept
    assert record.data_fingerprint == explicit.data_fingerprint


def test_the_users_metric_is_the_score_when_it_is_the_objectives_very_call(watched):
    """Under f1, ``f1_score(y, model.predict(X))`` is the scorer's own call: its value is the
    score, the model is called as without nbalign, and an explicit evaluation agrees."""
    run(watched, OBJECTIVE.replace("metric: auc", "metric: f1").replace("target: 0.999", "target: 0.99"))
    run(watched, COUNTED)
    without, with_ = counted_calls(watched, "value = f1_score(y_test, counted.predict(X_test))")
    assert with_ == without == {"predict": 1, "decision_function": 1}
    (record, kept), (explicit, explicit_kept) = logged_and_explicit(watched, "counted")
    assert record.score == watched.user_ns["value"] == explicit.score
    assert kept.method == "predict" and kept == explicit_kept


def test_labels_are_predicted_when_the_user_scored_probabilities(watched):
    """Under f1, scores are not labels: a logistic regression decides on the sign of its
    decision function, which a probability rounding to 0.5 hides, so the end of the cell asks
    for its predict once (and the record is an explicit evaluation's)."""
    run(watched, OBJECTIVE.replace("metric: auc", "metric: f1").replace("target: 0.999", "target: 0.99"))
    run(watched, COUNTED)
    without, with_ = counted_calls(watched, "roc_auc_score(y_test, counted.predict_proba(X_test)[:, 1])")
    assert with_ == {**without, "predict": 1, "decision_function": without["decision_function"] + 1}
    (record, kept), (explicit, explicit_kept) = logged_and_explicit(watched, "counted")
    assert record.score == explicit.score and kept == explicit_kept


def test_a_models_predictions_are_not_held_past_the_cell_unless_the_user_holds_them(watched):
    """The output of a prediction the user did not keep is let go with the cell; one the user
    keeps is still matched by a metric in a later cell."""
    import gc
    import weakref

    import nbalign.extension

    watcher = nbalign.extension._loaded.autolog.watcher
    outputs = []
    original = watcher.predicted
    watcher.predicted = lambda model, method, X, output, *rest: (outputs.append(weakref.ref(output)),
                                                                 original(model, method, X, output, *rest))
    run(watched, "roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1])")
    gc.collect()
    assert len(outputs) == 1 and outputs[0]() is None and len(logged("forest")) == 1
    run(watched, "held = lr.predict_proba(X_test)")
    run(watched, "roc_auc_score(y_test, held[:, 1])")
    assert len(logged("lr")) == 1
