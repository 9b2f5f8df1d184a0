"""Webhook configuration, read from the environment in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from okrank.api.webhooks.address_policy import AddressPolicy, parse_networks


@dataclass(frozen=True)
class WebhookSettings:
    pause_after: int  # consecutive failures before an endpoint is paused
    backoff_seconds: float  # first retry delay, doubled per failure
    policy: AddressPolicy  # which addresses deliveries may connect to

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> WebhookSettings:
        allowed = env.get("OKRANK_WEBHOOK_ALLOW_NETWORKS", "")
        try:
            networks = parse_networks(allowed)
        except ValueError as exc:
            raise ValueError(f"OKRANK_WEBHOOK_ALLOW_NETWORKS: {exc}") from None
        return cls(
            pause_after=int(env.get("OKRANK_WEBHOOK_PAUSE_AFTER", "8")),
            backoff_seconds=float(env.get("OKRANK_WEBHOOK_BACKOFF", "1.0")),
            policy=AddressPolicy(networks),
        )


SETTINGS = WebhookSettings.from_env()
