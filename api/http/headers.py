"""Reading one request header from an ASGI scope: the one rule every middleware follows.

A name sent more than once reads as its last value (as a dict built from the headers would
have it), so the token the guard authenticates is the token the rate limiter counts. Nothing
is built per request: a middleware suspended for a WebSocket's lifetime holds no copy of the
headers (a dict of them per connection was ~1.8 KB of each idle subscriber).
"""

from __future__ import annotations

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> str | None:
    """The last value of header `name` (lower case, as ASGI servers give names), decoded as
    ISO-8859-1 (RFC 9110 §5.5); None when absent."""
    found = None
    for key, value in scope["headers"]:
        if key == name:
            found = value
    return None if found is None else found.decode("latin-1")
