"""The query limits' configuration, read from the environment in this one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_COST_LIMIT = 10_000


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "on", "yes"):
        return True
    if raw.lower() in ("0", "false", "off", "no"):
        return False
    raise ValueError(f"{name} must be 1 or 0, not {raw!r}")


@dataclass(frozen=True)
class QuerySettings:
    introspection: bool = True  # OKRANK_INTROSPECTION: __schema/__type allowed
    graphiql: bool = True  # OKRANK_GRAPHIQL: the GraphiQL page served at GET /graphql
    trusted_documents: str | None = None  # OKRANK_TRUSTED_DOCUMENTS: manifest path, if any
    cost_limit: int = DEFAULT_COST_LIMIT  # OKRANK_QUERY_COST_LIMIT

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> QuerySettings:
        raw_limit = env.get("OKRANK_QUERY_COST_LIMIT") or str(DEFAULT_COST_LIMIT)
        if not raw_limit.isdigit() or int(raw_limit) < 1:
            raise ValueError(f"OKRANK_QUERY_COST_LIMIT must be a positive integer: {raw_limit!r}")
        return cls(
            introspection=_switch(env, "OKRANK_INTROSPECTION", True),
            graphiql=_switch(env, "OKRANK_GRAPHIQL", True),
            trusted_documents=env.get("OKRANK_TRUSTED_DOCUMENTS") or None,
            cost_limit=int(raw_limit),
        )


SETTINGS = QuerySettings.from_env()
