"""The exercise enums as GraphQL sees them: the domain's own enums mapped once, and the actions
an exercise's history records."""

from __future__ import annotations

from enum import Enum

import strawberry

from okrank.domain.exercises.exercise import ExerciseMethod, ExerciseStatus
from okrank.domain.exercises.methods.moscow import Category

ExerciseMethodEnum = strawberry.enum(
    ExerciseMethod,
    name="ExerciseMethod",
    description="How stakeholders give input: MAXDIFF (best-worst scaling over balanced sets), "
    "RICE_SESSION (each estimates reach, impact, confidence, effort), MOSCOW (Must, Should, "
    "Could, Won't) or BUY_A_FEATURE (budgets spent on priced items).",
)
# Stored ballots and results keep the category as its string; the API maps it to this enum.
MoscowCategoryEnum = strawberry.enum(
    Category,
    name="MoscowCategory",
    description="A MoSCoW category: MUST, SHOULD, COULD or WONT (Won't have this time).",
)
ExerciseStatusEnum = strawberry.enum(
    ExerciseStatus,
    name="ExerciseStatus",
    description="DRAFT (curating, inviting) → OPEN (taking ballots) → CLOSED (results).",
)


@strawberry.enum(description="What an exercise history entry records.")
class ExerciseAction(Enum):
    CREATED = "CREATED"
    CANDIDATE_ADDED = "CANDIDATE_ADDED"
    CANDIDATE_WITHDRAWN = "CANDIDATE_WITHDRAWN"
    CANDIDATE_PRICED = "CANDIDATE_PRICED"
    PARTICIPANT_INVITED = "PARTICIPANT_INVITED"
    OPENED = "OPENED"
    BALLOT_SUBMITTED = "BALLOT_SUBMITTED"
    RESPONSES_IMPORTED = "RESPONSES_IMPORTED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"
    RESPONDENT_EXCLUDED = "RESPONDENT_EXCLUDED"
    RESPONDENT_REINSTATED = "RESPONDENT_REINSTATED"
    AUTO_CLOSE_SET = "AUTO_CLOSE_SET"
