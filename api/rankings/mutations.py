"""Ranking mutations: the workspace's alignment multipliers."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.commands.inputs import command_of, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.rankings import reads
from okrank.api.rankings.types import AlignmentMultipliers
from okrank.api.reviews.calibration_ids import evidence_review_uuids
from okrank.domain.application import CommandResult
from okrank.domain.bounds import MULTIPLIER_MAX, spelt
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.workspaces.commands import RecalibrateMultipliers

MULTIPLIER = f"In (0, {spelt(MULTIPLIER_MAX)}]"


@strawberry.type(description="The workspace's multipliers after the change.")
class AlignmentMultipliersSuccess:
    alignment_multipliers: AlignmentMultipliers = strawberry.field(
        description="The multipliers now in force."
    )


AlignmentMultipliersPayload = payload(
    "AlignmentMultipliersPayload",
    "The multipliers, or why nothing changed.",
    AlignmentMultipliersSuccess,
)


async def multipliers_success(ctx: Any, result: CommandResult) -> AlignmentMultipliersSuccess:
    row = await reads.multipliers(ctx.pool, ctx.workspace)
    return AlignmentMultipliersSuccess(alignment_multipliers=AlignmentMultipliers.from_row(row))


@strawberry.input(description="New alignment multipliers (direct ≥ indirect ≥ untagged > 0).")
@versioned
class RecalibrateAlignmentMultipliersInput:
    direct: float = strawberry.field(description=f"Multiplier of DIRECT. {MULTIPLIER}.")
    indirect: float = strawberry.field(description=f"Multiplier of INDIRECT. {MULTIPLIER}.")
    untagged: float = strawberry.field(description=f"Multiplier of UNTAGGED. {MULTIPLIER}.")
    reason: str = strawberry.field(description="Why: recorded with the change.")
    evidence_review_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="The evidence: COMPLETED quarterly reviews of the workspace whose "
        "calibration (alignmentCalibration) the change follows; recorded with it.",
    )

    def command(self) -> RecalibrateMultipliers:
        multipliers = Multipliers(self.direct, self.indirect, self.untagged)
        evidence = evidence_review_uuids(self.evidence_review_ids)
        return command_of(
            self, RecalibrateMultipliers, multipliers=multipliers, evidence_review_ids=evidence
        )


@strawberry.type(description="Ranking commands.")
class RankingMutations:
    recalibrate_alignment_multipliers = command_mutation(
        RecalibrateAlignmentMultipliersInput,
        AlignmentMultipliersPayload,
        multipliers_success,
        "Recalibrate the workspace's alignment multipliers (ADMIN only; audited).",
    )
