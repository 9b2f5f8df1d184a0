"""Catalog handlers of exercise events: the exercise tables (okrank.projections.exercises.view),
and, when results appear, change or go, the rankings of the exercise's candidates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from psycopg import Cursor

from okrank.domain.exercises.exercise import Exercise
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.rankings import recompute_rankings
from okrank.projections.exercises import view as exercises
from okrank.projections.rankings.causes import cause_of

Handler = Callable[[CatalogBatch, Any, int], None]


def _tables_only(handler: Callable[[Cursor[Any], Any, int], None]) -> Handler:
    return lambda b, e, pos: handler(b.curs, e, pos)


def _reranking(handler: Callable[[Cursor[Any], Any, int], tuple[str, list[UUID]]]) -> Handler:
    """A handler that returns (workspace, candidates): their rankings follow its results."""

    def handle(b: CatalogBatch, e: Any, pos: int) -> None:
        workspace, candidates = handler(b.curs, e, pos)
        recompute_rankings(b, workspace, candidates, cause_of(e, pos))

    return handle


HANDLERS: dict[type, Handler] = {
    **{event: _tables_only(handler) for event, handler in exercises.HANDLERS.items()},
    Exercise.Closed: _reranking(exercises.closed),
    Exercise.Reopened: _reranking(exercises.reopened),
    Exercise.RespondentExcluded: _reranking(exercises.respondent_excluded),
    Exercise.RespondentReinstated: _reranking(exercises.respondent_reinstated),
}
