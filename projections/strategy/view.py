"""The strategy view: themes and the work in them (the roadmap), health metrics and mission
briefings. A view of its own: none of its rows moves a ranking, and the catalog's transaction
stays as it was; reads join its tables with the catalog's objectives and items."""

from __future__ import annotations

from okrank.projections.engine.view import ReadModelView, ViewProjection
from okrank.projections.strategy import briefings, health, themes
from okrank.projections.strategy.tables import INDEXES, TABLES


class StrategyView(ReadModelView):
    view_name = "strategy"
    tables = TABLES
    indexes = INDEXES
    handlers = {**themes.HANDLERS, **health.HANDLERS, **briefings.HANDLERS}


class StrategyProjection(ViewProjection):
    name = "strategy"
