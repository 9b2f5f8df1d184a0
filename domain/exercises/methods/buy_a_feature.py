"""Buy a Feature: the owner prices each candidate and gives each participant a budget;
participants allocate money, never beyond their budget; purchases are pooled and an item is
bought when fully funded. Money on items that are not bought is reported as unspent. Money
pooled beyond a bought item's price (its excess) is not spent: it goes back to that item's
backers in proportion to what each put in, and is reported per item."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from okrank.domain.errors import ValidationError

DEFAULT_TOTAL_SHARE = 0.4  # the budgets together buy about 40% of everything on offer


def default_budget(prices: Mapping[Hashable, float], participants: int) -> float:
    """Each participant's budget so that all budgets together are about 40% of the prices
    (between a third and a half, so that not everything can be bought), rounded up to a whole
    unit."""
    if participants < 1:
        raise ValidationError("participants", "invite at least one participant")
    return float(math.ceil(sum(prices.values()) * DEFAULT_TOTAL_SHARE / participants))


@dataclass(frozen=True)
class Allocation:
    participant: str
    item: Hashable
    amount: float


@dataclass(frozen=True)
class PurchaseResult:
    item: Hashable
    price: float
    pooled: float
    funded_share: float  # min(1, pooled / price)
    bought: bool
    backers: int
    rank: int
    excess: float = 0.0  # pooled − price on a bought item, returned to its backers
    refunds: tuple[tuple[str, float], ...] = ()  # (backer, amount returned), by backer


def validate(
    allocations: Sequence[Allocation],
    prices: Mapping[Hashable, float],
    budgets: Mapping[str, float],
) -> None:
    spent: dict[str, float] = defaultdict(float)
    for n, a in enumerate(allocations):
        path = ["allocations", str(n)]
        if a.item not in prices:
            raise ValidationError([*path, "item"], "not a candidate")
        if not math.isfinite(a.amount) or a.amount < 0:
            raise ValidationError([*path, "amount"], "amount must be zero or more")
        if a.participant not in budgets:
            raise ValidationError([*path, "participant"], "not a participant")
        spent[a.participant] += a.amount
        if spent[a.participant] > budgets[a.participant] + 1e-9:
            raise ValidationError(
                [*path, "amount"],
                f"over budget: {spent[a.participant]:g} of {budgets[a.participant]:g}",
            )


def results(
    allocations: Sequence[Allocation],
    prices: Mapping[Hashable, float],
    budgets: Mapping[str, float],
) -> tuple[list[PurchaseResult], float]:
    """Per item results ranked by funded share (then pooled amount, then item order), and the
    money left unspent on items that were not bought."""
    validate(allocations, prices, budgets)
    pooled: dict[Hashable, float] = defaultdict(float)
    put_in: dict[Hashable, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in allocations:
        if a.amount > 0:
            pooled[a.item] += a.amount
            put_in[a.item][a.participant] += a.amount
    rows = []
    for position, (item, price) in enumerate(prices.items()):
        share = min(1.0, pooled[item] / price)
        bought = share >= 1.0
        excess = pooled[item] - price if bought else 0.0
        refunds = tuple(
            (backer, excess * amount / pooled[item])
            for backer, amount in sorted(put_in[item].items())
        )
        rows.append(
            (item, price, pooled[item], share, bought, len(put_in[item]), position, excess, refunds)
        )
    rows.sort(key=lambda r: (-r[3], -r[2], r[6]))
    unspent = sum(r[2] for r in rows if not r[4])
    return [
        PurchaseResult(*r[:6], rank=n + 1, excess=r[7], refunds=r[8] if r[7] else ())
        for n, r in enumerate(rows)
    ], unspent
