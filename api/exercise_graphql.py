"""GraphQL for stakeholder exercises and the capacity plan: queries and mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from okrank.api import exercise_reads as reads
from okrank.api.arguments import text_argument
from okrank.api.auth import Role
from okrank.api.errors import (
    ConflictError,
    CsvImportError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.api.exercise_privacy import require_results, sees_every_exercise
from okrank.api.exercise_types import (
    Exercise,
    ExerciseConnection,
    ExerciseEdge,
    ExerciseMethodEnum,
    ExerciseStatusEnum,
    MoscowCategoryEnum,
)
from okrank.api.ids import need_uuid
from okrank.api.mutations import EFFORT, EXPECTED_VERSION, REACH, _row, need_id, run
from okrank.api.pagination import after_key, connection, page_size
from okrank.api.types import BacklogItem, Objective, RankingMethodEnum
from okrank.domain import errors
from okrank.domain.application import CommandResult
from okrank.domain.bounds import BUDGET_MAX, CAPACITY_MAX, PRICE_MAX, spelt
from okrank.domain.exercise_ballots import BallotInput, MaxDiffAnswer
from okrank.domain.methods.moscow import Category
from okrank.domain.planning import plan as make_plan
from okrank.domain.scoring import Method, RiceInputs, exercise_method

EVERYONE = frozenset(Role)
PRICE = f"price, in (0, {spelt(PRICE_MAX)}]."
# Closing computes the results in the projection (about 4 s for 1,000 MaxDiff participants,
# `python -m bench.exercise_close`): the answer waits for them rather than show OPEN.
CLOSE_WAIT_SECONDS = 120.0


def sees_all(info: Info) -> bool:
    """Every role but STAKEHOLDER sees every exercise; stakeholders only those they are in."""
    return sees_every_exercise(info.context.principal)


async def load_exercise(info: Info, ident: UUID) -> Any | None:
    ctx = info.context
    rows = await reads.exercises_by_id(ctx.pool, ctx.workspace, [ident])
    if not rows or sees_all(info):
        return rows[0] if rows else None
    invited = await reads.is_participant(ctx.pool, ctx.workspace, ident, ctx.principal.subject)
    return rows[0] if invited else None


# --- plan ---


@strawberry.input(description="One objective's share of the capacity.")
class PlanAllocationInput:
    objective_id: strawberry.ID = strawberry.field(description="An objective of the cycle.")
    share: float = strawberry.field(description="Its share of the capacity, in [0, 1].")
    exercise_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Walk this closed exercise's ranking instead of the `method` ranking "
        "(its results: FORBIDDEN for a STAKEHOLDER).",
    )


@strawberry.type(description="An item the plan accepts.")
class PlannedItem:
    effort: float = strawberry.field(description="Its RICE effort (capacity it uses).")
    rank: int = strawberry.field(description="Its rank in the objective's ranking walked.")
    row: strawberry.Private[Any]

    @strawberry.field(description="The item.")
    def backlog_item(self) -> BacklogItem:
        return BacklogItem.from_row(self.row)


@strawberry.type(description="What one objective's share of the capacity holds.")
class ObjectivePlan:
    share: float = strawberry.field(description="Its share.")
    capacity: float = strawberry.field(description="share × capacity.")
    used: float = strawberry.field(description="Effort of the accepted items.")
    left: float = strawberry.field(description="capacity − used.")
    accepted: list[PlannedItem] = strawberry.field(
        description="Accepted items in ranking order; an item tagged to several objectives is "
        "listed (and counted) only under the first objective that accepted it."
    )
    objective_row: strawberry.Private[Any]

    @strawberry.field(description="The objective.")
    def objective(self) -> Objective:
        return Objective.from_row(self.objective_row)


@strawberry.type(description="An item that did not fit in an objective's share.")
class PlanMiss:
    effort: float = strawberry.field(description="Its effort.")
    objective_row: strawberry.Private[Any]
    row: strawberry.Private[Any]

    @strawberry.field(description="The objective whose share it did not fit.")
    def objective(self) -> Objective:
        return Objective.from_row(self.objective_row)

    @strawberry.field(description="The item.")
    def backlog_item(self) -> BacklogItem:
        return BacklogItem.from_row(self.row)


@strawberry.type(description="A capacity plan for a cycle across objectives.")
class Plan:
    cycle: str = strawberry.field(description="The cycle planned.")
    capacity: float = strawberry.field(description="Total capacity (effort points).")
    used: float = strawberry.field(description="Effort accepted across objectives.")
    left: float = strawberry.field(description="capacity − used (unallocated shares included).")
    objectives: list[ObjectivePlan] = strawberry.field(
        description="Per objective, in the order served (largest share first)."
    )
    did_not_fit: list[PlanMiss] = strawberry.field(
        description="Items ranked by an objective that did not fit its share (and were not "
        "accepted by another objective)."
    )
    not_estimated: list[BacklogItem] = strawberry.field(
        description="Ranked items without an effort estimate: they cannot be planned."
    )


@strawberry.type(description="Exercise and planning reads.")
class ExerciseQueries:
    @strawberry.field(description="One exercise, or null if not visible to the caller.")
    async def exercise(self, info: Info, id: strawberry.ID) -> Exercise | None:
        row = await load_exercise(info, need_uuid(id, "Exercise", "id"))
        return Exercise.from_row(row) if row else None

    @strawberry.field(
        description="Exercises, oldest first; a STAKEHOLDER sees only those it is invited to."
    )
    async def exercises(
        self,
        info: Info,
        objective_id: strawberry.ID | None = None,
        status: ExerciseStatusEnum | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ExerciseConnection:
        ctx = info.context
        limit = page_size(first)
        objective = need_uuid(objective_id, "Objective", "objectiveId") if objective_id else None
        only = None if sees_all(info) else ctx.principal.subject
        after_seq = after_key(after) or 0
        rows = await reads.exercises_page(
            ctx.pool,
            ctx.workspace,
            objective,
            status.value if status else None,
            only,
            after_seq,
            limit + 1,
        )
        return connection(
            ExerciseConnection, ExerciseEdge, Exercise.from_row, "seq", rows, limit, after
        )

    @strawberry.field(
        description="Split `capacity` (effort points, in (0, "
        f"{spelt(CAPACITY_MAX)}]) between objectives of `cycle` by share: "
        "each objective, largest share first, accepts items from the top of its ranking while "
        "they fit. An item tagged to several objectives is counted once. Shares add up to at "
        "most 1. Effort is each item's RICE effort; items without one are listed as not "
        "estimated; NOT_NOW items are left out."
    )
    async def plan(
        self,
        info: Info,
        cycle: str,
        capacity: float,
        allocations: list[PlanAllocationInput],
        method: RankingMethodEnum = Method.RICE,
    ) -> Plan:
        ctx = info.context
        text_argument("cycle", cycle)
        if method == Method.EXERCISE:
            raise _bad("method EXERCISE: give each allocation an exerciseId instead")
        objective_rows: dict[UUID, Any] = {}
        rankings: dict[UUID, list[Any]] = {}
        shares: dict[UUID, float] = {}
        for n, a in enumerate(allocations):
            oid = need_uuid(a.objective_id, "Objective", f"allocations.{n}.objectiveId")
            row = await ctx.loaders.objective.load(oid)
            if row is None:
                raise GraphQLError(
                    f"Objective {a.objective_id} not found", extensions={"code": "NOT_FOUND"}
                )
            if row["cycle"] != cycle:
                raise _bad(f"allocations.{n}: the objective is in cycle {row['cycle']}")
            if oid in shares:
                raise _bad(f"allocations.{n}: the objective is allocated twice")
            key = method.value
            if a.exercise_id is not None:
                eid = need_uuid(a.exercise_id, "Exercise", f"allocations.{n}.exerciseId")
                require_results(ctx.principal)  # the plan would walk the exercise's results
                ex = await load_exercise(info, eid)
                if ex is None or ex["objective_id"] != oid or ex["status"] != "CLOSED":
                    raise _bad(f"allocations.{n}: not a closed exercise of this objective")
                key = exercise_method(eid)
            objective_rows[oid] = row
            shares[oid] = a.share
            rankings[oid] = await reads.plan_ranking(ctx.pool, ctx.workspace, oid, key)
        items = {r["id"]: r for rs in rankings.values() for r in rs}
        try:
            result = make_plan(
                capacity,
                shares,
                {o: [(r["id"], r["effort"]) for r in rs] for o, rs in rankings.items()},
            )
        except errors.ValidationError as exc:
            raise _bad(f"{'.'.join(exc.path)}: {exc.message}") from None
        rank = {(o, r["id"]): n + 1 for o, rs in rankings.items() for n, r in enumerate(rs)}
        parts = [
            ObjectivePlan(
                share=shares[p.objective],
                capacity=p.capacity,
                used=p.used,
                left=p.left,
                accepted=[
                    PlannedItem(
                        effort=items[i]["effort"], rank=rank[(p.objective, i)], row=items[i]
                    )
                    for i in p.accepted
                ],
                objective_row=objective_rows[p.objective],
            )
            for p in result.objectives
        ]
        used = sum(p.used for p in result.objectives)
        return Plan(
            cycle=cycle,
            capacity=capacity,
            used=used,
            left=capacity - used,
            objectives=parts,
            did_not_fit=[
                PlanMiss(effort=items[i]["effort"], objective_row=objective_rows[o], row=items[i])
                for o, i in result.did_not_fit
            ],
            not_estimated=[BacklogItem.from_row(items[i]) for i in result.not_estimated],
        )


def _bad(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


# --- mutations ---


@strawberry.type(description="The exercise after the change.")
class ExerciseSuccess:
    exercise: Exercise = strawberry.field(description="Its state, as queries now see it.")


ExercisePayload = Annotated[
    ExerciseSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("ExercisePayload", description="The exercise, or why nothing changed."),
]


ImportPayload = Annotated[
    ExerciseSuccess
    | CsvImportError
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "ImportPayload", description="The exercise with its imported responses, or why not."
    ),
]


async def exercise_success(ctx: Any, result: CommandResult) -> ExerciseSuccess:
    rows = await reads.exercises_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    return ExerciseSuccess(exercise=Exercise.from_row(_row(rows, result)))


@strawberry.input(description="A new exercise for one objective, created as DRAFT.")
class CreateExerciseInput:
    objective_id: strawberry.ID = strawberry.field(description="A DRAFT or ACTIVE objective.")
    method: ExerciseMethodEnum = strawberry.field(description="How stakeholders give input.")
    title: str = strawberry.field(description="Title shown to participants (1–200 characters).")
    instructions: str | None = strawberry.field(default=None, description="For participants.")
    deadline: datetime | None = strawberry.field(
        default=None, description="When ballots are due (shown to participants; ISO 8601)."
    )
    set_size: int = strawberry.field(default=4, description="MaxDiff: items per set (3–5).")


@strawberry.input(description="Adds an item tagged to the exercise's objective as a candidate.")
class AddExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(
        description="An item tagged to its objective."
    )
    price: float | None = strawberry.field(default=None, description=f"Buy a Feature {PRICE}")
    reason: str | None = strawberry.field(
        default=None, description="Required while OPEN: the re-scope checkpoint's reason."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Withdraws a candidate; ballots stay valid for the others.")
class WithdrawExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(description="A current candidate.")
    reason: str | None = strawberry.field(default=None, description="Required while OPEN.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Sets a Buy a Feature candidate's price (while DRAFT).")
class PriceExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT Buy a Feature exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(description="A current candidate.")
    price: float = strawberry.field(description=f"The {PRICE}")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Invites a participant by the subject of their token.")
class InviteParticipantInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    subject: str = strawberry.field(description="The participant's token subject.")
    segment: str | None = strawberry.field(
        default=None, description="A segment for per-segment results (Sales, Support, …)."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Opens an exercise for ballots.")
class OpenExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT exercise.")
    budget: float | None = strawberry.field(
        default=None,
        description="Buy a Feature: each participant's budget, in (0, "
        f"{spelt(BUDGET_MAX)}]; default: all budgets together are about 40% of the sum of prices.",
    )
    design: list[list[strawberry.ID]] | None = strawberry.field(
        default=None,
        description="MaxDiff: explicit sets (3–5 candidates each) for every participant; "
        "default: a balanced design, a different version per participant.",
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Names an exercise to close.")
class CloseExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN exercise.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Leave one respondent's answers out of the results.")
class ExcludeRespondentInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN or CLOSED exercise.")
    respondent: str = strawberry.field(
        description="A participant's subject or an imported respondent (as in "
        "`respondentUtilities`)."
    )
    reason: str = strawberry.field(description="Why (required; in the history).")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Reopen a CLOSED exercise: ballots are taken again.")
class ReopenExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A CLOSED exercise.")
    reason: str = strawberry.field(description="Why it reopens (required; in its history).")
    deadline: datetime | None = strawberry.field(
        default=None, description="The new deadline; none if omitted."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="MaxDiff: the best and the worst item of one of your sets.")
class MaxDiffAnswerInput:
    set_index: int = strawberry.field(description="Index of the set (myParticipation.sets).")
    best_id: strawberry.ID = strawberry.field(description="The item you choose as best.")
    worst_id: strawberry.ID = strawberry.field(description="The item you choose as worst.")


@strawberry.input(description="RICE session: your estimate of one candidate.")
class RiceEstimateInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="A candidate.")
    reach: float = strawberry.field(description=REACH)
    impact: float = strawberry.field(description="One of 3, 2, 1, 0.5, 0.25.")
    confidence: float = strawberry.field(description="In (0, 1].")
    effort: float = strawberry.field(description=EFFORT)


@strawberry.input(description="MoSCoW: your category for one candidate.")
class MoscowVoteInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="A candidate.")
    category: MoscowCategoryEnum = strawberry.field(description="Your category for it.")


@strawberry.input(description="Buy a Feature: money you put on one candidate.")
class AllocationInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="A candidate.")
    amount: float = strawberry.field(description="At least 0, at most the item's price.")


@strawberry.input(
    description="Your ballot; fill the list of the exercise's method. It replaces your previous "
    "ballot and may be partial."
)
class SubmitBallotInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN exercise you are in.")
    answers: list[MaxDiffAnswerInput] | None = strawberry.field(
        default=None, description="MaxDiff."
    )
    estimates: list[RiceEstimateInput] | None = strawberry.field(
        default=None, description="RICE session."
    )
    votes: list[MoscowVoteInput] | None = strawberry.field(default=None, description="MoSCoW.")
    allocations: list[AllocationInput] | None = strawberry.field(
        default=None, description="Buy a Feature."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(
    description="Imports MaxDiff responses exported by a survey tool as CSV: a header, then one "
    "row per respondent × set with columns respondent, set, items (labels shown, separated by "
    "|), best, worst and optionally segment. A label is a candidate's title or global ID. A bad "
    "file imports nothing: every bad row is reported with its line number. An import replaces "
    "the previous one."
)
class ImportMaxDiffResponsesInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN MaxDiff exercise.")
    csv: str = strawberry.field(
        description="The file's text (at most 20 MiB). A request body over 1 MiB (about "
        "17,000 rows) is refused at /graphql: send larger files to POST /graphql/import, which "
        "takes bodies up to 24 MiB and runs only this mutation."
    )
    source: str | None = strawberry.field(default=None, description="Where the file came from.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


def _exercise(input: Any) -> UUID:
    return need_id(input.exercise_id, "Exercise", "exerciseId")


def _item(input: Any) -> UUID:
    return need_id(input.backlog_item_id, "BacklogItem", "backlogItemId")


def _ballot(input: SubmitBallotInput) -> BallotInput:
    def item(value: str, path: str) -> UUID:
        return need_id(value, "BacklogItem", path)

    return BallotInput(
        answers=[
            MaxDiffAnswer(
                a.set_index,
                item(a.best_id, f"answers.{n}.bestId"),
                item(a.worst_id, f"answers.{n}.worstId"),
            )
            for n, a in enumerate(input.answers or [])
        ],
        estimates=[
            (
                item(e.backlog_item_id, f"estimates.{n}.backlogItemId"),
                RiceInputs(e.reach, e.impact, e.confidence, e.effort),
            )
            for n, e in enumerate(input.estimates or [])
        ],
        votes=[
            (item(v.backlog_item_id, f"votes.{n}.backlogItemId"), Category(v.category).value)
            for n, v in enumerate(input.votes or [])
        ],
        allocations=[
            (item(a.backlog_item_id, f"allocations.{n}.backlogItemId"), a.amount)
            for n, a in enumerate(input.allocations or [])
        ],
    )


@strawberry.type(description="Exercise lifecycle.")
class ExerciseMutations:
    @strawberry.mutation(description="Create an exercise for one objective (owner).")
    async def create_exercise(self, info: Info, input: CreateExerciseInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.create_exercise(
                actor,
                need_id(input.objective_id, "Objective", "objectiveId"),
                input.method.value,
                input.title,
                input.instructions,
                input.deadline.isoformat() if input.deadline else None,
                input.set_size,
            ),
            exercise_success,
        )

    @strawberry.mutation(
        description="Add a candidate (only items tagged to the objective). While OPEN this is "
        "the re-scope checkpoint and needs a reason."
    )
    async def add_exercise_candidate(
        self, info: Info, input: AddExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.add_exercise_candidate(
                actor,
                _exercise(input),
                _item(input),
                input.price,
                input.reason or "",
                input.expected_version,
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Withdraw a candidate (needs a reason while OPEN).")
    async def withdraw_exercise_candidate(
        self, info: Info, input: WithdrawExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.withdraw_exercise_candidate(
                actor, _exercise(input), _item(input), input.reason or "", input.expected_version
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Price a Buy a Feature candidate.")
    async def price_exercise_candidate(
        self, info: Info, input: PriceExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.price_exercise_candidate(
                actor, _exercise(input), _item(input), input.price, input.expected_version
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Invite a participant (a token subject, usually STAKEHOLDER).")
    async def invite_participant(
        self, info: Info, input: InviteParticipantInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.invite_participant(
                actor, _exercise(input), input.subject, input.segment, input.expected_version
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Open for ballots: designs and budgets are handed out.")
    async def open_exercise(self, info: Info, input: OpenExerciseInput) -> ExercisePayload:
        def command(app: Any, actor: Any) -> CommandResult:
            design = None
            if input.design is not None:
                design = [
                    [need_id(i, "BacklogItem", f"design.{n}") for i in s]
                    for n, s in enumerate(input.design)
                ]
            return app.open_exercise(
                actor, _exercise(input), input.budget, design, input.expected_version
            )

        return await run(info, command, exercise_success)

    @strawberry.mutation(
        description="Submit (or revise) your ballot while the exercise is OPEN. Any role may "
        "vote in an exercise it is invited to."
    )
    async def submit_ballot(self, info: Info, input: SubmitBallotInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.submit_ballot(
                actor, _exercise(input), _ballot(input), input.expected_version
            ),
            exercise_success,
            roles=EVERYONE,
        )

    @strawberry.mutation(description="Close the exercise: results are computed and ranked.")
    async def close_exercise(self, info: Info, input: CloseExerciseInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.close_exercise(actor, _exercise(input), input.expected_version),
            exercise_success,
            wait_seconds=CLOSE_WAIT_SECONDS,
        )

    @strawberry.mutation(
        description="Exclude a respondent from the results with a reason (audited; listed in "
        "`excludedRespondents`); a CLOSED exercise's results and rankings are computed again."
    )
    async def exclude_respondent(
        self, info: Info, input: ExcludeRespondentInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.exclude_respondent(
                actor, _exercise(input), input.respondent, input.reason, input.expected_version
            ),
            exercise_success,
            wait_seconds=CLOSE_WAIT_SECONDS,
        )

    @strawberry.mutation(
        description="Reopen a CLOSED exercise with a reason (audited): its results are withdrawn "
        "until it closes again; ballots given stay and may be revised."
    )
    async def reopen_exercise(self, info: Info, input: ReopenExerciseInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.reopen_exercise(
                actor,
                _exercise(input),
                input.reason,
                input.deadline.isoformat() if input.deadline else None,
                input.expected_version,
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Import MaxDiff responses from a survey tool's CSV export.")
    async def import_max_diff_responses(
        self, info: Info, input: ImportMaxDiffResponsesInput
    ) -> ImportPayload:
        return await run(
            info,
            lambda app, actor: app.import_maxdiff_responses(
                actor, _exercise(input), input.csv, input.source or "", input.expected_version
            ),
            exercise_success,
        )
