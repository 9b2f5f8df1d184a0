"""`zombies(team)`: the team's open items that have lingered without a tag to an active
objective through the workspace's number of sprints or cycles (domain.sprints.zombies)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem
from okrank.api.sprints import reads
from okrank.api.sprints.types import Sprint
from okrank.domain.sprints.zombies import SprintSpan, ZombieRule, ZombieThresholds


@strawberry.type(
    description="When an open item with no tag to an active objective counts as a zombie: once "
    "it has survived this many of its team's sprints, or this many cycles (defaults 3 and 1)."
)
class ZombieThresholdsType:
    sprints: int = strawberry.field(
        description="Closed sprints of the team the item existed through (from the sprint's "
        "start to its close) while staying open."
    )
    cycles: int = strawberry.field(
        description="Whole calendar quarters (UTC) the item existed through while staying open."
    )
    version: int = strawberry.field(
        description="The workspace aggregate's version when they were set (0: the defaults)."
    )


@strawberry.type(description="An item that survived sprints or cycles with no strategic tie.")
class Zombie:
    item: BacklogItem = strawberry.field(description="The backlog item.")
    lingering_since: datetime = strawberry.field(description="When the item was created.")
    lingered_days: int = strawberry.field(description="Whole days since then.")
    cycles_survived: int = strawberry.field(description="Whole quarters it stayed open through.")
    sprints_survived: list[Sprint] = strawberry.field(
        description="The team's closed sprints it stayed open through, oldest first."
    )


@strawberry.type(description="A team's zombie features, and the thresholds that made them so.")
class ZombieReport:
    team: str = strawberry.field(description="The team.")
    thresholds: ZombieThresholdsType = strawberry.field(description="The workspace's thresholds.")
    total_count: int = strawberry.field(description="How many zombies the team has.")
    zombies: list[Zombie] = strawberry.field(
        description="Its zombies, longest lingering first (the first `first` of them)."
    )


def thresholds_of(row: Any) -> ZombieThresholdsType:
    if row is None:
        defaults = ZombieThresholds()
        return ZombieThresholdsType(sprints=defaults.sprints, cycles=defaults.cycles, version=0)
    return ZombieThresholdsType(
        sprints=row["sprints"], cycles=row["cycles"], version=row["version"]
    )


async def zombie_report(info: Info, team: str, limit: int) -> ZombieReport:
    ctx = info.context
    shown = thresholds_of(await reads.zombie_thresholds(ctx.pool, ctx.workspace))
    thresholds = ZombieThresholds(shown.sprints, shown.cycles)
    closed = await reads.closed_sprints_of(ctx.pool, ctx.workspace, team)
    now = datetime.now(UTC)
    rule = ZombieRule(
        thresholds, [SprintSpan(r, r["started_at"], r["closed_at"]) for r in closed], now
    )
    found, total = [], 0
    for item in await reads.untagged_open_items(ctx.pool, ctx.workspace, team):
        survived, cycles = rule.survived(item["created_at"])
        if not rule.is_zombie(False, len(survived), cycles):  # the read keeps the untagged only
            continue
        total += 1
        if len(found) < limit:
            found.append((item, survived, cycles))
    rows = await ctx.loaders.item.load_many([item["id"] for item, _, _ in found])
    zombies = [
        Zombie(
            item=BacklogItem.from_row(row),
            lingering_since=item["created_at"],
            lingered_days=(now - item["created_at"]).days,
            cycles_survived=cycles,
            sprints_survived=[Sprint.from_row(s.sprint) for s in survived],
        )
        for (item, survived, cycles), row in zip(found, rows, strict=True)
    ]
    return ZombieReport(team=team, thresholds=shown, total_count=total, zombies=zombies)
