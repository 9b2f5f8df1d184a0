"""okrank as before group commit, for a baseline in the same run: every save commits alone (a
group of at most one save is the library's own transaction).

`uvicorn bench.ungrouped_app:create_app --factory`, with okrank's environment.
"""

from __future__ import annotations

from typing import Any

from okrank.api.http.app import create_app as okrank_app
from okrank.projections.engine import group_commit


def create_app() -> Any:
    group_commit.MAX_GROUP = 1
    return okrank_app()
