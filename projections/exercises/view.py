"""Exercise read model: exercises, candidates, participants (with their ballots, which only the
API's privacy rules decide who may read), every step as history, and results once closed.

Part of the catalog view (same transaction): closing an exercise writes its results and the
objective's EXERCISE ranking together, so a ranking never disagrees with the results it shows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.types.json import Jsonb

from okrank.domain.exercises.exercise import Exercise
from okrank.projections.exercises.results import drop_results, store_results

TABLES = {
    "exercises": """
        CREATE TABLE IF NOT EXISTS exercises (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            objective_id uuid NOT NULL, method text NOT NULL, title text NOT NULL,
            instructions text NOT NULL, deadline text, set_size int NOT NULL,
            status text NOT NULL, default_budget float8, imported jsonb, import_source text,
            segment_agreement jsonb,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL, opened_at timestamptz, closed_at timestamptz)""",
    "exercise_candidates": """
        CREATE TABLE IF NOT EXISTS exercise_candidates (
            exercise_id uuid NOT NULL, item_id uuid NOT NULL, workspace text NOT NULL,
            seq bigint NOT NULL, price float8, added_at timestamptz NOT NULL,
            PRIMARY KEY (exercise_id, item_id))""",
    "exercise_participants": """
        CREATE TABLE IF NOT EXISTS exercise_participants (
            exercise_id uuid NOT NULL, subject text NOT NULL, workspace text NOT NULL,
            seq bigint NOT NULL, segment text NOT NULL, design jsonb NOT NULL DEFAULT '[]',
            budget float8, ballot jsonb, submitted_at timestamptz,
            revisions int NOT NULL DEFAULT 0,
            PRIMARY KEY (exercise_id, subject))""",
    "exercise_history": """
        CREATE TABLE IF NOT EXISTS exercise_history (
            position bigint PRIMARY KEY, exercise_id uuid NOT NULL, workspace text NOT NULL,
            action text NOT NULL, actor text NOT NULL, at timestamptz NOT NULL,
            item_id uuid, subject text, reason text NOT NULL DEFAULT '')""",
    "exercise_results": """
        CREATE TABLE IF NOT EXISTS exercise_results (
            exercise_id uuid NOT NULL, segment text NOT NULL, item_id uuid NOT NULL,
            workspace text NOT NULL, objective_id uuid NOT NULL, rank int NOT NULL,
            score float8, detail jsonb NOT NULL,
            PRIMARY KEY (exercise_id, segment, item_id))""",
    "exercise_respondents": """
        CREATE TABLE IF NOT EXISTS exercise_respondents (
            exercise_id uuid NOT NULL, respondent text NOT NULL, workspace text NOT NULL,
            segment text NOT NULL, utilities jsonb NOT NULL,
            PRIMARY KEY (exercise_id, respondent))""",
    "exercise_groups": """
        CREATE TABLE IF NOT EXISTS exercise_groups (
            exercise_id uuid NOT NULL, segment text NOT NULL, respondents int NOT NULL,
            summary jsonb NOT NULL, PRIMARY KEY (exercise_id, segment))""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS exercises_ws_seq ON exercises (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS exercise_participants_subject"
    " ON exercise_participants (workspace, subject)",
    "CREATE INDEX IF NOT EXISTS exercise_history_exercise ON exercise_history (exercise_id)",
    "CREATE INDEX IF NOT EXISTS exercise_results_item ON exercise_results (item_id)",
    # Response quality per respondent (MaxDiff), added after the table first shipped.
    "ALTER TABLE exercise_respondents ADD COLUMN IF NOT EXISTS quality jsonb",
    "ALTER TABLE exercises ADD COLUMN IF NOT EXISTS excluded jsonb",  # respondent → reason
    # A participant's first ballot, for their duration (the speeder flag).
    "ALTER TABLE exercise_participants ADD COLUMN IF NOT EXISTS first_submitted_at timestamptz",
    "ALTER TABLE exercises ADD COLUMN IF NOT EXISTS auto_close boolean NOT NULL DEFAULT false",
    # The automatic closer's query: open exercises that close by themselves.
    "CREATE INDEX IF NOT EXISTS exercises_auto_close ON exercises (status) WHERE auto_close",
]


def _design_json(sets: list[list[UUID]]) -> Jsonb:
    return Jsonb([[str(i) for i in s] for s in sets])


def _touch(curs: Cursor[Any], e: Any, **columns: Any) -> str:
    """Bump the exercise's version (and set `columns`); returns its workspace."""
    sets = "".join(f", {c} = %s" for c in columns)  # internal column names, never input
    return curs.execute(
        f"UPDATE exercises SET version = %s, updated_at = %s{sets} WHERE id = %s"
        " RETURNING workspace",
        (e.originator_version, e.timestamp, *columns.values(), e.originator_id),
    ).fetchone()["workspace"]


def _history(
    curs: Cursor[Any],
    e: Any,
    pos: int,
    workspace: str,
    action: str,
    item_id: UUID | None = None,
    subject: str | None = None,
    reason: str = "",
) -> None:
    curs.execute(
        "INSERT INTO exercise_history VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (pos, e.originator_id, workspace, action, e.actor, e.timestamp, item_id, subject, reason),
    )


def created(curs: Cursor[Any], e: Exercise.Created, pos: int) -> None:
    curs.execute(
        "INSERT INTO exercises (id, workspace, seq, objective_id, method, title, instructions,"
        " deadline, set_size, status, version, created_at, created_by, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'DRAFT', %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.objective_id,
            e.method,
            e.title,
            e.instructions,
            e.deadline,
            e.set_size,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )
    _history(curs, e, pos, e.workspace, "CREATED")


def candidate_added(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(curs, e)
    curs.execute(
        "INSERT INTO exercise_candidates VALUES (%s, %s, %s, %s, %s, %s)",
        (e.originator_id, e.item_id, workspace, pos, e.price, e.timestamp),
    )
    extra = getattr(e, "extra_sets", None) or {}
    if extra:
        curs.execute(
            "UPDATE exercise_participants AS p SET design = p.design || d.sets"
            " FROM unnest(%b::text[], %b::jsonb[]) AS d(subject, sets)"
            " WHERE p.exercise_id = %s AND p.subject = d.subject",
            (list(extra), [_design_json(sets) for sets in extra.values()], e.originator_id),
        )
    _history(curs, e, pos, workspace, "CANDIDATE_ADDED", item_id=e.item_id, reason=e.reason)


def candidate_withdrawn(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(curs, e)
    curs.execute(
        "DELETE FROM exercise_candidates WHERE exercise_id = %s AND item_id = %s",
        (e.originator_id, e.item_id),
    )
    _history(curs, e, pos, workspace, "CANDIDATE_WITHDRAWN", item_id=e.item_id, reason=e.reason)


def candidate_priced(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(curs, e)
    curs.execute(
        "UPDATE exercise_candidates SET price = %s WHERE exercise_id = %s AND item_id = %s",
        (e.price, e.originator_id, e.item_id),
    )
    _history(curs, e, pos, workspace, "CANDIDATE_PRICED", item_id=e.item_id, reason=f"{e.price:g}")


def invited(curs: Cursor[Any], e: Any, pos: int) -> None:
    # One statement and no fetch: in the catalog's pipelined transaction a batch of 1,000
    # invitations then costs no round trip each (a RETURNING read back would).
    design = getattr(e, "design", None)
    curs.execute(
        "WITH touched AS (UPDATE exercises SET version = %s, updated_at = %s WHERE id = %s"
        " RETURNING workspace), participant AS (INSERT INTO exercise_participants"
        " (exercise_id, subject, workspace, seq, segment, design, budget)"
        " SELECT %s, %s, workspace, %s, %s, %s, %s FROM touched)"
        " INSERT INTO exercise_history (position, exercise_id, workspace, action, actor, at,"
        " subject) SELECT %s, %s, workspace, 'PARTICIPANT_INVITED', %s, %s, %s FROM touched",
        (
            e.originator_version,
            e.timestamp,
            e.originator_id,
            e.originator_id,
            e.subject,
            pos,
            e.segment,
            _design_json(design or []),
            getattr(e, "budget", None),
            pos,
            e.originator_id,
            e.actor,
            e.timestamp,
            e.subject,
        ),
    )


def opened(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(
        curs,
        e,
        status="OPEN",
        opened_at=e.timestamp,
        default_budget=getattr(e, "default_budget", None),
    )
    subjects = sorted(set(e.designs) | set(e.budgets))
    if subjects:
        curs.execute(
            "UPDATE exercise_participants AS p SET design = d.design, budget = d.budget"
            " FROM unnest(%b::text[], %b::jsonb[], %b::float8[]) AS d(subject, design, budget)"
            " WHERE p.exercise_id = %s AND p.subject = d.subject",
            (
                subjects,
                [_design_json(e.designs.get(s, [])) for s in subjects],
                [e.budgets.get(s) for s in subjects],
                e.originator_id,
            ),
        )
    _history(curs, e, pos, workspace, "OPENED")


def ballot_submitted(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(curs, e)
    # Ballots counted before the column existed leave it null: no duration rather than a
    # wrong one.
    curs.execute(
        "UPDATE exercise_participants SET ballot = %s, submitted_at = %s,"
        " first_submitted_at = CASE WHEN revisions = 0 THEN %s ELSE first_submitted_at END,"
        " revisions = revisions + 1 WHERE exercise_id = %s AND subject = %s",
        (Jsonb(e.ballot), e.timestamp, e.timestamp, e.originator_id, e.participant),
    )
    _history(curs, e, pos, workspace, "BALLOT_SUBMITTED", subject=e.participant)


def responses_imported(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(curs, e, imported=Jsonb(e.responses), import_source=e.source)
    rows = len(e.responses["rows"])
    respondents = len({r[0] for r in e.responses["rows"]})
    _history(
        curs,
        e,
        pos,
        workspace,
        "RESPONSES_IMPORTED",
        reason=f"{rows} responses from {respondents} respondents"
        + (f" ({e.source})" if e.source else ""),
    )


def closed(curs: Cursor[Any], e: Any, pos: int) -> tuple[str, list[UUID]]:
    """Store the results; returns the workspace and the candidates, whose rankings the caller
    recomputes."""
    workspace = _touch(curs, e, status="CLOSED", closed_at=e.timestamp)
    _history(curs, e, pos, workspace, "CLOSED")
    return workspace, store_results(curs, e, workspace)


def respondent_excluded(curs: Cursor[Any], e: Any, pos: int) -> tuple[str, list[UUID]]:
    """Record the exclusion; a closed exercise's results are computed again without the
    respondent. Returns the workspace and the candidates whose rankings to recompute ([] while
    open: there are no results yet)."""
    workspace = _touch(curs, e)
    curs.execute(
        "UPDATE exercises SET excluded = coalesce(excluded, '{}'::jsonb) || %s WHERE id = %s",
        (Jsonb({e.respondent: e.reason}), e.originator_id),
    )
    _history(curs, e, pos, workspace, "RESPONDENT_EXCLUDED", subject=e.respondent, reason=e.reason)
    return workspace, _recompute_if_closed(curs, e, workspace)


def respondent_reinstated(curs: Cursor[Any], e: Any, pos: int) -> tuple[str, list[UUID]]:
    """The respondent counts again: as `respondent_excluded`, the other way."""
    workspace = _touch(curs, e)
    curs.execute(
        "UPDATE exercises SET excluded = excluded - %s WHERE id = %s",
        (e.respondent, e.originator_id),
    )
    _history(
        curs, e, pos, workspace, "RESPONDENT_REINSTATED", subject=e.respondent, reason=e.reason
    )
    return workspace, _recompute_if_closed(curs, e, workspace)


def _recompute_if_closed(curs: Cursor[Any], e: Any, workspace: str) -> list[UUID]:
    """A closed exercise's results computed again; its candidates ([] while open)."""
    status = curs.execute(
        "SELECT status FROM exercises WHERE id = %s", (e.originator_id,)
    ).fetchone()["status"]
    if status != "CLOSED":
        return []
    drop_results(curs, e.originator_id)
    return store_results(curs, e, workspace)


def auto_close_set(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace = _touch(curs, e, auto_close=e.auto_close)
    _history(curs, e, pos, workspace, "AUTO_CLOSE_SET", reason="on" if e.auto_close else "off")


def reopened(curs: Cursor[Any], e: Any, pos: int) -> tuple[str, list[UUID]]:
    """Back to OPEN: the results of the close are dropped (computed again at the next close);
    returns the workspace and the candidates, whose rankings the caller recomputes."""
    workspace = _touch(curs, e, status="OPEN", closed_at=None, deadline=e.deadline)
    _history(curs, e, pos, workspace, "REOPENED", reason=e.reason)
    drop_results(curs, e.originator_id)
    candidates = curs.execute(
        "SELECT item_id FROM exercise_candidates WHERE exercise_id = %s ORDER BY seq",
        (e.originator_id,),
    ).fetchall()
    return workspace, [c["item_id"] for c in candidates]


HANDLERS = {
    Exercise.Created: created,
    Exercise.CandidateAdded: candidate_added,
    Exercise.CandidateWithdrawn: candidate_withdrawn,
    Exercise.CandidatePriced: candidate_priced,
    Exercise.ParticipantInvited: invited,
    Exercise.Opened: opened,
    Exercise.BallotSubmitted: ballot_submitted,
    Exercise.ResponsesImported: responses_imported,
    Exercise.AutoCloseSet: auto_close_set,
}
