"""The audit export through the real endpoint and the CLI: a workspace's file holds its stored
events in log order (and no other workspace's), verifies offline and shows an edit; only ADMIN
and AUDITOR export; bad parameters are a 400 that says what is wrong."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from okrank.api.auth import Role
from okrank.domain.application import OkrankApplication
from okrank.domain.audit.export_format import parsed, record_again
from okrank.domain.audit.export_verification import verify_export
from okrank.domain.audit.verification import Problem
from tests.support.audit_chain import edited, okrank_audit, positions
from tests.support.builders import item, objective, tag
from tests.support.exercises import closed_moscow

MAPPER = OkrankApplication().mapper
STORED = (
    "SELECT notification_id, originator_id, originator_version, topic, state FROM okrank_events"
    " WHERE notification_id = ANY(%s) ORDER BY notification_id"
)


def build(gql: Any) -> None:
    o = objective(gql, key_results=1)
    for n in range(3):
        i = item(gql, f"item {n}", rice=(10, 1, 1, 2))
        tag(gql, i["id"], o["id"])


def export(client: Any, **params: str) -> Any:
    return client.http.get("/audit/export", params=params)


def records(client: Any, fmt: str = "jsonl", **params: str) -> list[dict[str, Any]]:
    response = export(client, format=fmt, **params)
    assert response.status_code == 200, response.text
    return list(parsed(response.text.splitlines(keepends=True), fmt))


def redecode(rec: dict[str, Any]) -> dict[str, Any]:
    return record_again(MAPPER, rec)


def stored_rows(database_url: str, workspace: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(STORED, (positions(database_url, workspace),)).fetchall()
    return [(p, str(o), v, t, bytes(s)) for p, o, v, t, s in rows]


def decoded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """What the stored rows say, decoded here with the application's mapper."""
    events = [MAPPER.to_domain_event(StoredEvent(uuid.UUID(o), v, t, s)) for _, o, v, t, s in rows]
    return [(type(e).__name__, e.timestamp.isoformat(), e.actor) for e in events]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_export_is_the_event_store_in_log_order_and_verifies_offline(
    fmt, gql, client_factory, database_url
):
    build(gql)
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    got = records(auditor, fmt)
    rows = stored_rows(database_url, gql.workspace)
    assert [
        (r["position"], r["aggregate_id"], r["version"], r["topic"], base64.b64decode(r["state"]))
        for r in got
    ] == rows
    assert [(r["event"], r["time"], r["actor"]) for r in got] == decoded(rows)
    assert [r["seq"] for r in got] == list(range(1, len(got) + 1))
    assert {r["workspace"] for r in got} == {gql.workspace}
    assert {r["aggregate_type"] for r in got} == {"Objective", "BacklogItem"}
    assert {"title", "workspace"} <= got[0]["fields"].keys()
    result = verify_export(got, redecode)
    assert result.verified, result
    head = auditor.execute("{ auditHead { head } }")["auditHead"]["head"]
    assert (str(result.head), result.events) == (head, len(got))


def test_another_workspace_s_events_never_appear(gql, client_factory, database_url):
    build(gql)
    other = client_factory()
    build(other)
    mine, theirs = records(gql), records(other)
    assert [r["position"] for r in mine] == positions(database_url, gql.workspace)
    assert [r["position"] for r in theirs] == positions(database_url, other.workspace)
    assert not {r["position"] for r in mine} & {r["position"] for r in theirs}
    assert {r["workspace"] for r in theirs} == {other.workspace}


def _lines(client: Any) -> list[str]:
    response = export(client)
    assert response.status_code == 200, response.text
    return response.text.splitlines(keepends=True)


def _checked(lines: list[str]) -> Any:
    return verify_export(parsed(lines, "jsonl"), redecode)


def test_an_edited_file_does_not_verify_and_names_the_edited_record(gql):
    build(gql)
    lines = _lines(gql)
    assert _checked(lines).verified
    recs = list(parsed(lines, "jsonl"))
    target = recs[3]

    def replaced(rec: dict[str, Any]) -> list[str]:
        return [*lines[:3], orjson.dumps(rec).decode() + "\n", *lines[4:]]

    # A decoded field changed, its stored bytes left alone: the fields disagree with them.
    fields = {**target["fields"], next(iter(target["fields"])): "rewritten"}
    result = _checked(replaced({**target, "fields": fields}))
    assert (result.problem, result.position, result.events) == (
        Problem.ALTERED,
        target["position"],
        3,
    )
    assert "the file was edited" in result.message
    # The stored bytes changed too: they no longer hash to the record's link.
    state = base64.b64decode(target["state"]).replace(b"{", b"{ ", 1)
    result = _checked(replaced({**target, "state": base64.b64encode(state).decode()}))
    assert (result.problem, result.position) == (Problem.ALTERED, target["position"])
    assert "do not hash to its link" in result.message
    # A record removed, or two swapped.
    result = _checked([*lines[:3], *lines[4:]])
    assert (result.problem, result.position) == (Problem.DELETED, recs[4]["position"])
    result = _checked([*lines[:3], lines[4], lines[3], *lines[5:]])
    assert (result.problem, result.position) == (Problem.DELETED, recs[4]["position"])


def test_a_row_altered_in_postgresql_is_exported_as_stored_and_found_offline(
    gql, client_factory, database_url
):
    build(gql)
    target = positions(database_url, gql.workspace)[4]
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    with edited(database_url, target):
        result = verify_export(records(auditor), redecode)
    assert (result.verified, result.problem) == (False, Problem.ALTERED)
    assert (result.position, result.events, result.head.events) == (target, 4, 4)
    assert verify_export(records(auditor), redecode).verified  # put back: verifies again


def test_only_an_admin_or_an_auditor_exports(gql, client_factory):
    build(gql)
    for role in (Role.PRODUCT_OWNER, Role.MEMBER, Role.STAKEHOLDER):
        response = export(client_factory(gql.workspace, "someone", (role,)))
        assert response.status_code == 403, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = httpx.get(f"{gql.url}/audit/export", headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert response.headers["www-authenticate"] == 'Bearer realm="okrank"'


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "xml"}, "format: 'xml' is not a format; use jsonl or csv"),
        ({"since": "yesterday"}, "since: 'yesterday' is not an ISO 8601 date or time"),
        ({"until": "2026-13-01"}, "until: '2026-13-01' is not an ISO 8601 date or time"),
        (
            {"since": "2026-02-01", "until": "2026-01-31T23:59:59Z"},
            "until (2026-01-31T23:59:59+00:00) is before since (2026-02-01T00:00:00+00:00)",
        ),
        ({"from": "2026-01-01"}, "unknown parameter 'from': use format, since and until"),
    ],
)
def test_bad_parameters_are_a_400_that_says_what_is_wrong(params, message, gql):
    response = export(gql, **params)
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["message"].startswith(message), error
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_since_and_until_select_a_stretch_of_the_log_that_verifies_on_its_own(gql):
    build(gql)
    every = records(gql)
    since, until = every[2]["time"], every[5]["time"]
    got = records(gql, since=since, until=until)
    assert got == every[2:6]
    result = verify_export(got, redecode)
    assert result.verified, result
    assert result.message.startswith("all 4 records verify, from record #3 up to")
    assert records(gql, since=every[-1]["time"]) == every[-1:]
    assert records(gql, until="2000-01-01") == []


def test_an_auditor_s_export_withholds_individual_answers_and_still_verifies(gql, client_factory):
    closed_moscow(gql, client_factory)
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    (ballot,) = [r for r in records(auditor) if r["event"] == "BallotSubmitted"]
    assert (ballot["withheld"], ballot["state"]) == (["ballot"], None)
    assert "ballot" not in ballot["fields"]
    result = verify_export(records(auditor), redecode)
    assert result.verified and "1 with withheld fields" in result.message, result
    (full,) = [r for r in records(gql) if r["event"] == "BallotSubmitted"]  # an ADMIN
    assert full["withheld"] == [] and "ballot" in full["fields"] and full["state"]
    assert full["link"] == ballot["link"]


def test_okrank_audit_export_writes_the_same_records_and_verify_export_checks_a_file(
    gql, database_url, tmp_path: Path
):
    build(gql)
    for fmt in ("csv", "jsonl"):
        path = tmp_path / f"trail.{fmt}"
        cli = okrank_audit(
            database_url,
            "export",
            "--workspace",
            gql.workspace,
            "--format",
            fmt,
            "--output",
            str(path),
        )
        assert cli.returncode == 0, cli.stderr
        assert "100%" in cli.stderr and "event" in cli.stderr  # the progress bar
        with path.open(encoding="utf-8", newline="") as lines:
            assert list(parsed(lines, fmt)) == records(gql)
        checked = okrank_audit(database_url, "verify-export", str(path))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        head = gql.execute("{ auditHead { head events } }")["auditHead"]
        assert checked.stdout.strip() == (
            f"{path}: all {head['events']} records verify, from the workspace's first event"
            f" up to {head['head']}"
        )
    lines = path.read_text().splitlines(keepends=True)
    target = orjson.loads(lines[2])
    path.write_text("".join([*lines[:2], lines[2].replace(target["link"], "0" * 64), *lines[3:]]))
    checked = okrank_audit(database_url, "verify-export", str(path))
    assert checked.returncode == 1
    assert f"ALTERED at position {target['position']}" in checked.stdout
    path.write_text("not json\n")
    bad = okrank_audit(database_url, "verify-export", str(path))
    assert bad.returncode == 2 and "line 1 is not JSON" in bad.stderr
    unknown = okrank_audit(database_url, "export", "--workspace", "no-such-workspace")
    assert unknown.returncode == 2 and "has no events in the audit chain" in unknown.stderr
    late = okrank_audit(
        database_url,
        "export",
        "--workspace",
        gql.workspace,
        "--since",
        "2026-02-01",
        "--until",
        "2026-01-01",
    )
    assert late.returncode == 2 and "is before since" in late.stderr


def test_the_answer_is_an_attachment_of_its_format(gql):
    item(gql, "one")
    for fmt, media in (("jsonl", "application/x-ndjson"), ("csv", "text/csv; charset=utf-8")):
        response = export(gql, format=fmt)
        assert response.headers["content-type"] == media
        assert response.headers["content-disposition"] == (
            f'attachment; filename="okrank-audit-{gql.workspace}.{fmt}"'
        )
    assert export(gql).headers["content-type"] == "application/x-ndjson"  # the default
    assert export(gql, format="csv").text.startswith("workspace,seq,position,aggregate_id,")
