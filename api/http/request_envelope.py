"""The JSON envelope of a GraphQL request ({"query", "variables", "operationName",
"extensions"}), decoded strictly: a body that is not what the GraphQL-over-HTTP specification
allows is the client's mistake (400), never a server fault (500)."""

from __future__ import annotations

import orjson
from cross_web import HTTPException

NOT_AN_OBJECT = "The request body must be a JSON object with a `query`."


def decode_json(data: str | bytes) -> object:
    """RFC 8259 JSON in UTF-8: no NaN or Infinity, no number beyond a double, no byte-order
    mark, at most 1,024 levels deep (orjson's limit), so a deeply nested value cannot exhaust
    the recursion of the parser or of anything walking the result. Duplicate keys: the last
    one wins, as in most JSON parsers."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        reason = str(exc).split(":", 1)[0]  # orjson's reason, without its position
        raise HTTPException(400, f"Unable to parse request body as JSON: {reason}.") from None
