"""The workspace's OKR settings: the check-in interval after which a key result is stale."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.commands.inputs import command_of, versioned
from okrank.api.commands.payloads import payload
from okrank.api.okrs import reads
from okrank.domain.application import CommandResult
from okrank.domain.okrs.hygiene import CHECK_IN_INTERVAL_DAYS, CHECK_IN_INTERVAL_MAX_DAYS
from okrank.domain.workspaces.commands import SetCheckInInterval


@strawberry.type(description="The workspace's OKR settings.")
class OkrSettings:
    check_in_interval_days: int = strawberry.field(
        description="Days a key result of an ACTIVE objective may go without a check-in "
        f"before a STALE_CHECK_IN warning (default {CHECK_IN_INTERVAL_DAYS}: fortnightly, at "
        "the sprint review)."
    )
    version: int = strawberry.field(
        description="The workspace's version (0 before its first change); pass as "
        "`expectedVersion`."
    )

    @classmethod
    def from_row(cls, r: Any | None) -> OkrSettings:
        days = r["check_in_interval_days"] if r else None
        return cls(
            check_in_interval_days=days or CHECK_IN_INTERVAL_DAYS, version=r["version"] if r else 0
        )


async def okr_settings(ctx: Any) -> OkrSettings:
    return OkrSettings.from_row(await reads.check_in_interval(ctx.pool, ctx.workspace))


@strawberry.type(description="The settings after the change.")
class OkrSettingsSuccess:
    okr_settings: OkrSettings = strawberry.field(description="The settings now in force.")


OkrSettingsPayload = payload(
    "OkrSettingsPayload", "The settings, or why nothing changed.", OkrSettingsSuccess
)


async def settings_success(ctx: Any, result: CommandResult) -> OkrSettingsSuccess:
    return OkrSettingsSuccess(okr_settings=await okr_settings(ctx))


@strawberry.input(description="A new check-in interval for the workspace.")
@versioned
class SetCheckInIntervalInput:
    days: int = strawberry.field(description=f"Whole days, 1–{CHECK_IN_INTERVAL_MAX_DAYS}.")

    def command(self) -> SetCheckInInterval:
        return command_of(self, SetCheckInInterval)
