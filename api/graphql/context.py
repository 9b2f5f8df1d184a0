"""Per-request context: who is asking, and the services and loaders a resolver may use."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from okrank.api.auth import Principal
from okrank.api.auth.service_tokens import ServiceTokens
from okrank.api.backlog import reads as backlog_reads
from okrank.api.commands.progress import Progress
from okrank.api.coverage.cache import DashboardCache
from okrank.api.database.health import DatabaseHealth
from okrank.api.database.read_pool import ReadPool
from okrank.api.okrs import loaders as okr_loaders
from okrank.api.okrs import reads as okr_reads
from okrank.api.subscriptions.ranking_feed import RankingFeed
from okrank.domain.application import Actor, OkrankApplication


@dataclass
class Services:
    """What lives as long as the process."""

    app: OkrankApplication
    pool: ReadPool
    progress: Progress
    feed: RankingFeed
    health: DatabaseHealth
    okr_feed: RankingFeed  # the same feed, following the OKR-change outbox
    service_tokens: ServiceTokens | None = None
    dashboards: DashboardCache = field(default_factory=DashboardCache)  # coverage results
    # Whole workspaces replayed as of a moment (api.asof.state), the most recent last: paging
    # through a ranking as of one moment replays the workspace once.
    replays: OrderedDict[Any, Any] = field(default_factory=OrderedDict)


def _by_id(
    fetch: Callable[..., Awaitable[list[Any]]], pool: ReadPool, workspace: str, key: str = "id"
) -> DataLoader[UUID, Any]:
    async def load(ids: Sequence[UUID]) -> list[Any]:
        rows = {r[key]: r for r in await fetch(pool, workspace, list(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _grouped(
    fetch: Callable[..., Awaitable[list[Any]]], pool: ReadPool, workspace: str, key: str
) -> DataLoader[UUID, list[Any]]:
    async def load(ids: Sequence[UUID]) -> list[list[Any]]:
        groups: dict[UUID, list[Any]] = defaultdict(list)
        for r in await fetch(pool, workspace, list(ids)):
            groups[r[key]].append(r)
        return [groups.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


# The key of a row read as of a moment (api.asof) that holds the loaders of that moment: the
# row's nested fields (tags, objective, key results) then answer as of the same moment.
AS_OF_LOADERS = "as_of_loaders"


@dataclass
class Loaders:
    objective: DataLoader[UUID, Any]
    key_results: DataLoader[UUID, list[Any]]
    item: DataLoader[UUID, Any]
    tags: DataLoader[UUID, list[Any]]
    hygiene_facts: DataLoader[okr_loaders.TeamCycle, Any]
    first_check_ins: DataLoader[okr_loaders.FirstPage, list[Any]]


@dataclass
class Context:
    """`principal` is set by the HTTP guard, or (WebSocket) from the connection_init payload."""

    services: Services
    principal: Principal | None
    websocket: Any = None
    connection_params: dict[str, Any] | None = None
    as_of: dict[Any, Any] = field(default_factory=dict)  # this request's states by moment

    def loaders_for(self, row: Any) -> Loaders:
        """The loaders of the state `row` was read from: its moment's (api.asof), or live."""
        return row.get(AS_OF_LOADERS) or self.loaders

    @cached_property
    def loaders(self) -> Loaders:
        assert self.principal is not None
        pool, ws = self.services.pool, self.principal.workspace
        return Loaders(
            objective=_by_id(okr_reads.objectives_by_id, pool, ws),
            key_results=_grouped(okr_reads.key_results_of, pool, ws, "objective_id"),
            item=_by_id(backlog_reads.items_by_id, pool, ws),
            tags=_grouped(backlog_reads.tags_of, pool, ws, "item_id"),
            hygiene_facts=okr_loaders.hygiene_facts(pool, ws),
            first_check_ins=okr_loaders.first_check_ins(pool, ws),
        )

    @property
    def workspace(self) -> str:
        assert self.principal is not None
        return self.principal.workspace

    @property
    def pool(self) -> ReadPool:
        return self.services.pool

    @property
    def actor(self) -> Actor:
        assert self.principal is not None
        return Actor(self.principal.workspace, self.principal.subject)
