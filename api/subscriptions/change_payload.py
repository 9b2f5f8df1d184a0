"""A ranking change as clients see it: the one mapping from an outbox row to the fields of the
`rankingChanged` subscription's RankingChange, which webhooks send as JSON too."""

from __future__ import annotations

from typing import Any

from okrank.api.graphql.ids import encode_cursor, to_global_id
from okrank.domain.rankings.entries import PRODUCT_SCOPE
from okrank.domain.rankings.scoring import split_method


def change_payload(row: Any) -> dict[str, Any]:
    """The RankingChange fields (Python names; `method` the base method's value, `cause` the
    cause's value): an exercise's ranking is method EXERCISE with its exerciseId."""
    scope = row["scope"]
    method, exercise = split_method(row["method"])
    return {
        "cursor": encode_cursor([row["position"], row["ordinal"]]),
        "objective_id": None if scope == PRODUCT_SCOPE else to_global_id("Objective", scope),
        "backlog_item_id": to_global_id("BacklogItem", row["item_id"]) if row["item_id"] else None,
        "count": row["count"],
        "method": method,
        "exercise_id": to_global_id("Exercise", exercise) if exercise else None,
        "old_rank": row["old_rank"],
        "new_rank": row["new_rank"],
        "old_score": row["old_priority"],
        "new_score": row["new_priority"],
        "cause": row["cause"],
        "actor": row["actor"],
        "at": row["at"],
    }


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def change_json(row: Any) -> dict[str, Any]:
    """The change as the subscription shows it, as JSON (a webhook's payload)."""
    return {
        _camel(field): value.isoformat() if field == "at" else value
        for field, value in change_payload(row).items()
    }
