"""The comm protocol: fixtures shared with the TypeScript tests, and what the kernel really sends."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import nbalign
from nbalign.comm import SidebarChannel
from nbalign.protocol import KERNEL_TYPES, parse_envelope

PROTOCOL = Path(__file__).resolve().parents[1] / "protocol"
SCHEMA = json.loads((PROTOCOL / "schema.json").read_text())
VALID = sorted((PROTOCOL / "messages").glob("*.json"))
INVALID = sorted((PROTOCOL / "messages" / "invalid").glob("*.json"))


def validate(message):
    jsonschema.validate(message, SCHEMA)


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_every_fixture_follows_the_schema(path):
    validate(json.loads(path.read_text()))


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixtures_are_rejected_by_schema_and_ignored_by_the_kernel(path):
    message = json.loads(path.read_text())
    with pytest.raises(jsonschema.ValidationError):
        validate(message)
    if path.stem != "evaluation_without_body":  # well-formed envelope; the kernel never accepts it anyway
        assert parse_envelope(message, accepted=KERNEL_TYPES) is None
    assert parse_envelope(message) is None


class RecordingComm:
    """Stands in for ipykernel's Comm: records what the kernel would send to the sidebar."""

    def __init__(self, target_name, data):
        self.target_name = target_name
        self.opened_with = data
        self.sent = []
        self.handler = None
        self.closed = False

    def on_msg(self, handler):
        self.handler = handler

    def send(self, data):
        json.dumps(data, allow_nan=False)  # what goes over the wire must be strict JSON
        self.sent.append(data)

    def close(self):
        self.closed = True

    def receive(self, data):
        self.handler({"content": {"comm_id": "x", "data": data}})


@pytest.fixture
def channel(monkeypatch, loaded):
    import comm

    monkeypatch.setattr(comm, "create_comm", lambda target_name, data: RecordingComm(target_name, data))
    channel = SidebarChannel(nbalign.active_session())
    channel.open()
    yield channel
    channel.close()


def test_the_kernel_sends_schema_valid_messages_all_along(channel, loaded, objective_text):
    recorder = channel.comm
    assert recorder.target_name == "nbalign"
    validate(recorder.opened_with)
    assert recorder.opened_with["payload"] == {"objective": None, "evaluations": [], "summary": None}

    loaded.run_cell("%%objective cancer\n" + objective_text)
    loaded.run_cell("%evaluate stump")
    loaded.run_cell("%evaluate logreg")
    loaded.run_cell("%evaluate logreg")  # the same model again updates its record
    types = [m["type"] for m in recorder.sent]
    assert types == ["snapshot", "evaluation", "evaluation", "evaluation"]
    for message in recorder.sent:
        validate(message)
    snapshot = recorder.sent[0]["payload"]
    assert snapshot["objective"]["name"] == "cancer" and snapshot["evaluations"] == []
    last = recorder.sent[-1]["payload"]
    assert last["evaluation"]["name"] == "logreg" and last["summary"]["n_evaluations"] == 2
    assert last["evaluation"]["id"] == recorder.sent[-2]["payload"]["evaluation"]["id"]

    recorder.receive({"v": 1, "type": "request_snapshot", "payload": {}})
    answer = recorder.sent[-1]
    validate(answer)
    assert answer["type"] == "snapshot"
    assert [e["name"] for e in answer["payload"]["evaluations"]] == ["stump", "logreg"]
    assert answer["payload"]["summary"]["best"]["name"] == "logreg"


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_the_kernel_ignores_malformed_requests(channel, path):
    before = len(channel.comm.sent)
    channel.comm.receive(json.loads(path.read_text()))
    channel.comm.receive(None)
    assert len(channel.comm.sent) == before


def test_closing_the_channel_stops_the_messages(channel, loaded, objective_text):
    recorder = channel.comm
    channel.close()
    loaded.run_cell("%%objective cancer\n" + objective_text)
    assert recorder.closed and recorder.sent == []
