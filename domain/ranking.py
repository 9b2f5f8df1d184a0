"""Which ranking entries an item has: one per scope (each tagged objective, and the product) and
method. Pure: the projection feeds it facts and stores what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.scoring import Method, Multipliers, RankingEntry, Tier, best_tier

PRODUCT_SCOPE = UUID(int=0)  # the scope id of the product-level ranking


@dataclass(frozen=True)
class ItemFacts:
    item_id: UUID
    seq: int
    rice_score: float | None
    wsjf_score: float | None
    justified: bool


@dataclass(frozen=True)
class TagFacts:
    objective_id: UUID
    tier: Tier
    objective_active: bool


def ranking_entries(
    item: ItemFacts, tags: list[TagFacts], multipliers: Multipliers
) -> list[tuple[UUID, Method, RankingEntry]]:
    """In an objective's ranking the tier is the item's tag for that objective; in the product
    ranking it is the best tier across the active objectives. Eligible: tagged to an active
    objective (for the objective's scope: that objective), or justified as non-strategic."""
    scopes: list[tuple[UUID, Tier, bool]] = [
        (t.objective_id, t.tier, t.objective_active or item.justified) for t in tags
    ]
    active = [t.tier for t in tags if t.objective_active]
    scopes.append((PRODUCT_SCOPE, best_tier(active), bool(active) or item.justified))
    entries = []
    for scope, tier, eligible in scopes:
        for method, base in ((Method.RICE, item.rice_score), (Method.WSJF, item.wsjf_score)):
            entry = RankingEntry(
                item_id=str(item.item_id),
                base_score=base,
                multiplier=multipliers.for_tier(tier),
                tier=tier,
                eligible=eligible,
                seq=item.seq,
            )
            entries.append((scope, method, entry))
    return entries
