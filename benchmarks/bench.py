"""`make bench`: every figure behind "fast", beside its anchor measured in the same run.

Writes ``benchmarks/RESULTS.md``: the machine, the versions and the date at the top, then each
figure as the median, the spread (interquartile range) and the ratio to its anchor. Arms are
repeated and interleaved (A, B, A, B ...), because the machine is shared and noisy. Nothing
passes or fails: no figure is asserted anywhere.

Measured here, against MLflow (installed by ``make bench`` into the environment, never a
dependency of nbalign):

1. a whole process that imports nbalign, against one that imports mlflow and ``python -c pass``;
2. recording one evaluation (``Session.record``: store write, judging, the views' standing),
   against MLflow's ``start_run`` + ``log_params`` + ``log_metric`` + ``end_run`` on its default
   local store (MLflow 3: a SQLite file);
3. what autolog adds to ``roc_auc_score(y, model.predict_proba(X)[:, 1])`` at 100,000 rows,
   against the same call unwatched, and what ``mlflow.sklearn.autolog`` adds to it and logs.

Then the figures of the other scripts of ``benchmarks/``, run as they are and quoted whole:
recording and restoring as the history grows, what autolog and the business figures add, the
paired tests against a bootstrap, keeping predictions, the fingerprint.

    .venv/bin/python benchmarks/bench.py [--smoke] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import interleaved as taking_turns  # noqa: E402
from benchmarks.common import spread  # noqa: E402

# The other scripts, with their arguments for a full run and for a smoke run (None: not in the
# smoke run, as its own test runs it in `make test`).
SCRIPTS = [
    ("What %evaluate costs beyond its metric, and its parts", "evaluate_cost.py", [], ["--smoke"]),
    ("Recording and restoring as the history grows", "record_cost.py", [], ["--sizes", "10,100", "--repeat", "3"]),
    ("nbalign.plot() beside a bare matplotlib chart", "plot_cost.py", [], ["--smoke"]),
    ("What autolog adds", "autolog_cost.py", [], None),
    ("What the business figures add", "business_cost.py", [], None),
    ("Paired tests against a bootstrap", "paired_tests.py", [], None),
    ("Keeping predictions", "predictions_cost.py", [], None),
    ("The data fingerprint", "fingerprint.py", [], None),
    ("How often a verdict says 'better' by chance", "calibration.py", [], None),
]


def progress(text: str) -> None:
    sys.stderr.write(f"\r{text[:100]:<100}")
    sys.stderr.flush()


def summary(samples: list[float], unit: float, label: str) -> tuple[float, str]:
    q1, median, q3 = spread(samples)
    return median, f"{median * unit:,.2f} {label} (IQR {q1 * unit:,.2f} to {q3 * unit:,.2f})"


def table(title: str, times: dict[str, list[float]], anchor: str, unit: float = 1e3, label: str = "ms") -> str:
    base = statistics.median(times[anchor])
    lines = [f"### {title}", "", "| what | median (spread) | ratio to the anchor |", "|---|---|---|"]
    for name, samples in times.items():
        median, text = summary(samples, unit, label)
        ratio = median / base if base else float("nan")
        lines.append(f"| {name}{' (anchor)' if name == anchor else ''} | {text} | {ratio:.2f}x |")
    return "\n".join(lines) + "\n"


def interleaved(arms: dict, repeat: int, what: str) -> dict[str, list[float]]:
    return taking_turns(arms, repeat, lambda round_: progress(f"bench: {what}, round {round_ + 1} of {repeat}"))


def has_mlflow() -> bool:
    try:
        import mlflow  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------ 1. import


def import_times(repeat: int) -> str:
    def process(code: str):
        return lambda: subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                                      env={**os.environ, "PYTHONPATH": str(ROOT)})

    arms = {"python -c pass": process("pass"), "import nbalign": process("import nbalign")}
    if has_mlflow():
        arms["import mlflow"] = process("import mlflow")
    return table("A whole process that imports the package", interleaved(arms, repeat, "imports"),
                 "python -c pass")


# ------------------------------------------------------------------ 2. recording


def record_times(repeat: int) -> str:
    from nbalign.evaluation import Evaluation
    from nbalign.objective import parse_objective
    from nbalign.session import Session

    folder = tempfile.mkdtemp()
    session = Session(store_path=os.path.join(folder, "nbalign.db"))
    session.set_objective(parse_objective("metric: auc\ntarget: 0.95\nbaseline: 0.7", name="bench"))
    counter = iter(range(10**9))

    def nbalign_record():
        i = next(counter)
        session.record(Evaluation("bench", 1, f"model {i}", "sklearn.linear_model.LogisticRegression",
                                  {"C": i, "max_iter": 1000}, "auc", 0.8, data_fingerprint="test",
                                  n_rows=1000, model_id=str(i)))

    arms = {"nbalign: Session.record": nbalign_record}
    if has_mlflow():
        import mlflow

        # MLflow 3's default local store: a SQLite file (mlflow.db), here in a folder of its own
        mlflow.set_tracking_uri(f"sqlite:///{os.path.join(folder, 'mlflow.db')}")
        # its artifacts in the same folder (by default ./mlruns, under the working folder)
        mlflow.create_experiment("bench", artifact_location=Path(folder, "artifacts").as_uri())
        mlflow.set_experiment("bench")

        def mlflow_record():
            i = next(counter)
            with mlflow.start_run():
                mlflow.log_params({"C": i, "max_iter": 1000})
                mlflow.log_metric("auc", 0.8)

        arms["MLflow: start_run + log_params + log_metric + end_run"] = mlflow_record
    times = interleaved(arms, repeat, "recording one evaluation")
    anchor = next(iter(arms)) if len(arms) == 1 else list(arms)[1]
    text = table("Recording one evaluation (the metric already computed)", times, anchor)
    if len(arms) > 1:
        ours, theirs = (statistics.median(v) for v in times.values())
        text += (f"\nnbalign records an evaluation {theirs / ours:.0f}x cheaper than MLflow logs a run "
                 "(the goal: at least 100x).\n")
    return text


# ------------------------------------------------------------------ 3. autolog against MLflow's

MLFLOW_AUTOLOG = r"""
import os, statistics, sys, tempfile, time
import numpy as np
import mlflow, sklearn.metrics
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
rows, repeat = int(sys.argv[1]), int(sys.argv[2])
X, y = make_classification(n_samples=rows, n_features=20, random_state=0)
original = sklearn.metrics.roc_auc_score
mlflow.set_tracking_uri("sqlite:///" + os.path.join(tempfile.mkdtemp(), "mlflow.db"))
mlflow.sklearn.autolog(silent=True)
model = LogisticRegression(max_iter=1000).fit(X[:5000], y[:5000])  # fitted under autolog: a run
proba = model.predict_proba(X)
watched = sklearn.metrics.roc_auc_score
times = {"unwatched": [], "watched": []}
for _ in range(repeat):
    for name, f in (("unwatched", original), ("watched", watched)):
        start = time.perf_counter(); f(y, proba[:, 1]); times[name].append(time.perf_counter() - start)
watched_accuracy = sklearn.metrics.accuracy_score
predicted = model.predict(X)
watched_accuracy(y, predicted)  # the case MLflow matches: the very array predict returned
if hasattr(mlflow, "flush_async_logging"):
    mlflow.flush_async_logging()
run = mlflow.last_active_run()
metrics = mlflow.get_run(run.info.run_id).data.metrics if run else {}
sliced = sorted(k for k in metrics if "roc_auc" in k and not k.startswith("training_"))
whole = sorted(k for k in metrics if "accuracy_score" in k and not k.startswith("training_"))
print(statistics.median(times["unwatched"]), statistics.median(times["watched"]), ",".join(sliced) or "nothing",
      ",".join(whole) or "nothing")
"""


def autolog_against_mlflow(rows: int, repeat: int) -> str:
    import sklearn.metrics
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from nbalign.autolog import Autolog, Watcher

    X, y = make_classification(n_samples=rows, n_features=20, random_state=0)
    original = sklearn.metrics.roc_auc_score
    watcher = Watcher()
    autolog = Autolog(watcher)
    autolog.start()
    try:
        model = LogisticRegression(max_iter=1000).fit(X[:5000], y[:5000])
        proba = model.predict_proba(X)
        watched = sklearn.metrics.roc_auc_score
        times = interleaved({
            "roc_auc_score, unwatched": lambda: original(y, proba[:, 1]),
            "with nbalign's autolog": lambda: (watched(y, proba[:, 1]), watcher.queued.clear()),
        }, repeat, "autolog")
        watched(y, proba[:, 1])
        found = watcher.take()
        nbalign_logged = "the model" if found and found[0].model is model else "nothing"
    finally:
        autolog.stop()
    text = table(f"What autolog adds to roc_auc_score(y, proba[:, 1]) at {rows:,} rows", times,
                 "roc_auc_score, unwatched")
    text += f"\nnbalign's autolog logs {nbalign_logged} for `roc_auc_score(y, model.predict_proba(X)[:, 1])`.\n"
    if has_mlflow():
        progress("bench: mlflow.sklearn.autolog")
        script = Path(tempfile.mkdtemp()) / "mlflow_autolog.py"  # a file: MLflow reads the caller's source
        script.write_text(MLFLOW_AUTOLOG, encoding="utf-8")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}  # set by the record arm
        done = subprocess.run([sys.executable, str(script), str(rows), str(repeat)],
                              capture_output=True, text=True, cwd=script.parent, env=clean)
        if done.returncode == 0:
            unwatched, watched_, sliced, whole = done.stdout.split()[-4:]
            unwatched, watched_ = float(unwatched), float(watched_)
            text += (f"\n`mlflow.sklearn.autolog()` (measured in its own process, against the same call there): "
                     f"{watched_ * 1e3:,.2f} ms against {unwatched * 1e3:,.2f} ms, {watched_ / unwatched:.2f}x. "
                     f"For the sliced predictions it logs {sliced if sliced != 'nothing' else 'nothing'}: it matches "
                     "predictions to models by the identity of the array `predict_proba` returned, and `[:, 1]` is "
                     f"another array. For `accuracy_score(y, model.predict(X))` it logs {whole}.\n")
        else:
            text += f"\nmlflow.sklearn.autolog could not be measured: {done.stderr.strip().splitlines()[-1:]}\n"
    return text


# ------------------------------------------------------------------ the other scripts


def other_scripts(smoke: bool) -> str:
    parts = []
    for title, script, full, quick in SCRIPTS:
        if smoke and quick is None:
            continue
        progress(f"bench: {script}")
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *(quick if smoke else full)],
                              capture_output=True, text=True, cwd=ROOT)
        body = done.stdout.strip() if done.returncode == 0 else f"(failed: {done.stderr.strip()[-300:]})"
        parts.append(f"### {title} (`benchmarks/{script}`)\n\n```\n{body}\n```\n")
    return "\n".join(parts)


def header() -> str:
    import numpy
    import sklearn

    import nbalign

    versions = [f"Python {platform.python_version()}", f"nbalign {nbalign.__version__}",
                f"scikit-learn {sklearn.__version__}", f"numpy {numpy.__version__}"]
    if has_mlflow():
        import mlflow

        versions.append(f"MLflow {mlflow.__version__}")
    return (f"# nbalign benchmarks\n\nMeasured {datetime.date.today().isoformat()} on {platform.machine()} "
            f"({os.cpu_count()} cores, {platform.system()} {platform.release()}): {', '.join(versions)}. "
            "Medians of interleaved repeats, with the interquartile range, and ratios to an anchor measured "
            "in the same run; the machine is shared, so the ratios are the figures to read. Written by "
            "`make bench` (`benchmarks/bench.py`).\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check that everything runs")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    args = parser.parse_args()
    repeat, rows = (3, 2_000) if args.smoke else (15, 100_000)
    sections = [header(), "## Against MLflow\n", import_times(repeat), record_times(repeat * 2),
                autolog_against_mlflow(rows, repeat * 2)]
    if not has_mlflow():
        sections.append("MLflow is not installed here: `make bench` installs it.\n")
    sections += ["## nbalign's own figures\n", other_scripts(args.smoke)]
    Path(args.out).write_text("\n".join(sections), encoding="utf-8")
    progress("")
    sys.stderr.write(f"\rbench: wrote {args.out}\n")


if __name__ == "__main__":
    main()
