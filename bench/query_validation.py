"""Validation time of hostile documents, before and after api.limits, in the same run.

Before: graphql-core's rules with strawberry's QueryDepthLimiter and MaxAliasesLimiter (what
api.schema configured). After: api.limits.validation.guarded_validate (linear shape checks, then
graphql-core's rules). Also the query cost computation (api.limits.cost). Uncached: each figure
is one document seen for the first time. The fragment bomb before is run at 20 and 22 fragments
only: it doubles per fragment (30 would take minutes).

Run: .venv/bin/python -m bench.query_validation
"""

from __future__ import annotations

import time
from collections.abc import Callable

from graphql import DocumentNode, parse, specified_rules, validate
from graphql.language import Lexer, Source, TokenKind
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from okrank.api.graphql.schema import schema
from okrank.api.limits.cost import operation_cost
from okrank.api.limits.shape import MAX_SAME_KEY, MAX_SPREADS
from okrank.api.limits.validation import guarded_validate

GRAPHQL = schema._schema
BEFORE_RULES = [
    *specified_rules,
    *QueryDepthLimiter(max_depth=12).validation_rules,
    *MaxAliasesLimiter(max_alias_count=30).validation_rules,
]


def fragment_bomb(n: int) -> str:
    fragments = ["fragment F0 on Query { viewer { subject } }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, n)
    ]
    return f"query {{ ...F{n - 1} }} " + " ".join(fragments)


def tokens(text: str) -> int:
    lexer, count = Lexer(Source(text)), 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


def fill(unit: Callable[[int], str], head: str = "{ ", tail: str = " }", budget: int = 5000) -> str:
    """As many units as fit in `budget` tokens."""
    parts: list[str] = []
    used = tokens(head + tail)
    while True:
        part = unit(len(parts))
        used += tokens("{ " + part + " }") - 2
        if used > budget:
            return head + " ".join(parts) + tail
        parts.append(part)


def distinct_fragments() -> str:
    """Distinct fragments, each spread once, side by side (5,000 tokens)."""
    text, n = "", 1
    while True:
        spreads = " ".join(f"...A{i}" for i in range(n))
        defs = " ".join(f"fragment A{i} on Query {{ viewer {{ subject }} }}" for i in range(n))
        candidate = "{ " + spreads + " } " + defs
        if tokens(candidate) > 5000:
            return text
        text, n = candidate, n + 10


def spread_fragments() -> str:
    """A valid document at the bounds: MAX_SPREADS overlapping fragments spread in each of
    MAX_SAME_KEY `ranking` selections."""
    body = "rank backlogItem { id title tags { tier reason objective { id title } } }"
    defs = " ".join(f"fragment E{i} on RankingEntry {{ {body} }}" for i in range(MAX_SPREADS))
    spreads = " ".join(f"...E{i}" for i in range(MAX_SPREADS))
    selection = f"ranking {{ edges {{ node {{ {spreads} }} }} }}"
    return "{ " + " ".join([selection] * MAX_SAME_KEY) + " } " + defs


DOCUMENTS_5000 = {
    "repeated fields `viewer { subject }`": fill(lambda i: "viewer { subject }"),
    "repeated deep fields": fill(
        lambda i: "ranking { edges { node { rank backlogItem { id } } } }"
    ),
    "distinct fragments side by side": distinct_fragments(),
    "distinct aliased fields (valid but for aliases)": fill(
        lambda i: f"a{i}: viewer {{ subject }}"
    ),
}
AT_THE_BOUNDS = spread_fragments()


def ms(run: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    run(*args)
    return (time.perf_counter() - start) * 1000


def validate_before(document: DocumentNode) -> object:
    return validate(GRAPHQL, document, BEFORE_RULES)


def validate_after(document: DocumentNode) -> object:
    return guarded_validate(GRAPHQL, document, ())


def main() -> None:
    print("fragment bomb (n fragments, each spreading the previous one twice)")
    for n in (20, 22, 30, 100):
        text = fragment_bomb(n)
        document = parse(text, max_tokens=5000)
        after = ms(validate_after, document)
        before = f"{ms(validate_before, document):9.1f} ms" if n <= 22 else "  not run"
        print(
            f"  n={n:3d} ({len(text):5d} bytes, {tokens(text):4d} tokens): before {before}, "
            f"after {after:7.2f} ms"
        )
    print("5,000-token documents")
    for name, text in DOCUMENTS_5000.items():
        document = parse(text, max_tokens=5000)
        before, after = ms(validate_before, document), ms(validate_after, document)
        refused = [e.extensions.get("code") for e in guarded_validate(GRAPHQL, document, ())]
        print(
            f"  {name} ({tokens(text)} tokens): before {before:7.1f} ms, after {after:6.2f} ms"
            f" ({refused[0] if refused else 'valid'})"
        )
    document = parse(AT_THE_BOUNDS)
    before, after = ms(validate_before, document), ms(validate_after, document)
    errors = guarded_validate(GRAPHQL, document, ())
    print(
        f"valid document at the bounds ({MAX_SAME_KEY} x {MAX_SPREADS} overlapping fragment "
        f"spreads, {tokens(AT_THE_BOUNDS)} tokens): before {before:.1f} ms, after {after:.1f} ms "
        f"({'valid' if not errors else errors[0].message})"
    )
    ranking = parse(
        "{ ranking(first: 100) { edges { node { rank backlogItem { id tags { tier } } } } } }"
    )
    runs = 1000
    cost_us = ms(lambda: [operation_cost(GRAPHQL, ranking) for _ in range(runs)]) * 1000 / runs
    print(f"query cost of a ranking page: {cost_us:.1f} µs (mean of {runs})")
    wide = parse(DOCUMENTS_5000["distinct aliased fields (valid but for aliases)"], max_tokens=5000)
    print(f"query cost of a 5,000-token document: {ms(operation_cost, GRAPHQL, wide):.2f} ms")


if __name__ == "__main__":
    main()
