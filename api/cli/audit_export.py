"""`okrank audit export|verify-export`: a workspace's audit trail to a file, with a progress
bar on stderr, and the offline check of such a file (no database: only the chain rule and the
application's own decoding)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from okrank.api.cli.parsing import command
from okrank.api.cli.refusal import refuse

NOT_VERIFIED = 1  # the file does not verify


def add_parsers(commands: Any, common: argparse.ArgumentParser, database: Any) -> None:
    p = command(
        commands,
        "export",
        common,
        help="write a workspace's audit trail (JSON Lines or CSV) with its hash-chain links",
        description="Write the workspace's chained events in log order, each with its decoded"
        " change, its stored bytes and its hash-chain link, so the file can be verified"
        " offline (okrank audit verify-export). --since/--until (ISO 8601, UTC unless an"
        " offset is given) select a stretch of the log.",
    )
    p.add_argument("--workspace", required=True, help="the workspace to export")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("--since", help="from the first event recorded at or after this time")
    p.add_argument("--until", help="up to the first event recorded after this time")
    p.add_argument("--output", help="the file to write (default: standard output)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=lambda args: export(args, database))
    p = command(
        commands,
        "verify-export",
        common,
        help="verify an exported audit file offline, against the hash-chain rule",
        description="Recompute each record's link from its stored bytes and the record before"
        " it, and check its decoded fields against those bytes. Prints 'all N records verify"
        " … up to N:HASH', or the first record that was altered, removed, moved or inserted"
        " (exit code 1). --head proves the file's history up to an earlier head unchanged.",
    )
    p.add_argument("file", help="the exported file (.csv is read as CSV, else JSON Lines)")
    p.add_argument("--format", choices=("jsonl", "csv"), help="the file's format")
    p.add_argument("--head", help="an earlier head (N:HASH) the file's history must match")
    p.set_defaults(func=verify_export)


@contextmanager
def _output(path: str | None) -> Iterator[IO[bytes]]:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as out:
        yield out


def export(args: argparse.Namespace, database: Any) -> None:
    from tqdm import tqdm

    from okrank.api.cli.audit import connect, workspaces
    from okrank.domain.application import OkrankApplication
    from okrank.domain.audit.export_format import encoded, window
    from okrank.projections.audit.export import chained_events, export_records

    try:
        since, until = window(args.since, args.until)
    except ValueError as exc:
        refuse(str(exc))
    conn, server = connect(args, database)
    mapper = OkrankApplication().mapper  # decoding only: the same transcoder as the store's
    with conn:
        (workspace,) = workspaces(conn, args.workspace)
        total = chained_events(conn, workspace)
        bar = tqdm(total=total, unit="event", file=sys.stderr, disable=args.no_progress)
        with bar, _output(args.output) as out:
            records = export_records(conn, mapper, args.workspace, since, until, scanned=bar.update)
            written = [0]
            for chunk in encoded(_counted(records, written), args.format):
                out.write(chunk)
    del server
    print(
        f"okrank: exported {written[0]} of the workspace's {total} chained events",
        file=sys.stderr,
    )


def _counted(records: Iterator[dict[str, Any]], count: list[int]) -> Iterator[dict[str, Any]]:
    for rec in records:
        count[0] += 1
        yield rec


def verify_export(args: argparse.Namespace) -> None:
    from okrank.domain.application import OkrankApplication
    from okrank.domain.audit.chain import Head
    from okrank.domain.audit.export_format import format_of, parsed, record_again
    from okrank.domain.audit.export_verification import verify_export as verify

    try:
        expected = Head.parse(args.head) if args.head is not None else None
    except ValueError as exc:
        refuse(f"--head: {exc}")
    mapper = OkrankApplication().mapper
    fmt = args.format or format_of(args.file)
    try:
        with open(args.file, encoding="utf-8", newline="") as lines:
            result = verify(parsed(lines, fmt), lambda r: record_again(mapper, r), expected)
    except (OSError, ValueError) as exc:
        refuse(f"{args.file}: {exc}")
    if result.verified:
        print(f"{args.file}: {result.message}")
        return
    where = f" at position {result.position}" if result.position is not None else ""
    print(f"{args.file}: {result.problem}{where}: {result.message}")
    print(f"{args.file}: the {result.events} records before it verify up to {result.head}")
    sys.exit(NOT_VERIFIED)
