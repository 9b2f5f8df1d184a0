"""Which ranking entries an item has: one per scope (each tagged objective, and the product) and
method. Pure: the projection feeds it facts and stores what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from okrank.domain.backlog.item import UNRANKED_STATUSES, ItemStatus
from okrank.domain.rankings.eligibility import is_eligible
from okrank.domain.rankings.scoring import (
    Method,
    Multipliers,
    RankingEntry,
    Tier,
    best_tier,
    exercise_method,
)

PRODUCT_SCOPE = UUID(int=0)  # the scope id of the product-level ranking


@dataclass(frozen=True)
class ItemFacts:
    item_id: UUID
    seq: int
    rice_score: float | None
    wsjf_score: float | None
    justified: bool
    # (exercise, objective, score) of each closed exercise the item was a candidate of
    exercise_scores: tuple[tuple[UUID, UUID, float | None], ...] = field(default=())


@dataclass(frozen=True)
class TagFacts:
    objective_id: UUID
    tier: Tier
    objective_active: bool


def ranking_entries(
    item: ItemFacts, tags: list[TagFacts], multipliers: Multipliers
) -> list[tuple[UUID, str, RankingEntry]]:
    """In an objective's ranking the tier is the item's tag for that objective; in the product
    ranking it is the best tier across the active objectives. Eligible: tagged to an active
    objective (for the objective's scope: that objective), or justified as non-strategic
    (domain.rankings.eligibility).
    A closed exercise's results rank its objective's candidates as one more method, with the
    same alignment multipliers (an item untagged since counts as UNTAGGED)."""
    scopes: list[tuple[UUID, Tier, bool]] = [
        (t.objective_id, t.tier, is_eligible(item.justified, [t.objective_active])) for t in tags
    ]
    active = [t.tier for t in tags if t.objective_active]
    scopes.append((PRODUCT_SCOPE, best_tier(active), is_eligible(item.justified, [bool(active)])))
    entries: list[tuple[UUID, str, RankingEntry]] = []

    def add(scope: UUID, method: str, base: float | None, tier: Tier, eligible: bool) -> None:
        entry = RankingEntry(
            item_id=str(item.item_id),
            base_score=base,
            multiplier=multipliers.for_tier(tier),
            tier=tier,
            eligible=eligible,
            seq=item.seq,
        )
        entries.append((scope, method, entry))

    for scope, tier, eligible in scopes:
        add(scope, Method.RICE.value, item.rice_score, tier, eligible)
        add(scope, Method.WSJF.value, item.wsjf_score, tier, eligible)
    tagged = {t.objective_id: t for t in tags}
    for exercise_id, objective_id, score in item.exercise_scores:
        tag = tagged.get(objective_id)
        tier = tag.tier if tag else Tier.UNTAGGED
        eligible = is_eligible(item.justified, [bool(tag and tag.objective_active)])
        add(objective_id, exercise_method(exercise_id), score, tier, eligible)
    return entries


def item_entries(
    status: ItemStatus, item: ItemFacts, tags: list[TagFacts], multipliers: Multipliers
) -> list[tuple[UUID, str, RankingEntry]]:
    """An item's entries (`ranking_entries`), or none once it has left the backlog: the one
    rule of the catalog projection and of the rankings replayed from the log."""
    if status in UNRANKED_STATUSES:
        return []
    return ranking_entries(item, tags, multipliers)
