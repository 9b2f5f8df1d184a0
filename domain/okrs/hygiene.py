"""OKR hygiene: the one home of the rules that warn about a poorly shaped OKR set.

Each rule is a pure function of facts the caller gathers (the API reads them from the catalog),
and answers warnings as data: a code a frontend can act on and a message a person can read.
The thresholds come from the seeds: 3–5 key results per objective (scrum-okrs), at most 3
objectives and 8 active key results for a team in a quarter (okr-agile-product-management),
key results checked in fortnightly at the sprint review (okr-prioritisation-guide).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

MIN_KEY_RESULTS = 3
MAX_KEY_RESULTS = 5
TEAM_ACTIVE_KEY_RESULTS_MAX = 8  # in one cycle
TEAM_QUARTER_OBJECTIVES_MAX = 3
CHECK_IN_INTERVAL_DAYS = 14  # a workspace may set its own (Workspace.CheckInIntervalSet)
CHECK_IN_INTERVAL_MAX_DAYS = 366
# A metric that starts with one of these counts work shipped, not an outcome ("launch 3 features").
OUTPUT_VERBS = re.compile(
    r"(launch|ship|release|deliver|build|implement|complete|deploy|publish|create)\b",
    re.IGNORECASE,
)


class WarningCode(StrEnum):
    TOO_FEW_KEY_RESULTS = "TOO_FEW_KEY_RESULTS"
    TOO_MANY_KEY_RESULTS = "TOO_MANY_KEY_RESULTS"
    TEAM_TOO_MANY_ACTIVE_KEY_RESULTS = "TEAM_TOO_MANY_ACTIVE_KEY_RESULTS"
    TEAM_TOO_MANY_OBJECTIVES = "TEAM_TOO_MANY_OBJECTIVES"
    OUTPUT_STYLE_KEY_RESULT = "OUTPUT_STYLE_KEY_RESULT"
    STALE_CHECK_IN = "STALE_CHECK_IN"
    UNALIGNED = "UNALIGNED"


@dataclass(frozen=True)
class OkrWarning:
    code: WarningCode
    message: str
    key_result_id: UUID | None = None  # the key result it is about, if one


@dataclass(frozen=True)
class KeyResultFacts:
    id: UUID
    metric: str
    output_style: bool  # flagged so by its author
    added_at: datetime
    last_check_in_at: datetime | None


@dataclass(frozen=True)
class ObjectiveFacts:
    level: str  # ObjectiveLevel's value
    status: str  # ObjectiveStatus's value
    has_parent: bool
    key_results: Sequence[KeyResultFacts]


@dataclass(frozen=True)
class TeamCycleFacts:
    team: str
    cycle: str
    active_key_results: int  # key results of the team's ACTIVE objectives in the cycle
    objectives: int  # the team's objectives in the cycle, but ARCHIVED ones


def team_warnings(team: TeamCycleFacts) -> list[OkrWarning]:
    """Too much at once for one team: more than 8 active key results in its cycle, more than 3
    objectives in a quarter."""
    out = []
    if team.active_key_results > TEAM_ACTIVE_KEY_RESULTS_MAX:
        out.append(
            OkrWarning(
                WarningCode.TEAM_TOO_MANY_ACTIVE_KEY_RESULTS,
                f"team {team.team} has {team.active_key_results} active key results in "
                f"{team.cycle}: more than {TEAM_ACTIVE_KEY_RESULTS_MAX}",
            )
        )
    if is_quarter(team.cycle) and team.objectives > TEAM_QUARTER_OBJECTIVES_MAX:
        out.append(
            OkrWarning(
                WarningCode.TEAM_TOO_MANY_OBJECTIVES,
                f"team {team.team} has {team.objectives} objectives in {team.cycle}: more than "
                f"{TEAM_QUARTER_OBJECTIVES_MAX} a quarter dilutes focus",
            )
        )
    return out


def objective_warnings(
    objective: ObjectiveFacts,
    team: TeamCycleFacts | None,
    company_has_objectives: bool,
    now: datetime,
    check_in_interval_days: int = CHECK_IN_INTERVAL_DAYS,
) -> list[OkrWarning]:
    """Every warning about one objective, its team's (if it has a team) included.
    `company_has_objectives`: the COMPANY level has objectives in the objective's cycle."""
    count = len(objective.key_results)
    out = []
    if count < MIN_KEY_RESULTS:
        out.append(
            OkrWarning(
                WarningCode.TOO_FEW_KEY_RESULTS,
                f"{count} key results: fewer than {MIN_KEY_RESULTS} rarely measure an objective",
            )
        )
    if count > MAX_KEY_RESULTS:
        out.append(
            OkrWarning(
                WarningCode.TOO_MANY_KEY_RESULTS,
                f"{count} key results: more than {MAX_KEY_RESULTS} dilutes focus",
            )
        )
    out += [output_style_warning(k) for k in objective.key_results if is_output_style(k)]
    if objective.status == "ACTIVE":
        out += stale_check_ins(objective.key_results, now, check_in_interval_days)
    if objective.level == "TEAM" and not objective.has_parent and company_has_objectives:
        out.append(
            OkrWarning(
                WarningCode.UNALIGNED,
                "no parent objective, while the company has objectives in this cycle",
            )
        )
    return out + (team_warnings(team) if team is not None else [])


def is_output_style(key_result: KeyResultFacts) -> bool:
    return key_result.output_style or OUTPUT_VERBS.match(key_result.metric.strip()) is not None


def output_style_warning(key_result: KeyResultFacts) -> OkrWarning:
    return OkrWarning(
        WarningCode.OUTPUT_STYLE_KEY_RESULT,
        f"key result '{key_result.metric}' counts output, not an outcome it should change",
        key_result.id,
    )


def stale_check_ins(
    key_results: Sequence[KeyResultFacts], now: datetime, interval_days: int
) -> list[OkrWarning]:
    """Key results not checked in for more than `interval_days` (one never checked in: since it
    was added)."""
    limit = timedelta(days=interval_days)
    out = []
    for k in key_results:
        since = k.last_check_in_at or k.added_at
        if now - since > limit:
            what = "last checked in" if k.last_check_in_at else "added, never checked in,"
            out.append(
                OkrWarning(
                    WarningCode.STALE_CHECK_IN,
                    f"key result '{k.metric}' {what} {(now - since).days} days ago: more than "
                    f"{interval_days}",
                    k.id,
                )
            )
    return out


def is_quarter(cycle: str) -> bool:
    return "-Q" in cycle


def aligned_cycles(cycle: str) -> list[str]:
    """The cycles whose COMPANY objectives an objective of `cycle` should align to: its own,
    and for a quarter its year's."""
    return [cycle, cycle.split("-Q")[0]] if is_quarter(cycle) else [cycle]
