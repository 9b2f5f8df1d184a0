"""Who calls a plain HTTP route (the exports): the bearer token checked as /graphql checks it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from okrank.api.auth import AuthError, AuthUnavailable, Principal, bearer
from okrank.api.auth.authenticator import Authenticator
from okrank.api.http.errors import error_response
from okrank.api.http.unavailable import CODE as UNAVAILABLE_CODE
from okrank.api.http.unavailable import HEADERS as UNAVAILABLE_HEADERS
from okrank.api.http.unavailable import refusal


async def principal_or_refusal(
    request: Request, authenticator: Authenticator
) -> Principal | Response:
    """The caller, or the response that refuses the request: 503 while the database is down or
    the identity provider cannot be reached, 401 for a missing or bad token."""
    if request.app.state.services.health.down:
        return refusal()
    try:
        return await authenticator.authenticate(bearer(request.headers.get("authorization")))
    except AuthUnavailable as exc:
        return error_response(503, str(exc), UNAVAILABLE_CODE, UNAVAILABLE_HEADERS)
    except AuthError as exc:
        return error_response(401, str(exc), headers={"WWW-Authenticate": 'Bearer realm="okrank"'})
