"""Runs the okrank ASGI app under uvicorn with okrank's connection limits: the one place that
starts a server, used by `okrank serve` and by `python -m api.server` (tests, containers)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from okrank.api.http_limits import HttpLimits, http_limits

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def uvicorn_options(limits: HttpLimits) -> dict[str, Any]:
    """uvicorn settings that bound what one client can hold (see api.http_limits)."""
    return {
        "http": "api.http_protocol:GuardedHttpProtocol",  # header timeout and size
        "timeout_keep_alive": limits.keepalive_timeout,
        "limit_concurrency": limits.max_connections,
        "h11_max_incomplete_event_size": limits.max_header_bytes,
        "access_log": False,
    }


def run(host: str, port: int, workers: int = 1, log_level: str = "info") -> None:
    import uvicorn

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        **uvicorn_options(http_limits()),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format=LOG_FORMAT)
    run(args.host, args.port, args.workers, args.log_level)


if __name__ == "__main__":
    main()
