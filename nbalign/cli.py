"""The ``nbalign`` console command: what can be done with a store without a notebook.

    nbalign store prune [--store PATH] [--recent N] [--dry-run]
    nbalign report [--store PATH] [--objective NAME] [--out FILE] [--json FILE]
    nbalign check [--store PATH | --record FILE] [--objective NAME] [--json] [--junit FILE]
                  [--summary FILE] [--require-agreement]

One parser per command, one function per verb. A mistake (a path that is not a store) is one line
on stderr and exit status 2, except for ``check``, whose exit codes are its answer
(:mod:`nbalign.gate`: 0 pass, 1 miss, 2 inconclusive, 3 a store or configuration error).
Bugs keep their tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the process's); the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    from .errors import NbalignError

    try:
        return args.run(args)
    except NbalignError as exc:
        print(f"nbalign: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nbalign", description="nbalign's store, outside a notebook.")
    nouns = parser.add_subparsers(title="commands", metavar="{store,report,check}")
    store = nouns.add_parser("store", help="the store of objectives, evaluations and kept predictions")
    verbs = store.add_subparsers(title="store commands", metavar="prune")
    prune = verbs.add_parser(
        "prune", help="remove the kept predictions the judgement no longer needs, and free their space",
        description="Judge every objective (remembering each paired test), then remove the kept predictions "
        "of the evaluations no future model will be compared with: the baseline model, the best, the "
        "model to ship and the candidates a new best is compared with keep theirs.")
    prune.add_argument("--store", metavar="PATH",
                       help="the store's file (default: $NBALIGN_STORE, else .nbalign/nbalign.db here)")
    prune.add_argument("--recent", type=int, default=0, metavar="N",
                       help="the N most recent evaluations of each objective also keep theirs (default 0)")
    prune.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")
    prune.set_defaults(run=_prune)

    report = nouns.add_parser(
        "report", help="write the stakeholder report of an objective: HTML (print it to PDF) and Markdown",
        description="Judge the objective from the store and write one self-contained HTML page (no server, no "
        "network: inline CSS and charts) and the same content as Markdown beside it.")
    _store_options(report)
    report.add_argument("--out", metavar="FILE", help="the HTML file to write (default: reports/<objective>.html); "
                        "the Markdown goes beside it")
    report.add_argument("--json", metavar="FILE", help="also write the decision record, which `nbalign check "
                        "--record FILE` reads without the store")
    report.set_defaults(run=_report)

    check = nouns.add_parser(
        "check", help="the alignment gate for CI: does the shipped model meet the agreed bar?",
        description="Exit 0 when the shipped model meets the agreed bar with confidence (its interval, adjusted "
        "for the models compared, clears the target, and a real gain over the baseline), 1 when it misses it "
        "(or the version shipped is not the one agreed), 2 when inconclusive, 3 on a store or configuration "
        "error. Prints a Markdown summary, also appended to $GITHUB_STEP_SUMMARY when it is set.")
    _store_options(check)
    check.add_argument("--record", metavar="FILE", help="read an exported decision record instead of the store")
    check.add_argument("--json", action="store_true", help="print the result as JSON instead of Markdown")
    check.add_argument("--junit", metavar="FILE", help="also write the result as a JUnit XML report")
    check.add_argument("--summary", metavar="FILE", help="also append the Markdown summary to FILE "
                       "(default: $GITHUB_STEP_SUMMARY when set)")
    check.add_argument("--require-agreement", action="store_true",
                       help="miss when nobody agreed to the version shipped (by default only a version changed "
                       "after an agreement misses)")
    check.set_defaults(run=_check)
    return parser


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="PATH",
                        help="the store's file (default: $NBALIGN_STORE, else .nbalign/nbalign.db here)")
    parser.add_argument("--objective", metavar="NAME",
                        help="the objective (default: $NBALIGN_OBJECTIVE, else the store's only one, else the one "
                        "shipped last)")


def _prune(args: argparse.Namespace) -> int:
    import sqlite3
    from pathlib import Path

    from .errors import NbalignError
    from .retention import prune
    from .store import Store, default_store_path

    path = Path(args.store).expanduser() if args.store else default_store_path()
    if str(path) == ":memory:" or not Path(path).is_file():
        raise NbalignError(f"there is no store at {path}. Name one with `nbalign store prune --store "
                           "path/to/.nbalign/nbalign.db`.")
    if args.recent < 0:
        raise NbalignError(f"--recent {args.recent}: write a number of evaluations, 0 or more.")
    store = Store(path)
    try:
        store.check()
        print(prune(store, recent=args.recent, dry_run=args.dry_run))
    except sqlite3.OperationalError as exc:  # locked by a kernel writing, or read-only
        raise NbalignError(f"could not prune {path} ({exc}). Run it again when no kernel is writing to it, "
                           "or prune from the notebook with `%nbalign prune`.") from None
    finally:
        store.close()
    return 0


def _report(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from . import report_path
    from .reporting import write_report

    record = _record_from_store(args)
    html, markdown = write_report(record, Path(args.out or report_path(record["objective"]["name"])))
    print(f"wrote {html} and {markdown}")
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False) + "\n",
                                   encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def _check(args: argparse.Namespace) -> int:
    import json
    import os

    from .decision import load_record
    from .errors import NbalignError
    from .gate import ERROR, Gate, gate, junit, markdown

    record = None
    try:
        record = load_record(args.record) if args.record else _record_from_store(args)
        result = gate(record, require_agreement=args.require_agreement)
    except NbalignError as exc:  # no store, no objective: the gate's own error code, not argparse's 2
        result = Gate(ERROR, (str(exc),), args.objective or os.environ.get("NBALIGN_OBJECTIVE"))
    summary = markdown(result, record)
    print(json.dumps({**result.to_dict(), "summary": summary}, indent=1) if args.json else summary)
    target = args.summary or os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(summary + "\n")
    if args.junit:
        with open(args.junit, "w", encoding="utf-8") as handle:
            handle.write(junit(result))
    return result.code


def _record_from_store(args: argparse.Namespace) -> dict:
    """The decision record of the objective, judged afresh from the store."""
    import os
    import sqlite3
    from pathlib import Path

    from .errors import NbalignError
    from .session import Session
    from .store import Store, default_store_path

    path = Path(args.store).expanduser() if args.store else default_store_path()
    if str(path) == ":memory:" or not Path(path).is_file():
        raise NbalignError(f"there is no store at {path}: run the notebook first, or name the store with "
                           "`--store path/to/.nbalign/nbalign.db`.")
    store = Store(path)
    try:
        store.check()
        name = args.objective or os.environ.get("NBALIGN_OBJECTIVE") or _only_objective(store)
        session = Session(path)
        try:
            session.adopt(name)
            return session.decision_record()
        finally:
            session.close()
    except sqlite3.Error as exc:
        raise NbalignError(f"could not read the store {path} ({exc}).") from None
    finally:
        store.close()


def _only_objective(store) -> str:
    """The objective to report on when none is named: the only one, else the one shipped last."""
    from .errors import NbalignError

    names = store.objective_names()
    if len(names) == 1:
        return names[0]
    if not names:
        raise NbalignError(f"the store {store.path} holds no objective yet.")
    shipped = [(e.at, name) for name in names for e in store.decisions(name) if e.kind == "ship"]
    if shipped:
        return max(shipped)[1]
    raise NbalignError(f"the store holds {len(names)} objectives ({', '.join(names)}): name one with "
                       "`--objective NAME`.")


if __name__ == "__main__":
    sys.exit(main())
