"""The AUDITOR role through the real endpoint: every mutation in the schema is refused with
PermissionDeniedError and changes nothing (a ballot in an exercise it is invited to included);
every read of its workspace works, exercise records and aggregate results included; individual
ballots stay hidden as they are from a stakeholder; another workspace stays invisible."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
)

from okrank.api.auth import Role
from okrank.api.graphql.schema import schema
from tests.support.builders import item, objective
from tests.support.exercises import closed_moscow, open_, setup, stakeholders, vote
from tests.support.webhooks import Receiver

SCALARS = {
    "String": "audited",
    "Float": 1.0,
    "Int": 1,
    "Boolean": False,
    "DateTime": "2026-01-01T00:00:00Z",
    "Date": "2026-07-01",
}
UNCHANGED = (
    "{ auditHead { head } webhooks { id } serviceTokens { id }"
    " backlogItems(first: 100) { edges { node { id version } } }"
    " objectives(first: 100) { edges { node { id version status } } } }"
)
READS = """query($e: ID!) {
  objectives { edges { node { id title keyResults { id } } } }
  backlogItems { edges { node { id title tags { tier } } } }
  ranking { totalCount }
  tagHistory { edges { node { action actor reason } } }
  alignmentMultipliers { direct }
  exercises { edges { node { id } } }
  exercise(id: $e) { status participants { subject submitted } history { action actor }
    excludedRespondents { respondent } results { respondents items { rank } } }
  auditHead { events }
}"""


def sample(type_: GraphQLInputType, name: str, ids: dict[str, str]) -> Any:
    """A well-formed value for a required argument: real IDs of the workspace's objects where
    the field names one, so a refusal is the role's and not a lookup's."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type, name, ids)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: sample(field.type, field_name, ids)
            for field_name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    if type_.name == "ID":
        return ids.get(name, ids["objectiveId"])
    return SCALARS[type_.name]


def every_mutation() -> dict[str, GraphQLInputType]:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    return {name: field.args["input"].type for name, field in mutation.fields.items()}


def invited_open_exercise(gql: Any, client_factory: Any) -> tuple[dict, list[dict], dict, Any]:
    o, items, ex = setup(gql, "MOSCOW", ["SSO", "Audit log"])
    stakeholders(gql, client_factory, ex, {"audrey": None})  # invited: only the role refuses
    open_(gql, ex)
    return o, items, ex, client_factory(gql.workspace, "audrey", (Role.AUDITOR,))


def test_every_mutation_is_refused_to_an_auditor_and_changes_nothing(gql, client_factory):
    o, items, ex, auditor = invited_open_exercise(gql, client_factory)
    ids = {
        "objectiveId": o["id"],
        "exerciseId": ex["id"],
        "backlogItemId": items[0]["id"],
        "keyResultId": o["keyResults"][0]["id"],
    }
    before = gql.execute(UNCHANGED)
    refused = {}
    for name, input_type in every_mutation().items():
        answer = auditor.mutate(
            name, sample(input_type, name, ids), "... on PermissionDeniedError { requiredRoles }"
        )
        refused[name] = answer["__typename"]
        assert "AUDITOR" not in answer.get("requiredRoles", []), (name, answer)
    assert set(refused.values()) == {"PermissionDeniedError"}, refused
    assert len(refused) >= 32  # every mutation of the schema was tried
    votes = [{"backlogItemId": items[0]["id"], "category": "MUST"}]
    assert vote(auditor, ex, votes=votes)["__typename"] == "PermissionDeniedError"
    assert gql.execute(UNCHANGED) == before


def test_an_auditor_reads_everything_of_its_workspace_but_no_individual_ballot(gql, client_factory):
    _, ex, sam = closed_moscow(gql, client_factory)
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    seen = auditor.execute(READS, {"e": ex["id"]})
    assert seen == gql.execute(READS, {"e": ex["id"]})  # what an ADMIN sees
    assert len(seen["backlogItems"]["edges"]) == 3 and seen["tagHistory"]["edges"]
    assert seen["exercise"]["participants"] == [{"subject": "sam", "submitted": True}]
    assert seen["exercise"]["results"]["respondents"] == 1
    assert {"actor": "po", "action": "CLOSED"} in seen["exercise"]["history"]
    for field in ("answersCsv", "utilitiesCsv", "respondentUtilities { edges { cursor } }"):
        query = f"query($e: ID!) {{ exercise(id: $e) {{ {field} }} }}"
        for client in (auditor, sam):
            body = client.post(query, {"e": ex["id"]}).json()
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    assert auditor.execute("{ viewer { roles } }")["viewer"]["roles"] == ["AUDITOR"]


LISTS = "{ webhooks { id url stream status } serviceTokens { id name roles revokedAt } }"


def test_an_auditor_lists_the_workspaces_webhooks_and_service_tokens_never_a_secret(
    gql, client_factory
):
    receiver = Receiver()  # on loopback
    try:
        hook = {"url": receiver.url, "stream": "OKRS"}
        registered = gql.mutate("registerWebhook", hook, "... on WebhookSuccess { secret }")
        assert registered["secret"]  # returned once, to the admin who registers it
        made = gql.mutate("createServiceToken", {"name": "ci", "roles": ["MEMBER"]}, "__typename")
        assert made["__typename"] == "ServiceTokenSuccess", made
        auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
        seen = auditor.execute(LISTS)
        assert seen == gql.execute(LISTS)  # what the ADMIN sees
        assert [w["stream"] for w in seen["webhooks"]] == ["OKRS"]
        assert [t["name"] for t in seen["serviceTokens"]] == ["ci"]
        member = client_factory(gql.workspace, "mia", (Role.MEMBER,))
        assert member.execute(LISTS) == {"webhooks": [], "serviceTokens": []}
        refused = auditor.mutate("registerWebhook", hook, "__typename")
        assert refused["__typename"] == "PermissionDeniedError"
    finally:
        receiver.close()


def test_an_auditor_sees_nothing_of_another_workspace(gql, client_factory):
    theirs = objective(gql)
    item(gql, "theirs")
    auditor = client_factory(roles=(Role.AUDITOR,))  # a workspace of its own
    query = "query($id: ID!) { objective(id: $id) { id } backlogItems { edges { node { id } } } }"
    seen = auditor.execute(query, {"id": theirs["id"]})
    assert seen == {"objective": None, "backlogItems": {"edges": []}}
    assert auditor.execute("{ auditHead { events } }")["auditHead"]["events"] == 0
