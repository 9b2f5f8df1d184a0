"""The streams a webhook endpoint can follow: for each, the outbox its changes are read from and
the JSON a change is sent as (the same as the stream's subscription gives). The delivery worker,
registration and metrics take everything stream-specific from here, so a new kind of change in
an outbox reaches its endpoints with no change to webhooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import strawberry

from okrank.api.graphql.as_json import as_json
from okrank.api.okrs.okr_changed import OkrChange
from okrank.api.subscriptions.change_payload import change_json
from okrank.projections.rankings.change_stream import OKR_CHANGES, RANKING_CHANGES, Outbox


@strawberry.enum(description="Which changes an endpoint receives.")
class WebhookStream(Enum):
    RANKINGS = strawberry.enum_value(
        "RANKINGS", description="Ranking changes, as the `rankingChanged` subscription gives them."
    )
    OKRS = strawberry.enum_value(
        "OKRS",
        description="Changes of the OKR loop (check-ins, grade changes, …), as the "
        "`okrChanged` subscription gives them.",
    )


@dataclass(frozen=True)
class StreamDelivery:
    outbox: Outbox
    change_json: Callable[[Any], dict[str, Any]]  # an outbox row → a change as posted


def _okr_change_json(row: Any) -> dict[str, Any]:
    return as_json(OkrChange.from_row(row))


DELIVERIES: dict[WebhookStream, StreamDelivery] = {
    WebhookStream.RANKINGS: StreamDelivery(RANKING_CHANGES, change_json),
    WebhookStream.OKRS: StreamDelivery(OKR_CHANGES, _okr_change_json),
}
