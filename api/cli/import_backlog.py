"""`okrank import backlog FILE --workspace W`: the importBacklogItems command from a terminal,
writing to the data dir's event store (a running server projects what it writes)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from okrank.api.cli.parsing import bar_progress, command, command_group
from okrank.domain.backlog.tracker_csv import FIELDS

DEFAULT_SUBJECT = "okrank import"


def add_parser(sub: Any, common: argparse.ArgumentParser, database: Any) -> None:
    """`import backlog …`; `database(args)` gives (url, embedded server handle) as cli does."""
    kinds = command_group(sub, "import", common, "import data from files")
    p = command(
        kinds,
        "backlog",
        common,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="import backlog items from a Jira or Linear CSV export",
        description="Import backlog items from a CSV exported by Jira or Linear (the columns:"
        " see importBacklogItems in schema.graphql). Items are identified by their key:"
        " importing again updates changed rows and creates nothing twice. A bad file imports"
        " nothing and every bad row is listed with its line (exit code 1).",
    )
    p.add_argument("file", type=Path, help="the CSV file (UTF-8)")
    p.add_argument("--workspace", required=True, help="the workspace to import into")
    p.add_argument(
        "--mapping",
        action="append",
        default=[],
        help=f"FIELD=HEADER[,FIELD=HEADER…] for headers that differ (fields: {', '.join(FIELDS)})",
    )
    p.add_argument("--subject", default=DEFAULT_SUBJECT, help="the actor recorded in history")
    p.set_defaults(func=lambda args: run(args, database))


def parse_mapping(values: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        for pair in value.split(","):
            field, sep, header = pair.partition("=")
            if not sep or not field.strip() or not header.strip():
                sys.exit(f"--mapping wants FIELD=HEADER pairs, got {pair!r}")
            mapping[field.strip()] = header.strip()
    return mapping


def run(args: argparse.Namespace, database: Any) -> None:
    from tqdm import tqdm

    from okrank.api.backlog.import_graphql import objective_ref
    from okrank.domain.application import Actor, OkrankApplication
    from okrank.domain.csv_import import CsvImportError
    from okrank.domain.errors import DomainError
    from okrank.projections.engine.runner import event_store_env

    mapping = parse_mapping(args.mapping)
    try:
        text = args.file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        sys.exit(f"cannot read {args.file}: {exc}")
    url, server = database(args)
    app = OkrankApplication(env=event_store_env(url))
    actor = Actor(workspace=args.workspace, subject=args.subject)
    try:
        with tqdm(unit="row", desc=f"importing {args.file.name}") as bar:
            progress = bar_progress(bar)
            result = app.import_backlog_items(actor, text, mapping, objective_ref, progress)
    except CsvImportError as exc:
        lines = [f"line {r.line}: {r.message}" for r in exc.rows]
        more = [f"and {exc.omitted} more bad rows"] if exc.omitted else []
        sys.exit("\n".join([f"{args.file}: nothing imported", *lines, *more]))
    except DomainError as exc:
        sys.exit(f"{args.file}: nothing imported: {exc.message}")
    finally:
        app.close()
    c = result.counts
    print(
        f"imported {args.file} into workspace '{args.workspace}': {c.created} created,"
        f" {c.updated} updated, {c.unchanged} unchanged"
    )
    del server
