"""Random sequences of what a user does, played on a real Session and SidebarChannel, recording
every message the sidebar would receive and, after each step, the kernel's own standing.

The TypeScript model replays the messages (``labextension/src/__tests__/replay.test.ts``) and
must hold exactly the kernel's standing after every step: the sidebar agrees with the kernel by
construction, not by luck. ``python tests/replay.py`` rewrites the small example the node tests
use by default (``protocol/replay/example.json``).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbalign import comm as comm_module  # noqa: E402
from nbalign.evaluation import Evaluation  # noqa: E402
from nbalign.judge.wire import view  # noqa: E402
from nbalign.objective import parse_objective  # noqa: E402
from nbalign.protocol import envelope  # noqa: E402
from nbalign.session import Session  # noqa: E402

EXAMPLE = ROOT / "protocol" / "replay" / "example.json"
METRICS = {"auc": (0.5, 1.0, 0.95), "average_precision": (0.2, 0.9, 0.8), "logloss": (0.2, 0.7, 0.25)}
NAMES = ["lr", "rf", "gb", "tree", "svm", "knn", "<b>mlp</b>", "stack"]


class RecordingComm:
    """Stands in for ipykernel's Comm: what it would send is what the sidebar receives."""

    def __init__(self, target_name, data, events):
        json.dumps(data, allow_nan=False)
        self.events = events
        self.events.append({"kind": "message", "data": json.loads(json.dumps(data))})
        self.handler = None

    def on_msg(self, handler):
        self.handler = handler

    def on_close(self, handler):
        pass

    def send(self, data):
        # strict JSON on the wire, and a copy: what was sent cannot change afterwards
        self.events.append({"kind": "message", "data": json.loads(json.dumps(data, allow_nan=False))})

    def close(self):
        self.events.append({"kind": "closed"})


class Kernel:
    """One kernel session at a time on one store: load, restart, and what the user does."""

    def __init__(self, rng: random.Random, store: Path, events: list):
        self.rng, self.store, self.events = rng, store, events
        self.metric = "auc"
        self.open()

    def open(self):
        import comm

        original = comm.create_comm
        comm.create_comm = lambda target_name, data: RecordingComm(target_name, data, self.events)
        try:
            self.session = Session(self.store)
            self.session.restore()
            self.channel = comm_module.SidebarChannel(self.session)
            self.channel.open()
        finally:
            comm.create_comm = original
        if self.session.objective is not None:
            self.metric = self.session.objective.metric.name

    def restart(self):
        self.channel.close()
        self.open()

    def declare(self, metric: str | None = None, new_baseline: bool = False):
        rng = self.rng
        self.metric = metric or self.metric
        low, _, target = METRICS[self.metric]
        choices = ["first", f"{(low + target) / 2:.2f}" if self.metric != "logloss" else "0.6", "lr"]
        current = self.session.objective.baseline if self.session.objective else None
        if new_baseline and current is not None:
            choices = [c for c in choices if c != (current.model or current.kind if current.kind != "number"
                                                   else f"{current.value:.2f}")] or choices
        baseline = rng.choice(choices)
        text = f"metric: {self.metric}\ntarget: {target}\nbaseline: {baseline}\ndata:\n  test: X, y\n"
        text += f"stop:\n  patience: {rng.randint(1, 3)}\n"
        if rng.random() < 0.5:
            text += f"  min_gain: {rng.choice([0.0, 0.005, 0.02])}\n"
        objective = parse_objective(text, name="churn")
        base = None
        if baseline == "lr":
            base = self.evaluation("lr", role="baseline")
        self.session.set_objective(objective, base)

    def evaluation(self, name: str, role: str = "model") -> Evaluation:
        low, high, _ = METRICS[self.metric]
        objective = self.session.objective
        return Evaluation("churn", objective.version if objective else 0, name, f"est.{name}", {},
                          self.metric, round(self.rng.uniform(low, high), 4), n_rows=100,
                          data_fingerprint="f", model_id=name, role=role, created_at="2026-11-28T10:00:00+00:00")

    def record(self, name: str):
        self.session.record(self.evaluation(name))

    def request(self):
        self.channel._on_message({"content": {"data": envelope("request_standing", {})}})


def kernel_state(session: Session) -> dict:
    """The kernel's own state, computed afresh (not the message it last sent)."""
    standing = session.standing
    return json.loads(json.dumps({"session": session.id, "revision": session.revision,
                                  "standing": None if standing is None else view(standing)}))


def sequence(seed: int, n_steps: int, folder: Path) -> dict:
    rng = random.Random(seed)
    events: list = []
    kernel = Kernel(rng, folder / f"seq{seed}.db", events)
    steps = [{"op": "load_ext", "events": events[:], "expected": kernel_state(kernel.session)}]
    sent_this_session: list = [events[-1]]
    for _ in range(n_steps):
        events.clear()
        has_objective = kernel.session.objective is not None
        op = rng.choice(["record", "record", "record", "update", "version", "baseline", "metric", "restart",
                         "reload", "late"])
        if not has_objective or (op == "version" and rng.random() < 0.5):
            kernel.declare()
            op = "objective"
        elif op == "metric":
            kernel.declare(rng.choice([m for m in METRICS if m != kernel.metric]))
            op = f"metric change to {kernel.metric}"
        elif op == "version":
            kernel.declare()
            op = "new version"
        elif op == "baseline":
            kernel.declare(new_baseline=True)
            baseline = kernel.session.objective.baseline
            op = f"baseline change to {baseline.label or baseline.kind}"
        elif op in ("record", "update"):
            names = [r.name for r in kernel.session.records if r.role == "model"] if op == "update" else []
            name = rng.choice(names or NAMES)
            kernel.record(name)
            op = f"{op} {name}"
        elif op == "restart":
            kernel.restart()
            sent_this_session.clear()
        elif op == "reload":
            kernel.request()
        elif op == "late":  # the transport delivers an older message of this session again
            older = [e for e in sent_this_session if e["kind"] == "message"]
            if older:
                events.append(rng.choice(older))
            kernel.record(rng.choice(NAMES))
            events.append(rng.choice(older) if older else events[-1])
            op = "record, with late deliveries around it"
        sent_this_session.extend(e for e in events if e["kind"] == "message")
        steps.append({"op": op, "events": events[:], "expected": kernel_state(kernel.session)})
    kernel.channel.close()
    kernel.session.store.close()
    return {"seed": seed, "steps": steps}


def generate(seeds, n_steps: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        return {"sequences": [sequence(seed, n_steps, Path(folder)) for seed in seeds]}


if __name__ == "__main__":
    EXAMPLE.write_text(json.dumps(generate(range(2), 12), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {EXAMPLE}")
