"""An exported audit file, in memory: records made from an application's stored events read back
from JSON Lines and CSV exactly (awkward text included), verify offline, and each kind of
change to the file is named at its record."""

from __future__ import annotations

import io
from typing import Any

import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.audit.chain import Head, StoredEventRow, genesis, next_link
from okrank.domain.audit.changes import decode_change
from okrank.domain.audit.export_format import encoded, parsed, record, record_again
from okrank.domain.audit.export_verification import verify_export
from okrank.domain.audit.verification import Problem
from okrank.domain.rankings.scoring import Tier

ACTOR = Actor("w", "owner")
AWKWARD = 'Quote " comma , newline\nand \r return, tab\t, ünïcödé, emoji 🧭, ☃'


def exported(app: OkrankApplication, withheld: frozenset[str] = frozenset()) -> list[dict]:
    """The workspace's records, chained here as the audit chain view chains them."""
    link, records = genesis(ACTOR.workspace), []
    for seq, n in enumerate(app.recorder.select_notifications(start=1, limit=1000), 1):
        row = StoredEventRow(n.id, n.originator_id, n.originator_version, n.topic, n.state)
        previous, link = link, next_link(link, row)
        change = decode_change(app.mapper, row)
        records.append(record(ACTOR.workspace, seq, row, previous, link, change, withheld))
    return records


def file_of(records: list[dict], fmt: str) -> list[str]:
    text = b"".join(encoded(records, fmt)).decode("utf-8")
    return text.splitlines(keepends=True) if fmt == "jsonl" else _csv_lines(text)


def _csv_lines(text: str) -> list[str]:
    # As a file opened with newline="" yields them: split after each \n, \r or \r\n.
    return list(io.StringIO(text, newline=""))


def check(app: OkrankApplication, records: Any, head: Head | None = None) -> Any:
    return verify_export(records, lambda r: record_again(app.mapper, r), head)


@pytest.fixture
def trail(app: OkrankApplication) -> list[dict]:
    o = app.create_objective(ACTOR, "2026-Q3", AWKWARD).aggregate_id
    app.add_key_result(ACTOR, o, "metric", 0, 10)
    app.activate_objective(ACTOR, o)
    i = app.create_backlog_item(ACTOR, "item").aggregate_id
    app.tag_backlog_item(ACTOR, i, o, Tier.DIRECT, AWKWARD)
    return exported(app)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_file_reads_back_as_its_records_and_verifies(fmt, app, trail):
    assert list(parsed(file_of(trail, fmt), fmt)) == trail
    assert trail[0]["fields"]["title"] == AWKWARD and trail[-1]["reason"] == AWKWARD
    result = check(app, parsed(file_of(trail, fmt), fmt))
    assert result.verified, result
    assert result.head == Head(len(trail), bytes.fromhex(trail[-1]["link"]))
    assert result.message == (
        f"all {len(trail)} records verify, from the workspace's first event up to {result.head}"
    )


def test_each_change_to_a_file_is_named_at_its_record(app, trail):
    def problem(records: list[dict]) -> tuple[Any, Any]:
        result = check(app, records)
        return result.problem, result.position

    second = trail[1]
    assert problem([trail[0], {**second, "actor": "mallory"}, *trail[2:]]) == (
        Problem.ALTERED,
        second["position"],
    )
    assert problem([trail[0], {**second, "link": "00" * 32}, *trail[2:]]) == (
        Problem.ALTERED,
        second["position"],
    )
    assert problem([trail[0], *trail[2:]]) == (Problem.DELETED, trail[2]["position"])
    assert problem([*trail[:2], trail[1], *trail[2:]]) == (Problem.REORDERED, second["position"])
    assert problem([{**trail[0], "previous_link": "11" * 32}, *trail[1:]]) == (
        Problem.CHAIN_BROKEN,
        trail[0]["position"],
    )
    assert problem([trail[0], {**second, "workspace": "other"}]) == (
        Problem.INSERTED,
        second["position"],
    )
    assert problem([trail[0], {**second, "state": "not base64!"}]) == (
        Problem.ALTERED,
        second["position"],
    )


def test_a_later_stretch_verifies_from_its_first_link_and_a_head_is_checked(app, trail):
    result = check(app, trail[2:])
    assert result.verified and result.message.startswith(
        f"all {len(trail) - 2} records verify, from record #3 up to"
    )
    head = Head(3, bytes.fromhex(trail[2]["link"]))
    assert check(app, trail, head).verified
    wrong = Head(3, bytes(32))
    assert check(app, trail, wrong).problem == Problem.HEAD_MISMATCH
    beyond = Head(len(trail) + 1, bytes(32))
    assert check(app, trail, beyond).problem == Problem.HEAD_MISMATCH
    assert check(app, []).message == "the file holds no records"


def test_withheld_fields_leave_the_record_checked_by_its_links(app, trail):
    hidden = exported(app, frozenset({"title"}))
    assert [r["withheld"] for r in hidden[:1]] == [["title"]] and hidden[0]["state"] is None
    assert "title" not in hidden[0]["fields"]
    result = check(app, hidden)
    assert result.verified and "checked by their links only" in result.message
    assert [r["link"] for r in hidden] == [r["link"] for r in trail]
