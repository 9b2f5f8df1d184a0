"""Rankings of aggregates replayed from the log (okrank.domain.audit.replay): the facts the
catalog projection reads from its rows, taken from the aggregates instead, and ranked by the
same rules (`item_entries`, `RankingEntry.sort_key`). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.okrs.objective import Objective, ObjectiveStatus
from okrank.domain.rankings.entries import PRODUCT_SCOPE, ItemFacts, TagFacts, item_entries
from okrank.domain.rankings.scoring import Multipliers, RankingEntry, rice_score, wsjf_score


def item_facts(
    item: BacklogItem, seq: int, objectives: Mapping[UUID, Objective]
) -> tuple[ItemFacts, list[TagFacts]]:
    """What the projection knows of an item: its scores, justification, and each tag with
    whether its objective is ACTIVE (a tag of an objective not known is left out, as the
    catalog's join leaves it out). Exercise results are not replayed."""
    facts = ItemFacts(
        item.id, seq, rice_score(item.rice), wsjf_score(item.wsjf), bool(item.justification)
    )
    tags = [
        TagFacts(oid, tag.tier, objectives[oid].status == ObjectiveStatus.ACTIVE)
        for oid, tag in item.tags.items()
        if oid in objectives
    ]
    return facts, tags


def ranking(
    items: Iterable[tuple[int, BacklogItem]],
    objectives: Mapping[UUID, Objective],
    multipliers: Multipliers,
    scope: UUID | None,
    method: str,
    eligible_only: bool = False,
) -> list[RankingEntry]:
    """One ranking (`scope` None: the product's), best first, of `items` ((seq, item) pairs)."""
    wanted = scope or PRODUCT_SCOPE
    out = []
    for seq, item in items:
        facts, tags = item_facts(item, seq, objectives)
        for entry_scope, entry_method, entry in item_entries(item.status, facts, tags, multipliers):
            wanted_entry = entry_scope == wanted and entry_method == method
            if wanted_entry and (entry.eligible or not eligible_only):
                out.append(entry)
    out.sort(key=lambda e: e.sort_key)
    return out
