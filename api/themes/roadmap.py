"""The theme-based roadmap: three columns of themes, each theme with its work. The work is read
once per roadmap for all its themes: the pages (`objectivesPage`, `backlogItemsPage`,
`discoveryObjectivesPage`) read at most a page per theme, so a roadmap read costs what its
pages cost, not what the workspace holds; the full lists (`objectives`, `backlogItems`,
`discoveryObjectives`) read everything, as before, and only when asked. The pages the query
asks for are read beside the themes (one wave of round trips, not two); any other is read
when its field resolves."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from okrank.api.backlog.types import BacklogItem, BacklogItemConnection, BacklogItemEdge
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.okrs.types import Objective, ObjectiveConnection, ObjectiveEdge
from okrank.api.themes import reads
from okrank.api.themes.types import HorizonEnum, Theme
from okrank.domain.themes.theme import Horizon

# Work listed per theme by a page field unless `first` says otherwise: a roadmap of a dozen
# themes then holds about what a ranking page holds (50 items).
THEME_PAGE = 5
Rows = dict[UUID, list[Any]]  # theme → its rows, oldest first
SOURCES = {
    "objectivesPage": reads.OBJECTIVES,
    "backlogItemsPage": reads.ITEMS,
    "discoveryObjectivesPage": reads.DISCOVERY,
}


class RoadmapWork:
    """The work in a roadmap's themes, read on demand: one query per source (and page) for all
    the themes, however many of them ask (their fields resolve concurrently)."""

    def __init__(self, pool: Any, workspace: str, team: str | None) -> None:
        self.pool, self.workspace, self.team = pool, workspace, team
        self.themes: list[UUID] = []  # set once the themes are read (the full lists need them)
        self._reads: dict[tuple[Any, ...], asyncio.Future[Rows]] = {}

    def _once(self, key: tuple[Any, ...], read: Callable[[], Awaitable[list[Any]]]) -> Any:
        if key not in self._reads:

            async def by_theme() -> Rows:
                rows: Rows = defaultdict(list)
                for r in await read():
                    rows[r["member_of"]].append(r)
                return rows

            self._reads[key] = asyncio.ensure_future(by_theme())
        return self._reads[key]

    async def everything(self, source: tuple[str, str], theme: UUID) -> list[Any]:
        rows = await self._once(
            (source,),
            lambda: reads.work_in_themes(self.pool, self.workspace, self.themes, self.team, source),
        )
        return rows.get(theme, [])

    def start_page(self, source: tuple[str, str], after_seq: int, limit: int) -> Any:
        """Each theme's first `limit` rows after `after_seq`: the read, started now if it was
        not already (awaitable)."""
        return self._once(
            (source, after_seq, limit),
            lambda: reads.work_pages_in_themes(
                self.pool, self.workspace, self.team, source, after_seq, limit
            ),
        )

    async def page(
        self, source: tuple[str, str], theme: UUID, after_seq: int, limit: int
    ) -> list[Any]:
        """The theme's first `limit` rows after `after_seq` (with the same page of the others)."""
        return (await self.start_page(source, after_seq, limit)).get(theme, [])


def _fields(selections: list[Selection]) -> list[SelectedField]:
    """The fields of a selection set, through its fragments."""
    found: list[SelectedField] = []
    for s in selections:
        if isinstance(s, SelectedField):
            found.append(s)
        else:  # a fragment spread or an inline fragment
            found.extend(_fields(s.selections))
    return found


def pages_asked(info: Info) -> list[tuple[tuple[str, str], int, int]]:
    """(source, after_seq, limit + 1) of each page field the roadmap's themes are asked for,
    as their resolvers will read it; a page with arguments it would refuse is left to them."""
    asked = []
    for roadmap in _fields(info.selected_fields):
        for column in (f for f in _fields(roadmap.selections) if f.name == "columns"):
            for theme in (f for f in _fields(column.selections) if f.name == "themes"):
                for page in (f for f in _fields(theme.selections) if f.name in SOURCES):
                    first, after = (
                        page.arguments.get("first", THEME_PAGE),
                        page.arguments.get("after"),
                    )
                    try:
                        limit, after_seq = page_size(first), after_key(after) or 0
                    except GraphQLError:  # bad input: the field's resolver says so
                        continue
                    asked.append((SOURCES[page.name], after_seq, limit + 1))
    return asked


OBJECTIVE_PAGES = (ObjectiveConnection, ObjectiveEdge, Objective.from_row)
ITEM_PAGES = (BacklogItemConnection, BacklogItemEdge, BacklogItem.from_row)


def work_page(source: tuple[str, str], pages: tuple[Any, Any, Any]) -> Any:
    """A RoadmapTheme field: a page of the theme's work from `source`, oldest first, as
    `pages` (connection type, edge type, node from row) hold it."""
    page_cls, edge_cls, node = pages

    async def resolve(self: RoadmapTheme, first: int = THEME_PAGE, after: str | None = None) -> Any:
        limit = page_size(first)
        rows = await self.work.page(source, self.theme_id, after_key(after) or 0, limit + 1)
        return connection(page_cls, edge_cls, node, "seq", rows, limit, after)

    resolve.__annotations__["return"] = page_cls  # the field's GraphQL type
    return resolve


PAGE_ABOUT = (
    f"A page of {{}}, oldest first: {THEME_PAGE} unless `first` says otherwise (at most 100); "
    "pass a page's endCursor as `after` for the next."
)


@strawberry.type(description="A theme on the roadmap with the work in it.")
class RoadmapTheme:
    theme: Theme = strawberry.field(description="The theme.")
    theme_id: strawberry.Private[UUID]
    work: strawberry.Private[RoadmapWork]

    @strawberry.field(
        description="Its objectives (of the roadmap's team), oldest first; not archived ones. "
        "All of them: `objectivesPage` reads a page."
    )
    async def objectives(self) -> list[Objective]:
        rows = await self.work.everything(reads.OBJECTIVES, self.theme_id)
        return [Objective.from_row(r) for r in rows]

    @strawberry.field(
        description="Its backlog items, epics (of the roadmap's team's backlog), oldest first; "
        "not archived ones. All of them: `backlogItemsPage` reads a page."
    )
    async def backlog_items(self) -> list[BacklogItem]:
        rows = await self.work.everything(reads.ITEMS, self.theme_id)
        return [BacklogItem.from_row(r) for r in rows]

    @strawberry.field(
        description="Discovery objectives (key results about learning) that prepare it. All of "
        "them: `discoveryObjectivesPage` reads a page."
    )
    async def discovery_objectives(self) -> list[Objective]:
        rows = await self.work.everything(reads.DISCOVERY, self.theme_id)
        return [Objective.from_row(r) for r in rows]

    objectives_page = strawberry.field(
        resolver=work_page(reads.OBJECTIVES, OBJECTIVE_PAGES),
        description=PAGE_ABOUT.format("`objectives`"),
    )
    backlog_items_page = strawberry.field(
        resolver=work_page(reads.ITEMS, ITEM_PAGES),
        description=PAGE_ABOUT.format("`backlogItems`"),
    )
    discovery_objectives_page = strawberry.field(
        resolver=work_page(reads.DISCOVERY, OBJECTIVE_PAGES),
        description=PAGE_ABOUT.format("`discoveryObjectives`"),
    )


@strawberry.type(description="One column of the roadmap: the themes of one horizon.")
class RoadmapColumn:
    horizon: HorizonEnum = strawberry.field(description="NOW, NEXT or LATER.")
    themes: list[RoadmapTheme] = strawberry.field(description="Its themes, oldest first.")


@strawberry.type(description="The theme-based roadmap: three columns, NOW, NEXT and LATER.")
class Roadmap:
    team: str | None = strawberry.field(description="Whose roadmap; null: the whole workspace.")
    columns: list[RoadmapColumn] = strawberry.field(
        description="Always three, in order: NOW, NEXT, LATER (a column may have no themes)."
    )


async def build_roadmap(info: Info, team: str | None) -> Roadmap:
    """The themes, read now, beside the pages the query asks for (RoadmapWork)."""
    pool, ws = info.context.pool, info.context.workspace
    work = RoadmapWork(pool, ws, team)
    for source, after_seq, limit in pages_asked(info):
        work.start_page(source, after_seq, limit)  # runs while the themes are read
    themes = await reads.roadmap_themes(pool, ws, team)
    work.themes = [t["id"] for t in themes]
    columns = {h: RoadmapColumn(horizon=h, themes=[]) for h in Horizon}
    for t in themes:
        columns[Horizon(t["horizon"])].themes.append(
            RoadmapTheme(theme=Theme.from_row(t), theme_id=t["id"], work=work)
        )
    return Roadmap(team=team, columns=list(columns.values()))
