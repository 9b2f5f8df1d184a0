"""GraphQL type of a MaxDiff exercise's design diagnostics (balance and efficiency)."""

from __future__ import annotations

import strawberry

from okrank.domain.exercises.methods.maxdiff_balance import balance
from okrank.domain.exercises.methods.maxdiff_design import Design


@strawberry.type(
    description="How balanced the MaxDiff sets handed out are: within each participant's "
    "version (the worst version) and pooled over everyone."
)
class MaxDiffDesignDiagnostics:
    versions: int = strawberry.field(description="Participants' versions counted.")
    item_frequency_spread: float = strawberry.field(
        description="Within a version: most − fewest showings of an item (0 or 1 is balanced)."
    )
    pair_cooccurrence_spread: float = strawberry.field(
        description="Within a version: most − fewest times two items share a set."
    )
    position_spread: float = strawberry.field(
        description="Within a version: most − fewest times an item sits in one position."
    )
    pooled_item_frequency_spread: float = strawberry.field(
        description="Pooled: (most − fewest showings) / mean showings of an item."
    )
    pooled_pair_cooccurrence_cv: float = strawberry.field(
        description="Pooled: coefficient of variation of pair co-occurrences."
    )
    pooled_position_cv: float = strawberry.field(
        description="Pooled: coefficient of variation of an item's position counts (worst item)."
    )
    d_efficiency: float = strawberry.field(
        description="D-efficiency of the pooled design for the maxdiff logit at equal "
        "utilities, relative to a perfectly balanced design with the same sets (0–1)."
    )

    @classmethod
    def of(cls, designs: list[list[list[str]]]) -> MaxDiffDesignDiagnostics | None:
        """Item IDs are numbered in order of first appearance; None without any sets."""
        index: dict[str, int] = {}
        versions = [
            [tuple(index.setdefault(i, len(index)) for i in s) for s in sets] for sets in designs
        ]
        if not versions:
            return None
        figures = balance(Design(versions))
        return cls(versions=len(versions), **figures)
