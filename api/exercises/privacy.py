"""Who may see what of stakeholder exercises: the one home of the rule.

Which roles see what is in the role table (api.auth.permissions): a STAKEHOLDER sees only the
exercises it is invited to and never their results; every other role (ADMIN, PRODUCT_OWNER,
MEMBER: team members; AUDITOR) sees every exercise of the workspace and, once closed, its
results.
Results are every answer derived from the ballots: `results`, `segmentResults`,
`segmentAgreement`, `methodAgreement`, the EXERCISE ranking (`ranking(method: EXERCISE)`, `plan`
with an `exerciseId`) and its ranking changes (`rankingChanged`). Only the owners (ADMIN,
PRODUCT_OWNER) see individual answers and utilities; participants, exclusions, design
diagnostics and the history are for the owners and the AUDITOR (records, not ballots).
"""

from __future__ import annotations

from graphql import GraphQLError

from okrank.api.auth import Principal
from okrank.api.auth.permissions import (
    SEE_EVERY_EXERCISE,
    SEE_EXERCISE_RECORDS,
    SEE_EXERCISE_RESULTS,
    SEE_INDIVIDUAL_ANSWERS,
    allows,
)
from okrank.domain.rankings.scoring import Method, split_method

INDIVIDUAL_ANSWERS = frozenset({"ballot", "responses"})  # event fields only owners see


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def sees_every_exercise(principal: Principal) -> bool:
    return allows(principal, SEE_EVERY_EXERCISE)


def reads_results(principal: Principal) -> bool:
    return allows(principal, SEE_EXERCISE_RESULTS)


def is_owner(principal: Principal) -> bool:
    return allows(principal, SEE_INDIVIDUAL_ANSWERS)


def reads_records(principal: Principal) -> bool:
    return allows(principal, SEE_EXERCISE_RECORDS)


def require_results(principal: Principal) -> None:
    """Raise FORBIDDEN unless the caller may see exercise results. Checked before the exercise
    is looked up, so the answer says nothing about whether an exercise exists."""
    if not reads_results(principal):
        raise forbidden("stakeholders do not see exercise results")


def sees_ranking(principal: Principal, method_key: str) -> bool:
    """Whether a ranking (or a change of it) with this method key may be shown: an exercise's
    ranking is its results."""
    return split_method(method_key)[0] != Method.EXERCISE.value or reads_results(principal)
