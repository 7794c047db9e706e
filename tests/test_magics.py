"""The magics through a real IPython InteractiveShell: what a user types, what they see."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import nbalign
from nbalign.evaluation import Evaluation


def run(shell, code):
    """Run a cell as a user would; return (result, captured stdout+stderr)."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured


def test_import_is_light():
    code = (
        "import sys, nbalign\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'scipy', 'matplotlib', 'IPython') if m in sys.modules]\n"
        "print(heavy)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.strip() == "[]"


def test_loading_and_restoring_stay_light(private_store):
    """`%load_ext` with a store to restore imports none of the heavy libraries either."""
    code = (
        "import sys\n"
        "from nbalign.evaluation import Evaluation\n"
        "from nbalign.objective import parse_objective\n"
        "from nbalign.session import Session\n"
        "s = Session(sys.argv[1])\n"
        "s.set_objective(parse_objective('metric: auc\\ntarget: 0.9\\nbaseline: 0.7', name='churn'))\n"
        "s.record(Evaluation('churn', 1, 'lr', 'LogisticRegression', {}, 'roc_auc', 0.8))\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'nbalign')\n"
        "heavy = [m for m in ('sklearn', 'pandas', 'scipy', 'matplotlib') if m in sys.modules]\n"
        "print(heavy)"
    )
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", code, str(private_store)],
                         capture_output=True, text=True, check=True, cwd=root)
    assert "Restored objective 'churn'" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_load_registers_and_unload_removes_everything(shell):
    formatter = shell.display_formatter.formatters["image/png"]
    before_hooks = list(shell.events.callbacks["post_run_cell"])
    before_configurables = list(shell.configurables)
    shell.run_line_magic("load_ext", "nbalign")
    for kind, name in [("line", "objective"), ("cell", "objective"), ("line", "evaluate"), ("line", "nbalign")]:
        assert name in shell.magics_manager.magics[kind]
    assert len(shell.events.callbacks["post_run_cell"]) == len(before_hooks) + 1
    assert any(type(c).__name__ == "NbalignMagics" for c in shell.configurables)
    assert ("matplotlib.figure", "Figure") in formatter.deferred_printers

    shell.run_line_magic("unload_ext", "nbalign")
    for kind, name in [("line", "objective"), ("cell", "objective"), ("line", "evaluate"), ("line", "nbalign")]:
        assert name not in shell.magics_manager.magics[kind]
    assert shell.events.callbacks["post_run_cell"] == before_hooks
    assert not any(type(c).__name__ == "NbalignMagics" for c in shell.configurables)
    assert [c for c in before_configurables if c not in shell.configurables] == []
    assert ("matplotlib.figure", "Figure") not in formatter.deferred_printers
    with pytest.raises(nbalign.NbalignError, match="load_ext nbalign"):
        nbalign.evaluate(object())


def test_declare_evaluate_and_see_the_verdict(loaded, objective_text):
    result, captured = run(loaded, "%%objective cancer\n" + objective_text)
    assert result.success
    card = captured.outputs[0].data
    assert "Objective 'cancer' (version 1)" in card["text/plain"]
    assert "Head of Radiology" in card["text/html"]

    result, _ = run(loaded, "%evaluate logreg")
    assert isinstance(result.result, Evaluation)
    e = result.result
    assert (e.name, e.estimator, e.source) == ("logreg", "sklearn.pipeline.Pipeline", "magic")
    assert e.score > 0.99 and e.n_rows == len(loaded.user_ns["y_test"])
    assert e.data_fingerprint and e.predict_seconds > 0 and e.objective_version == 1
    bundle = e._repr_mimebundle_()
    assert bundle["text/plain"].startswith("logreg: ROC AUC 0.99")
    assert "role='progressbar'" in bundle["text/html"]

    result, _ = run(loaded, "import nbalign\nnbalign.evaluate(stump)")
    stump = result.result
    assert stump.name == "stump" and stump.source == "evaluate"
    assert [d.code for d in stump.verdict.diagnostics] == ["NBA301"]  # a one-split tree is below 0.90
    assert "NBA301 Below baseline: stump scores" in stump._repr_mimebundle_()["text/plain"]


def test_evaluate_on_other_data_with_a_name(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    result, _ = run(loaded, "%evaluate forest X_train y_train --name 'forest on training data'")
    assert result.result.name == "forest on training data"
    assert result.result.n_rows == len(loaded.user_ns["y_train"])


def test_rerunning_the_objective_makes_a_new_version(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "%evaluate logreg")
    result, captured = run(loaded, "%%objective cancer\n" + objective_text.replace("0.995", "0.998"))
    assert "version 2" in captured.outputs[0].data["text/plain"]
    session = nbalign.active_session()
    assert session.objective.version == 2 and session.objective.target == 0.998
    assert session.evaluations[0].objective_version == 1  # judged under the version it was made in
    result, _ = run(loaded, "%evaluate logreg")
    assert result.result.objective_version == 2 and len(session.evaluations) == 1


def test_objective_line_magic_shows_the_card(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    result, captured = run(loaded, "%objective")
    assert result.success
    assert "KPI: missed malignant cases per 1000 screenings: 12 → 6 by 2099-06-30" in captured.outputs[0].data["text/plain"]


@pytest.mark.parametrize(
    "cell, message",
    [
        ("%%objective x\nmetric: aucc", "line 2: unknown metric 'aucc'"),
        ("%%objective x\nmetric: auc\ndata:\n  test: X_tst, y_test", "line 4: `data.test` names the variable 'X_tst'"),
        ("%evaluate logreg", "no objective is declared yet"),
        ("%evaluate nothing_here", "the model 'nothing_here' is not defined"),
        ("%evaluate logreg X_test", "usage: `%evaluate model`"),
        ("%nbalign dance", "unknown command 'dance'"),
    ],
)
def test_user_mistakes_are_messages_not_tracebacks(loaded, cell, message):
    result, captured = run(loaded, cell)
    assert not result.success
    text = captured.stdout + captured.stderr
    assert message in text
    assert "Traceback" not in text


def test_unfitted_model_and_missing_test_data_say_what_to_do(loaded):
    run(loaded, "%%objective x\nmetric: auc\ntarget: 0.99")
    run(loaded, "from sklearn.linear_model import LogisticRegression\nraw = LogisticRegression()")
    _, captured = run(loaded, "%evaluate raw X_test y_test")
    assert "raw is not fitted yet. Call `raw.fit(X_train, y_train)`" in captured.stdout + captured.stderr
    _, captured = run(loaded, "%evaluate logreg")
    assert "add `data:" in captured.stdout + captured.stderr


def test_baseline_auto_fits_a_constant_model(loaded):
    result, captured = run(
        loaded,
        "%%objective cancer\nmetric: auc\ntarget: 0.99\nbaseline: auto\n"
        "data:\n  train: X_train, y_train\n  test: X_test, y_test",
    )
    assert result.success
    session = nbalign.active_session()
    (baseline,) = session.evaluations
    assert baseline.role == "baseline" and baseline.estimator == "sklearn.dummy.DummyClassifier"
    assert session.summary.baseline == pytest.approx(0.5)
    assert "constant baseline: ROC AUC 0.500" in captured.outputs[-1].data["text/plain"]


def test_baseline_model_variable(loaded):
    run(loaded, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: stump\ndata:\n  test: X_test, y_test")
    result, _ = run(loaded, "%evaluate forest")
    assert result.result.verdict.baseline == nbalign.active_session().evaluations[0].score
    assert 0 < result.result.verdict.progress < 1


def test_status_and_store_commands(loaded, objective_text, private_store):
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "%evaluate logreg")
    _, captured = run(loaded, "%nbalign status")
    assert "Objective 'cancer' (version 1): 1 evaluation, best 0.99" in captured.stdout
    assert "Restored" not in captured.stdout
    _, captured = run(loaded, "%nbalign store")
    assert captured.stdout.strip() == str(private_store)


def test_plot_magic_and_function(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "%evaluate stump\n")
    run(loaded, "%evaluate logreg\n")
    result, captured = run(loaded, "%nbalign plot")
    assert result.success and "image/png" in captured.outputs[0].data
    figure = nbalign.plot()
    axes = figure.axes[0]
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == ["stump", "logreg"]
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert "baseline 0.900" in legend and "target 0.995" in legend and "best: logreg" in legend


def test_restored_on_load_after_a_restart(shell, cancer, objective_text):
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    run(shell, "%%objective cancer\n" + objective_text)
    run(shell, "%evaluate logreg")
    shell.run_line_magic("unload_ext", "nbalign")  # as a kernel restart would, the state goes away

    result, captured = run(shell, "%load_ext nbalign")
    text = captured.outputs[0].data["text/plain"]
    assert text.startswith("Restored objective 'cancer' (version 1): 1 evaluation, best 0.99")
    assert "of the way to the target 0.995" in text


def test_store_path_follows_config(loaded, tmp_path, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    elsewhere = tmp_path / "elsewhere.db"
    result, captured = run(loaded, f"%config NbalignMagics.store_path = {str(elsewhere)!r}")
    assert result.success
    assert nbalign.active_session().store.path == elsewhere
    assert nbalign.active_session().objective is None  # a new store has no objective yet
    run(loaded, "%%objective other\nmetric: auc\ntarget: 0.99")
    assert elsewhere.exists()


def test_a_broken_view_is_one_warning_and_the_cell_still_runs(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)

    def broken(type_, payload):
        raise RuntimeError("sidebar exploded")

    nbalign.active_session().subscribe(broken)
    result, captured = run(loaded, "%evaluate logreg")
    assert result.success and isinstance(result.result, Evaluation)
    assert captured.stderr.count("nbalign: nbalign could not update a view (RuntimeError: sidebar exploded)") == 1


def test_user_text_is_escaped_inline(loaded):
    run(loaded, "%%objective x\noutcome: <script>alert(1)</script>\nmetric: auc\ntarget: 0.999")
    result, _ = run(loaded, "import nbalign\nnbalign.evaluate(logreg, X_test, y_test, name='<img src=x onerror=alert(1)>')")
    html = result.result._repr_mimebundle_()["text/html"]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    _, captured = run(loaded, "%objective")
    assert "<script>" not in captured.outputs[0].data["text/html"]


def test_a_rendering_bug_still_shows_the_result(loaded, objective_text, monkeypatch):
    import nbalign.display

    run(loaded, "%%objective cancer\n" + objective_text)

    def broken(evaluation):
        raise KeyError("oops")

    monkeypatch.setattr(nbalign.display, "evaluation_bundle", broken)
    result, _ = run(loaded, "%evaluate logreg")
    bundle = result.result._repr_mimebundle_()
    assert bundle["text/plain"].startswith("logreg: auc 0.99")
    assert "could not render the verdict: KeyError" in bundle["text/plain"]
