"""Are nbalign's verdicts calibrated? Simulated pairs of models judged by the real Judge.

Each pair is two models of EQUAL true skill scored on one test set, paired as real models are:
their scores share a latent signal (what makes a row easy or hard for every model) plus an
independent noise of the same variance for each model. Classification: ``y ~ Bernoulli(0.3)``,
score = ``(0.5 + skill) * y + shared + noise``, each term of variance 1. Regression:
``y = f + noise``, prediction = ``f + (1 - skill) * (shared + noise)``. The objective states a
numeric baseline and ``stop.min_gain: 0``, so significance alone decides; the records are
``Evaluation`` s with ``kept=``/``test_set=`` loaded by a ``Comparisons``, and the second model's
verdict is read from ``Judge.standing()``, as a session would.

Reported, each with its binomial (Clopper-Pearson) 95% interval:

- false better: how often the second model is "new_best" though it is no better. The verdicts
  use two-sided intervals at ``stop.confidence`` (0.95), so one side is about 2.5%; at most the
  nominal 5% is the goal. "false worse" is the other side.
- power: how often a model truly better by 2 standard errors of the difference is "new_best".
  The standard error is the spread of the difference across the equal-skill pairs; the skill
  that buys that gain is found on a large sample (paired, so the gain is measured precisely).
  A calibrated two-sided 95% test has a power of about ``Phi(2 - 1.96)``, 52%, there.
- plateau: a real climb (3 models, each truly better than the one before by 4 standard errors of
  the difference) then models of the best's skill must draw the NBA303 banner within
  ``patience + 1`` evaluations of the plateau's start. Returns diminish on evidence (models shown
  to gain less than ``min_gain``), so sequences are judged with ``min_gain`` equal to the step.
- steady: a sequence of real gains (6 models, the same steps) must never draw NBA303.

Sequences use a larger test set (``--sequence-rows``) than the pairs, so that their steps fit in
the metric's range (AUC 0.6 at skill 0).

Figures, never asserted here (``tests/test_calibration.py`` asserts a smaller version):

    .venv/bin/python benchmarks/calibration.py [--pairs 1000] [--rows 500] [--sequences 50] [--sequence-rows 2000]
        [--metrics auc,average_precision,rmse] [--seed 0]
        [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from scipy import stats as scipy_stats

from benchmarks.common import Grid, Headline, progress, run
from nbalign.comparison import Comparisons
from nbalign.evaluation import Evaluation
from nbalign.judge import Judge
from nbalign.objective import Objective, parse_objective
from nbalign.predictions import keep, test_set

PREVALENCE = 0.3
PATIENCE = 3
STEP_SE = 4.0  # a climbing step, in standard errors of the difference: a test misses it 2% of the time
STEADY_MODELS = 6  # models in a sequence of steady real gains
CLIMB_MODELS = 3  # models that climb before a plateau (its first is the start)
SIGNAL = 0.5  # how far positives score above negatives at skill 0, in the noise's units (AUC 0.6)
POWER_SE = 2.0  # the true gain whose power is measured, in standard errors
CALIBRATION_ROWS = 200_000  # the large sample on which a skill's gain is measured


@dataclass(frozen=True)
class Scenario:
    """A metric and the objective numbers it is judged with (a baseline every model clears)."""

    metric: str
    baseline: float
    target: float
    score: object  # (y, response) -> the metric's value, as the record holds it
    regression: bool = False

    def objective(self, confidence: float = 0.95, min_gain: float = 0.0, patience: int = PATIENCE) -> Objective:
        return parse_objective(f"metric: {self.metric}\ntarget: {self.target}\nbaseline: {self.baseline}\n"
                               f"stop:\n  min_gain: {min_gain}\n  patience: {patience}\n"
                               f"  confidence: {confidence}", name="simulated")


# The metrics as scikit-learn computes them (tests/test_calibration.py checks they agree), in a
# fraction of the time: scikit-learn's input validation costs more than the metric at these sizes.


def auc(y, scores) -> float:
    """ROC AUC: the Mann-Whitney statistic (ties count half)."""
    positive = np.asarray(y) == 1
    ranks = scipy_stats.rankdata(scores)
    n1 = int(positive.sum())
    n0 = positive.size - n1
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def average_precision(y, scores) -> float:
    """Average precision: scikit-learn's step sum over the distinct scores, highest first."""
    order = np.argsort(-np.asarray(scores), kind="mergesort")
    ranked, labels = np.asarray(scores)[order], (np.asarray(y) == 1)[order]
    ends = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]  # the last row of each distinct score
    true_positives = np.cumsum(labels)[ends]
    precision = true_positives / (ends + 1)
    recall = true_positives / true_positives[-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def rmse(y, prediction) -> float:
    return float(np.sqrt(np.mean((np.asarray(y, dtype=np.float64) - prediction) ** 2)))


SCENARIOS = {
    "auc": Scenario("auc", 0.5, 0.99, auc),
    "average_precision": Scenario("average_precision", PREVALENCE, 0.99, average_precision),
    "rmse": Scenario("rmse", 5.0, 0.1, rmse, regression=True),
}


def simulate(scenario: Scenario, rng, rows: int, skills) -> tuple:
    """One test set and the response of one model per skill (0 is the reference skill)."""
    if scenario.regression:
        f = rng.standard_normal(rows)
        y = f + 0.5 * rng.standard_normal(rows)
        shared = rng.standard_normal(rows)
        return y, [f + (1 - s) * (shared + rng.standard_normal(rows)) for s in skills]
    y = (rng.random(rows) < PREVALENCE).astype(np.int64)
    shared = rng.standard_normal(rows)
    return y, [(SIGNAL + s) * y + shared + rng.standard_normal(rows) for s in skills]


def records(scenario: Scenario, objective: Objective, y, responses, fingerprint: str) -> list[Evaluation]:
    """The evaluations of the models, in order, with their kept predictions (as a session makes them)."""
    labels = test_set(fingerprint, y, None)
    method = "predict" if scenario.regression else "predict_proba"
    out = []
    for i, response in enumerate(responses, start=1):
        kept = keep(method, response, None)
        out.append(Evaluation(objective.name, objective.version, f"model {i}", "simulated.Model", {"i": i},
                              objective.metric.name, float(scenario.score(y, kept.values)), n_rows=len(y),
                              data_fingerprint=fingerprint, model_id=f"{fingerprint}/{i}", id=i,
                              kept=kept, test_set=labels))
    return out


def judge(objective: Objective, evaluations: list[Evaluation], tests: type[Comparisons] = Comparisons) -> Judge:
    """nbalign's Judge with paired tests on what the evaluations kept (``tests``: another
    ``Comparisons`` to judge with, e.g. a deliberately wrong one)."""
    return Judge(objective, evaluations, tests(lambda e: (e.kept, e.test_set), objective.stop.confidence))


def judge_pairs(scenario: Scenario, pairs: int, rows: int, seed: int, skill: float = 0.0,
                confidence: float = 0.95, tests: type[Comparisons] = Comparisons) -> tuple[list[str], np.ndarray]:
    """The second model's verdict for each pair, and each pair's point difference (second - first)."""
    objective = scenario.objective(confidence)
    rng = np.random.default_rng(seed)
    verdicts, differences = [], np.empty(pairs)
    for i in range(pairs):
        y, responses = simulate(scenario, rng, rows, (0.0, skill))
        first, second = records(scenario, objective, y, responses, f"sim-{seed}-{i}")
        verdicts.append(judge(objective, [first, second], tests).standing().rows[-1].verdict)
        differences[i] = second.score - first.score
    return verdicts, differences


def spread(scenario: Scenario, rows: int, seed: int, pairs: int = 200) -> float:
    """The standard error of the difference between two models of equal skill on ``rows`` rows:
    the spread of their point difference across simulated test sets."""
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(pairs):
        y, (a, b) = simulate(scenario, rng, rows, (0.0, 0.0))
        differences.append(scenario.score(y, b) - scenario.score(y, a))
    return float(np.std(differences, ddof=1))


def skill_for_gain(scenario: Scenario, gain: float, seed: int, rows: int = CALIBRATION_ROWS) -> float:
    """The skill whose true improvement over skill 0 is ``gain``, measured on one large sample
    (the same draws for every skill tried, so the gain is a smooth, increasing function of it)."""
    from scipy.optimize import brentq

    improvement = scenario.objective().metric.improvement

    def missing(skill: float) -> float:
        y, (a, b) = simulate(scenario, np.random.default_rng(seed), rows, (0.0, skill))
        return improvement(scenario.score(y, b), scenario.score(y, a)) - gain

    highest = 0.999 if scenario.regression else 20.0
    if missing(highest) < 0:
        raise ValueError(f"a gain of {gain:g} in {scenario.metric} is out of reach of the simulation: "
                         "use more rows (a smaller standard error)")
    return float(brentq(missing, 0.0, highest, xtol=1e-4))


def ladder(scenario: Scenario, step: float, models: int, seed: int, rows: int = CALIBRATION_ROWS) -> list[float]:
    """Skills of ``models`` models, each truly better than the one before by ``step``."""
    return [0.0] + [skill_for_gain(scenario, k * step, seed, rows) for k in range(1, models)]


def plateau_lag(scenario: Scenario, rng, rows: int, climb: list[float], min_gain: float, flat: int = 2 * PATIENCE,
                seed: int = 0) -> int | None:
    """Models of the ``climb`` skills, then ``flat`` models of the best's skill: how many
    evaluations from the plateau's start until NBA303 (1 = the first model of the plateau), None
    if never, -1 if it was drawn during the climb."""
    codes = banners(scenario, rng, rows, list(climb) + [climb[-1]] * flat, min_gain, seed)
    start = len(climb)  # the first model of the plateau (0-based position)
    first = next((i for i, code in enumerate(codes) if code == "NBA303"), None)
    return None if first is None else (-1 if first < start else first - start + 1)


def banners(scenario: Scenario, rng, rows: int, skills, min_gain: float, seed: int = 0) -> list[str | None]:
    """The summary banner's code after each evaluation of a sequence on one test set, judged with
    ``min_gain``: returns diminish only once models are shown to gain less than it."""
    objective = scenario.objective(min_gain=min_gain)
    y, responses = simulate(scenario, rng, rows, skills)
    sequence = records(scenario, objective, y, responses, f"seq-{seed}")
    judged = judge(objective, [])
    codes = []
    for evaluation in sequence:
        judged.put([evaluation])
        banner = judged.standing().summary.banner
        codes.append(None if banner is None else banner.code)
    return codes


# Recipes: refits of one recipe on bootstrap resamples of real training data. Each pair is two
# fits of the same recipe, so any "better" is a false claim that the change helped.
RECIPES = {
    "f1": ("f1", "predict"),
    "log_loss": ("log_loss", "predict_proba"),
}


def recipe_pairs(metric_name: str, pairs: int, seed: int) -> tuple[int, int, int]:
    """``(fitted, recipe, compared)``: of ``pairs`` refits of one randomised recipe (a shallow
    tree on half the features, its seed left to chance) on bootstrap resamples of the breast
    cancer training rows, how often the second fit is "better" on the test rows when only the
    test rows are random (each record without fold scores), and when nbalign also compares the
    recipes by 5×2-fold cross-validation on the training data (fold scores on both records);
    ``compared`` counts the pairs whose recipes could be compared."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier

    from nbalign.recipe import fold_scores, training_folds

    scorer, method = RECIPES[metric_name]
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y, random_state=seed)
    objective = parse_objective(f"metric: {scorer}\nbaseline: first\nstop:\n  min_gain: 0", name="recipes")
    metric = objective.metric
    folds = training_folds(y_train, metric)
    labels = test_set(f"recipes-{seed}", y_test, None)
    rng = np.random.default_rng(seed)
    fitted = recipe = compared = 0
    for i in range(pairs):
        made = []
        for j in range(2):
            model = DecisionTreeClassifier(max_depth=3, max_features=0.5, min_samples_leaf=5,
                                           random_state=int(rng.integers(2**31)))
            rows = rng.integers(0, len(y_train), len(y_train))
            model.fit(X_train[rows], y_train[rows])
            response = model.predict(X_test) if method == "predict" else model.predict_proba(X_test)[:, 1]
            kept = keep(method, response, None)
            score = metric.sign * metric.sklearn_scorer()(model, X_test, y_test)
            made.append((Evaluation("recipes", 1, f"fit {j}", "Tree", {}, metric.name, float(score),
                                    n_rows=len(y_test), data_fingerprint=labels.fingerprint,
                                    model_id=f"{seed}/{i}/{j}", id=j + 1, kept=kept, test_set=labels),
                         fold_scores(model, X_train, y_train, metric, folds=folds)))
        alone = judge(objective, [record for record, _ in made]).standing().rows[-1].verdict
        both = [replace(record, fold_scores=scores) for record, scores in made]
        with_recipe = judge(objective, both).standing().rows[-1]
        fitted += alone == "new_best"
        recipe += with_recipe.verdict == "new_best"
        compared += with_recipe.facts is not None and with_recipe.facts.vs_best_recipe is not None
    return fitted, recipe, compared


def binomial_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson (exact) interval of a proportion."""
    tail = (1 - level) / 2
    low = 0.0 if successes == 0 else scipy_stats.beta.ppf(tail, successes, trials - successes + 1)
    high = 1.0 if successes == trials else scipy_stats.beta.ppf(1 - tail, successes + 1, trials - successes)
    return float(low), float(high)


def false_better_bound(trials: int, nominal: float = 0.025, risk: float = 0.001) -> int:
    """The most false "better" verdicts a calibrated judge gives in ``trials`` pairs, but with
    probability ``risk``: the upper ``1 - risk`` quantile of Binomial(trials, nominal)."""
    return int(scipy_stats.binom.ppf(1 - risk, trials, nominal))


@dataclass(frozen=True)
class Figures:
    metric: str
    pairs: int
    rows: int
    standard_error: float
    false_better: int
    false_worse: int
    gain: float
    power: int
    sequences: int
    sequence_rows: int
    plateau_caught: int
    steady_clean: int
    seconds: float


def measure(scenario: Scenario, pairs: int, rows: int, sequences: int, sequence_rows: int,
            seed: int, calibration_rows: int = CALIBRATION_ROWS) -> Figures:
    start = time.perf_counter()
    verdicts, differences = judge_pairs(scenario, pairs, rows, seed)
    standard_error = float(np.std(differences, ddof=1))
    gain = POWER_SE * standard_error
    better, _ = judge_pairs(scenario, pairs, rows, seed + 1, skill_for_gain(scenario, gain, seed + 2, calibration_rows))
    step = STEP_SE * spread(scenario, sequence_rows, seed + 3) if sequences else 0.0
    steady = ladder(scenario, step, STEADY_MODELS, seed + 4, calibration_rows) if sequences else []
    rng = np.random.default_rng(seed + 5)
    caught = clean = 0
    for i in range(sequences):
        lag = plateau_lag(scenario, rng, sequence_rows, steady[:CLIMB_MODELS], step, seed=i)
        caught += lag is not None and 1 <= lag <= PATIENCE + 1
        clean += "NBA303" not in banners(scenario, rng, sequence_rows, steady, step, seed=i)
    return Figures(scenario.metric, pairs, rows, standard_error, verdicts.count("new_best"),
                   verdicts.count("worse"), gain, better.count("new_best"), sequences, sequence_rows, caught,
                   clean, time.perf_counter() - start)


def rate(count: int, trials: int) -> str:
    if trials == 0:
        return "-"
    low, high = binomial_interval(count, trials)
    return f"{count / trials:.1%} [{low:.1%}-{high:.1%}]"


def figures(args):
    rows, measured = [], []
    for name in args.metrics.split(","):
        progress(f"calibration: simulating {name}")
        f = measure(SCENARIOS[name], args.pairs, args.rows, args.sequences, args.sequence_rows, args.seed,
                    args.calibration_rows)
        measured.append(f)
        rows.append([f.metric, f"{f.pairs:,}", f"{f.standard_error:.4f}", rate(f.false_better, f.pairs),
                     rate(f.false_worse, f.pairs), rate(f.power, f.pairs), f"{f.sequences:,}",
                     rate(f.plateau_caught, f.sequences), rate(f.steady_clean, f.sequences), f"{f.seconds:.1f} s"])
    yield Grid(
        "Verdicts on simulated pairs of models, with exact binomial 95% intervals",
        ["metric", "pairs", "SE of diff", "false better", "false worse", "power at +2 SE", "sequences",
         "NBA303 by patience+1", "steady: no NBA303", "time"], rows,
        [(f"Seed {args.seed}; pairs of {args.rows} rows, sequences of {args.sequence_rows} rows; stop.confidence 0.95, "
          f"min_gain 0 for pairs, the step ({STEP_SE:g} SE) for sequences; patience {PATIENCE}."),
         (f"Goal: false better at most 5% (about 2.5%: one side of a two-sided 95% interval); power at +2 SE about "
          f"{scipy_stats.norm.sf(1.96 - POWER_SE):.0%} for a calibrated test. A calibrated judge calls more than "
          f"{false_better_bound(args.pairs)} of {args.pairs} pairs better "
          f"({false_better_bound(args.pairs) / args.pairs:.1%}) "
          "once in a thousand seeds.")])
    worst = max(measured, key=lambda f: f.false_better / f.pairs)
    recipe_rows, worst_recipe = [], 0.0
    for name in RECIPES:
        progress(f"calibration: refits of one recipe, {name}")
        start = time.perf_counter()
        fitted, recipe, compared = recipe_pairs(name, args.recipe_pairs, args.seed)
        worst_recipe = max(worst_recipe, binomial_interval(recipe, args.recipe_pairs)[1])
        recipe_rows.append([name, f"{args.recipe_pairs:,}", rate(fitted, args.recipe_pairs),
                            rate(recipe, args.recipe_pairs), f"{compared:,}", f"{time.perf_counter() - start:.1f} s"])
    yield Grid(
        "Refits of one recipe on bootstrap resamples of real training data, with exact binomial 95% intervals",
        ["metric", "pairs", "\"better\": this fitted model", "\"better\": this recipe", "recipes compared", "time"],
        recipe_rows,
        [("Breast cancer (scikit-learn), 341 training and 228 test rows; a depth-3 tree on half the features, its seed "
          "drawn per fit; each fit on a bootstrap resample of the training rows. \"This fitted model\": the paired "
          "test on the test rows alone. \"This recipe\": also the corrected resampled t (Nadeau-Bengio) on 5x2-fold "
          "cross-validation of both recipes on the training rows. Stop.min_gain 0, confidence 0.95."),
         "Goal: this recipe called better at most 5% of the time (the upper end of its interval)."])
    yield Headline("Refits of one recipe are called \"better\" at most 5% of the time",
                   "; ".join(f"{row[0]}: this recipe {row[3]}, this fitted model {row[2]}" for row in recipe_rows),
                   f"met: the upper 95% bound is {worst_recipe:.1%}" if worst_recipe <= 0.05
                   else f"missed: the upper 95% bound is {worst_recipe:.1%}, goal 5%")
    yield Headline("Two models of equal skill are called \"better\" by chance at most 5% of the time",
                   "; ".join(f"{f.metric} {rate(f.false_better, f.pairs)} of {f.pairs:,} pairs" for f in measured),
                   f"met: at most {worst.false_better / worst.pairs:.1%} ({worst.metric})"
                   if worst.false_better / worst.pairs <= 0.05
                   else f"missed: {worst.metric} {worst.false_better / worst.pairs:.1%}, goal 5%")


if __name__ == "__main__":
    run(__doc__, figures, {
        "pairs": (1000, "pairs of models per metric"),
        "rows": (500, "rows of each simulated test set"),
        "sequences": (50, "climb-then-plateau and steady sequences"),
        "sequence_rows": (2000, "rows of each sequence's test set"),
        "calibration_rows": (CALIBRATION_ROWS, "rows of the sample a skill's true gain is measured on"),
        "recipe_pairs": (250, "pairs of refits of one recipe per metric"),
        "metrics": ",".join(SCENARIOS),
        "seed": 0,
    }, smoke={"pairs": 20, "rows": 200, "sequences": 1, "calibration_rows": 20_000,
                                             "recipe_pairs": 5})
