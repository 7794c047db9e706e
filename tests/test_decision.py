"""The decision leaves the notebook: history, agreements, ship, realized KPI, the CI gate, tables.

Through a real InteractiveShell with nbalign loaded, real scikit-learn models on the breast
cancer data, and the ``nbalign`` console command run on the store they leave.
"""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from nbalign import cli
from nbalign.decision import load_record
from nbalign.events import changes, content_hash
from nbalign.objective import parse_objective

ROOT = Path(__file__).resolve().parents[1]
# the breast cancer objective of the shell tests (tests/browser has a conftest of its own too)
OBJECTIVE = runpy.run_path(str(Path(__file__).with_name("conftest.py")))["OBJECTIVE"]


def run(shell, code):
    """Run a cell as a user would; its result, and what it printed (stdout and stderr together)."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    shown = "".join(output.data.get("text/plain", "") + "\n" for output in captured.outputs)
    return result, captured.stdout + shown + captured.stderr


def declare(shell, text: str, name: str = "screening"):
    result, out = run(shell, f"%%objective {name}\n{text}")
    assert result.success, out
    return out


def magic(shell, line: str):
    result, out = run(shell, line)
    assert result.success, f"{line}: {out}{result.error_in_exec}"
    return out


def check(*args: str, env: dict | None = None) -> tuple[int, str]:
    """``nbalign check`` as CI runs it: a process of its own; its exit code and output."""
    done = subprocess.run([sys.executable, "-m", "nbalign.cli", "check", *args], capture_output=True, text=True,
                          cwd=Path.cwd(), env={**_environment(), **(env or {})})
    return done.returncode, done.stdout + done.stderr


def _environment() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --------------------------------------------------------------------------- history


@pytest.mark.parametrize(("edit", "expected"), [
    (("target: 0.995", "target: 0.99"), "target 0.995 → 0.990"),
    (("metric: auc", "metric: average_precision"), "metric auc → average_precision"),
    (("outcome: Fewer missed", "outcome: Far fewer missed"),
     "outcome Fewer missed malignant tumours at screening → Far fewer missed malignant tumours at screening"),
    (("  target: 6\n", "  target: 5\n"), "kpi.target 6 → 5"),
    (("  deadline: 2099-06-30\n", ""), "kpi.deadline removed (was 2099-06-30)"),
    (("  owner: Head of Radiology\n", "  owner: Head of Radiology\n  judge: Screening board\n"),
     "kpi.judge set to Screening board"),
    (("baseline: 0.90", "baseline: first"), "baseline.kind number → first"),
    (("  test: X_test, y_test", "  test: X_holdout, y_holdout"), "data.test X_test, y_test → X_holdout, y_holdout"),
    (("  min_gain: 0.01", "  min_gain: 0.02"), "stop.min_gain 0.010 → 0.020"),
    (("stop:", "population: 10,000 screenings per year\nstop:"), "population set to 10,000 screenings per year"),
])
def test_history_says_what_each_kind_of_field_changed(edit, expected):
    before = parse_objective(OBJECTIVE, name="screening")
    after = parse_objective(OBJECTIVE.replace(*edit), name="screening")
    texts = [c.text for c in changes(before, after)]
    assert any(t.startswith(expected) for t in texts), texts


def test_history_says_what_the_action_and_the_value_matrix_changed():
    before = parse_objective(REALIZED + "value:\n  tp: $100\n  fp: -$10\n  fn: 0\n  tn: 0\n", name="screening")
    after = parse_objective(REALIZED.replace("top 40%", "top 30%").replace("50% to 70%", "60%")
                            + "value:\n  tp: $120\n  fp: -$10\n  fn: 0\n  tn: 0\n", name="screening")
    assert sorted(c.text for c in changes(before, after)) == [
        "action.call top 40% → top 30%", "action.effect 50% to 70% → 60%", "value.tp 100.0 → 120.0"]


def test_the_content_hash_ignores_wording_and_reasons_not_commitments():
    plain = parse_objective(OBJECTIVE, name="screening")
    reworded = parse_objective("# a comment\n" + OBJECTIVE + "why: typo fixed\n", name="screening")
    assert content_hash(plain) == content_hash(reworded)
    assert changes(plain, reworded) == []
    assert content_hash(plain) != content_hash(parse_objective(OBJECTIVE.replace("0.995", "0.99"), name="screening"))


def test_history_lists_versions_with_why_changes_and_agreements(loaded):
    declare(loaded, OBJECTIVE)
    magic(loaded, "%nbalign agree --as 'Head of Radiology'")
    declared = declare(loaded, OBJECTIVE.replace("target: 0.995", "target: 0.99") + "why: the board settled for 0.99\n")
    assert "Head of Radiology (" in declared
    assert "agreed to version 1; version 2 changed target 0.995 → 0.990" in declared
    shown = magic(loaded, "%nbalign history")
    assert "v2" in shown and "target 0.995 → 0.990" in shown and "the board settled for 0.99" in shown
    assert "v1" in shown and "first version" in shown and "agreed: Head of Radiology" in shown
    assert "changed after it was agreed: Head of Radiology (to version 1)" in shown
    import nbalign

    table = nbalign.history()
    assert list(table.index) == [2, 1]
    assert table.loc[2, "why"] == "the board settled for 0.99"
    assert table.loc[1, "agreed"].startswith("Head of Radiology")
    # agreeing again to the new content holds: the warning goes
    magic(loaded, "%nbalign agree --as 'Head of Radiology'")
    assert "changed after it was agreed" not in magic(loaded, "%nbalign history")


def test_user_text_in_the_history_is_escaped(loaded):
    declare(loaded, OBJECTIVE)
    magic(loaded, "%nbalign agree --as '<img src=x onerror=alert(1)>'")
    import nbalign
    from nbalign.decided import HistoryTable

    html = HistoryTable(nbalign.active_session().history())._repr_mimebundle_()["text/html"]
    assert "<img" not in html and "&lt;img src=x" in html


# --------------------------------------------------------------------------- tables


def test_models_is_the_standings_rows_as_a_dataframe(loaded, tmp_path):
    declare(loaded, OBJECTIVE)
    for name in ("stump", "logreg", "forest"):
        magic(loaded, f"%evaluate {name}")
    import nbalign
    from nbalign.judge.wire import view

    standing = nbalign.active_session().require_standing()
    frame = nbalign.models()
    rows = view(standing, limit=None)["rows"]
    assert list(frame.index) == [r["id"] for r in rows]
    assert list(frame["verdict"]) == [r["word"] for r in rows]
    assert list(frame["vs_baseline_low"]) == [r["vs_baseline"]["low"] for r in rows]
    assert frame["ship"].sum() == 1 and frame.loc[frame["ship"], "name"].item() == standing.ship.record.name
    assert {"complexity_size_bytes", "score_low", "score_high", "progress"} <= set(frame.columns)
    magic(loaded, f"%nbalign models --csv {tmp_path / 'models.csv'}")
    import pandas as pd

    written = pd.read_csv(tmp_path / "models.csv", index_col="id")
    assert list(written["name"]) == list(frame["name"])


# --------------------------------------------------------------------------- ship and the gate


def test_shipping_a_model_the_judge_does_not_recommend_asks_why(loaded):
    declare(loaded, OBJECTIVE)
    for name in ("stump", "logreg"):
        magic(loaded, f"%evaluate {name}")
    result, out = run(loaded, "%nbalign ship stump")
    assert not result.success and "is not the model to ship" in out
    assert "--reason" in out
    shown = magic(loaded, "%nbalign ship stump --reason 'the radiologists can read a stump' --to stump-folder")
    assert "not the recommended model: the radiologists can read a stump" in shown
    import nbalign

    shipped = nbalign.active_session().history().shipped
    assert shipped.model["name"] == "stump" and not shipped.recommended
    assert shipped.reason == "the radiologists can read a stump"


def test_the_saved_model_loads_in_a_fresh_process_and_predicts_the_same(loaded, cancer, tmp_path):
    declare(loaded, OBJECTIVE)
    magic(loaded, "%evaluate logreg")
    magic(loaded, f"%nbalign ship logreg --to {tmp_path / 'shipped'}")
    import numpy as np

    cancer["X_test"].to_pickle(tmp_path / "X.pkl")
    code = ("import sys, numpy as np, pandas as pd; from pathlib import Path; from nbalign.saved import load_model\n"
            "model = load_model(Path(sys.argv[1]))\n"
            "np.save(sys.argv[3], model.predict_proba(pd.read_pickle(sys.argv[2])))")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "shipped"), str(tmp_path / "X.pkl"),
                    str(tmp_path / "p.npy")], check=True, env=_environment())
    assert np.array_equal(np.load(tmp_path / "p.npy"), cancer["logreg"].predict_proba(cancer["X_test"]))
    record = load_record(tmp_path / "shipped" / "decision.json")
    assert record["shipped"]["model"]["name"] == "logreg"
    assert (tmp_path / "shipped" / "README.md").read_text().startswith("---\n")


# a bar the logistic regression clears with confidence on 143 test rows
PASSING = OBJECTIVE.replace("target: 0.995", "target: 0.85").replace("baseline: 0.90", "baseline: 0.80")


def test_the_gate_passes_a_model_that_clears_the_target_and_the_baseline(loaded, private_store):
    declare(loaded, PASSING)
    magic(loaded, "%nbalign agree --as 'Head of Radiology'")
    for name in ("stump", "logreg"):
        magic(loaded, f"%evaluate {name}")
    magic(loaded, "%nbalign ship logreg")
    code, out = check()
    assert code == 0, out
    assert "✅ pass" in out and "clear of the target 0.850" in out and "a real gain" in out
    assert "| Agreed | Head of Radiology" in out


def test_the_gate_misses_a_model_short_of_the_target(loaded):
    declare(loaded, OBJECTIVE.replace("target: 0.995", "target: 0.99"))
    for name in ("stump", "logreg"):
        magic(loaded, f"%evaluate {name}")
    magic(loaded, "%nbalign ship stump --reason 'readable'")
    code, out = check()
    assert code == 1, out
    assert "short of the target 0.990" in out


def test_the_gate_is_inconclusive_when_the_interval_holds_the_target(loaded):
    declare(loaded, OBJECTIVE)  # target 0.995: the logistic regression's interval reaches both sides
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    code, out = check()
    assert code == 2, out
    assert "the interval holds the target 0.995" in out


def test_the_gate_is_inconclusive_without_a_real_gain_over_the_baseline(loaded):
    declare(loaded, OBJECTIVE.replace("target: 0.995", "target: 0.99").replace("baseline: 0.90", "baseline: 0.985")
            .replace("min_gain: 0.01", "min_gain: 0.05"))
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    code, out = check()
    assert code == 2, out
    assert "no real gain over the baseline" in out


def test_the_gate_errs_without_a_store_an_objective_or_a_ship(loaded, tmp_path):
    code, out = check("--store", str(tmp_path / "nowhere.db"))
    assert code == 3 and "there is no store" in out
    declare(loaded, OBJECTIVE)
    magic(loaded, "%evaluate logreg")
    code, out = check()
    assert code == 3 and "nothing was shipped" in out
    code, out = check("--objective", "attrition")
    assert code == 3 and "no objective 'attrition'" in out


def test_the_gate_misses_when_the_version_shipped_is_not_the_one_agreed(loaded):
    declare(loaded, PASSING)
    magic(loaded, "%nbalign agree --as 'Head of Radiology'")
    declare(loaded, PASSING.replace("target: 0.85", "target: 0.84") + "why: easier\n")
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    code, out = check()
    assert code == 1, out
    assert "the latest agreement of Head of Radiology (" in out and "target 0.850 → 0.840" in out
    # another role agreeing to the new content does not stand for the first: both must agree to it
    magic(loaded, "%nbalign agree --as 'Screening board'")
    code, out = check()
    assert code == 1 and "Head of Radiology" in out and "Screening board (" not in out.split("- ")[-1]
    magic(loaded, "%nbalign agree --as 'Head of Radiology'")
    assert check()[0] == 0
    # with no agreement at all, only --require-agreement misses
    declare(loaded, PASSING, name="other")
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    assert check("--objective", "other")[0] == 0
    assert check("--objective", "other", "--require-agreement")[0] == 1


def test_the_gate_writes_json_junit_and_the_step_summary(loaded, tmp_path):
    declare(loaded, OBJECTIVE)
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    code, out = check("--json", "--junit", str(tmp_path / "gate.xml"), env={"GITHUB_STEP_SUMMARY": str(summary)})
    result = json.loads(out)
    assert code == result["code"] == 2 and result["status"] == "inconclusive"
    assert result["bar"]["vs_target"] == "straddles"
    assert summary.read_text().startswith("earlier step\n### nbalign check: screening")
    suite = ElementTree.parse(tmp_path / "gate.xml").getroot()
    assert suite.get("failures") == "1"
    assert suite.find(".//failure").get("type") == "inconclusive"


def test_the_gate_reads_an_exported_record_as_it_reads_the_store(loaded, tmp_path):
    declare(loaded, PASSING)
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    assert cli.main(["report", "--out", str(tmp_path / "r.html"), "--json", str(tmp_path / "record.json")]) == 0
    from_store, from_record = check("--json"), check("--json", "--record", str(tmp_path / "record.json"))
    assert from_store[0] == from_record[0] == 0
    assert json.loads(from_store[1])["bar"] == json.loads(from_record[1])["bar"]
    (tmp_path / "other.json").write_text("{}")
    code, out = check("--record", str(tmp_path / "other.json"))
    assert code == 3 and "not an nbalign decision record" in out


# --------------------------------------------------------------------------- realized KPI


REALIZED = """\
outcome: Fewer missed malignant tumours at screening
kpi:
  name: share of malignant tumours missed
  current: 12%
  target: 8%
  owner: Head of Radiology
action:
  call: top 40%
  effect: 50% to 70%
metric: recall_at_k
target: 0.9
baseline: 0.7
data:
  test: X_test, y_test
"""


def test_a_realized_kpi_outside_the_projection_fires_its_check(loaded):
    declare(loaded, REALIZED)
    magic(loaded, "%evaluate logreg")
    magic(loaded, "%nbalign ship logreg")
    import nbalign

    projection = nbalign.active_session().history().shipped.judged["projection"]
    low, high = projection["interval"][0], projection["range"][1]
    inside = f"{(low + high) / 2:.1f}%"
    shown = magic(loaded, f"%nbalign realized {inside} --on 2027-03-31")
    assert "NBA401" not in shown and "Recorded: the KPI measured" in shown
    shown = magic(loaded, "%nbalign realized 11% --on 2027-06-30")
    assert "NBA401 Realized KPI outside the projection" in shown and "worse than" in shown
    assert "NBA402 Realized KPI short of its target" in shown
    view = nbalign.active_session().message()["standing"]
    assert view["decision"]["shipped"]["name"] == "logreg"
    assert [r["value"] for r in view["decision"]["realized"]] == [inside, "11%"]
    assert "NBA401" in view["checks"]
    result, out = run(loaded, "%nbalign realized 11 --on 2027-06-30")
    assert not result.success and "not in the KPI's unit" in out


def test_realized_before_shipping_says_to_ship_first(loaded):
    declare(loaded, REALIZED)
    result, out = run(loaded, "%nbalign realized 10%")
    assert not result.success and "nothing was shipped" in out


# --------------------------------------------------------------------------- headless runs


def _notebook(*cells: str):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return notebook


def _execute(notebook, folder: Path) -> str:
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute()
    outputs = [o for cell in notebook.cells for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"], outputs
    return "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in outputs)


DATA = """\
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
"""


@pytest.mark.kernel
def test_a_headless_run_told_its_objective_continues_it(tmp_path, monkeypatch):
    """nbclient knows no notebook path: $NBALIGN_OBJECTIVE says which objective a run continues,
    declared by a `%%objective` cell without a name, or restored without `%nbalign adopt`."""
    monkeypatch.delenv("JPY_SESSION_NAME")
    monkeypatch.delenv("NBALIGN_STORE")
    monkeypatch.setenv("NBALIGN_OBJECTIVE", "screening")
    declares = _notebook("%load_ext nbalign", DATA, "%%objective\n" + OBJECTIVE,
                         "stump = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train)\n"
                         "stump.score(X_test, y_test)")
    continues = _notebook("%load_ext nbalign", DATA,
                          "logreg = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, y_train)\n"
                          "logreg.score(X_test, y_test)",
                          "%nbalign ship logreg")
    first = _execute(declares, tmp_path)
    assert "Objective 'screening' (version 1)" in first
    second = _execute(continues, tmp_path)
    assert "Restored objective 'screening' (version 1): 1 evaluation" in second
    assert "logreg: ROC AUC" in second and "Shipped logreg under version 1 of 'screening'" in second
    third = _execute(declares, tmp_path)  # run again: the same objective, a new version, the history kept
    assert "Restored objective 'screening' (version 1): 2 evaluations" in third
    assert "Objective 'screening' (version 2)" in third
    from nbalign.store import Store

    store = Store(tmp_path / ".nbalign" / "nbalign.db")
    assert store.objective_names() == ["screening"]
    assert sorted(e.name for e in store.evaluations("screening")) == ["logreg", "stump"]  # the stump once
    assert [e.kind for e in store.decisions("screening")] == ["ship"]


@pytest.mark.kernel
def test_the_readme_workflow_runs_the_notebook_and_the_gate(tmp_path, monkeypatch):
    """The GitHub Actions workflow the README shows, its steps run as written (from a copy of the
    repository's example folder): the notebook runs headless, the gate answers, the report is written."""
    import shutil

    import yaml

    readme = (ROOT / "README.md").read_text()
    workflow = yaml.safe_load(readme.split("```yaml\n", 1)[1].split("```", 1)[0])
    (job,) = workflow["jobs"].values()
    steps = [step["run"] for step in job["steps"] if "run" in step and not step["run"].startswith("pip install")]
    assert [s.split()[0] for s in steps] == ["jupyter", "nbalign", "nbalign"]
    shutil.copytree(ROOT / "example_notebooks", tmp_path / "example_notebooks",
                    ignore=shutil.ignore_patterns(".nbalign", "shipped", "reports", ".ipynb_checkpoints"))
    for variable in ("NBALIGN_STORE", "JPY_SESSION_NAME"):
        monkeypatch.delenv(variable)
    environment = {**_environment(), **job["env"], "PATH": f"{Path(sys.executable).parent}:{_environment()['PATH']}"}
    codes = [subprocess.run(step, shell=True, cwd=tmp_path, env=environment, capture_output=True, text=True)
             for step in steps]
    assert codes[0].returncode == 0, codes[0].stderr
    assert codes[1].returncode == 1, codes[1].stdout + codes[1].stderr  # the churn example misses its target
    assert "nbalign check: churn — ❌ miss (exit 1)" in codes[1].stdout
    assert ElementTree.parse(tmp_path / "nbalign.xml").getroot().get("failures") == "1"
    assert codes[2].returncode == 0 and (tmp_path / "nbalign-report.html").is_file()


def test_a_restored_objective_keeps_its_target_derived_from_the_kpi_and_its_content(loaded):
    """`target: from kpi` is derived with the test labels when declared; a restart (or the command
    line) reads the objective back with that target, so the agreement to its content holds."""
    declare(loaded, REALIZED.replace("target: 0.9", "target: from kpi").replace("baseline: 0.7", "baseline: 0.3"))
    import nbalign
    from nbalign.session import Session

    live = nbalign.active_session().objective
    restored = Session(nbalign.active_session().store.path).adopt("screening")
    assert live.target is not None and restored.target == live.target
    assert restored.derivation == live.derivation
    assert content_hash(restored) == content_hash(live)


def test_user_text_in_the_gate_summary_is_shown_as_written(loaded):
    declare(loaded, PASSING)
    hostile = "<img src=x onerror=alert(1)>|x"
    magic(loaded, f"%evaluate logreg --name '{hostile}'")
    magic(loaded, f"%nbalign ship '{hostile}'")
    import nbalign
    from nbalign.gate import gate, junit, markdown

    record = nbalign.active_session().decision_record()
    result = gate(record)
    summary = markdown(result, record)
    assert result.code == 0 and not re.search(r"(?<!\\)<img", summary) and "&lt;img src=x" in summary
    assert "&lt;img src=x onerror=alert(1)&gt;\\|x" in summary  # in the table: HTML inert, its pipe escaped
    ElementTree.fromstring(junit(result))  # well-formed XML whatever the name


def test_a_rows_interval_stays_within_the_metrics_range(loaded):
    """A row's interval is the baseline's score plus the paired difference's ends: an AUC far above
    a stump's reads up to 1, never past it (the report, the chart and models() show it)."""
    declare(loaded, OBJECTIVE.replace("baseline: 0.90", "baseline: stump"))
    magic(loaded, "%evaluate logreg")
    import nbalign

    (logreg,) = [r for r in nbalign.active_session().require_standing().rows if r.name == "logreg"]
    low, high = logreg.interval
    assert logreg.vs_baseline.high + logreg.facts.baseline > 1  # the difference's end reaches past 1
    assert 0 < low < logreg.score < high == 1.0
    assert nbalign.models().loc[logreg.id, "score_high"] == 1.0


def test_a_folder_that_cannot_be_written_is_a_message_not_a_traceback(loaded, tmp_path):
    declare(loaded, PASSING)
    magic(loaded, "%evaluate logreg")
    (tmp_path / "a-file").write_text("not a folder")
    for line, said in ((f"%nbalign ship logreg --to {tmp_path / 'a-file' / 'shipped'}", "nothing was shipped"),
                       (f"%nbalign report {tmp_path / 'a-file' / 'r.html'}", "could not write the report"),
                       (f"%nbalign models --csv {tmp_path / 'a-file' / 'm.csv'}", "could not write")):
        result, out = run(loaded, line)
        assert not result.success and said in out and "Traceback" not in out, out
    import nbalign

    assert nbalign.active_session().history().shipped is None
