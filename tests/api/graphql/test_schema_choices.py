"""Choices a client writes as enum literals: the MoSCoW category in, the category and the
consensus out; and DateTime says which format it is (RFC 3339) with @specifiedBy."""

from __future__ import annotations

from tests.support.exercises import PARTICIPATION, RESULTS, close, open_, setup, stakeholders

INTROSPECT = """
{ dateTime: __type(name: "DateTime") { kind specifiedByURL }
  input: __type(name: "MoscowVoteInput") { inputFields { name type { ofType { kind name } } } }
  view: __type(name: "MoscowVoteView") { fields { name type { ofType { kind name } } } }
  result: __type(name: "MoscowItemResult") { fields { name type { ofType { kind name } } } } }
"""


def test_a_moscow_vote_takes_the_category_as_an_enum_literal(gql, client_factory):
    _, items, ex = setup(gql, "MOSCOW", ["SSO", "Audit log"])
    sam = stakeholders(gql, client_factory, ex, {"sam": None})["sam"]
    open_(gql, ex)
    sso, audit = (i["id"] for i in items)
    answer = sam.execute(
        f"""mutation {{ submitBallot(input: {{ exerciseId: "{ex["id"]}", votes: [
              {{ backlogItemId: "{sso}", category: MUST }},
              {{ backlogItemId: "{audit}", category: WONT }}] }}) {{ __typename }} }}"""
    )
    assert answer["submitBallot"]["__typename"] == "ExerciseSuccess"
    mine = sam.execute(PARTICIPATION, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert {v["backlogItemId"]: v["category"] for v in mine["ballot"]["votes"]} == {
        sso: "MUST",
        audit: "WONT",
    }
    close(gql, ex)
    results = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]["items"]
    assert [r["moscow"]["consensus"] for r in results] == ["MUST", "WONT"]


def test_the_schema_declares_the_enum_and_the_date_time_format(gql):
    schema = gql.execute(INTROSPECT)
    assert schema["dateTime"] == {
        "kind": "SCALAR",
        "specifiedByURL": "https://datatracker.ietf.org/doc/html/rfc3339",
    }
    enum = {"kind": "ENUM", "name": "MoscowCategory"}
    assert {f["name"]: f["type"]["ofType"] for f in schema["input"]["inputFields"]}[
        "category"
    ] == enum
    assert {f["name"]: f["type"]["ofType"] for f in schema["view"]["fields"]}["category"] == enum
    assert {f["name"]: f["type"]["ofType"] for f in schema["result"]["fields"]}["consensus"] == enum
