"""GraphQL of OKR hygiene: warnings as data (a code and a message), from the rules of
okrank.domain.okrs.hygiene applied to what the catalog holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import strawberry

from okrank.api.graphql.rows import global_id_or_none
from okrank.domain.okrs import hygiene
from okrank.domain.okrs.hygiene import WarningCode

OkrWarningCodeEnum = strawberry.enum(
    WarningCode,
    name="OkrWarningCode",
    description="What an OKR hygiene warning is about. TOO_FEW_KEY_RESULTS: fewer than 3 on "
    "the objective; TOO_MANY_KEY_RESULTS: more than 5; TEAM_TOO_MANY_ACTIVE_KEY_RESULTS: more "
    "than 8 key results of ACTIVE objectives in the team's cycle; TEAM_TOO_MANY_OBJECTIVES: more "
    "than 3 objectives (not ARCHIVED) for a team in a quarter; OUTPUT_STYLE_KEY_RESULT: a key "
    "result counting output ('launch 3 features'): flagged so, or its metric starts with "
    "launch, ship, release, deliver, build, implement, complete, deploy, publish or create; "
    "STALE_CHECK_IN: a key result of an ACTIVE objective last checked in (never checked in: "
    "added) more than the workspace's check-in interval ago (default 14 days); UNALIGNED: a "
    "TEAM objective with no parent while the COMPANY level has objectives in its cycle (or, "
    "for a quarter, its year).",
)


@strawberry.type(description="An OKR hygiene warning: advice, never a refusal.")
class OkrWarning:
    code: OkrWarningCodeEnum = strawberry.field(description="What it is about.")
    message: str = strawberry.field(description="The warning in words, with its numbers.")
    key_result_id: strawberry.ID | None = strawberry.field(
        description="The key result it is about, if one (one of the objective's keyResults)."
    )

    @classmethod
    def of(cls, warning: hygiene.OkrWarning) -> OkrWarning:
        return cls(
            code=warning.code,
            message=warning.message,
            key_result_id=global_id_or_none("KeyResult", warning.key_result_id),
        )


def key_result_facts(r: Any) -> hygiene.KeyResultFacts:
    return hygiene.KeyResultFacts(
        r["id"], r["metric"], r["output_style"], r["created_at"], r["last_check_in_at"]
    )


def team_facts(team: str, cycle: str, facts: Any) -> hygiene.TeamCycleFacts:
    return hygiene.TeamCycleFacts(team, cycle, facts["active_key_results"], facts["objectives"])


async def facts_of(loaders: Any, team: str, cycle: str) -> Any:
    return await loaders.hygiene_facts.load((team, cycle))


async def objective_warnings(
    loaders: Any, objective: Any, key_results: Sequence[Any]
) -> list[hygiene.OkrWarning]:
    """The warnings of an objective's catalog row and its key results' rows, from `loaders`
    (the live ones, or a moment's: api.asof, whose facts say what "now" was)."""
    facts = await facts_of(loaders, objective["team"], objective["cycle"])
    return hygiene.objective_warnings(
        hygiene.ObjectiveFacts(
            objective["level"],
            objective["status"],
            objective["parent_id"] is not None,
            [key_result_facts(r) for r in key_results],
        ),
        team_facts(objective["team"], objective["cycle"], facts) if objective["team"] else None,
        facts["company_has_objectives"],
        facts.get("now") or datetime.now(UTC),
        facts["check_in_interval_days"] or hygiene.CHECK_IN_INTERVAL_DAYS,
    )


async def team_warnings(loaders: Any, team: str, cycle: str) -> list[hygiene.OkrWarning]:
    return hygiene.team_warnings(team_facts(team, cycle, await facts_of(loaders, team, cycle)))
