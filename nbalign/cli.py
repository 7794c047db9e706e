"""The ``nbalign`` console command: what can be done to a store without a notebook.

    nbalign store prune [--store PATH] [--recent N] [--dry-run]

One subcommand group per noun (``store``), one function per verb, so later commands
(``nbalign report``, ``nbalign check``) are added as their own parsers. A mistake (a path that is
not a store) is one line on stderr and exit status 2; bugs keep their tracebacks.
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
    nouns = parser.add_subparsers(title="commands", metavar="store")
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
    return parser


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


if __name__ == "__main__":
    sys.exit(main())
