"""Whether the read models' tables exist yet: a fresh database has none until each view's
leader has created them, and a read or a mutation that needs one before then would fail (a
webhook registration read the outbox; a second writer raced the event store's own creation).
/readyz of a process that runs the projections waits for them; a process started with
`--no-projections` does not (its read models are another process's to create)."""

from __future__ import annotations

from okrank.api.database.read_pool import ReadPool
from okrank.projections.engine.runner import VIEWS

# Each view's tables, and last its tracking table (created once the view's recorder is built).
TABLES_OF_VIEW = {view.view_name: [*view.tables, f"{view.view_name}_tracking"] for _, view in VIEWS}


async def views_without_tables(pool: ReadPool) -> list[str]:
    """The views some of whose tables do not exist yet, in VIEWS' order."""
    names = [t for tables in TABLES_OF_VIEW.values() for t in tables]
    rows = await pool.fetch(
        "SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL", names
    )
    missing = {r["name"] for r in rows}
    return [view for view, tables in TABLES_OF_VIEW.items() if missing.intersection(tables)]
