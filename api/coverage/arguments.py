"""The dashboards' arguments: a team and a cycle, each bad value a BAD_USER_INPUT error."""

from __future__ import annotations

from okrank.api.graphql.ids import bad_input
from okrank.domain import errors
from okrank.domain.okrs.objective import validate_cycle
from okrank.domain.text import team_name


def team_and_cycle(team: str, cycle: str) -> tuple[str, str]:
    """The team's name as items store it and a well-formed cycle (2026-Q3 or 2026); a team no
    item names is not an error (its dashboards are empty)."""
    try:
        return team_name(team), validate_cycle(cycle)
    except errors.ValidationError as exc:
        raise bad_input(f"{'.'.join(exc.path)}: {exc.message}") from None
