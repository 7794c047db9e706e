"""Shipping a model: ``%nbalign ship MODEL`` records the decision and leaves it beside the notebook.

The model is found among the objective's records (by the name it was logged under, or by the
fitted estimator a variable holds), saved with :mod:`nbalign.saved`, and described by a model
card (:mod:`nbalign.card`) and the decision record as of shipping (``decision.json``), in one
folder that can be pushed to a model hub unchanged::

    shipped/churn/linear-baseline-20270331T101500/
        model.skops   model.json   README.md   decision.json

The ship record (:class:`nbalign.events.Shipped`) keeps the judgement as it was when shipped,
so what was promised can be compared with what the KPI does afterwards. Shipping a model the judge
does not recommend needs a reason, which the record keeps.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NbalignError

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .events import Shipped
    from .session import Session

SHIPPED_FOLDER = Path("shipped")


def ship(session: Session, namespace: dict[str, Any], what: str | None = None, *, reason: str | None = None,
         folder: str | None = None) -> Shipped:
    """Ship the model ``what`` names (default: the one the judge recommends): save it, write its
    card and the decision record in ``folder``, and record the ship in the objective's history."""
    from .decision import judged_when_shipped
    from .evaluation import now_iso
    from .events import Shipped, content_hash, who

    standing = session.require_standing()
    record, model = find(session, namespace, what)
    recommended = standing.ship is not None and standing.ship.record.key == record.key
    if not recommended and not (reason or "").strip():
        advice = ("the judge recommends no model yet" if standing.ship is None
                  else f"the judge recommends {standing.ship.record.name}: {standing.ship.reason}")
        raise NbalignError(f"{record.name} is not the model to ship ({advice}). To ship it anyway, say why: "
                           f"`%nbalign ship {_quoted(what or record.name)} --reason 'why it ships'`.")
    objective = session.require_objective()
    at = now_iso()
    shipped = Shipped(objective.name, objective.version, content_hash(objective),
                      {"id": record.id, "key": record.key, "name": record.name, "estimator": record.estimator,
                       "role": record.role, "model_id": record.model_id, "fit_id": record.fit_id,
                       "n_rows": record.n_rows, "data_fingerprint": record.data_fingerprint},
                      judged_when_shipped(standing, record), recommended, who(), at,
                      reason=(reason or "").strip() or None)
    target = Path(folder) if folder else SHIPPED_FOLDER / _slug(objective.name) / f"{_slug(record.name)}-{_stamp(at)}"
    try:
        shipped = replace(shipped, saved=_save(model, target, session, shipped))
    except OSError as exc:  # a folder the user cannot write: a mistake to name, not a traceback
        raise NbalignError(f"could not save {record.name} in {target} ({exc.strerror or exc}); nothing was shipped. "
                           "Name a folder you can write: `%nbalign ship --to FOLDER`.") from None
    session.record_decision(shipped)
    return shipped


def _save(model, folder: Path, session: Session, shipped: Shipped) -> dict:
    """Save the model, then write its card and the decision record that names it."""
    from .card import write_card
    from .decision import decision_record
    from .saved import save_model

    folder.mkdir(parents=True, exist_ok=True)
    saved = save_model(model, folder)
    with_files = replace(shipped, saved={"folder": str(folder), "model": saved.to_dict(), "card": "README.md"})
    record = decision_record(session.require_standing(), _with_event(session.history(), with_files))
    write_card(record, folder)
    (folder / "decision.json").write_text(json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False) + "\n",
                                          encoding="utf-8")
    return with_files.saved or {}


def _with_event(history, event):
    from .events import History

    return History(history.versions, (*history.events, event))


def find(session: Session, namespace: dict[str, Any], what: str | None) -> tuple[Evaluation, Any]:
    """The record to ship and its fitted model: the recommended one (``what`` None), the latest
    record logged under the name ``what``, or the record of the fitted estimator ``what`` holds."""
    from .commands import lookup

    standing = session.require_standing()
    if what is None:
        if standing.ship is None:
            raise NbalignError("there is no model to ship yet: evaluate a model that scores above the baseline, or "
                               "name one: `%nbalign ship MODEL --reason 'why'`.")
        record = standing.ship.record
        return record, _model_for(session, namespace, record, None)
    records = [r for r in session.records if r.metric == standing.metric.name]
    named = [r for r in records if r.name == what]
    if named:
        record = named[-1]
        return record, _model_for(session, namespace, record, namespace.get(what))
    model = lookup(namespace, what, "the model")
    from .identity import fit_identity, model_identity

    identity, learned = model_identity(model), fit_identity(model)
    same = [r for r in records if r.model_id == identity and r.fit_id == learned]
    if not same:
        raise NbalignError(f"{what} was not evaluated for the objective {standing.objective.name!r} as it is fitted "
                           f"now: evaluate it first (`%evaluate {what}`), then ship it.")
    return same[-1], model


def _model_for(session: Session, namespace: dict[str, Any], record: Evaluation, candidate) -> Any:
    """The fitted model behind ``record``: the one the session saw, else a variable by its name
    that learned the same (a refit on other data is another model)."""
    from .identity import fit_identity

    model = session.model_of(record.key)
    if model is not None:
        return model
    for value in (candidate, namespace.get(record.name)):
        if value is not None and hasattr(value, "fit") and record.fit_id and fit_identity(value) == record.fit_id:
            return value
    raise NbalignError(f"nbalign does not hold the fitted model of {record.name} in this kernel (it was evaluated "
                       "in another session, or its variable changed since). Evaluate it again here, then ship it: "
                       f"`%evaluate {_quoted(record.name)}` and `%nbalign ship {_quoted(record.name)}`.")


def _slug(text: str) -> str:
    """A folder name from any text: letters, digits, dots and dashes only."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.").lower()[:60] or "model"


def _stamp(iso: str) -> str:
    return re.sub(r"[^0-9T]", "", iso.split("+")[0])


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[\w.\[\]]+", name) else f"'{name}'"
