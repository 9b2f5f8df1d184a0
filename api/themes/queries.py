"""Theme reads: one theme, pages of themes, the roadmap, and where work stands on it."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.ids import bad_input, need_uuid, parse_global_id
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.themes import reads
from okrank.api.themes.roadmap import THEME_PAGE, Roadmap, build_roadmap
from okrank.api.themes.types import (
    HorizonEnum,
    Theme,
    ThemeConnection,
    ThemeEdge,
    ThemeMembership,
    load_theme,
    membership_of,
)

MEMBER_TYPES = ("Objective", "BacklogItem")


@strawberry.type(description="Theme and roadmap reads.")
class ThemeQueries:
    @strawberry.field(description="One theme, or null if it is not in this workspace.")
    async def theme(self, info: Info, id: strawberry.ID) -> Theme | None:
        return await load_theme(info, need_uuid(id, "Theme", "id"))

    @strawberry.field(
        description="Themes, oldest first: with `team`, that team's and the shared ones; "
        "optionally of one horizon."
    )
    async def themes(
        self,
        info: Info,
        team: str | None = None,
        horizon: HorizonEnum | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ThemeConnection:
        limit = page_size(first)
        rows = await reads.themes_page(
            info.context.pool,
            info.context.workspace,
            text_argument("team", team),
            None if horizon is None else horizon.value,
            after_key(after) or 0,
            limit + 1,
        )
        return connection(ThemeConnection, ThemeEdge, Theme.from_row, "seq", rows, limit, after)

    @strawberry.field(
        description="The theme-based roadmap: NOW, NEXT and LATER, each with its themes and "
        "their objectives, backlog items and discovery objectives. With `team`: that team's "
        "themes and the shared ones, and only that team's objectives and items; without: the "
        "whole workspace. Ask each theme's work by page (`backlogItemsPage`, "
        f"`objectivesPage`, `discoveryObjectivesPage`: {THEME_PAGE} per theme unless `first` "
        "says otherwise) so the read costs a page whatever the workspace holds."
    )
    async def roadmap(self, info: Info, team: str | None = None) -> Roadmap:
        return await build_roadmap(info, text_argument("team", team))

    @strawberry.field(
        description="Where an objective or a backlog item (by its ID) stands on the roadmap."
    )
    async def theme_membership(self, info: Info, id: strawberry.ID) -> ThemeMembership:
        parsed = parse_global_id(id)
        if parsed is None or parsed[0] not in MEMBER_TYPES:
            raise bad_input("id is not an Objective or BacklogItem ID")
        return await membership_of(info.context, need_uuid(id, parsed[0], "id"))
