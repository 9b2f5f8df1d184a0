"""GET /reviews/{id}/report.json and /reviews/{id}/report.csv: a quarterly review's report as a
file (api.reviews.report). The bearer token is checked as /graphql checks it (401); whoever may
read the `quarterlyReview` query may export it (every role). The review is looked for in the
token's workspace only: another workspace's review id answers 404, as an unknown one does."""

from __future__ import annotations

import json
import re
from typing import Any

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from okrank.api.auth.authenticator import Authenticator
from okrank.api.graphql.ids import uuid_of
from okrank.api.http.errors import error_response
from okrank.api.http.request_principal import principal_or_refusal
from okrank.api.http.unavailable import CODE as UNAVAILABLE_CODE
from okrank.api.http.unavailable import HEADERS as UNAVAILABLE_HEADERS
from okrank.api.reviews.report import report_csv, review_report

PATH = "/reviews/{review_id}/report.{format}"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
NOT_BUILT = "the reviews' read model has not been built yet: try again once the projections ran"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def route(authenticator: Authenticator) -> Any:
    async def export(request: Request) -> Response:
        principal = await principal_or_refusal(request, authenticator)
        if isinstance(principal, Response):
            return principal
        fmt = request.path_params["format"]
        if fmt not in MEDIA_TYPES:
            return error_response(400, f"format: {fmt!r} is not a format; use json or csv")
        gid = request.path_params["review_id"]
        ident = uuid_of(gid, "QuarterlyReview")
        if ident is None:
            return error_response(400, "not a QuarterlyReview ID")
        pool = request.app.state.services.pool
        try:
            report = await review_report(pool, principal.workspace, ident)
        except asyncpg.UndefinedTableError:  # a fresh database: the projections have not run
            return error_response(503, NOT_BUILT, UNAVAILABLE_CODE, UNAVAILABLE_HEADERS)
        if report is None:
            return error_response(404, f"QuarterlyReview {gid} not found", "NOT_FOUND")
        review = report["review"]
        name = SAFE_NAME.sub(
            "_", f"okrank-review-{review['team'] or 'workspace'}-{review['cycle']}"
        )
        body = json.dumps(report) if fmt == "json" else report_csv(report)
        return Response(
            body,
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
        )

    return export
