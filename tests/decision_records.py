"""Decision records made as a notebook makes them: a real Session, real scikit-learn models on
scikit-learn's bundled data, the objective declared (and changed), agreed to, a model shipped
(saved, with its card: ``nbalign.shipping.ship``, as `%nbalign ship`), the KPI measured after.
The report and card tests render these, never JSON written by hand, so a renderer meets every
shape :func:`nbalign.decision.decision_record` really gives.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from nbalign.decision import decision_record
from nbalign.evaluation import evaluate_model
from nbalign.objective import parse_objective
from nbalign.session import Session
from nbalign.shipping import ship

HOSTILE_MODEL = "<img src=x onerror=alert(1)>"
HOSTILE_OUTCOME = "Fewer missed tumours <script>alert('outcome')</script> & more \"trust\""


def screening_objective(target: float, outcome: str = "Fewer missed malignant tumours at screening",
                        why: str | None = None) -> str:
    """The screening objective's cell (YAML): a KPI, an action that calls the top 40% of cases,
    recall in that reach with a target, a stated baseline; any outcome quoted as YAML needs."""
    return yaml.safe_dump({
        "outcome": outcome,
        "kpi": {"name": "share of malignant tumours missed", "current": "12%", "target": "8%",
                "deadline": "2027-06-30", "owner": "Head of Radiology"},
        "action": {"call": "top 40%", "effect": "60%"},
        "metric": "recall_at_k", "target": target, "baseline": 0.7,
        "data": {"test": "X_test, y_test"}, "stop": {"min_gain": 0.01},
        **({"why": why} if why else {}),
    }, sort_keys=False, allow_unicode=True)


class Notebook:
    """What a notebook does to an objective, through the session it would use."""

    def __init__(self, folder: Path):
        self.session = Session(Path(folder) / "nbalign.db")
        self.models: dict[str, object] = {}

    def declare(self, text: str, name: str = "screening") -> None:
        self.session.set_objective(parse_objective(text, name=name))

    def evaluate(self, name: str, model, X, y) -> None:
        self.models[name] = model
        self.session.record(evaluate_model(self.session.objective, model, X, y, name))

    def ship(self, folder: Path, name: str | None = None, reason: str | None = None) -> None:
        """`%nbalign ship [name] --reason ... --to folder`: the model saved there, with its card."""
        ship(self.session, dict(self.models), name, reason=reason, folder=str(folder))

    def record(self) -> dict:
        return self.session.decision_record()


def cancer_split():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return train_test_split(X, 1 - y, test_size=0.3, random_state=0, stratify=y)  # malignant = 1


def cancer_models(X_train, y_train) -> dict:
    return {
        "tree": DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train),
        "logistic": make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train),
        "forest": RandomForestClassifier(n_estimators=60, random_state=0).fit(X_train, y_train),
    }


def screening(folder: Path, *, ship: bool = True, realized: bool = True,
              agree_first: bool = False, model_name: str | None = None, outcome: str | None = None) -> dict:
    """Breast cancer screening: a KPI and an action, version 2 raises the target (why: the board
    asked), the Head of Radiology agrees (to version 2, or to version 1 with ``agree_first``), three
    models, one set apart (scored on the training rows), the recommended model shipped and saved,
    and the KPI measured worse than projected."""
    X_train, X_test, y_train, y_test = cancer_split()
    book = Notebook(folder)
    said = {} if outcome is None else {"outcome": outcome}
    book.declare(screening_objective(0.9, **said))
    if agree_first:
        book.session.agree("Head of Radiology")
    book.declare(screening_objective(0.92, why="the board asked for more", **said))
    if not agree_first:
        book.session.agree("Head of Radiology")
    models = cancer_models(X_train, y_train)
    if model_name is not None:
        models[model_name] = models.pop("logistic")
    for name, model in models.items():
        book.evaluate(name, model, X_test, y_test)
    book.evaluate("forest on its training rows", models["forest"], X_train, y_train)
    if ship:
        book.ship(folder / "shipped")
        if realized:
            book.session.realize("10.5%", on="2027-03-31")
    return book.record()


def plain_auc(folder: Path, *, target: bool = True) -> dict:
    """No KPI, no action: ROC AUC against the first model; with or without a target. The tree is
    shipped although the judge recommends another model, with the reason given."""
    X_train, X_test, y_train, y_test = cancer_split()
    book = Notebook(folder)
    book.declare("metric: auc\nbaseline: first\n" + ("target: 0.99\n" if target else ""), name="tumours")
    for name, model in cancer_models(X_train, y_train).items():
        book.evaluate(name, model, X_test, y_test)
    book.ship(folder / "shipped", "tree", reason="the radiologists can read a tree of depth 3")
    return book.record()


def diabetes(folder: Path) -> dict:
    """A regression, lower is better: RMSE of disease progression on load_diabetes, against a
    baseline of 70 with a target of 55; `baseline: auto`'s two models first, then two models."""
    from nbalign.baseline import CONSTANT_LABEL, LINEAR_LABEL, fit_baselines

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    book = Notebook(folder)
    objective = parse_objective("outcome: Plan follow-up visits by expected progression\nmetric: rmse\n"
                                "target: 52\nbaseline: auto\ndata:\n  train: X_train, y_train\n"
                                "  test: X_test, y_test\n", name="progression")
    auto = fit_baselines(X_train, y_train, objective.metric)
    baselines = [evaluate_model(objective, model, X_test, y_test, label, source="objective", role="baseline")
                 for label, model in ((CONSTANT_LABEL, auto.constant), (LINEAR_LABEL, auto.linear))]
    book.session.set_objective(objective, *baselines)
    book.models.update({CONSTANT_LABEL: auto.constant, LINEAR_LABEL: auto.linear})
    book.evaluate("tree", DecisionTreeRegressor(max_depth=3, random_state=0).fit(X_train, y_train), X_test, y_test)
    book.evaluate("forest", RandomForestRegressor(n_estimators=60, random_state=0).fit(X_train, y_train),
                  X_test, y_test)
    book.ship(folder / "shipped")
    return book.record()


def without_history(folder: Path) -> dict:
    """The record of a standing whose history was not read (an empty History): no versions, no
    agreement, nothing shipped."""
    from nbalign.events import History

    X_train, X_test, y_train, y_test = cancer_split()
    book = Notebook(folder)
    book.declare("metric: auc\nbaseline: first\ntarget: 0.99\n", name="tumours")
    book.evaluate("tree", cancer_models(X_train, y_train)["tree"], X_test, y_test)
    return decision_record(book.session.require_standing(), History())
