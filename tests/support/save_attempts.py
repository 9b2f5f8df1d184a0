"""Count the saves a command attempts: a command that meets a version conflict saves twice."""

from __future__ import annotations

from typing import Any

from okrank.domain.application import OkrankApplication


def save_attempts(app: OkrankApplication) -> list[int]:
    """The version of each save `change` attempts from now on."""
    attempts: list[int] = []
    save_new = app.save_new

    def counted(aggregate: Any) -> Any:
        attempts.append(aggregate.version)
        return save_new(aggregate)

    app.save_new = counted  # type: ignore[method-assign]
    return attempts
