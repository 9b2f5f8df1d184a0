"""GraphQL types of taking part in an exercise: a participant, their MaxDiff sets and their own
ballot. Only the owner sees participants; a participant sees only its own tasks and ballot."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem, item_global_id
from okrank.api.exercises.enums import MoscowCategoryEnum
from okrank.domain.exercises.methods.moscow import Category


@strawberry.type(description="An invited participant and how far they are (owners and AUDITOR).")
class ExerciseParticipant:
    subject: str = strawberry.field(description="The subject of the participant's token.")
    segment: str = strawberry.field(description="Their segment, e.g. Sales ('' for none).")
    submitted: bool = strawberry.field(description="A ballot has been submitted.")
    submitted_at: datetime | None = strawberry.field(description="When the last ballot came.")
    revisions: int = strawberry.field(description="How many ballots they submitted in all.")
    tasks: int = strawberry.field(description="MaxDiff: how many sets they were given.")


@strawberry.type(description="One MaxDiff set a participant is asked about.")
class MaxDiffSet:
    index: int = strawberry.field(description="Pass as `setIndex` when answering.")
    item_ids: strawberry.Private[list[UUID]]

    @strawberry.field(description="The items shown together, in display order.")
    async def items(self, info: Info) -> list[BacklogItem]:
        rows = await info.context.loaders.item.load_many(self.item_ids)  # one batch
        return [BacklogItem.from_row(r) for r in rows if r is not None]


@strawberry.type(description="A MaxDiff answer: the best and the worst item of one set.")
class MaxDiffAnswerView:
    set_index: int = strawberry.field(description="Which of your sets.")
    best_id: strawberry.ID = strawberry.field(description="The item chosen best.")
    worst_id: strawberry.ID = strawberry.field(description="The item chosen worst.")
    any_important: bool | None = strawberry.field(
        description="Anchored MaxDiff: “are any of these important at all?” (null: not asked)."
    )


@strawberry.type(description="A participant's RICE estimate of one item.")
class RiceEstimateView:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    reach: float = strawberry.field(description="Reach.")
    impact: float = strawberry.field(description="Impact (3, 2, 1, 0.5, 0.25).")
    confidence: float = strawberry.field(description="Confidence in (0, 1].")
    effort: float = strawberry.field(description="Effort (> 0).")


@strawberry.type(description="A participant's MoSCoW category for one item.")
class MoscowVoteView:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    category: MoscowCategoryEnum = strawberry.field(description="The category given.")


@strawberry.type(description="Money a participant put on one item.")
class AllocationView:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    amount: float = strawberry.field(description="The amount.")


@strawberry.type(description="Your own ballot, as last submitted (only the part of the method).")
class Ballot:
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    revisions: int = strawberry.field(description="How many times you submitted.")
    answers: list[MaxDiffAnswerView] = strawberry.field(description="MaxDiff answers.")
    estimates: list[RiceEstimateView] = strawberry.field(description="RICE estimates.")
    votes: list[MoscowVoteView] = strawberry.field(description="MoSCoW votes.")
    allocations: list[AllocationView] = strawberry.field(description="Buy a Feature money.")

    @classmethod
    def from_json(cls, ballot: dict[str, Any], at: datetime, revisions: int) -> Ballot:
        item = item_global_id
        important = dict(ballot.get("anyImportant", []))
        return cls(
            submitted_at=at,
            revisions=revisions,
            answers=[
                MaxDiffAnswerView(
                    set_index=s, best_id=item(b), worst_id=item(w), any_important=important.get(s)
                )
                for s, b, w in ballot.get("answers", [])
            ],
            estimates=[
                RiceEstimateView(
                    backlog_item_id=item(i), reach=v[0], impact=v[1], confidence=v[2], effort=v[3]
                )
                for i, v in ballot.get("estimates", {}).items()
            ],
            votes=[
                MoscowVoteView(backlog_item_id=item(i), category=Category(c))
                for i, c in ballot.get("votes", {}).items()
            ],
            allocations=[
                AllocationView(backlog_item_id=item(i), amount=a)
                for i, a in ballot.get("allocations", {}).items()
            ],
        )


@strawberry.type(description="What the caller is asked to do in an exercise, and their ballot.")
class Participation:
    segment: str = strawberry.field(description="The caller's segment ('' for none).")
    budget: float | None = strawberry.field(description="Buy a Feature: money to spend.")
    sets: list[MaxDiffSet] = strawberry.field(description="MaxDiff: the caller's own sets.")
    ballot: Ballot | None = strawberry.field(description="The caller's ballot, if submitted.")
    pooled: list[AllocationView] = strawberry.field(
        description="Buy a Feature, while OPEN: money everyone has put on each item so far "
        "(totals only, as in the real game), so participants can move theirs before the close."
    )
