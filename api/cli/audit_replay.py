"""`okrank audit replay --until T --schema NAME`: the read models as of T, replayed into a new
PostgreSQL schema for SQL investigation (projections.audit.replay); the live ones untouched."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from okrank.api.cli.parsing import bar_progress, command
from okrank.api.cli.refusal import refuse


def add_parser(commands: Any, common: argparse.ArgumentParser, database: Any) -> None:
    p = command(
        commands,
        "replay",
        common,
        help="rebuild the read models as of a time into a new schema, for SQL investigation",
        description="Replay the event log up to --until (ISO 8601, UTC unless an offset is"
        " given) into new tables in the schema --schema, which must not exist yet. The live"
        " read models are not touched; query the replay with SET search_path = NAME.",
    )
    p.add_argument("--until", required=True, help="the moment to replay up to")
    p.add_argument("--schema", required=True, help="the new schema to replay into")
    p.set_defaults(func=lambda args: replay(args, database))


def replay(args: argparse.Namespace, database: Any) -> None:
    from tqdm import tqdm

    from okrank.domain.audit.export_format import moment
    from okrank.projections.audit.replay import ReplayRefused, check_schema
    from okrank.projections.audit.replay import replay as replay_as_of

    try:
        until = moment("--until", args.until)
        check_schema(args.schema)
    except ValueError as exc:
        refuse(str(exc))
    url, server = database(args)
    with tqdm(unit="event", desc=f"replaying into {args.schema}", file=sys.stderr) as bar:
        try:
            result = replay_as_of(url, until, args.schema, bar_progress(bar))
        except ReplayRefused as exc:
            bar.close()
            refuse(str(exc))
    print(
        f"replayed {result.events} events up to position {result.position} into schema"
        f" {result.schema} (SET search_path = {result.schema})"
    )
    del server
