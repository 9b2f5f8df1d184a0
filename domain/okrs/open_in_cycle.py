"""The one rule for an objective work is planned toward: of the cycle planned, and open."""

from __future__ import annotations

from okrank.domain.errors import ValidationError
from okrank.domain.okrs.objective import Objective


def require_open_in_cycle(
    objective: Objective, cycle: str, field: str, named: str, need: str = ""
) -> None:
    """Refuses `objective` unless it is of `cycle` and open. `named` names it in the refusal
    ("the key result's objective"); `need` ends the refusal of one that is not open."""
    if objective.cycle != cycle:
        raise ValidationError(field, f"{named} is of cycle {objective.cycle}, not {cycle}")
    if not objective.is_open:
        raise ValidationError(field, f"{named} is {objective.status.value}{need}")
