"""The model card (nbalign/card.py): a Hugging Face README.md written from the decision record of a
model shipped through a real Session (tests/decision_records.py), never from JSON written by hand."""

from __future__ import annotations

import pytest
import yaml
from decision_records import HOSTILE_MODEL, HOSTILE_OUTCOME, diabetes, screening
from huggingface_hub import ModelCard

from nbalign.card import model_card, write_card
from nbalign.errors import NbalignError
from nbalign.format import format_change, format_ends, format_family_level, format_score


@pytest.fixture(scope="module")
def record(screening_record):
    return screening_record


def split(card: str) -> tuple[dict, str]:
    """The card's front matter (parsed) and its body."""
    assert card.startswith("---\n")
    front, _, body = card[4:].partition("\n---\n")
    return yaml.safe_load(front), body


def test_the_front_matter_states_the_shipped_score_beside_the_baseline(record):
    front, _ = split(model_card(record))
    bar, metric = record["shipped"]["bar"], record["standing"]["objective"]["metric"]
    assert front["library_name"] == "sklearn"
    assert front["tags"] == ["sklearn", "tabular-classification", "nbalign"]
    [entry] = front["model-index"]
    assert entry["name"] == record["shipped"]["model"]["name"] == "logistic"
    [result] = entry["results"]
    assert result["task"] == {"type": "tabular-classification"}
    assert result["dataset"] == {"name": "X_test, y_test", "type": "tabular"}
    assert result["metrics"] == [
        {"type": metric["name"], "value": bar["score"], "name": metric["label"]},
        {"type": metric["name"], "value": bar["baseline"], "name": f"{metric['label']} (baseline)"},
    ]
    assert bar["baseline"] == record["standing"]["summary"]["baseline"] == 0.7


def test_the_nbalign_block_keeps_the_decision(record):
    front, _ = split(model_card(record))
    kept, bar, shipped = front["nbalign"], record["shipped"]["bar"], record["shipped"]
    assert kept["objective"] == {"name": "screening", "version": 2,
                                 "content_hash": record["objective"]["content_hash"],
                                 "outcome": "Fewer missed malignant tumours at screening"}
    assert kept["kpi"] == {"name": "share of malignant tumours missed", "current": "12%", "target": "8%",
                           "deadline": "2027-06-30", "owner": "Head of Radiology", "judge": None}
    assert kept["interval"] == {"low": bar["interval"][0], "high": bar["interval"][1], "level": bar["level"]}
    assert (kept["target"], kept["baseline"], kept["score"]) == (0.92, 0.7, bar["score"])
    # the p-value beside the interval is adjusted for the models compared, as the interval is
    assert kept["p_value"] == bar["vs_baseline"]["p_adjusted"] == min(1.0, bar["models_compared"]
                                                                      * bar["vs_baseline"]["p_value"])
    assert kept["vs_baseline"]["p_value"] == bar["vs_baseline"]["p_value"]
    assert (kept["real_gain"], kept["vs_target"]) == (True, "straddles")
    assert [(a["role"], a["by"], a["version"]) for a in kept["agreements"]] == [("Head of Radiology", "ana", 2)]
    assert kept["shipped"] == {"at": shipped["at"], "by": "ana", "version": 2, "recommended": True, "reason": None}


def test_the_hub_reads_the_card(record):
    card = ModelCard(model_card(record))
    [score, baseline] = card.data.eval_results
    assert (score.task_type, score.dataset_type, score.metric_value) == (
        "tabular-classification", "tabular", record["shipped"]["bar"]["score"])
    assert baseline.metric_name == "recall in the top 40% (baseline)"
    assert card.data.library_name == "sklearn"


def test_the_body_says_what_the_model_is_for_how_it_was_judged_and_how_to_load_it(record):
    _, body = split(model_card(record))
    saved = record["shipped"]["saved"]["model"]
    assert body.startswith("\n# logistic\n")
    assert "**Outcome:** Fewer missed malignant tumours at screening" in body
    assert "Cut the share of malignant tumours missed from 12% to 8% by 2027-06-30" in body
    bar = record["shipped"]["bar"]
    low, high = (format_score(v) for v in bar["interval"])
    level = format_family_level(bar["level"])
    assert f"interval {low} to {high} at {level}, for the best of {bar['models_compared']} models" in body
    assert "Its interval holds the target 0.920: reaching it is not shown." in body
    gain = bar["vs_baseline"]
    ends = format_ends(gain["low"], gain["high"])
    assert (f"{format_change(gain['estimate'])} vs the baseline 0.700 (interval {ends} at {level}): a real gain, "
            "clear of min_gain 0.010.") in body  # as the report says it
    assert "uplift is not modelled" in body  # what the projection assumes
    assert "NBA401" in body  # the KPI measured after shipping, outside the projection
    assert f"skops.io.load('{saved['file']}', trusted=trusted)" in body and saved["file"] == "model.skops"
    assert saved["sha256"] in body
    assert f"- scikit-learn {saved['libraries']['scikit-learn']}" in body


def test_hostile_names_round_trip_and_stay_text(tmp_path, as_ana):
    record = screening(tmp_path, model_name=HOSTILE_MODEL, outcome=HOSTILE_OUTCOME)
    card = model_card(record)
    front, body = split(card)
    assert front["model-index"][0]["name"] == HOSTILE_MODEL
    assert front["nbalign"]["objective"]["outcome"] == HOSTILE_OUTCOME
    assert ModelCard(card).data.to_dict()["model-index"][0]["name"] == HOSTILE_MODEL
    assert "<img" not in body and "<script" not in body
    assert "# &lt;img src=x onerror=alert(1)&gt;" in body


def test_a_regression_card(tmp_path, as_ana):
    record = diabetes(tmp_path)
    front, body = split(model_card(record))
    assert front["tags"] == ["sklearn", "tabular-regression", "nbalign"]
    assert front["model-index"][0]["results"][0]["task"] == {"type": "tabular-regression"}
    assert front["nbalign"]["metric"] == {"name": "rmse", "label": "RMSE", "higher_is_better": False}
    assert front["model-index"][0]["name"] == "linear baseline"
    assert "A regression model shipped" in body


def test_no_card_before_a_model_is_shipped(tmp_path, as_ana):
    with pytest.raises(NbalignError, match="nothing was shipped for the objective 'screening'"):
        model_card(screening(tmp_path, ship=False))


def test_write_card_writes_the_readme_of_the_folder(record, tmp_path):
    path = write_card(record, tmp_path / "shipped")
    assert path == tmp_path / "shipped" / "README.md"
    assert path.read_text(encoding="utf-8") == model_card(record)
