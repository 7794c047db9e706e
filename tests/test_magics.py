"""The magics through a real IPython InteractiveShell: what a user types, what they see."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import nbalign
from nbalign.display import EvaluationResult
from nbalign.format import format_change, format_percent


def run(shell, code):
    """Run a cell as a user would; return (result, captured stdout+stderr), colours removed."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, Captured(captured)


class Captured:
    """IPython's captured output, with the terminal colours of messages removed."""

    def __init__(self, captured):
        self.stdout = re.sub(r"\x1b\[[0-9;]*m", "", captured.stdout)
        self.stderr = captured.stderr
        self.outputs = captured.outputs


@pytest.mark.parametrize("module", ["nbalign", "nbalign.evaluation", "nbalign.judge", "nbalign.stats",
                                    "nbalign.complexity", "nbalign.predictions", "nbalign.fingerprint"])
def test_import_is_light(module):
    """Importing nbalign, or any of its core modules, loads none of the heavy libraries."""
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('sklearn', 'numpy', 'pandas', 'scipy', 'matplotlib', 'IPython') if m in sys.modules]\n"
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
        "s = Session(sys.argv[1], notebook='notebook.ipynb')\n"
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
    assert isinstance(result.result, EvaluationResult)
    e = result.result.evaluation
    assert (e.name, e.estimator, e.source) == ("logreg", "sklearn.pipeline.Pipeline", "magic")
    assert e.score > 0.99 and e.n_rows == len(loaded.user_ns["y_test"])
    assert e.data_fingerprint and e.predict_seconds > 0 and e.objective_version == 1
    assert result.result.verdict == "new_best" and result.result.score == e.score
    bundle = result.result._repr_mimebundle_()
    assert bundle["text/plain"].startswith("logreg: ROC AUC 0.99")
    assert "role='progressbar'" in bundle["text/html"]

    result, _ = run(loaded, "import nbalign\nnbalign.evaluate(stump)")
    stump = result.result
    assert stump.evaluation.name == "stump" and stump.evaluation.source == "evaluate"
    # A one-split tree: 0.884 against the stated baseline 0.90 is inside the noise of 143 test
    # rows (DeLong, 95% CI about -0.07 to +0.04), but clearly worse than logreg.
    assert stump.verdict == "worse"
    assert [f.code for f in stump.row.findings] == ["NBA304", "NBA302"]
    below = stump.row.vs_baseline
    assert below.method == "DeLong" and below.low < 0 < below.high and below.n == len(loaded.user_ns["y_test"])
    assert stump.row.vs_best.high < 0
    text = stump._repr_mimebundle_()["text/plain"]
    assert "NBA302 No real gain: stump scores 0.884, worse than the best (logreg, 0.995): −0.111 (95% CI" in text
    assert "why: %nbalign explain NBA302" in text
    # the line: its verdict word, each change with its interval, progress with its interval
    line = text.splitlines()[0]
    assert line.startswith("stump: ROC AUC 0.884  worse  −0.111 vs best (95% CI −0.1")
    assert "−0.016 vs baseline (95% CI −0.0" in line
    span = 0.995 - 0.90
    low, high = below.low / span, below.high / span
    assert line.endswith(f"−17% (95% CI {format_percent(low)} to {format_percent(high)}) to target 0.995")
    assert "<details class='nbalign-why'" in stump._repr_mimebundle_()["text/html"]


def test_evaluate_on_other_data_with_a_name(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    result, _ = run(loaded, "%evaluate forest X_train y_train --name 'forest on training data'")
    assert result.result.evaluation.name == "forest on training data"
    assert result.result.evaluation.n_rows == len(loaded.user_ns["y_train"])


def test_rerunning_the_objective_makes_a_new_version(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "%evaluate logreg")
    result, captured = run(loaded, "%%objective cancer\n" + objective_text.replace("0.995", "0.998"))
    assert "version 2" in captured.outputs[0].data["text/plain"]
    session = nbalign.active_session()
    assert session.objective.version == 2 and session.objective.target == 0.998
    assert session.records[0].objective_version == 1  # recorded under version 1
    (row,) = session.standing.rows
    assert row.version == 1 and row.progress == pytest.approx((row.score - 0.9) / (0.998 - 0.9))  # judged under 2
    result, _ = run(loaded, "%evaluate logreg")
    assert result.result.evaluation.objective_version == 2 and len(session.records) == 1


def test_objective_line_magic_shows_the_card(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    result, captured = run(loaded, "%objective")
    assert result.success
    assert ("KPI: Cut the missed malignant cases per 1000 screenings from 12 to 6 by 2099-06-30 ("
            in captured.outputs[0].data["text/plain"])
    assert "left); accountable: Head of Radiology." in captured.outputs[0].data["text/plain"]


@pytest.mark.parametrize(
    "cell, message",
    [
        ("%%objective x\nmetric: aucc", "line 2: unknown metric 'aucc'"),
        ("%%objective x\nmetric: auc\ndata:\n  test: X_tst, y_test", "line 4: `data.test` names the variable 'X_tst'"),
        ("%evaluate logreg", "no objective is declared yet"),
        ("%evaluate nothing_here", "the model 'nothing_here' is not defined"),
        ("%evaluate logreg X_test", "usage: `%evaluate model`"),
        ("%nbalign dance", "invalid choice: 'dance'"),
        ("%nbalign explain NBA999", "unknown code NBA999"),
        ("%evaluate logreg --colour red", "unrecognized arguments: --colour red"),
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


def test_baseline_auto_fits_a_constant_floor_and_a_linear_baseline(loaded):
    result, captured = run(
        loaded,
        "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: auto\n"
        "data:\n  train: X_train, y_train\n  test: X_test, y_test",
    )
    assert result.success
    session = nbalign.active_session()
    constant, linear = session.records
    assert constant.role == linear.role == "baseline"
    assert constant.estimator == "sklearn.dummy.DummyClassifier" and constant.score == pytest.approx(0.5)
    assert linear.name == "linear baseline" and linear.estimator == "sklearn.pipeline.Pipeline"
    assert session.standing.summary.baseline == linear.score > 0.99  # scaled logistic regression on this data
    card = captured.outputs[-1].data["text/plain"]
    assert "Constant model (the floor): ROC AUC 0.500" in card
    assert f"Linear model (to beat): ROC AUC {linear.score:.3f}" in card


def test_baseline_model_variable(loaded):
    run(loaded, "%%objective cancer\nmetric: auc\ntarget: 0.999\nbaseline: stump\ndata:\n  test: X_test, y_test")
    result, _ = run(loaded, "%evaluate forest")
    session = nbalign.active_session()
    assert session.standing.summary.baseline == session.records[0].score
    assert result.result.row.change_vs_baseline == pytest.approx(result.result.score - session.records[0].score)
    assert 0 < result.result.row.progress < 1


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

    _result, captured = run(shell, "%load_ext nbalign")
    text = captured.outputs[0].data["text/plain"]
    assert text.startswith("Restored objective 'cancer' (version 1): 1 evaluation, best 0.99")
    assert "of the way to the target 0.995" in text


def test_store_path_follows_config(loaded, tmp_path, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text)
    elsewhere = tmp_path / "elsewhere.db"
    result, _captured = run(loaded, f"%config NbalignMagics.store_path = {str(elsewhere)!r}")
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
    assert result.success and isinstance(result.result, EvaluationResult)
    assert captured.stderr.count("nbalign: nbalign could not update a view (RuntimeError: sidebar exploded)") == 1


def test_user_text_is_escaped_inline(loaded):
    run(loaded, "%%objective x\noutcome: <script>alert(1)</script>\nmetric: auc\ntarget: 0.999")
    result, _ = run(loaded, "import nbalign\n"
                            "nbalign.evaluate(logreg, X_test, y_test, name='<img src=x onerror=alert(1)>')")
    html = result.result._repr_mimebundle_()["text/html"]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    _, captured = run(loaded, "%objective")
    assert "<script>" not in captured.outputs[0].data["text/html"]


def test_a_rendering_bug_still_shows_the_result(loaded, objective_text, monkeypatch):
    import nbalign.display

    run(loaded, "%%objective cancer\n" + objective_text)

    def broken(row, standing, record=None, notes=None):
        raise KeyError("oops")

    monkeypatch.setattr(nbalign.display, "evaluation_bundle", broken)
    result, _ = run(loaded, "%evaluate logreg")
    bundle = result.result._repr_mimebundle_()
    assert bundle["text/plain"].startswith("logreg: auc 0.99")
    assert "could not render the verdict: KeyError" in bundle["text/plain"]


def test_unload_leaves_the_figure_printer_matplotlib_inline_registered(shell):
    """Defect: unloading removed every PNG printer for Figure, the inline backend's included."""
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    shell.run_line_magic("load_ext", "nbalign")
    select_figure_formats(shell, {"png"})  # what matplotlib-inline does when its backend is selected
    inline = formatter.lookup_by_type(Figure)
    shell.run_line_magic("unload_ext", "nbalign")
    assert formatter.lookup_by_type(Figure) is inline
    figure = Figure()
    figure.add_subplot().plot([1, 2])
    assert shell.display_formatter.format(figure)[0].get("image/png")

    # and when nbalign's own printer is still the one in place, unloading removes it
    formatter.type_printers.pop(Figure)
    shell.run_line_magic("load_ext", "nbalign")
    assert formatter.lookup_by_type(Figure) is not inline
    shell.run_line_magic("unload_ext", "nbalign")
    with pytest.raises(KeyError):
        formatter.lookup_by_type(Figure)


@pytest.mark.parametrize(
    "code, message",
    [
        ("nbalign.evaluate(logreg)", "NoObjectiveError: no objective is declared yet"),
        ("%%objective x\nmetric: auc\ntarget: 0.999\ndata:\n  test: X_test, y_test", None),
    ],
)
def test_api_mistakes_are_one_message_not_a_traceback(loaded, code, message):
    """Defect: nbalign.evaluate before any objective printed a 29-line traceback."""
    import nbalign

    loaded.user_ns["nbalign"] = nbalign
    result, captured = run(loaded, code)
    if message is None:  # declared: now a non-model and a non-finite score are one message each
        for bad, expected in [("nbalign.evaluate(42)", "EvaluationError: int is not a model"),
                              ("nbalign.evaluate(logreg, X_test[:5], y_test[:5] * 0)",
                               "y holds one class only")]:
            result, captured = run(loaded, bad)
            assert not result.success
            assert expected in captured.stdout
            assert "Traceback" not in captured.stdout and len(captured.stdout.strip().splitlines()) == 1
        return
    assert not result.success
    assert message in captured.stdout
    assert "Traceback" not in captured.stdout and len(captured.stdout.strip().splitlines()) == 1


def test_magics_have_generated_usage(loaded):
    for magic in ("evaluate", "nbalign", "objective"):
        doc = loaded.find_magic(magic).__doc__
        assert "usage:" in doc.lower() or "::\n\n  %" in doc, magic
    _, captured = run(loaded, "%evaluate --help")
    assert "--name NAME" in captured.stdout


def test_explain_shows_the_checks_explanation(loaded):
    from nbalign.checks import CHECKS

    result, captured = run(loaded, "%nbalign explain nba303")
    assert result.success
    assert captured.outputs[0].data["text/plain"].startswith("NBA303 Diminishing returns (warning)")
    assert CHECKS["NBA303"].explanation in captured.outputs[0].data["text/plain"]
    _, captured = run(loaded, "%nbalign explain")
    assert all(code in captured.outputs[0].data["text/plain"] for code in CHECKS)


def test_another_notebooks_objective_is_named_and_adopted_only_on_request(shell, cancer, objective_text, monkeypatch):
    """Issue 6, item 6, as a user meets it: a notebook opened in a context that does not say
    which notebook it is (nbclient, papermill, plain IPython) finds the folder's objective but
    logs nothing into it until adopted."""
    shell.user_ns.update(cancer)
    shell.run_line_magic("load_ext", "nbalign")
    run(shell, "%%objective cancer\n" + objective_text)
    run(shell, "%evaluate logreg")
    shell.run_line_magic("unload_ext", "nbalign")

    monkeypatch.delenv("JPY_SESSION_NAME")
    _, captured = run(shell, "%load_ext nbalign")
    text = captured.outputs[0].data["text/plain"]
    assert "holds the objective 'cancer' (version 1, declared in notebook.ipynb)" in text
    result, captured = run(shell, "%evaluate forest")
    assert not result.success and "%nbalign adopt cancer" in captured.stdout + captured.stderr
    result, captured = run(shell, "%nbalign adopt cancer")
    assert result.success and "Objective 'cancer' (version 1): 1 evaluation" in captured.stdout
    result, _ = run(shell, "%evaluate forest")
    assert result.success and [r.name for r in nbalign.active_session().standing.rows] == ["logreg", "forest"]


def test_vs_code_names_the_notebook_in_the_namespace(shell, monkeypatch):
    from nbalign.session import notebook_path

    monkeypatch.delenv("JPY_SESSION_NAME")
    assert notebook_path({}) is None
    assert notebook_path({"__vsc_ipynb_file__": "/home/ana/work/churn.ipynb"}) == "churn.ipynb"


def test_each_evaluation_shows_itself_in_a_loop_on_an_assigned_line_and_per_magic_line(loaded, objective_text):
    """Issue 6, item 19: `nbalign.evaluate` in a loop or assigned showed nothing, and a cell of
    several `%evaluate` lines showed only the last."""
    run(loaded, "%%objective cancer\n" + objective_text)
    loaded.user_ns["nbalign"] = nbalign

    def shown(captured):
        return [o.data["text/plain"].split(":")[0] for o in captured.outputs if "text/plain" in o.data]

    _, captured = run(loaded, "for m in [stump, logreg]:\n"
                              "    nbalign.evaluate(m, name=f'in a loop {m.__class__.__name__}')")
    assert shown(captured) == ["in a loop DecisionTreeClassifier", "in a loop Pipeline"]
    _, captured = run(loaded, "result = nbalign.evaluate(forest)")
    assert shown(captured) == ["forest"]
    _, captured = run(loaded, "%evaluate stump\n%evaluate logreg")
    assert shown(captured) == ["stump", "logreg"]  # each once: the last is not shown twice
    _, captured = run(loaded, "nbalign.evaluate(forest)")
    assert shown(captured) == ["forest"]
    _, captured = run(loaded, "result")  # shown again when asked for in a later cell
    assert shown(captured) == ["forest"]


@pytest.mark.parametrize("line, name", [
    ("%evaluate models[1]", "models[1]"),
    ("%evaluate box.model", "box.model"),
    ("%evaluate models[0] X_test[:100] y_test[:100]", "models[0]"),
    ("%evaluate 'dict(m=logreg)[\"m\"]' --name from_dict", "from_dict"),
])
def test_evaluate_takes_expressions_as_users_type_them(loaded, objective_text, line, name):
    """Issue 6, item 16: `models[0]`, `box.m` were reported as undefined names."""
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "import types\nmodels = [stump, logreg]\nbox = types.SimpleNamespace(model=forest)")
    result, captured = run(loaded, line)
    assert result.success, captured.stdout + captured.stderr
    assert result.result.evaluation.name == name


@pytest.mark.parametrize("line, message", [
    ("%evaluate 'logreg", "close the quote"),
    ("%evaluate models[7]", "the model `models[7]` could not be evaluated: IndexError"),
    ("%evaluate logreg(", "is not an expression Python can read"),
])
def test_evaluate_argument_mistakes_are_one_message(loaded, objective_text, line, message):
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "models = [stump]")
    result, captured = run(loaded, line)
    assert not result.success and message in captured.stdout + captured.stderr
    assert "Traceback" not in captured.stdout + captured.stderr


@pytest.mark.parametrize("train, message", [
    ("X_train, y_train[:50]", "X_train has 426 rows and y_train[:50]"),
    ("y_train, X_train", "looks swapped"),
])
def test_baseline_auto_says_what_is_wrong_with_the_training_data(loaded, train, message):
    """Issue 6, item 17: `baseline: auto` with data of different lengths or swapped X/y."""
    if "[:50]" in train:
        loaded.user_ns["y_short"] = loaded.user_ns["y_train"][:50]
        train, message = "X_train, y_short", "X_train has 426 rows and y_short 50"
    result, captured = run(loaded, "%%objective cancer\nmetric: auc\ntarget: 0.99\nbaseline: auto\n"
                                   f"data:\n  train: {train}\n  test: X_test, y_test")
    text = captured.stdout + captured.stderr
    assert not result.success and message in text and "line 6" in text and "Traceback" not in text


def test_plot_labels_are_text_and_short(loaded):
    """Issue 6, item 18: `$` in a name broke matplotlib's mathtext; long names made the plot crawl."""
    from nbalign.plotting import figure_png

    run(loaded, "%%objective x$^$y\nmetric: auc\ntarget: 0.999\nbaseline: 0.9\ndata:\n  test: X_test, y_test")
    run(loaded, "import nbalign\nnbalign.evaluate(logreg, name='cost $^{x}$ and $$')")
    run(loaded, f"nbalign.evaluate(forest, name={'forest ' * 2000!r})")
    figure = nbalign.plot()
    assert figure_png(figure).startswith(b"\x89PNG")
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels[0] == r"cost \$^{x}\$ and \$\$" and len(labels[1]) == 18
    assert r"x\$^\$y" in figure._suptitle.get_text()


def test_models_shows_what_each_model_costs(loaded, objective_text):
    """Issue 7, item 4: each evaluation records prediction time, size and parameters, shown on request."""
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, "%evaluate logreg\n%evaluate forest")
    session = nbalign.active_session()
    logreg, forest = session.records
    assert logreg.complexity["n_parameters"] == 30 * 2 + 31  # scaler mean and scale, coefficients and intercept
    assert forest.complexity["size_bytes"] > logreg.complexity["size_bytes"]
    assert logreg.complexity["predict_ms_per_1k"] > 0
    result, captured = run(loaded, "%nbalign models")
    assert result.success
    text = captured.outputs[0].data["text/plain"]
    assert text.splitlines()[0].split() == ["model", "metric", "score", "verdict", "vs", "the", "best", "before", "it",
                                            "(95%", "CI)", "cost"]
    assert "logreg" in text and "91 parameters" in text and "ms per 1k rows" in text
    forest_line = next(line for line in text.splitlines() if line.startswith("forest"))
    tested = session.standing.rows[-1].vs_best
    assert f"({format_change(tested.low)} to {format_change(tested.high)})" in forest_line


@pytest.mark.parametrize("line, expected", [
    ("forest X_test y_test", ["forest", "X_test", "y_test"]),
    ("hgb X_test.select_dtypes('number') y_test", ["hgb", "X_test.select_dtypes('number')", "y_test"]),
    ("LogisticRegression(C=1, max_iter=200).fit(X, y)", ["LogisticRegression(C=1, max_iter=200).fit(X, y)"]),
    ("lr --name 'my model'", ["lr", "--name", "my model"]),
    ('lr -n "a \'quoted\' name"', ["lr", "-n", "a 'quoted' name"]),
    ("models[0]  X[:, [1, 2]]   y", ["models[0]", "X[:, [1, 2]]", "y"]),
])
def test_arguments_split_as_python_reads_them(line, expected):
    from nbalign.lines import split_arguments

    assert split_arguments(line) == expected


def test_an_integer_valued_regression_target_gets_a_constant_regressor(loaded):
    """Found trying the house prices: whole-dollar prices are "multiclass" to type_of_target."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    y = (y * 1000).round().astype(int)  # prices in whole dollars
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    loaded.user_ns.update(Xh_train=X_train, Xh_test=X_test, yh_train=y_train, yh_test=y_test,
                          ridge=Ridge().fit(X_train, y_train))
    result, captured = run(loaded, "%%objective prices\nmetric: rmse\ntarget: 40000\nbaseline: auto\n"
                                   "data:\n  train: Xh_train, yh_train\n  test: Xh_test, yh_test")
    assert result.success, captured.stdout + captured.stderr
    constant, _linear = nbalign.active_session().records
    assert constant.estimator == "sklearn.dummy.DummyRegressor"
    assert "ridge regression" in captured.outputs[-1].data["text/plain"]
    result, _ = run(loaded, "%evaluate ridge")
    # the linear baseline is a ridge regression too (on scaled columns): ridge, measured against
    # it, is not distinguishable from it
    assert result.success and result.result.verdict == "no_gain", result.result.verdict
    assert result.result.row.best_before_name == "linear baseline" and result.result.row.vs_best.low < 0


def test_stop_confidence_sets_the_level_of_every_interval(loaded, objective_text):
    run(loaded, "%%objective cancer\n" + objective_text + "  confidence: 0.8\n")
    run(loaded, "%evaluate logreg")
    result, _ = run(loaded, "%evaluate stump")
    line = result.result._repr_mimebundle_()["text/plain"].splitlines()[0]
    assert nbalign.active_session().standing.summary.confidence == 0.8
    assert "vs best (80% CI " in line and "95%" not in line
    session = nbalign.active_session()
    logreg, stump = [r for r in session.records if r.role == "model"]
    at_80 = result.result.row.vs_best
    at_95 = session._judge.comparisons.between(session.objective.metric, stump, logreg, confidence=0.95)
    # DeLong is a normal interval: its half-width scales with the normal quantile, 1.28 against 1.96
    assert (at_80.high - at_80.low) / (at_95.high - at_95.low) == pytest.approx(1.2816 / 1.9600, rel=1e-3)


def test_within_a_cell_views_are_told_at_a_pace_and_once_more_when_it_ends(loaded, objective_text):
    """A loop that evaluates many models sends a few standings, not one per model; the last one
    sent in the cell holds them all, and the next cell's first change is sent at once."""
    run(loaded, "%%objective cancer\n" + objective_text)
    session = nbalign.active_session()
    received = []
    session.subscribe(lambda type_, message: received.append(message))
    # a clone: the session's fixture models are shared with other tests' modules
    result, _ = run(loaded, "import nbalign\nfrom sklearn.base import clone\nfor c in (0.01, 0.1, 1.0, 10.0, 100.0):\n"
                            "    nbalign.evaluate(clone(logreg).set_params(logisticregression__C=c)"
                            ".fit(X_train, y_train), X_test, y_test, name=f'C={c}')")
    assert result.success
    assert 1 <= len(received) <= 2  # the loop takes well under the pace of a second
    assert [row["name"] for row in received[-1]["standing"]["rows"]][-5:] == [
        "C=0.01", "C=0.1", "C=1.0", "C=10.0", "C=100.0"]
    assert received[-1]["revision"] == session.revision and not session._held
    told = len(received)
    session._last_told -= session.pace  # as if the pace had passed since
    run(loaded, "%evaluate forest")
    assert len(received) == told + 1 and received[-1]["standing"]["rows"][-1]["name"] == "forest"


# Issue 18, item 7: IPython expands `{expr}` and `$name` in a magic's line unless the magic opts
# out, so an objective name (typed, or written by the form) ran code when its cell was run.
PWNED = "{__import__('pathlib').Path('PWNED').touch()}"


def test_every_nbalign_magic_opts_out_of_variable_expansion(loaded):
    from IPython.core.magic import MAGIC_NO_VAR_EXPAND_ATTR

    from nbalign.magics import NbalignMagics

    ours = [(kind, name, fn) for kind, magics in loaded.magics_manager.magics.items()
            for name, fn in magics.items() if isinstance(getattr(fn, "__self__", None), NbalignMagics)]
    assert {(kind, name) for kind, name, _ in ours} == {("line", "objective"), ("cell", "objective"),
                                                        ("line", "evaluate"), ("line", "nbalign")}
    assert all(getattr(fn, MAGIC_NO_VAR_EXPAND_ATTR, False) for *_, fn in ours)


@pytest.mark.parametrize("line", [
    f"%%objective x{PWNED}\nmetric: auc\ntarget: 0.9\nbaseline: 0.8",
    f"%objective x{PWNED}",
    f"%objective --form x{PWNED}",
    f"%evaluate logreg --name x{PWNED}",
    f"%evaluate x{PWNED}",
    f"%evaluate logreg X_test{PWNED} y_test",
    f"%nbalign explain x{PWNED}",
    f"%nbalign adopt x{PWNED}",
    f"%nbalign status x{PWNED}",
])
def test_a_magic_line_never_runs_the_code_in_braces(loaded, objective_text, line):
    run(loaded, "%%objective cancer\n" + objective_text)
    run(loaded, line)
    assert not Path("PWNED").exists()


def test_dollar_names_and_braces_stay_literal(loaded, objective_text):
    loaded.user_ns["x"] = "expanded"
    result, captured = run(loaded, "%%objective $x\n" + objective_text)
    assert result.success, captured.stdout + captured.stderr
    assert nbalign.session.active_session().objective.name == "$x"
    result, _ = run(loaded, "%evaluate logreg --name '$x {x}'")
    assert result.result.evaluation.name == "$x {x}"
    result, captured = run(loaded, "%nbalign explain $x")
    assert "unknown code $X" in captured.stdout + captured.stderr
    result, captured = run(loaded, "%evaluate $x")  # an expression Python cannot read: a message
    assert not result.success and "`$x` is not an expression Python can read" in captured.stdout + captured.stderr

