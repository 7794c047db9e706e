"""Histories made the way a data scientist makes them, for the benchmarks to record and restore.

A session on one objective (ROC AUC on one test set, ``baseline: auto``) starts with the
constant and the linear baseline, then tries models of rising complexity, family after family
(regularised linear models, trees, forests, boosting), each family swept over settings:

- **rising complexity, simpler models scoring lower**: a family's models grow (their pickled size
  grows geometrically over the session) and their skill rises with diminishing returns
  (``skill = ceiling - (ceiling - floor) * exp(-3 * stage)``), so a new best is usually the most
  complex model so far and every simpler one scores lower;
- **long plateaus**: the last third of the session gains almost nothing (the exponential is flat
  there), as a tuning search does once the family is right;
- **many models of equal complexity**: a sweep keeps its size for a run of 4 to 16 models (a
  grid over ``C`` or ``learning_rate`` does not change what is pickled);
- **noise**: each model's skill is jittered, so some sweeps fall back and some models lose to
  simpler ones.

Predictions are those of models that share one signal: each row has a latent ``z`` that sets its
label; a model's score is ``skill * z`` plus noise, part of which its family shares (models of one
family make the same mistakes, as refits of one recipe do), so the paired tests see correlated
models as they do in a real session. Scores are float32 probabilities on ``rows`` test rows.

Nothing here lets the judge stop early: no record repeats another's score, the best changes often
early on and rarely late, and the simplest-first walk meets models it beats before one it does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

OBJECTIVE = ("metric: auc\ntarget: 0.95\nbaseline: auto\ndata:\n  train: X_train, y_train\n  test: X_test, y_test\n"
             "stop:\n  min_gain: 0.002\n  patience: 3")
FAMILIES = ("sklearn.linear_model.LogisticRegression", "sklearn.tree.DecisionTreeClassifier",
            "sklearn.ensemble.RandomForestClassifier", "sklearn.ensemble.HistGradientBoostingClassifier")
FINGERPRINT = "a7c3e1f09b2d4c68"


@dataclass
class Session:
    """The generator's state: the test set's latent signal and labels, and the next model."""

    rows: int = 2000
    seed: int = 0

    def __post_init__(self):
        import numpy as np

        self.rng = np.random.default_rng(self.seed)
        self.z = self.rng.standard_normal(self.rows)
        self.y = (self.rng.random(self.rows) < 1 / (1 + np.exp(-(1.6 * self.z - 1.2)))).astype(np.float64)
        self.count = 0
        self._sweep_left = 0
        self._family_noise = self.rng.standard_normal(self.rows)
        self._defaults: dict[int, dict] = {}

    def models(self, n: int, total: int | None = None):
        """The next ``n`` models of a session of ``total`` (default ``n``): ``(Evaluation, scores)``."""
        for _ in range(n):
            yield self.next_model(total or n)

    def baselines(self, objective: str = "churn"):
        """The constant and the linear baseline, as ``baseline: auto`` records them."""
        import numpy as np

        from nbalign.evaluation import Evaluation

        constant = np.full(self.rows, float(self.y.mean()), dtype=np.float32)
        linear = self._scores(0.55, self.rng.standard_normal(self.rows))
        made = []
        for name, estimator, scores, size in (("constant baseline", "sklearn.dummy.DummyClassifier", constant, 600),
                                              ("linear baseline", FAMILIES[0], linear, 1500)):
            made.append((Evaluation(objective, 1, name, estimator, {}, "auc", _auc(self.y, scores),
                                    n_rows=self.rows, data_fingerprint=FINGERPRINT, role="baseline",
                                    model_id=name, complexity=_complexity(size),
                                    created_at="2026-12-07T10:00:00+00:00"), scores))
        return made

    def next_model(self, total: int):
        from nbalign.evaluation import Evaluation

        i, self.count = self.count, self.count + 1
        stage = i / max(total - 1, 1)  # 0 to 1 over the session
        family = min(int(stage * len(FAMILIES)), len(FAMILIES) - 1)
        if self._sweep_left == 0:  # a new sweep: a new size, fresh shared noise now and then
            self._sweep_left = int(self.rng.integers(4, 17))
            self._size = int(1500 * math.exp(9 * stage) * (1 + 0.1 * self.rng.random()))
            if self.rng.random() < 0.3:
                self._family_noise = self.rng.standard_normal(self.rows)
        self._sweep_left -= 1
        skill = 0.92 - (0.92 - 0.6) * math.exp(-3 * stage) + 0.01 * self.rng.standard_normal()
        noise = 0.7 * self._family_noise + 0.71 * self.rng.standard_normal(self.rows)
        scores = self._scores(skill, noise)
        evaluation = Evaluation(objective="churn", objective_version=1, name=f"model {i}",
                                estimator=FAMILIES[family], params=self._params(family, i),
                                metric="auc", score=_auc(self.y, scores), n_rows=self.rows,
                                data_fingerprint=FINGERPRINT, model_id=f"{i:016x}",
                                complexity=_complexity(self._size), created_at="2026-12-07T10:00:00+00:00")
        return evaluation, scores

    def _params(self, family: int, i: int) -> dict:
        """The parameters nbalign records for a model of this family (a real estimator's, as
        ``nbalign.identity.model_params`` gives them), one of them swept."""
        import importlib

        from nbalign.identity import model_params

        if family not in self._defaults:
            module, _, name = FAMILIES[family].rpartition(".")
            self._defaults[family] = model_params(getattr(importlib.import_module(module), name)())
        return {**self._defaults[family], "random_state": i}

    def _scores(self, skill: float, noise):
        import numpy as np

        return (1 / (1 + np.exp(-(skill * 3 * self.z + 3 * math.sqrt(max(1 - skill**2, 0.05)) * noise)))
                ).astype(np.float32)

    def kept(self, scores):
        """What an evaluation keeps of these scores, and the test set's labels."""
        from nbalign.predictions import keep, test_set

        return keep("predict_proba", scores, None), test_set(FINGERPRINT, self.y, None)


def _complexity(size: int) -> dict:
    return {"size_bytes": size, "predict_ms_per_1k": round(0.02 * size ** 0.5, 3)}


def _auc(y, scores) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores))


def fill(path, n: int, *, predictions: bool = True, rows: int = 2000, seed: int = 0,
         notebook: str = "bench.ipynb", judged: bool = True) -> Session:
    """A store at ``path`` holding a session of ``n`` models after its two baselines.

    ``judged``: recorded through a :class:`nbalign.session.Session` with a view subscribed, as a
    notebook with its sidebar does, so the paired tests it ran are remembered in the store (as
    after a real session); else written straight to the store (fast, nothing remembered).
    Returns the generator, to go on.
    """
    import json
    from dataclasses import replace

    from nbalign.objective import parse_objective
    from nbalign.session import Session as NbalignSession
    from nbalign.store import Store

    generator = Session(rows, seed)
    store = Store(path)
    store.save_objective(replace(parse_objective(OBJECTIVE, name="churn"), notebook=notebook))
    store.close()
    made = generator.baselines() + list(generator.models(n, n))
    if judged:
        session = NbalignSession(path, notebook=notebook)
        session.subscribe(lambda kind, message: json.dumps(message))
        session.restore()
        for evaluation, scores in made:
            session.record(with_predictions(generator, evaluation, scores, predictions))
        session.close()
    else:
        store = Store(path)
        for evaluation, scores in made:
            store.record(with_predictions(generator, evaluation, scores, predictions))
        store.close()
    return generator


def with_predictions(generator: Session, evaluation, scores, predictions: bool = True):
    from dataclasses import replace

    if not predictions:
        return evaluation
    kept, labels = generator.kept(scores)
    return replace(evaluation, kept=kept, test_set=labels)
