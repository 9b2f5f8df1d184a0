"""The check-in mutation: a key result's measured value and the team's confidence."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.commands.committed import state_row
from okrank.api.commands.inputs import need_id, versioned
from okrank.api.commands.payloads import payload
from okrank.api.okrs import reads
from okrank.api.okrs.check_ins import CheckIn
from okrank.api.okrs.types import KeyResult, Objective
from okrank.domain.application import CommandResult
from okrank.domain.bounds import KEY_RESULT_MAX, spelt
from okrank.domain.errors import NotFoundError
from okrank.domain.okrs import commands
from okrank.domain.okrs.objective import CHECK_IN_NOTE_MAX
from okrank.projections.catalog.check_ins import check_in_id


@strawberry.type(description="The check-in recorded, and the key result and objective after it.")
class CheckInSuccess:
    check_in: CheckIn = strawberry.field(description="The check-in just recorded.")
    key_result: KeyResult = strawberry.field(description="The key result, as queries now see it.")
    objective: Objective = strawberry.field(description="Its objective (its version and grade).")


CheckInPayload = payload("CheckInPayload", "The check-in, or why nothing changed.", CheckInSuccess)


async def check_in_success(ctx: Any, result: CommandResult) -> CheckInSuccess:
    ident = check_in_id(result.aggregate_id, result.version)
    check_in = state_row(await reads.check_ins_by_id(ctx.pool, ctx.workspace, ident), result)
    objective = await reads.objectives_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    key_results = await reads.key_results_of(ctx.pool, ctx.workspace, [result.aggregate_id])
    key_result = [r for r in key_results if r["id"] == check_in["key_result_id"]]
    return CheckInSuccess(
        check_in=CheckIn.from_row(check_in),
        key_result=KeyResult.from_row(state_row(key_result, result)),
        objective=Objective.from_row(state_row(objective, result)),
    )


@strawberry.input(description="A check-in of a key result of an ACTIVE objective.")
@versioned
class CheckInKeyResultInput:
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")
    value: float = strawberry.field(
        description=f"Its value measured now (at most {spelt(KEY_RESULT_MAX)} either side of 0)."
    )
    confidence: float = strawberry.field(
        description="The team's confidence, 0–1, of reaching the target this cycle."
    )
    note: str | None = strawberry.field(
        default=None, description=f"What the team says about it (at most {CHECK_IN_NOTE_MAX})."
    )

    async def command_from(self, ctx: Any) -> commands.CheckInKeyResult:
        """The key result's objective is found in the read models (a key result's ID reaches a
        client only once they show it); `expectedVersion` is the objective's."""
        key_result_id = need_id(self.key_result_id, "KeyResult", "keyResultId")
        objective_id = await reads.objective_of_key_result(ctx.pool, ctx.workspace, key_result_id)
        if objective_id is None:  # unknown, or another workspace's: the same answer
            raise NotFoundError("KeyResult", str(key_result_id))
        return commands.CheckInKeyResult(
            objective_id,
            key_result_id,
            self.value,
            self.confidence,
            self.note,
            expected_version=self.expected_version,
        )
