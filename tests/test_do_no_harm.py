"""Do no harm: with nbalign loaded, the user's code returns exactly what it returns without it.

Each notebook here is run twice in the same test run, in real kernels through nbclient: once as
the user wrote it, once with ``%load_ext nbalign`` and an objective declared first. Every cell
prints what it computed (results, exceptions, random draws), and the two runs must print the
same. What nbalign adds (its lines on stderr, its records) is checked apart.
"""

from __future__ import annotations

import json
import signal
import threading

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.kernel

DATA = """\
import inspect, json, pickle, random, sys, time
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge, RidgeClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
np.random.seed(7)
random.seed(7)
"""

LOGLOSS = """\
%%objective cancer
metric: logloss
target: 0.05
baseline: first
data:
  train: X_train, y_train
  test: X_test, y_test
"""

VALUE = """\
%%objective screening
metric: auc
target: 0.999
baseline: first
value:
  tp: 180
  fp: -20
  fn: -200
  tn: 0
action:
  call: top 20%
data:
  train: X_train, y_train
  test: X_test, y_test
"""


def shown(cell) -> str:
    """What the user's code showed: its printed text (less nbalign's progress lines), its result,
    and its error as IPython gives it."""
    import re

    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type == "execute_result":
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return re.sub(r"\r?nbalign: [^\r\n]*(\r|\n|$)", "", "".join(parts))


def stderr(cell) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr")


def traceback(cell) -> str:
    return "\n".join("\n".join(o.traceback) for o in cell.outputs if o.output_type == "error")


def execute(cells: list[str], path, interrupt: dict[int, float] | None = None) -> list:
    """Run the cells in a new kernel; ``interrupt`` maps a cell's index to the seconds after which
    the kernel is interrupted (Ctrl-C) while it runs."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            timer = None
            if interrupt and index in interrupt:  # Ctrl-C is SIGINT to the kernel's process, as JupyterLab sends it
                timer = threading.Timer(interrupt[index], client.km.provisioner.process.send_signal, [signal.SIGINT])
                timer.start()
            client.execute_cell(cell, index)
            if timer is not None:
                timer.cancel()
    return nb.cells


def both(user_cells: list[str], nbalign_cells: list[str], tmp_path_factory,
         after: dict[int, str] | None = None) -> tuple[list, list, dict]:
    """The user's cells without nbalign, and with nbalign's cells run first (and ``after`` user
    cell ``i``, nbalign's cell ``after[i]``): (without, with, nbalign's cells after, by ``i``)."""
    after = after or {}
    without = execute(user_cells, tmp_path_factory.mktemp("without"))
    cells, where = list(nbalign_cells), {}
    for i, cell in enumerate(user_cells):
        cells.append(cell)
        where[i] = len(cells) - 1
        if i in after:
            cells.append(after[i])
    with_ = execute(cells, tmp_path_factory.mktemp("with"))
    return without, [with_[where[i]] for i in range(len(user_cells))], {i: with_[where[i] + 1] for i in after}


# ------------------------------------------------------------------ 1, 2, 6: cross-validation, pickling, errors

CROSS_VALIDATION = {
    "svc": "print(repr(cross_val_score(make_pipeline(StandardScaler(), SVC()), X_train, y_train, cv=3)))",
    "linear_svc": "print(repr(cross_val_score(make_pipeline(StandardScaler(), LinearSVC()), X_train, y_train, cv=3)))",
    "ridge_classifier": "print(repr(cross_val_score(RidgeClassifier(), X_train, y_train, cv=3)))",
    "raise": "print(repr(cross_val_score(make_pipeline(StandardScaler(), SVC()), X_train, y_train, cv=3, "
             "error_score='raise')))",
    "cross_validate": "r = cross_validate(make_pipeline(StandardScaler(), SVC()), X_train, y_train, cv=3, "
                      "return_train_score=True)\nprint(sorted(r), repr(r['test_score']), repr(r['train_score']))",
    "multiclass": "Xi, yi = load_iris(return_X_y=True)\n"
                  "print(repr(cross_val_score(LogisticRegression(max_iter=1000), Xi, yi, cv=3)))",
    "regressor": "Xd, yd = load_diabetes(return_X_y=True)\nprint(repr(cross_val_score(Ridge(), Xd, yd, cv=3)))",
}

PICKLING = {
    "methods": "pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)\n"
               "print(inspect.ismethod(pipe.predict), inspect.ismethod(pipe.predict_proba), "
               "inspect.ismethod(pipe.fit), str(inspect.signature(pipe.predict)))",
    "pickle_method": "again = pickle.loads(pickle.dumps(pipe.predict_proba))\n"
                     "print(np.array_equal(again(X_test), pipe.predict_proba(X_test)))",
    "joblib": "from joblib import Parallel, delayed\n"
              "print([int(p.sum()) for p in Parallel(n_jobs=2)(delayed(pipe.predict)(X_test[i::2]) "
              "for i in range(2))])",
    "process_pool": "from concurrent.futures import ProcessPoolExecutor\n"
                    "with ProcessPoolExecutor(2) as pool:\n"
                    "    print([round(float(p.sum()), 9) "
                    "for p in pool.map(pipe.predict_proba, [X_test[:50], X_test[50:]])])",
    "notebook_class": "class Clip(BaseEstimator, TransformerMixin):\n"
                      "    def __init__(self, low=-3.0, high=3.0):\n"
                      "        self.low, self.high = low, high\n"
                      "    def fit(self, X, y=None):\n"
                      "        return self\n"
                      "    def transform(self, X):\n"
                      "        return np.clip(X, self.low, self.high)\n"
                      "clipped = make_pipeline(StandardScaler(), Clip(), LogisticRegression())\n"
                      "print(repr(cross_val_score(clipped, X_train, y_train, cv=3, n_jobs=2)))",
    "by_value": "import cloudpickle, subprocess\n"
                "shipped = cloudpickle.dumps(Clip)\n"
                "code = ('import pickle, sys; cls = pickle.loads(sys.stdin.buffer.read()); '\n"
                "        'print(sorted(type(v).__name__ for k, v in vars(cls).items() "
                "if k in (\"fit\", \"transform\")), '\n"
                "        '\"nbalign\" in sys.modules)')\n"
                "print(subprocess.run([sys.executable, '-c', code], input=shipped, "
                "capture_output=True).stdout.decode())",
    "predict_error": "pipe.predict('not a table')",
    "metric_error": "roc_auc_score([0, 1, 1], [0.2, 0.8])",
    "cv_error": "cross_val_score(SVC(), X_train, y_train, cv='five')",
}

USER_A = [DATA, *CROSS_VALIDATION.values(), *PICKLING.values(), "print(np.random.rand(), random.random())"]


@pytest.fixture(scope="module")
def notebook_a(tmp_path_factory):
    return both(USER_A, ["%load_ext nbalign", DATA, LOGLOSS], tmp_path_factory)[:2]


def cell_a(cells, name: str):
    names = ["data", *CROSS_VALIDATION, *PICKLING, "random"]
    return cells[names.index(name)]


@pytest.mark.parametrize("name", list(CROSS_VALIDATION))
def test_cross_validation_returns_the_users_scores_whatever_the_objective(notebook_a, name):
    """Item 1: an SVC, a LinearSVC or a RidgeClassifier has no probabilities for log loss, iris
    has three classes, a Ridge is a regressor: the user's scores are scikit-learn's all the same
    (no NaN, no nbalign exception with error_score='raise')."""
    without, with_ = notebook_a
    assert "nan" not in shown(cell_a(without, name)) and "Error" not in shown(cell_a(without, name))
    assert shown(cell_a(with_, name)) == shown(cell_a(without, name))


@pytest.mark.parametrize("name, why", [
    ("svc", "log loss needs class probabilities, and Pipeline(SVC) (Pipeline) has predict but no predict_proba"),
    ("linear_svc", "log loss needs class probabilities, and Pipeline(LinearSVC) (Pipeline) has predict but no"),
    ("ridge_classifier", "log loss needs class probabilities, and RidgeClassifier (RidgeClassifier) has predict"),
    ("regressor", "log loss is a classification metric, but Ridge is a regressor"),
])
def test_a_cross_validation_the_objectives_metric_cannot_score_is_one_line_saying_why(notebook_a, name, why):
    lines = [line for line in stderr(cell_a(notebook_a[1], name)).splitlines() if line.startswith("nbalign")]
    assert len(lines) == 1, lines
    assert "did not log" in lines[0] and "KeyError" not in lines[0] and "__nbalign__" not in lines[0]
    assert why in lines[0], lines[0]


def test_a_cross_validation_the_metric_can_score_is_logged(notebook_a):
    """Scored apart, from the same folds: a pipeline with probabilities is a cross-validation record."""
    assert "did not log" not in stderr(cell_a(notebook_a[1], "notebook_class"))


@pytest.mark.parametrize("name", list(PICKLING))
def test_methods_and_notebook_classes_pickle_as_without_nbalign(notebook_a, name):
    """Item 2: patched methods are ordinary bound methods that pickle by reference, and a class
    defined in the notebook ships by value with its own methods, not nbalign's."""
    without, with_ = notebook_a
    expected = shown(cell_a(without, name))
    assert shown(cell_a(with_, name)) == expected
    if name == "methods":
        assert expected.startswith("True True True (X, **params)")
    if name == "by_value":
        assert expected.strip() == "['function', 'function'] False"


@pytest.mark.parametrize("name", ["predict_error", "metric_error", "cv_error"])
def test_the_users_exceptions_pass_through_unchanged_with_no_nbalign_frame(notebook_a, name):
    """Item 6: the same exception, and the traceback IPython shows is the one without nbalign:
    nbalign's frames are hidden (IPython notes that it skipped them, and shows none of them)."""
    import re

    without, with_ = notebook_a
    assert shown(cell_a(with_, name)) == shown(cell_a(without, name)) != ""

    def frames(cell) -> str:
        text = re.sub(r"\x1b\[[0-9;]*m", "", traceback(cell))
        text = re.sub(r"\n\n +\[\.\.\. skipping hidden \d+ frames?\]\n", "\n", text)
        return re.sub(r"Cell In\[\d+\]", "Cell", text)

    assert "nbalign" not in frames(cell_a(with_, name))
    assert frames(cell_a(with_, name)) == frames(cell_a(without, name))


def test_the_random_streams_are_the_users_after_all_of_it(notebook_a):
    without, with_ = notebook_a
    assert shown(cell_a(with_, "random")) == shown(cell_a(without, "random"))


# ------------------------------------------------------------------ 3, 4: nbalign's refits

USER_B = [
    DATA,
    CROSS_VALIDATION["multiclass"],
    ("forest = RandomForestClassifier(n_estimators=20).fit(X_train, y_train)\n"  # left to chance: the global stream
     "print(roc_auc_score(y_test, forest.predict_proba(X_test)[:, 1]))"),
    # 20 candidates: the best one's 3 refits on ROC AUC are a small share of the cell, so autolog lets them in
    ("search = GridSearchCV(RandomForestClassifier(n_estimators=10), {'min_samples_leaf': list(range(1, 21))}, cv=3)"
     ".fit(X_train, y_train)\nprint(search.best_params_, round(search.best_score_, 12))"),
    "print(roc_auc_score(y_test, search.predict_proba(X_test)[:, 1]))",
    "print(np.random.rand(), random.random())",
]

# the refits are let in (a budget of a minute), so that they would draw if they drew from the user's streams;
# the threshold is asked for after the forest's cell and after the search's scoring line
NBALIGN_B = ["%load_ext nbalign", DATA, "%config NbalignMagics.refit_budget = 60", VALUE]
ASKED_B = {2: "%evaluate forest --tune", 4: "%evaluate search --tune"}


@pytest.fixture(scope="module")
def notebook_b(tmp_path_factory):
    return both(USER_B, NBALIGN_B, tmp_path_factory, after=ASKED_B)


def text(cell) -> str:
    """Everything a cell showed, nbalign's lines and displays included."""
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_nbalign_refits_leave_the_users_random_streams_alone(notebook_b):
    """Item 3: the forest's threshold is tuned (five refits of a forest left to chance), a search
    on accuracy is cross-validated again on ROC AUC, and the search's threshold is tuned; the
    user's numbers afterwards are the same."""
    without, with_, asked = notebook_b
    assert [shown(c) for c in with_] == [shown(c) for c in without]
    assert "tuned forest's decision threshold on 5 folds" in text(asked[2])
    assert "did not log" not in stderr(with_[3])  # the search was cross-validated again


def test_a_multiclass_cross_validation_under_a_two_class_metric_is_one_line(notebook_b):
    without, with_, _ = notebook_b
    assert shown(with_[1]) == shown(without[1])
    lines = [line for line in stderr(with_[1]).splitlines() if line.startswith("nbalign")]
    assert len(lines) == 1 and "ROC AUC is defined for two classes, and the test labels have 3" in lines[0], lines


def test_a_search_scored_in_one_line_refits_nothing_and_is_tuned_as_its_best_estimator_when_asked(notebook_b):
    """Item 4: the scoring line waits for no refit (it says how to ask); asked, what is refitted
    is the search's best estimator (five fits, not a search in each fold), acting on at most the
    action's capacity."""
    _, with_, asked = notebook_b
    scored = text(with_[4])
    assert "no threshold tuned: 5 refits would take about " in scored
    assert "over what autolog may add to this cell (a tenth of its " in scored
    assert "`%evaluate search --tune` chooses it" in scored
    tuned = text(asked[4])
    assert "tuned search's decision threshold on 5 folds" in tuned
    assert "the threshold that maximises value calling at most 20% on the training data" in tuned


# ------------------------------------------------------------------ 5: Ctrl-C keeps the evaluation

SLOW = """\
class Patient(ClassifierMixin, BaseEstimator):
    \"\"\"A logistic regression that takes its time to fit.\"\"\"
    def __init__(self, seconds=0.0):
        self.seconds = seconds
    def fit(self, X, y):
        time.sleep(self.seconds)
        self.model_ = LogisticRegression(max_iter=5000).fit(X, y)
        self.classes_ = self.model_.classes_
        return self
    def predict_proba(self, X):
        return self.model_.predict_proba(X)
    def predict(self, X):
        return self.model_.predict(X)
slow = Patient(seconds=0.0).fit(X_train, y_train).set_params(seconds=2.0)
"""


def test_interrupting_the_tuning_keeps_the_evaluation(tmp_path):
    """Item 5: Ctrl-C while the threshold is being chosen stops the choice, with one line; the
    evaluation was recorded before it began and stays in the history."""
    cells = ["%load_ext nbalign", DATA, VALUE, SLOW, "%evaluate slow --tune",
             ("from nbalign.session import active_session\n"
              "print(json.dumps([r.name for r in active_session().records]))"),
             "%nbalign models"]
    done = execute(cells, tmp_path, interrupt={4: 4.0})
    text = "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in done[4].outputs)
    assert "KeyboardInterrupt" not in text and not traceback(done[4])
    assert "choosing slow's decision threshold stopped: interrupted; slow is recorded without it." in text
    assert json.loads(shown(done[5])) == ["slow"]
    assert "slow" in "".join(o.get("data", {}).get("text/plain", "") for o in done[6].outputs)
