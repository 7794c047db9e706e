"""The cell being run: a token per run of a cell (a result shown in it is not shown again) and
the notebook cell's id (evaluations point back to the cell that made them).

The extension marks each run (:func:`begin_run`, from IPython's ``pre_run_cell``); the views and
the commands read it. Kept apart so that neither imports the extension that imports them.
"""

from __future__ import annotations

_run: object | None = None


def begin_run() -> None:
    """A cell starts running (or, with nbalign unloaded, None: no run is tracked)."""
    global _run
    _run = object()


def end_runs() -> None:
    """nbalign is unloaded: no run is tracked any more."""
    global _run
    _run = None


def current_run() -> object | None:
    """A token of the cell being run (None when nbalign is not loaded)."""
    return _run


def current_cell_id() -> str | None:
    """The id of the notebook cell being run, when the front end sent one (JupyterLab and
    Notebook 7 put ``cellId`` in the execute request's metadata)."""
    try:
        from IPython import get_ipython

        header = getattr(get_ipython(), "parent_header", None) or {}
    except Exception:  # noqa: BLE001 - no kernel, no cell: nothing to point at
        return None
    cell = (header.get("metadata") or {}).get("cellId")
    return str(cell) if cell else None
