"""Runs the okrank ASGI app under uvicorn with okrank's connection limits: the one place that
starts a server, used by `okrank serve` and by `python -m okrank.api.http.server` (tests,
containers)."""

from __future__ import annotations

import argparse
import errno
import logging
import logging.config
import os
import socket
from typing import Any

from okrank.api.http.limits import HttpLimits, http_limits
from okrank.api.http.log_format import FORMATS, default_format, logging_config

WS_COMPRESSION_ENV = "OKRANK_WS_COMPRESSION"  # 1: offer WebSocket per-message deflate
LOG_LEVELS = ["critical", "error", "warning", "info", "debug"]


def uvicorn_options(limits: HttpLimits) -> dict[str, Any]:
    """uvicorn settings that bound what one client can hold (see api.http_limits)."""
    return {
        "http": "okrank.api.http.protocol:GuardedHttpProtocol",  # header timeout and size
        # uvicorn's WebSocket protocol, able to write frames encoded once for many connections
        "ws": "okrank.api.http.ws_protocol:FrameWritingProtocol",
        "timeout_keep_alive": limits.keepalive_timeout,
        "limit_concurrency": limits.max_connections,
        "h11_max_incomplete_event_size": limits.max_header_bytes,
        "access_log": False,
        # Live changes are a few hundred bytes: per-message deflate saves little on them and
        # costs every connection its compressor's memory and every message a compression.
        "ws_per_message_deflate": os.environ.get(WS_COMPRESSION_ENV, "0") == "1",
    }


class PortUnavailable(Exception):
    """The address to listen on cannot be bound; the message says why."""


def ensure_port_free(host: str, port: int) -> None:
    """Bind the address once, as uvicorn will, so that a port in use is said in one line before
    any banner or token is printed (uvicorn binds only after the application has started)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PortUnavailable(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = f"port {port} on {host} is already in use (choose another with --port)"
            else:
                message = f"cannot listen on {host}:{port}: {exc.strerror}"
            raise PortUnavailable(message) from None


def run(
    host: str, port: int, workers: int = 1, log_level: str = "info", log_format: str = "text"
) -> None:

    import uvicorn

    from okrank.api.http.cors import LISTEN_HOST_ENV

    os.environ[LISTEN_HOST_ENV] = host  # the workers' default browser origins depend on it
    uvicorn.run(
        "okrank.api.http.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        log_config=logging_config(log_level, log_format),  # applied in each worker
        **uvicorn_options(http_limits()),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m okrank.api.http.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info", choices=LOG_LEVELS)
    parser.add_argument("--log-format", default=default_format(), choices=FORMATS)
    args = parser.parse_args(argv)
    logging.config.dictConfig(logging_config(args.log_level, args.log_format))
    run(args.host, args.port, args.workers, args.log_level, args.log_format)


if __name__ == "__main__":
    main()
