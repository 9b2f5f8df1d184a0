"""Start-up mistakes end in one clear line with exit code 2, before any banner or token: a
wrong DATABASE_URL (checked with one short connection try), a port in use, `okrank token`
where no secret exists; and no password is ever printed."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from okrank.api.database.check import cause, form_problem
from okrank.api.http.credentials import MaskCredentials, mask
from tests.support.paths import ROOT
from tests.support.servers import free_port

OKRANK = [sys.executable, "-m", "okrank.api.cli"]


def okrank(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OKRANK_SECRET")}
    return subprocess.run(
        [*OKRANK, *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def serve_with(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="okrank-start-") as data_dir:
        return okrank(
            "--data-dir", data_dir, "serve", "--port", str(free_port()), *extra,
            env={"DATABASE_URL": url},
        )  # fmt: skip


def assert_refused(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""  # no banner, no token
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okrank: ") and says in lines[0], lines


def with_password(url: str, password: str, database: str | None = None) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    host = parts.netloc.rpartition("@")[2]
    path = f"/{database}" if database else parts.path
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}", path=path))


def test_a_url_that_is_not_postgresql_is_refused_in_one_line():
    result = serve_with("mysql://okrank:hunter2@127.0.0.1/okrank")
    assert_refused(result, "not a postgresql URL")
    assert "hunter2" not in result.stderr


def test_a_refused_connection_is_named_and_the_password_masked():
    result = serve_with(f"postgresql://okrank:hunter2@127.0.0.1:{free_port()}/okrank")
    assert_refused(result, "connection refused")
    assert "hunter2" not in result.stderr and "okrank:***@127.0.0.1" in result.stderr


def test_a_missing_database_is_named(postgres_url):
    result = serve_with(with_password(postgres_url, "hunter2", "okrank_no_such_database"))
    assert_refused(result, "database missing")
    assert "okrank_no_such_database" in result.stderr and "hunter2" not in result.stderr


def test_a_port_in_use_is_said_before_any_banner_or_token(database_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with tempfile.TemporaryDirectory(prefix="okrank-start-") as data_dir:
            result = okrank(
                "--data-dir", data_dir, "serve", "--port", str(port),
                env={"DATABASE_URL": database_url},
            )  # fmt: skip
    assert_refused(result, f"port {port} on 127.0.0.1 is already in use")


def test_the_banner_masks_the_database_password(make_database):
    """The embedded test server trusts local connections, so the password is accepted."""
    url = with_password(make_database(), "hunter2")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OKRANK_SECRET")}
    with tempfile.TemporaryDirectory(prefix="okrank-start-") as data_dir:
        proc = subprocess.Popen(
            [*OKRANK, "--data-dir", data_dir, "serve", "--port", str(free_port())],
            cwd=ROOT,
            env={**base, "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            banner = "".join(proc.stdout.readline() for _ in range(4))  # type: ignore[union-attr]
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert "database: postgresql://postgres:***@" in banner, banner
    assert "hunter2" not in banner


def test_token_refuses_without_a_secret_and_names_the_path():
    with tempfile.TemporaryDirectory(prefix="okrank-token-") as data_dir:
        args = ("--data-dir", data_dir, "token", "--workspace", "w", "--subject", "s")
        refused = okrank(*args, "--role", "ADMIN")
        assert_refused(refused, f"no token secret at {Path(data_dir).resolve() / 'secret.key'}")
        assert "--data-dir" in refused.stderr and "--create-secret" in refused.stderr
        assert not (Path(data_dir) / "secret.key").exists()
        created = okrank(*args, "--role", "ADMIN", "--create-secret")
        assert created.returncode == 0 and created.stdout.count(".") == 2  # a JWT
        assert (Path(data_dir) / "secret.key").exists()
        again = okrank(*args, "--role", "ADMIN")
        assert again.returncode == 0


def test_serve_help_describes_each_option_with_its_default():
    result = okrank("serve", "--help")
    assert result.returncode == 0
    for text in ("(default: 127.0.0.1)", "(default: 8000)", "(default: 1)", "(default: info)"):
        assert text in result.stdout
    assert "TCP port to listen on" in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("database: postgresql://okrank:secret@db:5432/okrank", "postgresql://okrank:***@db"),
        ("postgres://u:p@ss@db/x", "postgres://u:***@db/x"),
        ("host=db password=secret dbname=x", "password=*** dbname"),
        ("postgresql://u@db/x?password=secret&sslmode=require", "?password=***&sslmode"),
    ],
)
def test_mask_hides_every_spelling_of_a_password(text, expected):
    assert expected in mask(text) and "secret" not in mask(text) and "p@ss" not in mask(text)


def test_log_records_are_masked_message_and_traceback():
    try:
        raise RuntimeError("could not connect to postgresql://okrank:secret@db/okrank")
    except RuntimeError:
        record = logging.LogRecord(
            "okrank", logging.ERROR, __file__, 1, "using %s", ("postgresql://a:secret@h/d",),
            sys.exc_info(),
        )  # fmt: skip
    assert MaskCredentials().filter(record)
    formatted = logging.Formatter().format(record)
    assert "secret" not in formatted and "a:***@h" in formatted and "okrank:***@db" in formatted


@pytest.mark.parametrize(
    ("driver_says", "cause_named"),
    [
        ('connection to server at "127.0.0.1", port 1 failed: Connection refused', "refused"),
        ('failed to resolve host "db.invalid": could not translate host name', "unknown host"),
        ('FATAL:  password authentication failed for user "okrank"', "authentication"),
        ('FATAL:  database "okrank" does not exist', "database missing"),
        ("connection timeout expired", "no answer within"),
    ],
)
def test_each_connection_failure_is_named(driver_says, cause_named):
    assert cause_named in cause(driver_says)


@pytest.mark.parametrize(
    "url", ["mysql://u:p@h/d", "sqlite:///x.db", "postgresql://h:notaport/d", "127.0.0.1:5432"]
)
def test_a_url_of_the_wrong_form_is_refused_without_connecting(url):
    assert form_problem(url) is not None
