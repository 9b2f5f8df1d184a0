"""Applying a list of events to fresh views live (not as a rebuild), in batches of chosen
sizes, to compare what different batchings write."""

from __future__ import annotations

import random
from typing import Any

import psycopg
from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.projection import ProjectionRunner

from okrank.domain.application import OkrankApplication
from okrank.projections.engine.runner import VIEWS, event_store_env
from okrank.projections.engine.view import ReadModelView
from tests.support.read_models import snapshot, tracked


def logged(app: OkrankApplication) -> list[tuple[Any, Tracking]]:
    """Every event the application has stored, with the tracking `project` records for it."""
    notifications = app.recorder.select_notifications(start=0, limit=1_000_000)
    return [(app.mapper.to_domain_event(n), Tracking(app.name, n.id)) for n in notifications]


def fresh_views(url: str) -> list[ReadModelView]:
    """Every view, dropped and created empty (the outboxes too), with a fresh rank index."""
    views = []
    with psycopg.connect(url, autocommit=True) as conn:
        for _, view_cls in VIEWS:
            for table in view_cls.kept_on_rebuild:  # view.drop() keeps them
                conn.execute(f"DROP TABLE IF EXISTS {table}")
    for projection_cls, view_cls in VIEWS:
        env = ProjectionRunner._construct_env(projection_cls.name, event_store_env(url))
        old = InfrastructureFactory.construct(env=env).tracking_recorder(view_cls)
        old.drop()
        old.datastore.close()
        # A new recorder creates the tables: the old one remembers its tracking table existing.
        views.append(InfrastructureFactory.construct(env=env).tracking_recorder(view_cls))
    return views


def project(url: str, events: list[tuple[Any, Tracking]], sizes: random.Random | int | None) -> Any:
    """Apply `events` live (not as a rebuild): one per transaction (None), in batches of random
    sizes (2 to 40), or in batches of a given size. Returns every table and each view's
    tracking position."""
    views = fresh_views(url)
    try:
        for view in views:
            wanted = [(e, t) for e, t in events if type(e) in view.handlers]
            n = 0
            while n < len(wanted):
                size = sizes if isinstance(sizes, int) else sizes.randint(2, 40) if sizes else 1
                view.apply(wanted[n : n + size])
                n += size
        with psycopg.connect(url) as conn:
            positions = {v.view_name: tracked(conn, v.view_name) for v in views}
        return snapshot(url), positions
    finally:
        for view in views:
            view.datastore.close()
