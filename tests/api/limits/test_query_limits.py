"""The query limits over parsed documents (no server): depth and aliases through fragments,
the breadth bounds, query cost, the trusted documents manifest and the settings."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest
from graphql import parse, validate
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.query_depth_limiter import QueryDepthLimiter

from okrank.api.graphql.schema import schema
from okrank.api.limits import VALIDATION_CACHE_SIZE
from okrank.api.limits.cost import operation_cost
from okrank.api.limits.cost_memo import CostMemo
from okrank.api.limits.settings import QuerySettings
from okrank.api.limits.shape import (
    MAX_FRAGMENTS,
    MAX_SAME_KEY,
    MAX_SPREADS,
    alias_count,
    depths,
    expanded_counts,
    shape_errors,
)
from okrank.api.limits.trusted_documents import lift_document_id, load_manifest
from okrank.api.limits.validation import _cached

GRAPHQL = schema._schema

THROUGH_FRAGMENTS = """
query Deep { ranking { edges { node { ...Entry } } } tagHistory { ...Events } }
fragment Entry on RankingEntry { backlogItem { tags { objective { id ...Obj } } } }
fragment Obj on Objective { keyResults { id } }
fragment Events on TagEventConnection { edges { cursor } }
"""


def bomb(n: int, leaf: str = "viewer { subject }") -> str:
    fragments = [f"fragment F0 on Query {{ {leaf} }}"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, n)
    ]
    return f"query {{ ...F{n - 1} }} " + " ".join(fragments)


def strawberry_depths(text: str) -> dict[str, int]:
    """What strawberry's (exponential) QueryDepthLimiter reports, for a small document."""
    seen: dict[str, int] = {}
    limiter = QueryDepthLimiter(max_depth=100, callback=seen.update)
    validate(GRAPHQL, parse(text), limiter.validation_rules)
    return seen


def test_depth_counts_through_fragments_as_strawberry_did():
    # ranking > edges > node > backlogItem > tags > objective > keyResults: 7 levels.
    assert depths(parse(THROUGH_FRAGMENTS)) == {"Deep": 7}
    assert strawberry_depths(THROUGH_FRAGMENTS) == {"Deep": 7}


def test_aliases_through_repeated_fragments_multiply_as_they_would_expand():
    text = """query { ...F2 c: viewer { subject } }
    fragment F0 on Query { a: viewer { s: subject } }
    fragment F1 on Query { ...F0 ...F0 }
    fragment F2 on Query { ...F1 ...F1 b: viewer { subject } }"""
    document = parse(text)
    # F0 has 2 aliases, F1 4, F2 4 × 2 + 1 = 9, the operation 9 + 1 = 10.
    assert alias_count(document) == 10
    operation = document.definitions[0]
    fragments = {d.name.value: d for d in document.definitions[1:]}
    assert count_fields_with_alias(operation, fragments) == 10


def test_a_bomb_of_sixty_fragments_is_counted_exactly_without_expanding_it():
    document = parse(bomb(60, "a: viewer { subject }"))
    fields, aliases = expanded_counts(document)
    assert (fields, aliases) == (2**59 * 2, 2**59)
    codes = [e.extensions["code"] for e in shape_errors(document)]
    assert codes == ["TOO_MANY_FIELDS", "TOO_MANY_ALIASES"]


def test_the_thirty_fragment_bomb_is_refused_for_its_expanded_size():
    [error] = shape_errors(parse(bomb(30)))
    assert error.extensions == {"code": "TOO_MANY_FIELDS", "limit": 5000}
    assert error.message.startswith(f"{2**29 * 2} fields")


def test_fragment_cycles_and_unknown_fragments_do_not_loop():
    text = "{ ...A ...Missing } fragment A on Query { ...B } fragment B on Query { ...A }"
    assert shape_errors(parse(text)) == []
    assert operation_cost(GRAPHQL, parse(text)) == 1


def test_breadth_bounds_refuse_repeated_fields_spreads_and_fragments():
    repeated = "{ " + " ".join(["viewer { subject }"] * (MAX_SAME_KEY + 1)) + " }"
    assert shape_errors(parse(repeated))[0].extensions["code"] == "FIELD_REPEATED"
    inline = "{ " + " ".join(["... on Query { viewer { subject } }"] * (MAX_SAME_KEY + 1)) + " }"
    assert shape_errors(parse(inline))[0].extensions["code"] == "FIELD_REPEATED"
    spreads = (
        "{ "
        + " ".join(["...A"] * (MAX_SPREADS + 1))
        + " } fragment A on Query { viewer { subject } }"
    )
    assert shape_errors(parse(spreads))[0].extensions["code"] == "TOO_MANY_SPREADS"
    many = "{ ...A0 } " + " ".join(
        f"fragment A{i} on Query {{ viewer {{ subject }} }}" for i in range(MAX_FRAGMENTS + 1)
    )
    assert shape_errors(parse(many))[0].extensions["code"] == "TOO_MANY_FRAGMENTS"
    at_bounds = "{ " + " ".join(["viewer { subject }"] * MAX_SAME_KEY) + " }"
    assert shape_errors(parse(at_bounds)) == []


def test_cost_of_a_connection_inside_a_connection_multiplies():
    text = """{ exercises(first: 100) { edges { node {
        respondentUtilities(first: 100) { edges { cursor } } } } } }"""
    assert operation_cost(GRAPHQL, parse(text)) == 100 + 100 * 100


def test_cost_resolves_variables_defaults_and_fragments():
    by_variable = "query($n: Int!) { objectives(first: $n) { edges { cursor } } }"
    assert operation_cost(GRAPHQL, parse(by_variable), None, {"n": 3}) == 3
    by_default = "query($n: Int! = 7) { objectives(first: $n) { edges { cursor } } }"
    assert operation_cost(GRAPHQL, parse(by_default)) == 7
    field_default = "{ objectives { edges { cursor } } }"  # first: Int! = 50
    assert operation_cost(GRAPHQL, parse(field_default)) == 50
    oversized = "{ objectives(first: 5000) { edges { cursor } } }"  # refused anyway: max 100
    assert operation_cost(GRAPHQL, parse(oversized)) == 100
    fragment = """{ a: exercises(first: 10) { ...Page } b: exercises(first: 20) { ...Page } }
    fragment Page on ExerciseConnection { edges { node { respondentUtilities(first: 5) {
        edges { cursor } } } } }"""
    assert operation_cost(GRAPHQL, parse(fragment)) == (10 + 10 * 5) + (20 + 20 * 5)


def test_a_remembered_cost_is_computed_once_per_document_operation_and_page_size():
    computed: list[object] = []

    def counting(*args: object) -> int:
        computed.append(args)
        return operation_cost(*args)  # type: ignore[arg-type]

    memo = CostMemo(counting, 8)
    document = parse(
        "query A($n: Int, $m: Int) { objectives(first: $n) { edges { cursor } } }"
        " query B { objectives(first: 2) { edges { cursor } } }"
    )
    answers = [
        memo(GRAPHQL, document, "A", {"n": 3, "m": 1}),
        memo(GRAPHQL, document, "A", {"n": 3, "m": 9}),  # $m is no page size: remembered
        memo(GRAPHQL, document, "A", {"n": 4}),
        memo(GRAPHQL, document, "A", {"n": True}),  # not an int: the argument's default
        memo(GRAPHQL, document, "A", {"n": "4"}),  # likewise: remembered
        memo(GRAPHQL, document, "A", None),  # absent: the argument's default too
        memo(GRAPHQL, document, "B", {"n": 4}),
        memo(
            GRAPHQL,
            parse("query A($n: Int) { objectives(first: $n) { edges { cursor } } }"),
            "A",
            {"n": 3},
        ),  # another document of the same text: computed for itself
    ]
    assert answers == [3, 3, 4, 50, 50, 50, 2, 3]
    assert len(computed) == 6


def test_cost_counts_unpaginated_lists_and_picks_the_operation():
    text = """query A { ranking(first: 100) { edges { node { backlogItem { tags { tier } } } } } }
    query B { viewer { subject } }"""
    assert operation_cost(GRAPHQL, parse(text), "A") == 100 + 100 * 10
    assert operation_cost(GRAPHQL, parse(text), "B") == 1


def test_manifest_hashes_are_checked_and_both_shapes_read(tmp_path):
    doc = "{ viewer { subject } }"
    digest = hashlib.sha256(doc.encode()).hexdigest()
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({f"sha256:{digest}": doc}))
    assert load_manifest(str(plain)) == {digest: doc}
    apollo = tmp_path / "apollo.json"
    apollo.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": digest, "name": "V", "type": "query", "body": doc}],
            }
        )
    )
    assert load_manifest(str(apollo)) == {digest: doc}
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({digest: doc + " "}))
    with pytest.raises(ValueError, match="not the sha256"):
        load_manifest(str(wrong))


def test_document_id_moves_into_extensions():
    assert lift_document_id({"documentId": "sha256:ab", "variables": {}}) == {
        "documentId": "sha256:ab",
        "variables": {},
        "extensions": {"documentId": "sha256:ab"},
    }
    assert lift_document_id({"query": "{ a }"}) == {"query": "{ a }"}


def test_settings_default_on_and_refuse_nonsense():
    assert QuerySettings.from_env({}) == QuerySettings()
    off = QuerySettings.from_env({"OKRANK_INTROSPECTION": "0", "OKRANK_GRAPHIQL": "false"})
    assert (off.introspection, off.graphiql) == (False, False)
    with pytest.raises(ValueError, match="OKRANK_INTROSPECTION"):
        QuerySettings.from_env({"OKRANK_INTROSPECTION": "maybe"})
    with pytest.raises(ValueError, match="OKRANK_QUERY_COST_LIMIT"):
        QuerySettings.from_env({"OKRANK_QUERY_COST_LIMIT": "-5"})


def test_validation_results_are_cached_per_document():
    cache = _cached(VALIDATION_CACHE_SIZE)
    query = "{ __typename cachedProbe: __typename }"
    asyncio.run(schema.execute(query))
    before = cache.cache_info()
    result = asyncio.run(schema.execute(query))
    assert result.errors is None and result.data == {"__typename": "Query", "cachedProbe": "Query"}
    assert cache.cache_info().hits == before.hits + 1
    assert cache.cache_info().misses == before.misses
