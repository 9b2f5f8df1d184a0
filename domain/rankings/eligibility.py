"""Which items may be planned: the one home of the eligibility rule, used by the application
(planning an item), the ranking entries (each scope's flag) and the API (`BacklogItem.eligible`)."""

from __future__ import annotations

from collections.abc import Iterable


def is_eligible(justified: bool, tagged_to_active: Iterable[bool]) -> bool:
    """Eligible: justified as necessary but non-strategic, or tagged to an ACTIVE objective.

    `tagged_to_active` holds, per tag in scope, whether its objective is ACTIVE (in an
    objective's ranking: that one objective's tag). It is read lazily and only when the item is
    not justified, so a caller may pass a generator that loads objectives."""
    return justified or any(tagged_to_active)
