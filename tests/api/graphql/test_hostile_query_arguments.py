"""Query arguments a client sends that cannot be read (NUL text, moments beyond the calendar,
cursors whose numbers overflow) are BAD_USER_INPUT naming the argument, never an internal error;
the time filters still filter. Through GraphQL over HTTP against the real server."""

from __future__ import annotations

import base64
import json

import pytest

from tests.support.builders import item, objective, tag

NUL = "evil\x00text"


def cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


@pytest.mark.parametrize(
    ("query", "variables", "says"),
    [
        ("query($c: String) { objectives(cycle: $c) { edges { cursor } } }", {"c": NUL}, "cycle"),
        ('{ objectives(cycle: "2026\\u0000") { edges { cursor } } }', None, "cycle"),
        ("query($a: String) { tagHistory(actor: $a) { edges { cursor } } }", {"a": NUL}, "actor"),
        (
            '{ tagHistory(since: "0001-01-01T00:00:00+14:00") { edges { cursor } } }',
            None,
            "since",
        ),
        (
            '{ tagHistory(until: "9999-12-31T23:59:59-14:00") { edges { cursor } } }',
            None,
            "until",
        ),
        (
            "query($c: String!) { plan(cycle: $c, capacity: 10, allocations: []) { used } }",
            {"c": NUL},
            "cycle",
        ),
        (
            "query($a: String) { objectives(after: $a) { edges { cursor } } }",
            {"a": cursor([2**70])},
            "cursor",
        ),
        (
            "query($a: String) { backlogItems(after: $a) { edges { cursor } } }",
            {"a": cursor([-(2**64)])},
            "cursor",
        ),
        (
            "query($a: String) { tagHistory(after: $a) { edges { cursor } } }",
            {"a": cursor([2**63])},
            "cursor",
        ),
        (
            "query($a: String) { ranking(after: $a) { totalCount } }",
            {"a": cursor([2**70, "0x0p+0", "0x0p+0", 1, "00000000-0000-0000-0000-000000000001"])},
            "cursor",
        ),
        (
            "query($a: String) { ranking(after: $a) { totalCount } }",
            {"a": cursor([40000, "0x0p+0", "0x0p+0", 1, "00000000-0000-0000-0000-000000000001"])},
            "cursor",
        ),
    ],
)
def test_bad_query_arguments_are_bad_user_input_not_internal_errors(gql, query, variables, says):
    assert says in gql.bad_user_input(query, variables)


def test_tag_history_time_filters_still_filter(gql):
    o = objective(gql)
    tag(gql, item(gql)["id"], o["id"])
    query = "query($s: DateTime) { tagHistory(since: $s) { edges { node { reason } } } }"
    for since, expected in [
        ("2000-01-01T00:00:00", 1),
        ("2000-01-01T00:00:00+14:00", 1),
        ("9999-01-01T00:00:00", 0),
        ("9999-01-01T00:00:00-14:00", 0),
    ]:
        assert len(gql.execute(query, {"s": since})["tagHistory"]["edges"]) == expected, since
