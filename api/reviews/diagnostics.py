"""GraphQL of the review diagnostics (okrank.domain.reviews.diagnostics): each diagnostic with
its code, whether it applies, the facts behind it and a sentence in words."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from okrank.api.coverage.arguments import team_and_cycle
from okrank.api.graphql.ids import bad_input
from okrank.api.reviews.diagnostics_reads import Diagnostics, diagnostics_of
from okrank.domain import errors
from okrank.domain.bounds import bounded
from okrank.domain.reviews import diagnostics
from okrank.domain.reviews.diagnostics import (
    CONSISTENT_CYCLES,
    LOOSE_SHARE,
    MIN_DIRECT_ITEMS,
    MIN_SPRINTS,
    RECENT_SPRINTS,
    STRONG_COMPLETION,
    DiagnosticCode,
    FactSource,
)
from okrank.domain.reviews.review import LAG_DAYS_MAX

DiagnosticCodeEnum = strawberry.enum(
    DiagnosticCode,
    name="ReviewDiagnosticCode",
    description="What a review diagnostic is about. VELOCITY_WITHOUT_ATTAINMENT: the seed's "
    "'velocity is strong but OKR attainment is consistently below 0.6: the team is shipping well "
    "but into the wrong areas'. Velocity is items (and effort) done per sprint over the scope's "
    f"last {RECENT_SPRINTS} closed sprints that ended before the cycle's end (sprint items "
    f"DONE at the close); strong: at least {MIN_SPRINTS} such sprints delivered at least "
    f"{STRONG_COMPLETION:.0%} of the items planned into them. Attainment of a cycle is the "
    "mean grade of the scope's ACTIVE or CLOSED objectives of it, with check-ins as of the "
    f"cycle's end; consistently below 0.6: each of the last {CONSISTENT_CYCLES} ended cycles "
    "with graded objectives, up to the cycle asked about, was below 0.6 (and there were that "
    "many). LOOSE_TAGGING: of the cycle's done items tagged DIRECT (when done), the share whose "
    "DIRECT key results none moved (the outcome audit's rule); it applies with at least "
    f"{MIN_DIRECT_ITEMS} such items and a share of {LOOSE_SHARE:.0%} or more.",
)
FactSourceEnum = strawberry.enum(
    FactSource,
    name="ReviewFactSource",
    description="Where a fact came from. DATA: the workspace's read models; ANSWER: the "
    "caller's answer (an ANSWER without a value: only the caller can say, and did not).",
)


@strawberry.type(description="One fact a rule looked at: a number, a yes/no, or unknown.")
class ReviewFact:
    name: str = strawberry.field(description="What the fact is, in words.")
    number: float | None = strawberry.field(
        description="Its value when it is a number (a count, a share 0–1, a grade); null when "
        "it is a yes/no or not known."
    )
    flag: bool | None = strawberry.field(description="Its value when it is a yes/no.")
    source: FactSourceEnum = strawberry.field(description="Where it came from.")

    @classmethod
    def of(cls, fact: diagnostics.Fact) -> ReviewFact:
        value = fact.value
        flag = value if isinstance(value, bool) else None
        number = None if value is None or isinstance(value, bool) else float(value)
        return cls(name=fact.name, number=number, flag=flag, source=fact.source)


@strawberry.type(description="A diagnostic of a team's cycle, explained in words.")
class ReviewDiagnostic:
    code: DiagnosticCodeEnum = strawberry.field(description="Which diagnostic.")
    applies: bool = strawberry.field(description="Whether it applies to the team's cycle.")
    facts: list[ReviewFact] = strawberry.field(description="The facts behind it.")
    explanation: str = strawberry.field(description="The diagnostic in words, with its figures.")

    @classmethod
    def of(cls, diagnostic: diagnostics.Diagnostic) -> ReviewDiagnostic:
        return cls(
            code=diagnostic.code,
            applies=diagnostic.applies,
            facts=[ReviewFact.of(f) for f in diagnostic.facts],
            explanation=diagnostic.explanation,
        )


@strawberry.type(description="The diagnostics of a team's (or the workspace's) cycle.")
class ReviewDiagnostics:
    team: str | None = strawberry.field(description="The team; null for the whole workspace.")
    cycle: str = strawberry.field(description="The cycle (2026-Q3 or 2026).")
    diagnostics: list[ReviewDiagnostic] = strawberry.field(
        description="VELOCITY_WITHOUT_ATTAINMENT, then LOOSE_TAGGING."
    )


def lag_argument(lag_days: int) -> int:
    try:
        return int(bounded("lagDays", lag_days, 0, LAG_DAYS_MAX))
    except errors.ValidationError as exc:
        raise bad_input(f"lagDays: {exc.message}") from None


async def read_diagnostics(
    info: Info, team: str | None, cycle: str, lag_days: int
) -> tuple[str | None, str, Diagnostics]:
    """The team (None: the whole workspace), the cycle and the scope's diagnostics now; bad
    arguments are BAD_USER_INPUT. Team null or '' is the whole workspace, as for
    quarterlyReview."""
    team, cycle = team_and_cycle(team or "", cycle)
    lag = lag_argument(lag_days)
    ctx = info.context
    found = await diagnostics_of(ctx.pool, ctx.workspace, team, cycle, lag, datetime.now(UTC))
    return team or None, cycle, found


@strawberry.type(description="Review diagnostics.")
class ReviewDiagnosticsQueries:
    @strawberry.field(
        description="Diagnostics of `team`'s `cycle` (team null or '': the whole workspace), each "
        "with the facts behind it and a sentence: VELOCITY_WITHOUT_ATTAINMENT and LOOSE_TAGGING "
        "(see ReviewDiagnosticCode for how each is decided). `lagDays` extends the loose-tagging "
        "window past the cycle's end, as a review's audit does. A team nothing names gives "
        "zero facts and no diagnostic applies; a malformed cycle is BAD_USER_INPUT."
    )
    async def review_diagnostics(
        self, info: Info, cycle: str, team: str | None = None, lag_days: int = 0
    ) -> ReviewDiagnostics:
        team, cycle, found = await read_diagnostics(info, team, cycle, lag_days)
        return ReviewDiagnostics(
            team=team,
            cycle=cycle,
            diagnostics=[
                ReviewDiagnostic.of(found.velocity_without_attainment),
                ReviewDiagnostic.of(found.loose_tagging),
            ],
        )
