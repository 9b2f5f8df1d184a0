"""What the exercise benches open and close: an objective's candidates and a MaxDiff draft."""

from __future__ import annotations

from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.rankings.scoring import RiceInputs, Tier


def tagged_items(
    app: OkrankApplication, owner: Actor, count: int, scored: bool = False
) -> tuple[UUID, list[UUID]]:
    """An active objective and `count` items tagged DIRECT to it, the k-th item RICE-scored
    (reach 10 + k) first when `scored`."""
    o = app.create_objective(owner, "2026-Q3", "Activate teams").aggregate_id
    app.add_key_result(owner, o, "weekly active teams", 100, 150)
    app.activate_objective(owner, o)
    items = []
    for k in range(count):
        i = app.create_backlog_item(owner, f"item {k}").aggregate_id
        if scored:
            app.score_backlog_item(owner, i, RiceInputs(10 + k, 1, 1, 1))
        app.tag_backlog_item(owner, i, o, Tier.DIRECT, "moves the metric")
        items.append(i)
    return o, items


def maxdiff_draft(app: OkrankApplication, owner: Actor, objective: UUID, items: list[UUID]) -> UUID:
    """A MaxDiff exercise of the objective, DRAFT, with `items` its candidates."""
    ex = app.create_exercise(owner, objective, "MAXDIFF", "What first?").aggregate_id
    for i in items:
        app.add_exercise_candidate(owner, ex, i)
    return ex
