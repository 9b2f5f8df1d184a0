"""The catalog view: current objectives, key results, backlog items, tags and rankings.

Rankings live here rather than in a view of their own because they are a function of everything
else in the catalog; keeping them in the same transaction means a ranking never disagrees with the
items it ranks.
"""

from __future__ import annotations

from collections import OrderedDict
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from psycopg import Cursor

from okrank.domain.backlog.item import UNRANKED_STATUSES, BacklogItem, ItemStatus
from okrank.domain.exercises.exercise import Exercise
from okrank.domain.okrs.objective import Objective
from okrank.domain.rankings.entries import ItemFacts, TagFacts, ranking_entries
from okrank.domain.rankings.scoring import (
    Multipliers,
    RiceInputs,
    Tier,
    WsjfInputs,
    rice_score,
    wsjf_score,
)
from okrank.domain.workspaces.workspace import Workspace
from okrank.projections.engine.view import ReadModelView, ViewProjection
from okrank.projections.exercises import view as exercises
from okrank.projections.exercises.view import (
    EXERCISE_CLOSED,
    EXERCISE_REOPENED,
    RESPONDENT_EXCLUDED,
)
from okrank.projections.rankings.ranking_changes import INDEXES as CHANGE_INDEXES
from okrank.projections.rankings.ranking_changes import (
    OLD_ENTRIES,
    Cause,
    Entry,
    RankIndex,
    RankingChanges,
)
from okrank.projections.rankings.ranking_changes import TABLE as CHANGE_TABLE

TABLES = {
    "workspaces": """
        CREATE TABLE IF NOT EXISTS workspaces (
            id uuid PRIMARY KEY, workspace text NOT NULL UNIQUE,
            direct float8 NOT NULL, indirect float8 NOT NULL, untagged float8 NOT NULL,
            version int NOT NULL, updated_at timestamptz NOT NULL, updated_by text NOT NULL,
            reason text NOT NULL)""",
    "objectives": """
        CREATE TABLE IF NOT EXISTS objectives (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            cycle text NOT NULL, title text NOT NULL, description text NOT NULL,
            level text NOT NULL, team text NOT NULL, parent_id uuid, status text NOT NULL,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL)""",
    "key_results": """
        CREATE TABLE IF NOT EXISTS key_results (
            id uuid PRIMARY KEY, objective_id uuid NOT NULL, workspace text NOT NULL,
            seq bigint NOT NULL, metric text NOT NULL, unit text NOT NULL,
            baseline float8 NOT NULL, target float8 NOT NULL, output_style bool NOT NULL,
            created_at timestamptz NOT NULL)""",
    "backlog_items": """
        CREATE TABLE IF NOT EXISTS backlog_items (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            title text NOT NULL, description text NOT NULL, kind text NOT NULL,
            status text NOT NULL,
            reach float8, impact float8, confidence float8, effort float8, rice_score float8,
            business_value int, time_criticality int, risk_reduction int, job_size int,
            wsjf_score float8, justification text NOT NULL,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL)""",
    "item_tags": """
        CREATE TABLE IF NOT EXISTS item_tags (
            item_id uuid NOT NULL, objective_id uuid NOT NULL, workspace text NOT NULL,
            key_result_id uuid, tier text NOT NULL, tagged_at timestamptz NOT NULL,
            tagged_by text NOT NULL, reason text NOT NULL,
            PRIMARY KEY (item_id, objective_id))""",
    # One row per (scope, method, item). The k_* columns are the ascending sort key of
    # domain.scoring.RankingEntry, so ORDER BY and keyset cursors agree with the domain's order.
    "ranking_entries": """
        CREATE TABLE IF NOT EXISTS ranking_entries (
            workspace text NOT NULL, scope uuid NOT NULL, method text NOT NULL,
            item_id uuid NOT NULL, base_score float8, multiplier float8 NOT NULL,
            tier text NOT NULL, priority float8, eligible bool NOT NULL,
            k_unscored smallint NOT NULL, k_priority float8 NOT NULL, k_base float8 NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (workspace, scope, method, item_id))""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS objectives_ws_seq ON objectives (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS key_results_objective ON key_results (objective_id, seq)",
    "CREATE INDEX IF NOT EXISTS backlog_items_ws_seq ON backlog_items (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS item_tags_objective ON item_tags (objective_id)",
    "CREATE INDEX IF NOT EXISTS ranking_order ON ranking_entries "
    "(workspace, scope, method, k_unscored, k_priority, k_base, seq, item_id)",
    "CREATE INDEX IF NOT EXISTS ranking_item ON ranking_entries (item_id)",
    # An imported item's tracker key and labels (domain.backlog_import), added after the table.
    "ALTER TABLE backlog_items ADD COLUMN IF NOT EXISTS external_key text NOT NULL DEFAULT ''",
    "ALTER TABLE backlog_items ADD COLUMN IF NOT EXISTS labels text[] NOT NULL DEFAULT '{}'",
]


# While rebuilding, rankings are recomputed once per batch for the items it touched, and no
# changes are published: the outbox keeps what was published when the events were new.
_deferred: ContextVar[dict[str, set[UUID]] | None] = ContextVar("deferred", default=None)
_index: ContextVar[RankIndex | None] = ContextVar("index", default=None)


INSERT_ENTRIES = (
    "INSERT INTO ranking_entries (workspace, scope, method, item_id, base_score, multiplier,"
    " tier, priority, eligible, k_unscored, k_priority, k_base, seq)"
    " SELECT * FROM unnest(%s::text[], %s::uuid[], %s::text[], %s::uuid[], %s::float8[],"
    " %s::float8[], %s::text[], %s::float8[], %s::bool[], %s::smallint[], %s::float8[],"
    " %s::float8[], %s::bigint[])"
)


def recompute_rankings(
    curs: Cursor[Any], workspace: str, item_ids: list[UUID], cause: Cause | None
) -> None:
    """Replace the ranking entries of `item_ids` with what the domain says they are now, and
    record in the outbox every rank that changed because of it."""
    if not item_ids:
        return
    deferred = _deferred.get()
    if deferred is not None:
        deferred.setdefault(workspace, set()).update(item_ids)
        return
    # Independent reads (multipliers, items, tags, exercise scores), queued together: one round
    # trip in pipeline mode.
    conn = curs.connection
    m_cur, i_cur, t_cur = conn.cursor(), conn.cursor(), conn.cursor()
    m_cur.execute(
        "SELECT direct, indirect, untagged FROM workspaces WHERE workspace = %s", (workspace,)
    )
    i_cur.execute(
        "SELECT id, seq, rice_score, wsjf_score, justification, status FROM backlog_items"
        " WHERE id = ANY(%s)",
        (item_ids,),
    )
    t_cur.execute(
        "SELECT t.item_id, t.objective_id, t.tier, o.status = 'ACTIVE' AS active"
        " FROM item_tags t JOIN objectives o ON o.id = t.objective_id"
        " WHERE t.item_id = ANY(%s)",
        (item_ids,),
    )
    x_cur = conn.cursor()
    x_cur.execute(
        "SELECT item_id, exercise_id, objective_id, score FROM exercise_results"
        " WHERE item_id = ANY(%s) AND segment = ''",
        (item_ids,),
    )
    index = _index.get()
    o_cur = None
    if cause is not None and index is not None and len(item_ids) == 1:
        o_cur = conn.cursor()
        o_cur.execute(OLD_ENTRIES, (item_ids[0],))
    m = m_cur.fetchone()
    multipliers = Multipliers(m["direct"], m["indirect"], m["untagged"]) if m else Multipliers()
    items = i_cur.fetchall()
    tags: dict[UUID, list[TagFacts]] = {}
    for row in t_cur.fetchall():
        tags.setdefault(row["item_id"], []).append(
            TagFacts(row["objective_id"], Tier(row["tier"]), row["active"])
        )
    exercise_scores: dict[UUID, list[tuple[UUID, UUID, float | None]]] = {}
    for row in x_cur.fetchall():
        exercise_scores.setdefault(row["item_id"], []).append(
            (row["exercise_id"], row["objective_id"], row["score"])
        )
    rows, entries = [], []
    for item in items:
        if ItemStatus(item["status"]) in UNRANKED_STATUSES:
            continue
        facts = ItemFacts(
            item["id"],
            item["seq"],
            item["rice_score"],
            item["wsjf_score"],
            bool(item["justification"]),
            tuple(exercise_scores.get(item["id"], ())),
        )
        for scope, method, e in ranking_entries(facts, tags.get(item["id"], []), multipliers):
            k = e.sort_key
            rows.append(
                (
                    workspace,
                    scope,
                    method,
                    item["id"],
                    e.base_score,
                    e.multiplier,
                    e.tier.value,
                    e.priority,
                    e.eligible,
                    k[0],
                    k[1],
                    k[2],
                    e.seq,
                )
            )
            key = (k[0], k[1], k[2], e.seq, item["id"])
            entries.append(Entry(scope, method, key, e.priority))
    changes = None
    if cause is not None and index is not None:
        old_rows = o_cur.fetchall() if o_cur is not None else None
        changes = RankingChanges(curs, workspace, item_ids, index, entries, old_rows)
    curs.execute("DELETE FROM ranking_entries WHERE item_id = ANY(%s)", (item_ids,))
    if rows:
        # One statement for all rows (columns as arrays), not one per row: psycopg's cost is
        # per statement, and an item has an entry per scope and method.
        curs.execute(INSERT_ENTRIES, list(map(list, zip(*rows, strict=True))))
    if changes is not None and cause is not None:
        changes.record(cause)


CAUSES = {
    "Workspace.MultipliersRecalibrated": "MULTIPLIERS_RECALIBRATED",
    "Objective.Activated": "OBJECTIVE_ACTIVATED",
    "Objective.Closed": "OBJECTIVE_CLOSED",
    "BacklogItem.Created": "ITEM_CREATED",
    "BacklogItem.RiceScored": "SCORED",
    "BacklogItem.WsjfScored": "SCORED",
    "BacklogItem.Tagged": "TAGGED",
    "BacklogItem.Retagged": "RETAGGED",
    "BacklogItem.Untagged": "UNTAGGED",
    "BacklogItem.JustifiedNonStrategic": "JUSTIFIED",
    "BacklogItem.StatusChanged": "STATUS_CHANGED",
    "Exercise.Closed": EXERCISE_CLOSED,
    "Exercise.Reopened": EXERCISE_REOPENED,
    "Exercise.RespondentExcluded": RESPONDENT_EXCLUDED,
}


def cause_of(e: Any, position: int) -> Cause:
    return Cause(position, CAUSES[type(e).__qualname__], e.actor, e.timestamp)


# --- handlers: (cursor, event, position) ---


def _touch_item(curs: Cursor[Any], e: Any) -> None:
    curs.execute(
        "UPDATE backlog_items SET version = %s, updated_at = %s WHERE id = %s",
        (e.originator_version, e.timestamp, e.originator_id),
    )


# An item never changes workspace: remember it rather than ask the database on every event.
_WORKSPACE_CACHE_SIZE = 200_000
_workspace_of: OrderedDict[UUID, str] = OrderedDict()


def _remember_workspace(item_id: UUID, workspace: str) -> None:
    _workspace_of[item_id] = workspace
    if len(_workspace_of) > _WORKSPACE_CACHE_SIZE:
        _workspace_of.popitem(last=False)


def _item_workspace(curs: Cursor[Any], item_id: UUID) -> str:
    workspace = _workspace_of.get(item_id)
    if workspace is None:
        workspace = curs.execute(
            "SELECT workspace FROM backlog_items WHERE id = %s", (item_id,)
        ).fetchone()["workspace"]
        _remember_workspace(item_id, workspace)
    return workspace


def workspace_created(curs: Cursor[Any], e: Workspace.Created, pos: int) -> None:
    d = Multipliers()
    curs.execute(
        "INSERT INTO workspaces VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '')",
        (
            e.originator_id,
            e.name,
            d.direct,
            d.indirect,
            d.untagged,
            e.originator_version,
            e.timestamp,
            e.actor,
        ),
    )


def multipliers_recalibrated(
    curs: Cursor[Any], e: Workspace.MultipliersRecalibrated, pos: int
) -> None:
    workspace = curs.execute(
        "UPDATE workspaces SET direct = %s, indirect = %s, untagged = %s, version = %s,"
        " updated_at = %s, updated_by = %s, reason = %s WHERE id = %s RETURNING workspace",
        (
            e.direct,
            e.indirect,
            e.untagged,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.reason,
            e.originator_id,
        ),
    ).fetchone()["workspace"]
    items = curs.execute("SELECT id FROM backlog_items WHERE workspace = %s", (workspace,))
    recompute_rankings(curs, workspace, [r["id"] for r in items.fetchall()], cause_of(e, pos))


def objective_created(curs: Cursor[Any], e: Objective.Created, pos: int) -> None:
    curs.execute(
        "INSERT INTO objectives VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'DRAFT', %s, %s, %s,"
        " %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.cycle,
            e.title,
            e.description,
            e.level,
            e.team,
            e.parent_id,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )


def _set_objective_status(curs: Cursor[Any], e: Any, pos: int, status: str) -> None:
    row = curs.execute(
        "UPDATE objectives SET status = %s, version = %s, updated_at = %s WHERE id = %s"
        " RETURNING workspace",
        (status, e.originator_version, e.timestamp, e.originator_id),
    ).fetchone()
    affected = [
        r["item_id"]
        for r in curs.execute(
            "SELECT item_id FROM item_tags WHERE objective_id = %s", (e.originator_id,)
        )
    ]
    recompute_rankings(curs, row["workspace"], affected, cause_of(e, pos))


def key_result_added(curs: Cursor[Any], e: Objective.KeyResultAdded, pos: int) -> None:
    row = curs.execute(
        "UPDATE objectives SET version = %s, updated_at = %s WHERE id = %s RETURNING workspace",
        (e.originator_version, e.timestamp, e.originator_id),
    ).fetchone()
    curs.execute(
        "INSERT INTO key_results VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            e.key_result_id,
            e.originator_id,
            row["workspace"],
            pos,
            e.metric,
            e.unit,
            e.baseline,
            e.target,
            e.output_style,
            e.timestamp,
        ),
    )


def item_created(curs: Cursor[Any], e: BacklogItem.Created, pos: int) -> None:
    _remember_workspace(e.originator_id, e.workspace)
    curs.execute(
        "INSERT INTO backlog_items (id, workspace, seq, title, description, kind, status,"
        " justification, version, created_at, created_by, updated_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, 'CANDIDATE', '', %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.title,
            e.description,
            e.kind,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )
    recompute_rankings(curs, e.workspace, [e.originator_id], cause_of(e, pos))


def item_updated(curs: Cursor[Any], e: BacklogItem.Updated, pos: int) -> None:
    curs.execute(
        "UPDATE backlog_items SET title = %s, description = %s, kind = %s WHERE id = %s",
        (e.title, e.description, e.kind, e.originator_id),
    )
    _touch_item(curs, e)


def import_recorded(curs: Cursor[Any], e: BacklogItem.ImportRecorded, pos: int) -> None:
    curs.execute(
        "UPDATE backlog_items SET external_key = %s, labels = %s WHERE id = %s",
        (e.external_key, list(e.labels), e.originator_id),
    )
    _touch_item(curs, e)


def rice_scored(curs: Cursor[Any], e: BacklogItem.RiceScored, pos: int) -> None:
    score = rice_score(RiceInputs(e.reach, e.impact, e.confidence, e.effort))
    curs.execute(
        "UPDATE backlog_items SET reach = %s, impact = %s, confidence = %s, effort = %s,"
        " rice_score = %s WHERE id = %s",
        (e.reach, e.impact, e.confidence, e.effort, score, e.originator_id),
    )
    _touch_item(curs, e)
    recompute_rankings(
        curs, _item_workspace(curs, e.originator_id), [e.originator_id], cause_of(e, pos)
    )


def wsjf_scored(curs: Cursor[Any], e: BacklogItem.WsjfScored, pos: int) -> None:
    inputs = WsjfInputs(e.business_value, e.time_criticality, e.risk_reduction, e.job_size)
    curs.execute(
        "UPDATE backlog_items SET business_value = %s, time_criticality = %s,"
        " risk_reduction = %s, job_size = %s, wsjf_score = %s WHERE id = %s",
        (
            e.business_value,
            e.time_criticality,
            e.risk_reduction,
            e.job_size,
            wsjf_score(inputs),
            e.originator_id,
        ),
    )
    _touch_item(curs, e)
    recompute_rankings(
        curs, _item_workspace(curs, e.originator_id), [e.originator_id], cause_of(e, pos)
    )


def item_tagged(curs: Cursor[Any], e: Any, pos: int) -> None:
    """Tagged and Retagged: the tag now has this tier and key result."""
    workspace = _item_workspace(curs, e.originator_id)
    curs.execute(
        "INSERT INTO item_tags VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (item_id, objective_id) DO UPDATE SET key_result_id = EXCLUDED.key_result_id,"
        " tier = EXCLUDED.tier, tagged_at = EXCLUDED.tagged_at, tagged_by = EXCLUDED.tagged_by,"
        " reason = EXCLUDED.reason",
        (
            e.originator_id,
            e.objective_id,
            workspace,
            e.key_result_id,
            e.tier,
            e.timestamp,
            e.actor,
            e.reason,
        ),
    )
    _touch_item(curs, e)
    recompute_rankings(curs, workspace, [e.originator_id], cause_of(e, pos))


def item_untagged(curs: Cursor[Any], e: BacklogItem.Untagged, pos: int) -> None:
    curs.execute(
        "DELETE FROM item_tags WHERE item_id = %s AND objective_id = %s",
        (e.originator_id, e.objective_id),
    )
    _touch_item(curs, e)
    recompute_rankings(
        curs, _item_workspace(curs, e.originator_id), [e.originator_id], cause_of(e, pos)
    )


def item_justified(curs: Cursor[Any], e: BacklogItem.JustifiedNonStrategic, pos: int) -> None:
    curs.execute(
        "UPDATE backlog_items SET justification = %s WHERE id = %s",
        (e.justification, e.originator_id),
    )
    _touch_item(curs, e)
    recompute_rankings(
        curs, _item_workspace(curs, e.originator_id), [e.originator_id], cause_of(e, pos)
    )


def item_status_changed(curs: Cursor[Any], e: BacklogItem.StatusChanged, pos: int) -> None:
    curs.execute("UPDATE backlog_items SET status = %s WHERE id = %s", (e.status, e.originator_id))
    _touch_item(curs, e)
    recompute_rankings(
        curs, _item_workspace(curs, e.originator_id), [e.originator_id], cause_of(e, pos)
    )


def exercise_closed(curs: Cursor[Any], e: Exercise.Closed, pos: int) -> None:
    workspace, candidates = exercises.closed(curs, e, pos)
    recompute_rankings(curs, workspace, candidates, cause_of(e, pos))


def exercise_reopened(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace, candidates = exercises.reopened(curs, e, pos)
    recompute_rankings(curs, workspace, candidates, cause_of(e, pos))


def respondent_excluded(curs: Cursor[Any], e: Any, pos: int) -> None:
    workspace, candidates = exercises.respondent_excluded(curs, e, pos)
    if candidates:
        recompute_rankings(curs, workspace, candidates, cause_of(e, pos))


class CatalogView(ReadModelView):
    view_name = "catalog"
    tables = {**TABLES, **exercises.TABLES, "ranking_changes": CHANGE_TABLE}
    indexes = INDEXES + exercises.INDEXES + CHANGE_INDEXES
    kept_on_rebuild = frozenset({"ranking_changes"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rank_index = RankIndex()
        self.warmed = False

    def start_batch(self, rebuilding: bool) -> None:
        _deferred.set({} if rebuilding else None)
        _index.set(None if rebuilding else self.rank_index)
        if not rebuilding and not self.warmed:
            self.warmed = True
            self._warm_workspace_cache()

    def _warm_workspace_cache(self) -> None:
        """Learn the newest items' workspaces once, when the view starts leading, on a
        connection of its own: otherwise the first event of each item asks for it in the
        middle of its transaction, a round trip on the projection's critical path."""
        with self.datastore.transaction(commit=False) as curs:
            rows = curs.execute(
                "SELECT id, workspace FROM backlog_items ORDER BY seq DESC LIMIT %s",
                (_WORKSPACE_CACHE_SIZE,),
            ).fetchall()
        for row in reversed(rows):  # oldest first: the newest stay longest in the LRU
            if row["id"] not in _workspace_of:
                _remember_workspace(row["id"], row["workspace"])

    def finish_batch(self, curs: Cursor[Any]) -> None:
        deferred = _deferred.get()
        _deferred.set(None)
        for workspace, ids in (deferred or {}).items():
            recompute_rankings(curs, workspace, sorted(ids), None)

    def abort_batch(self) -> None:
        self.rank_index.clear()  # the transaction rolled back: the lists may be ahead of it

    handlers = {
        Workspace.Created: workspace_created,
        Workspace.MultipliersRecalibrated: multipliers_recalibrated,
        Objective.Created: objective_created,
        Objective.KeyResultAdded: key_result_added,
        Objective.Activated: lambda c, e, p: _set_objective_status(c, e, p, "ACTIVE"),
        Objective.Closed: lambda c, e, p: _set_objective_status(c, e, p, "CLOSED"),
        BacklogItem.Created: item_created,
        BacklogItem.Updated: item_updated,
        BacklogItem.ImportRecorded: import_recorded,
        BacklogItem.RiceScored: rice_scored,
        BacklogItem.WsjfScored: wsjf_scored,
        BacklogItem.Tagged: item_tagged,
        BacklogItem.Retagged: item_tagged,
        BacklogItem.Untagged: item_untagged,
        BacklogItem.JustifiedNonStrategic: item_justified,
        BacklogItem.StatusChanged: item_status_changed,
        **exercises.HANDLERS,
        Exercise.Closed: exercise_closed,
        Exercise.Reopened: exercise_reopened,
        Exercise.RespondentExcluded: respondent_excluded,
    }


class CatalogProjection(ViewProjection):
    name = "catalog"
    topics = CatalogView.topics()
