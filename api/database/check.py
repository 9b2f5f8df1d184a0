"""A DATABASE_URL is checked before okrank starts: the URL's form, then one connection try with
a short timeout, so that a wrong URL ends in one line naming the cause (exit code 2) rather
than a banner, a token and a traceback 30 s later."""

from __future__ import annotations

from urllib.parse import urlsplit

from okrank.api.http.credentials import mask

CHECK_TIMEOUT_SECONDS = 5
SCHEMES = ("postgresql", "postgres")

# What libpq says, by cause; the first that matches names the problem.
CAUSES = (
    ("connection refused", "connection refused: is PostgreSQL running and listening there?"),
    ("could not translate host name", "unknown host"),
    ("name or service not known", "unknown host"),
    ("nodename nor servname", "unknown host"),
    ("password authentication failed", "authentication failed (user or password)"),
    ("no password supplied", "authentication failed: no password given"),
    ("authentication failed", "authentication failed"),
    ("does not exist", "database missing"),
    ("timeout expired", f"no answer within {CHECK_TIMEOUT_SECONDS} s"),
    ("no such file or directory", "no PostgreSQL socket at that path"),
)


class DatabaseUrlError(Exception):
    """The DATABASE_URL cannot be used; the message says why, credentials masked."""


def form_problem(url: str) -> str | None:
    """Why `url` is not a PostgreSQL URL, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises on a port that is not a number
    except ValueError as exc:
        return f"malformed URL ({exc})"
    if parts.scheme not in SCHEMES:
        return "not a postgresql URL (expected postgresql://user:password@host:port/database)"
    return None


def cause(error_text: str) -> str:
    """The one-line cause of a failed connection, from the driver's message."""
    lowered = error_text.lower()
    for needle, meaning in CAUSES:
        if needle in lowered:
            if meaning == "database missing":
                return f"database missing ({error_text.strip().splitlines()[-1][:120]})"
            return meaning
    first = error_text.strip().splitlines()[0] if error_text.strip() else "unknown error"
    return mask(first)[:200]


def check_database_url(url: str, timeout: float = CHECK_TIMEOUT_SECONDS) -> None:
    """Raise DatabaseUrlError unless `url` is a PostgreSQL URL okrank can connect to now."""
    import psycopg

    problem = form_problem(url)
    if problem is None:
        try:
            with psycopg.connect(url, connect_timeout=max(1, int(timeout))):
                return
        except psycopg.Error as exc:
            problem = cause(str(exc))
    raise DatabaseUrlError(f"DATABASE_URL {mask(url)}: {problem}")
