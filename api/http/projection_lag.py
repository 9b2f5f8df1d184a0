"""How far each read model view is behind the event store, in events and in seconds: one
computation for /metrics and for /readyz (OKRANK_READY_MAX_LAG_EVENTS)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

ENV = "OKRANK_READY_MAX_LAG_EVENTS"


@dataclass(frozen=True)
class ViewLag:
    events: int  # stored but not yet projected
    seconds: float  # while lagging: since the view last advanced; 0 when caught up


def max_lag_events(env: Mapping[str, str] = os.environ) -> int | None:
    """The readiness bound; None (unset or 0): lag never makes the instance unready."""
    raw = (env.get(ENV) or "0").strip()
    if not raw.isdigit():
        raise ValueError(f"{ENV} must be a whole number of events, not {raw!r}")
    return int(raw) or None


async def lag_by_view(services: Any) -> dict[str, ViewLag]:
    head = await run_in_threadpool(services.app.recorder.max_notification_id) or 0
    now = time.monotonic()
    progress = services.progress
    lags = {}
    for view, position in progress.positions.items():
        events = max(0, head - position)
        since = progress.advanced_at.get(view, now)
        lags[view] = ViewLag(events, now - since if events else 0.0)
    return lags


def too_far_behind(lags: Mapping[str, ViewLag], bound: int | None) -> dict[str, int]:
    """The views beyond the bound, with their lag in events."""
    if bound is None:
        return {}
    return {view: lag.events for view, lag in lags.items() if lag.events > bound}
