"""GraphiQL served from okrank itself, so the page works on a network without internet.

The assets are vendored in api/graphiql_assets/ (gzip-compressed, with their MIT licences):
graphiql 3.8.3 (its UMD bundle, fonts inlined in its CSS), react and react-dom 18.3.1 (UMD
production builds), unpacked from the npm packages of those versions. They are sent as stored,
with `Content-Encoding: gzip` (every browser accepts it), or unpacked for a client that does not.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

ASSETS = Path(__file__).parent / "graphiql_assets"
VERSION = "3.8.3"
ASSET_PATH = f"/graphiql/{VERSION}/{{name}}"  # versioned: the files can be cached for good
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
FILES = {
    "graphiql.min.js",
    "graphiql.min.css",
    "react.production.min.js",
    "react-dom.production.min.js",
    "LICENSE-graphiql",
    "LICENSE-react",
}
HEADERS_HINT = {"Authorization": "Bearer <the token okrank serve printed>"}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>okrank GraphiQL</title>
  <link rel="stylesheet" href="{base}/graphiql.min.css">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="{base}/react.production.min.js"></script>
  <script src="{base}/react-dom.production.min.js"></script>
  <script src="{base}/graphiql.min.js"></script>
  <script>
    // The headers editor's JSON (kept in this browser) authenticates HTTP requests and, as
    // the connection_init payload, subscriptions: a browser cannot set WebSocket headers.
    function storedHeaders() {{
      try {{ return JSON.parse(localStorage.getItem("graphiql:headers") || "{{}}"); }}
      catch (e) {{ return {{}}; }}
    }}
    const wsUrl = location.origin.replace(/^http/, "ws") + location.pathname;
    const fetcher = GraphiQL.createFetcher({{
      url: location.origin + location.pathname,
      subscriptionUrl: wsUrl,
      wsConnectionParams: storedHeaders,
    }});
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {{
        fetcher: fetcher,
        defaultHeaders: {headers},
        shouldPersistHeaders: true,
        isHeadersEditorEnabled: true,
        defaultEditorToolsVisibility: "headers",
      }})
    );
  </script>
</body>
</html>
"""


def page() -> str:
    """The GraphiQL HTML page, loading only okrank's own copies of its scripts and styles."""
    base = ASSET_PATH.removesuffix("/{name}")
    return PAGE.format(base=base, headers=json.dumps(json.dumps(HEADERS_HINT, indent=2)))


@cache
def _compressed(name: str) -> bytes:
    path = ASSETS / (name if name.startswith("LICENSE") else f"{name}.gz")
    return path.read_bytes()


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in FILES:
        return PlainTextResponse("not found", status_code=404)
    headers = {"Cache-Control": "public, max-age=31536000, immutable"}
    if name.startswith("LICENSE"):
        return PlainTextResponse(_compressed(name).decode(), headers=headers)
    media_type = MEDIA_TYPES[Path(name).suffix]
    body = _compressed(name)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        return Response(body, media_type=media_type, headers=headers)
    return Response(gzip.decompress(body), media_type=media_type, headers=headers)
