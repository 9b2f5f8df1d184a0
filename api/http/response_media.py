"""GraphQL over HTTP's application/graphql-response+json media type, for clients that ask."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from okrank.api.http.headers import header


class GraphQLResponseMedia:
    """GraphQL over HTTP: a client that accepts application/graphql-response+json gets that
    media type, and a request error (parse or validation: no data, no field path) gets 400.
    Plain application/json clients keep the 200 the specification prescribes for them."""

    MEDIA = "application/graphql-response+json"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.MEDIA not in (header(scope, b"accept") or ""):
            return await self.app(scope, receive, send)
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            assert start is not None
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            status = start["status"]
            content_type = dict(headers).get(b"content-type", b"")
            if content_type.startswith(b"application/json"):
                try:
                    result = json.loads(body)
                except ValueError:
                    result = None
                if (
                    isinstance(result, dict)
                    and result.get("data") is None
                    and result.get("errors")
                    and not any("path" in e for e in result["errors"])
                ):
                    result.pop("data", None)
                    status = 400 if status == 200 else status
                    body = json.dumps(result).encode()
                headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
                headers.append((b"content-type", self.MEDIA.encode()))
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffer)
