"""What a client is told while the database is unreachable: HTTP 503 with Retry-After, and a
GraphQL error with `extensions.code = "SERVICE_UNAVAILABLE"` (plus `retryAfter` in seconds).

A mutation that meets the outage says what is known of its outcome: `outcome: "UNKNOWN"` when
the command itself could not complete (it may or may not have been recorded), or
`outcome: "RECORDED"` with its `position` in the event log when it was recorded but could not be
read back.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from starlette.responses import JSONResponse, Response
from strawberry.extensions import MaskErrors

from okrank.api.database.health import is_unavailable
from okrank.projections.engine.database_settings import RETRY_AFTER_SECONDS

CODE = "SERVICE_UNAVAILABLE"
HEADERS = {"Retry-After": str(RETRY_AFTER_SECONDS)}
UNAVAILABLE = "the database is unavailable; retry later"


def unavailable(message: str = UNAVAILABLE, **extensions: Any) -> GraphQLError:
    return GraphQLError(
        message,
        extensions={"code": CODE, "retryAfter": RETRY_AFTER_SECONDS, **extensions},
    )


def outcome_unknown() -> GraphQLError:
    return unavailable(
        "the database became unavailable while the change was being recorded: it may or may "
        "not have been recorded; read the entity again before retrying",
        outcome="UNKNOWN",
    )


def recorded_unconfirmed(position: int | None) -> GraphQLError:
    return unavailable(
        f"the change was recorded (log position {position}) but the database became "
        "unavailable before it could be read back; do not repeat it, query it again later",
        outcome="RECORDED",
        committed=True,
        position=position,
    )


def refusal() -> JSONResponse:
    """The answer to a request that arrives while the database is known to be down."""
    extensions = {"code": CODE, "retryAfter": RETRY_AFTER_SECONDS}
    body = {"errors": [{"message": UNAVAILABLE, "extensions": extensions}]}
    return JSONResponse(body, status_code=503, headers=HEADERS)


def mark_response(response: Response, response_data: Any) -> Response:
    """503 + Retry-After for a GraphQL answer that carries a SERVICE_UNAVAILABLE error."""
    results = response_data if isinstance(response_data, list) else [response_data]
    if any(
        (e.get("extensions") or {}).get("code") == CODE
        for result in results
        for e in result.get("errors") or ()
    ):
        response.status_code = 503
        response.headers.update(HEADERS)
    return response


class MaskErrorsExceptOutage(MaskErrors):
    """Unexpected exceptions stay hidden as "Internal error.", except a lost or unreachable
    database: that is reported as SERVICE_UNAVAILABLE (retryable), and makes the process check
    the database's health."""

    def _process_result(self, result: object) -> None:
        """As MaskErrors does, without its isinstance check against a runtime Protocol, which
        cost more than the rest of a live change's delivery (it runs once per subscriber)."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None or not is_unavailable(original):
            return super().anonymise_error(error)
        context = self.execution_context.context
        context.services.health.suspect(original)
        replacement = unavailable()
        return GraphQLError(
            replacement.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=replacement.extensions,
        )
