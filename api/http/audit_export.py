"""GET /audit/export: a workspace's audit trail as a file, streamed (ADMIN or AUDITOR).

`?format=jsonl|csv&since=&until=` (ISO 8601; a time without an offset is UTC). The records
are those of `okrank audit export` (domain.audit.export_format), read through a server-side
cursor on a connection of the export's own (projections.audit.export) and sent as they are
read, so memory stays the same for any length. The bearer token is checked as /graphql checks
it (401), then the role (403, FORBIDDEN), then the parameters (400); the caller's workspace is
the token's, never a parameter. Individual answers are withheld from whoever may not see them
(api.exercises.privacy), as in entity histories.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from okrank.api.auth import Principal
from okrank.api.auth.authenticator import Authenticator
from okrank.api.auth.permissions import READ_AUDIT_TRAIL, allows
from okrank.api.exercises.privacy import INDIVIDUAL_ANSWERS, is_owner
from okrank.api.http.errors import error_response
from okrank.api.http.request_principal import principal_or_refusal
from okrank.api.http.unavailable import CODE as UNAVAILABLE_CODE
from okrank.api.http.unavailable import HEADERS as UNAVAILABLE_HEADERS
from okrank.api.http.unavailable import refusal
from okrank.domain.audit.export_format import FORMATS, MEDIA_TYPES, encoded, window
from okrank.projections.audit.export import chained_events, export_records
from okrank.projections.engine.database_settings import CONNECT_TIMEOUT_SECONDS

PATH = "/audit/export"
PARAMETERS = ("format", "since", "until")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")  # a workspace name as a header's file name
NOT_BUILT = "the audit chain has not been built yet: try again once the projections have run"


class BadParameters(ValueError):
    """A 400: what is wrong with the query string, in words."""


def parameters(query: Any) -> tuple[str, datetime | None, datetime | None]:
    """(format, since, until) from the query string, or BadParameters."""
    unknown = sorted(set(query.keys()) - set(PARAMETERS))
    if unknown:
        raise BadParameters(f"unknown parameter {unknown[0]!r}: use format, since and until")
    fmt = query.get("format", "jsonl")
    if fmt not in FORMATS:
        raise BadParameters(f"format: {fmt!r} is not a format; use jsonl or csv")
    try:
        since, until = window(query.get("since"), query.get("until"))
    except ValueError as exc:
        raise BadParameters(str(exc)) from None
    return fmt, since, until


def _stream(
    conn: psycopg.Connection[Any], app: Any, principal: Principal, fmt: str, window: Any
) -> Iterator[bytes]:
    withheld = frozenset() if is_owner(principal) else INDIVIDUAL_ANSWERS
    try:
        records = export_records(conn, app.mapper, principal.workspace, *window, withheld)
        yield from encoded(records, fmt)
    finally:
        conn.close()


def _connect(database_url: str, workspace: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(database_url, connect_timeout=max(1, round(CONNECT_TIMEOUT_SECONDS)))
    try:
        chained_events(conn, workspace)  # the chain's tables exist
        conn.rollback()
    except BaseException:
        conn.close()
        raise
    return conn


def route(authenticator: Authenticator, database_url: str) -> Any:
    """The endpoint, given how tokens are checked and the database to read."""

    async def export(request: Request) -> Response:
        principal = await principal_or_refusal(request, authenticator)
        if isinstance(principal, Response):
            return principal
        if not allows(principal, READ_AUDIT_TRAIL):
            return error_response(
                403, "only an ADMIN or an AUDITOR exports the audit trail", "FORBIDDEN"
            )
        try:
            fmt, since, until = parameters(request.query_params)
        except BadParameters as exc:
            return error_response(400, str(exc))
        try:
            conn = await run_in_threadpool(_connect, database_url, principal.workspace)
        except psycopg.errors.UndefinedTable:
            return error_response(503, NOT_BUILT, UNAVAILABLE_CODE, UNAVAILABLE_HEADERS)
        except psycopg.OperationalError:
            return refusal()  # the database cannot be reached now
        app = request.app.state.services.app
        name = f"okrank-audit-{SAFE_NAME.sub('_', principal.workspace)}.{fmt}"
        return StreamingResponse(
            _stream(conn, app, principal, fmt, (since, until)),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return export
