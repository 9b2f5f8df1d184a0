"""`okrank audit head|verify`: the audit chain's heads, and its verification against the event
store, from a terminal (reads only; a running server keeps chaining new events). `export` and
`verify-export` are in api.cli.audit_export, `replay` in api.cli.audit_replay."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from okrank.api.cli import audit_export, audit_replay
from okrank.api.cli.parsing import command, command_group
from okrank.api.cli.refusal import refuse

NOT_VERIFIED = 1  # a problem was found


def add_parser(sub: Any, common: argparse.ArgumentParser, database: Any) -> None:
    """`audit head …` and `audit verify …`; `database(args)` gives (url, embedded server)."""
    commands = command_group(sub, "audit", common, "the tamper-evident audit trail")
    p = command(
        commands,
        "head",
        common,
        help="print each workspace's audit-chain head (N:HASH), to publish elsewhere",
    )
    p.add_argument("--workspace", help="only this workspace (default: every workspace)")
    p.set_defaults(func=lambda args: head(args, database))
    p = command(
        commands,
        "verify",
        common,
        help="recompute the audit chain from the event store and report the first change",
        description="Recompute each workspace's hash chain from the stored events and compare"
        " it with the chain recorded when each event was new. Prints 'all N events verify up"
        " to N:HASH', or the first event whose stored bytes changed, that was deleted, moved or"
        " inserted (exit code 1). --head proves the history up to an earlier head unchanged.",
    )
    p.add_argument("--workspace", help="only this workspace (default: every workspace)")
    p.add_argument("--head", help="an earlier head (N:HASH) the history must still match")
    p.set_defaults(func=lambda args: verify(args, database))
    audit_export.add_parsers(commands, common, database)
    audit_replay.add_parser(commands, common, database)


def workspaces(conn: Any, only: str | None) -> list[str]:
    known = [r[0] for r in conn.execute("SELECT DISTINCT workspace FROM audit_originators")]
    if only is None:
        return sorted(known)
    if only not in known:
        refuse(f"workspace {only!r} has no events in the audit chain")
    return [only]


def connect(args: argparse.Namespace, database: Any) -> tuple[Any, object]:
    import psycopg

    url, server = database(args)
    conn = psycopg.connect(url, autocommit=True)
    try:
        conn.execute("SELECT 1 FROM audit_originators LIMIT 1")
    except psycopg.errors.UndefinedTable:
        conn.close()
        refuse("the audit chain has not been built yet: run okrank serve or okrank project")
    return conn, server


def head(args: argparse.Namespace, database: Any) -> None:
    from okrank.projections.audit.verify import head as head_of

    conn, server = connect(args, database)
    with conn:
        for workspace in workspaces(conn, args.workspace):
            print(f"{workspace} {head_of(conn, workspace)}")
    del server


def verify(args: argparse.Namespace, database: Any) -> None:
    from okrank.domain.audit.chain import Head
    from okrank.projections.audit.verify import verify_workspace

    expected = None
    if args.head is not None:
        if args.workspace is None:
            refuse("--head goes with --workspace (a head belongs to one workspace)")
        try:
            expected = Head.parse(args.head)
        except ValueError as exc:
            refuse(f"--head: {exc}")
    conn, server = connect(args, database)
    failed = False
    with conn:
        for workspace in workspaces(conn, args.workspace):
            result = verify_workspace(conn, workspace, expected)
            if result.verified:
                print(f"{workspace}: {result.message}")
            else:
                failed = True
                where = f" at position {result.position}" if result.position is not None else ""
                print(f"{workspace}: {result.problem}{where}: {result.message}")
                print(
                    f"{workspace}: the {result.events} events before it verify up to {result.head}"
                )
    del server
    if failed:
        sys.exit(NOT_VERIFIED)
