"""A workspace as of a moment: its aggregates replayed from the event store, as the rows the
live types are built from (the catalog's columns), and the loaders nested fields use.

One state per moment and request (`Context.as_of`): an item's tags, their objectives and key
results, an objective's parent, all answer as of the same moment. Aggregates are replayed on
demand, by id (an item, the objectives its tags name), or the whole workspace at once (lists
and rankings)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from okrank.api.asof.moment import moment_at
from okrank.api.asof.store import TOPICS, Moment, events_of, replayed, workspace_events
from okrank.api.graphql.context import AS_OF_LOADERS, Loaders
from okrank.domain.audit.replay import REPLAYED, Replayed, replayed_topics
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.okrs.hygiene import aligned_cycles
from okrank.domain.okrs.objective import Objective, ObjectiveLevel, ObjectiveStatus
from okrank.domain.rankings.scoring import Multipliers, rice_score, wsjf_score
from okrank.domain.workspaces.workspace import Workspace, workspace_id

KEPT_REPLAYS = 2  # whole workspaces kept per process (10,000 items: about 45 MB each)
TAG_SETTERS = (BacklogItem.Tagged, BacklogItem.Retagged)  # the events a tag's state is from


class AsOfState:
    def __init__(self, info: Info, moment: Moment) -> None:
        ctx = info.context
        self.app, self.pool, self.workspace = ctx.services.app, ctx.pool, ctx.workspace
        self.replays = ctx.services.replays
        self.moment = moment
        self.found: dict[UUID, Replayed] = {}
        self.asked: set[UUID] = set()  # ids replayed, or found not to exist then
        self.kinds: set[type] = set()  # kinds whose every aggregate is replayed
        # Rankings computed from the whole replay, by (scope, method, eligible only): kept with
        # the replay, so the next page of a ranking as of the same moment is only a slice.
        self.rankings: dict[tuple[Any, ...], Any] = {}
        self.loaders = Loaders(
            objective=DataLoader(load_fn=self._objective_rows),
            key_results=DataLoader(load_fn=self._key_result_rows),
            item=DataLoader(load_fn=self._item_rows),
            tags=DataLoader(load_fn=self._tag_rows),
            hygiene_facts=DataLoader(load_fn=self._hygiene_facts),
            first_check_ins=DataLoader(load_fn=self._first_check_ins),
        )
        self.at: datetime | None = None  # the asOf asked: "now" for the hygiene's staleness

    @classmethod
    def of(cls, info: Info, moment: Moment) -> AsOfState:
        """The request's state at `moment` (one per moment and request)."""
        states = info.context.as_of
        if moment not in states:
            states[moment] = cls(info, moment)
        return states[moment]

    # --- replaying ---

    async def aggregates(self, ids: Sequence[UUID]) -> dict[UUID, Replayed]:
        """These aggregates as of the moment, those of the caller's workspace only."""
        missing = [i for i in dict.fromkeys(ids) if i not in self.asked]
        if missing and len(self.kinds) < len(REPLAYED):
            async with self.pool.acquire() as conn:
                rows = await events_of(conn, missing, self.moment, TOPICS)
            self.found.update(await run_in_threadpool(replayed, self.app, rows))
            self.asked.update(missing)
        return {
            i: r
            for i in ids
            if (r := self.found.get(i)) is not None and r.aggregate.workspace == self.workspace
        }

    async def everything(self) -> dict[UUID, Replayed]:
        """Every replayed aggregate of the workspace as of the moment (kept by the process for
        the next requests at the same moment: the past does not change)."""
        if len(self.kinds) == len(REPLAYED):
            return self.found
        key = (self.workspace, self.moment)
        cached = self.replays.get(key)
        if cached is None:
            await self._load_kinds(REPLAYED)
            self.replays[key] = cached = (self.found, self.rankings)
            while len(self.replays) > KEPT_REPLAYS:
                self.replays.popitem(last=False)
        self.replays.move_to_end(key)
        self.found, self.rankings = cached
        self.asked.update(self.found)
        self.kinds.update(REPLAYED)
        return self.found

    async def of_kind(self, kind: type) -> list[Replayed]:
        """The workspace's aggregates of one kind, in creation order."""
        await self._load_kinds((kind,))
        return sorted(
            (r for r in self.found.values() if isinstance(r.aggregate, kind)),
            key=lambda r: r.position,
        )

    async def _load_kinds(self, kinds: tuple[type, ...]) -> None:
        """Replay every aggregate of these kinds in the workspace (one range of the chain)."""
        missing = tuple(k for k in kinds if k not in self.kinds)
        if not missing:
            return
        found: dict[UUID, Replayed] = {}
        async with self.pool.acquire() as conn:
            topics = replayed_topics(missing)
            async for rows in workspace_events(conn, self.workspace, self.moment, topics):
                await run_in_threadpool(replayed, self.app, rows, found)
        self.found.update(found)
        self.asked.update(found)
        self.kinds.update(missing)

    async def multipliers(self) -> tuple[Multipliers, dict[str, Any] | None]:
        """The multipliers in force, and the workspace's row (None: never recalibrated)."""
        found = (await self.aggregates([workspace_id(self.workspace)])).values()
        for r in found:
            return r.aggregate.multipliers, self.workspace_row(r)
        return Multipliers(), None

    # --- rows, in the catalog's columns ---

    def item_row(self, r: Replayed) -> dict[str, Any]:
        item: BacklogItem = r.aggregate
        rice, wsjf = item.rice, item.wsjf
        return {
            "id": item.id,
            "seq": r.position,
            "title": item.title,
            "description": item.description,
            "kind": item.kind.value,
            "status": item.status.value,
            "reach": rice and rice.reach,
            "impact": rice and rice.impact,
            "confidence": rice and rice.confidence,
            "effort": rice and rice.effort,
            "rice_score": rice_score(rice),
            "business_value": wsjf and wsjf.business_value,
            "time_criticality": wsjf and wsjf.time_criticality,
            "risk_reduction": wsjf and wsjf.risk_reduction,
            "job_size": wsjf and wsjf.job_size,
            "wsjf_score": wsjf_score(wsjf),
            "justification": item.justification,
            "version": item.version,
            "created_at": r.created.timestamp,
            "created_by": r.created.actor,
            "updated_at": item.modified_on,
            "external_key": item.external_key,
            "labels": list(item.labels),
            "team": item.team,
            AS_OF_LOADERS: self.loaders,
        }

    def objective_row(self, r: Replayed) -> dict[str, Any]:
        o: Objective = r.aggregate
        return {
            "id": o.id,
            "workspace": o.workspace,
            "seq": r.position,
            "cycle": o.cycle,
            "title": o.title,
            "description": o.description,
            "level": o.level.value,
            "team": o.team,
            "parent_id": o.parent_id,
            "status": o.status.value,
            "version": o.version,
            "created_at": r.created.timestamp,
            "created_by": r.created.actor,
            "updated_at": o.modified_on,
            AS_OF_LOADERS: self.loaders,
        }

    def key_result_rows(self, r: Replayed) -> list[dict[str, Any]]:
        added = {
            e.key_result_id: (e, position)
            for e, position in zip(r.events, r.positions, strict=True)
            if isinstance(e, Objective.KeyResultAdded)
        }
        latest = {
            e.key_result_id: e for e in r.events if isinstance(e, Objective.KeyResultCheckedIn)
        }
        rows = []
        for kr in r.aggregate.key_results:
            event, position = added[kr.id]
            checked_in = latest.get(kr.id)
            rows.append(
                {
                    "id": kr.id,
                    "objective_id": r.aggregate.id,
                    "seq": position,
                    "metric": kr.metric,
                    "unit": kr.unit,
                    "baseline": kr.baseline,
                    "target": kr.target,
                    "output_style": kr.output_style,
                    "created_at": event.timestamp,
                    "current_value": checked_in and checked_in.value,
                    "confidence": checked_in and checked_in.confidence,
                    "last_check_in_at": checked_in and checked_in.timestamp,
                    AS_OF_LOADERS: self.loaders,
                }
            )
        return rows

    def workspace_row(self, r: Replayed) -> dict[str, Any]:
        w: Workspace = r.aggregate
        return {
            "direct": w.direct,
            "indirect": w.indirect,
            "untagged": w.untagged,
            "version": w.version,
            "updated_at": w.modified_on,
            "updated_by": r.last.actor,
            "reason": getattr(r.last, "reason", ""),
            "evidence_review_ids": [UUID(i) for i in getattr(r.last, "evidence_review_ids", [])],
        }

    async def tag_rows(self, r: Replayed) -> list[dict[str, Any]]:
        """The item's tags, oldest first, each with its objective's status then."""
        item: BacklogItem = r.aggregate
        setters = {e.objective_id: e for e in r.events if isinstance(e, TAG_SETTERS)}
        objectives = await self.aggregates(list(item.tags))
        rows = [
            {
                "item_id": item.id,
                "objective_id": oid,
                "key_result_id": tag.key_result_id,
                "tier": tag.tier.value,
                "tagged_at": setters[oid].timestamp,
                "tagged_by": setters[oid].actor,
                "reason": setters[oid].reason,
                "objective_status": objectives[oid].aggregate.status.value,
                AS_OF_LOADERS: self.loaders,
            }
            for oid, tag in item.tags.items()
            if oid in objectives
        ]
        return sorted(rows, key=lambda t: t["tagged_at"])

    # --- the loaders' batch functions ---

    async def _of(self, ids: Sequence[UUID], kind: type) -> list[Replayed | None]:
        found = await self.aggregates(ids)
        return [
            r if r is not None and isinstance(r.aggregate, kind) else None
            for r in map(found.get, ids)
        ]

    async def _objective_rows(self, ids: Sequence[UUID]) -> list[Any]:
        return [r and self.objective_row(r) for r in await self._of(ids, Objective)]

    async def _key_result_rows(self, ids: Sequence[UUID]) -> list[list[Any]]:
        return [self.key_result_rows(r) if r else [] for r in await self._of(ids, Objective)]

    async def _item_rows(self, ids: Sequence[UUID]) -> list[Any]:
        return [r and self.item_row(r) for r in await self._of(ids, BacklogItem)]

    async def _tag_rows(self, ids: Sequence[UUID]) -> list[list[Any]]:
        return [await self.tag_rows(r) if r else [] for r in await self._of(ids, BacklogItem)]

    async def _hygiene_facts(self, keys: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """As api.okrs.reads.hygiene_facts, from the objectives and the workspace then."""
        objectives = [r.aggregate for r in await self.of_kind(Objective)]
        interval = None
        for r in (await self.aggregates([workspace_id(self.workspace)])).values():
            for e in r.events:
                if isinstance(e, Workspace.CheckInIntervalSet):
                    interval = e.days
        out = []
        for team, cycle in keys:
            mine = [o for o in objectives if (o.team, o.cycle) == (team, cycle)]
            aligned = aligned_cycles(cycle)
            out.append(
                {
                    "active_key_results": sum(
                        len(o.key_results) for o in mine if o.status == ObjectiveStatus.ACTIVE
                    ),
                    "objectives": sum(o.status != ObjectiveStatus.ARCHIVED for o in mine),
                    "company_has_objectives": any(
                        o.level == ObjectiveLevel.COMPANY
                        and o.cycle in aligned
                        and o.status != ObjectiveStatus.ARCHIVED
                        for o in objectives
                    ),
                    "check_in_interval_days": interval,
                    "now": self.at,
                }
            )
        return out

    async def _first_check_ins(self, keys: Sequence[tuple[UUID, int]]) -> list[list[Any]]:
        """Each key result's newest check-ins then (page size + 1), from its objective's events."""
        check_ins: dict[UUID, list[dict[str, Any]]] = {}
        for r in await self.of_kind(Objective):
            for e, position in zip(r.events, r.positions, strict=True):
                if isinstance(e, Objective.KeyResultCheckedIn):
                    check_ins.setdefault(e.key_result_id, []).append(
                        {
                            "key_result_id": e.key_result_id,
                            "objective_id": r.aggregate.id,
                            "value": e.value,
                            "confidence": e.confidence,
                            "note": e.note,
                            "checked_in_at": e.timestamp,
                            "checked_in_by": e.actor,
                            "position": position,
                        }
                    )
        return [check_ins.get(kr, [])[::-1][:size] for kr, size in keys]


async def state_at(info: Info, as_of: datetime) -> AsOfState:
    """The request's state at the moment `as_of` names (found once per request and value)."""
    states = info.context.as_of
    if as_of not in states:
        states[as_of] = AsOfState.of(info, await moment_at(info, as_of))
        states[as_of].at = states[as_of].at or as_of
    return states[as_of]
