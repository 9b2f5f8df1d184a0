"""The GraphiQL page loads its scripts and styles from okrank itself (no CDN), and the
vendored files are served compressed, with their licences."""

from __future__ import annotations

import gzip
import re

import httpx
import pytest

from tests.support.servers import ServerProcess


def test_the_graphiql_page_loads_nothing_from_another_host(server):
    page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/graphiql/") for s in sources), sources
    for source in sources:
        asset = httpx.get(f"{server.url}{source}")
        assert asset.status_code == 200 and len(asset.content) > 1000, source


def test_an_asset_is_sent_compressed_to_a_client_that_accepts_gzip_and_plain_otherwise(server):
    url = f"{server.url}/graphiql/3.8.3/react.production.min.js"
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
        assert "immutable" in response.headers["cache-control"]
    plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content and plain.content.startswith(b"/**")
    assert plain.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize("name", ["LICENSE-graphiql", "LICENSE-react"])
def test_the_vendored_licences_are_served(server, name):
    licence = httpx.get(f"{server.url}/graphiql/3.8.3/{name}")
    assert licence.status_code == 200 and "MIT License" in licence.text


def test_an_unknown_asset_is_not_found(server):
    assert httpx.get(f"{server.url}/graphiql/3.8.3/..%2Fapp.py").status_code == 404
    assert httpx.get(f"{server.url}/graphiql/3.8.3/secret.key").status_code == 404


def test_with_graphiql_off_its_assets_are_not_served(make_database):
    server = ServerProcess(make_database(), projections=False, env={"OKRANK_GRAPHIQL": "0"})
    try:
        response = httpx.get(f"{server.url}/graphiql/3.8.3/react.production.min.js")
        assert response.status_code == 404
    finally:
        server.stop()
