"""Prometheus metrics at GET /metrics (prometheus-client): GraphQL operations by operation and
outcome, their latency, projection lag per view, subscribers connected, webhook backlog and
failures.

Counters and histograms are this process's (with --workers N, each worker answers its own
scrape: sum over the instances). Lag, backlog and failures are read from the database at
scrape time, so any instance reports them whole. OKRANK_METRICS=0 turns the endpoint off.

The operation label is bounded by the schema: `<type>.<first root field>` (e.g.
`query.ranking`), or `invalid` for a document that failed parsing or validation — never the
client's operation name, which would let a client create unbounded series."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping
from typing import Any

import asyncpg
from eventsourcing.persistence import PersistenceError
from graphql import FieldNode, OperationDefinitionNode
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from strawberry.extensions import SchemaExtension

from okrank.api.database.read_pool import ReadPool
from okrank.api.graphql.error_logging import is_fault
from okrank.api.http.projection_lag import lag_by_view
from okrank.api.webhooks import delivery as webhooks

log = logging.getLogger("okrank.metrics")

PATH = "/metrics"
ENV = "OKRANK_METRICS"

REGISTRY = CollectorRegistry()
OPERATIONS = Counter(
    "okrank_graphql_operations",
    "GraphQL operations run, by operation (type.root field) and outcome "
    "(ok, invalid, error: a client error, fault: a server error).",
    ["operation", "outcome"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "okrank_graphql_operation_duration_seconds",
    "Time from parsing to the result of a GraphQL operation (a subscription: its start).",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
LAG_EVENTS = Gauge(
    "okrank_projection_lag_events",
    "Events stored but not yet projected, per read model view.",
    ["view"],
    registry=REGISTRY,
)
LAG_SECONDS = Gauge(
    "okrank_projection_lag_seconds",
    "While a view lags: seconds since it last advanced (0 when caught up).",
    ["view"],
    registry=REGISTRY,
)
SUBSCRIBERS = Gauge(
    "okrank_subscribers_connected",
    "rankingChanged and okrChanged subscriptions this process is serving.",
    registry=REGISTRY,
)
WEBHOOK_ENDPOINTS = Gauge(
    "okrank_webhook_endpoints",
    "Registered webhook endpoints by status (ACTIVE, PAUSED after repeated failures).",
    ["status"],
    registry=REGISTRY,
)
WEBHOOK_BACKLOG = Gauge(
    "okrank_webhook_backlog_changes",
    "Ranking changes not yet delivered to active webhook endpoints.",
    registry=REGISTRY,
)
WEBHOOK_FAILURES = Gauge(
    "okrank_webhook_failed_attempts",
    "Failed webhook delivery attempts recorded (all instances).",
    registry=REGISTRY,
)
WEBHOOK_RETRYING = Gauge(
    "okrank_webhook_endpoints_retrying",
    "Active webhook endpoints whose last delivery failed (backing off).",
    registry=REGISTRY,
)


def enabled(env: Mapping[str, str] = os.environ) -> bool:
    raw = (env.get(ENV) or "1").lower()
    if raw not in ("1", "0", "true", "false", "on", "off", "yes", "no"):
        raise ValueError(f"{ENV} must be 1 or 0, not {raw!r}")
    return raw in ("1", "true", "on", "yes")


def _request_error(context: Any) -> bool:
    """Parsing or validation failed: no data and no error with a field path (the GraphQL
    specification's request errors; strawberry also copies execution errors into
    pre_execution_errors, so that field cannot tell)."""
    result = context.result
    errors = getattr(result, "errors", None) or []
    if result is None:  # a subscription that started: its events come later
        return False
    return getattr(result, "data", None) is None and all(e.path is None for e in errors)


def operation_label(context: Any) -> str:
    """`<type>.<first root field>`, from the validated document; `invalid` otherwise."""
    document = context.graphql_document
    if document is None or _request_error(context):
        return "invalid"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = context.operation_name
    chosen = next((o for o in operations if o.name and o.name.value == name), None)
    chosen = chosen or (operations[0] if operations else None)
    if chosen is None:
        return "invalid"
    fields = sorted(
        s.name.value for s in chosen.selection_set.selections if isinstance(s, FieldNode)
    )
    return f"{chosen.operation.value}.{fields[0] if fields else 'fragment'}"


def outcome(context: Any) -> str:
    if _request_error(context):
        return "invalid"
    errors = getattr(context.result, "errors", None) or []
    if any(is_fault(e) for e in errors):
        return "fault"
    return "error" if errors else "ok"


class OperationMetrics(SchemaExtension):
    """Counts each operation and times it."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        try:
            label = operation_label(context)
            LATENCY.labels(label).observe(time.perf_counter() - started)
            OPERATIONS.labels(label, outcome(context)).inc()
        except Exception:  # metrics never fail a request
            log.exception("could not record operation metrics")


async def _webhook_figures(pool: ReadPool) -> None:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT status, count(*) AS n, count(*) FILTER (WHERE failures > 0) AS retrying"
            " FROM webhook_endpoints GROUP BY status"
        )
        WEBHOOK_ENDPOINTS.clear()
        for row in rows:
            WEBHOOK_ENDPOINTS.labels(row["status"]).set(row["n"])
        WEBHOOK_RETRYING.set(sum(r["retrying"] for r in rows if r["status"] == "ACTIVE"))
        WEBHOOK_FAILURES.set(
            await conn.fetchval("SELECT count(*) FROM webhook_attempts WHERE NOT succeeded")
        )
        WEBHOOK_BACKLOG.set(await webhooks.backlog(conn))


async def metrics(request: Request) -> Response:
    services = request.app.state.services
    feeds = (services.feed, services.okr_feed)
    SUBSCRIBERS.set(sum(len(s) for f in feeds for s in f.subscribers.values()))
    try:
        for view, lag in (await lag_by_view(services)).items():
            LAG_EVENTS.labels(view).set(lag.events)
            LAG_SECONDS.labels(view).set(lag.seconds)
        await _webhook_figures(services.pool)
    except (OSError, asyncpg.PostgresError, PersistenceError) as exc:
        # The database is unreachable: answer what this process knows.
        log.debug("metrics: database figures unavailable: %s", exc)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def disabled(request: Request) -> Response:
    return PlainTextResponse("metrics are off (OKRANK_METRICS=0)", status_code=404)
