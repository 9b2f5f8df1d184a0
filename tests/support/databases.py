"""PostgreSQL URLs for the test databases."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def with_database(url: str, name: str) -> str:
    """The same postgresql:// URL pointing at database `name`."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
