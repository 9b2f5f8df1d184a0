"""Schema-driven fuzzing of a real okrank server: operations generated from `schema.graphql`
(hypothesis-graphql) with real seeded IDs, IDs of another workspace and hostile strings.

Used by `tests/api/graphql/test_fuzz.py` (a bounded run in the suite) and `python -m bench.fuzz` (a
longer run). A finding is any answer a client must never get: a 5xx, a body that is not JSON, a
masked internal error ("Internal error."), an execution error without a typed code, a read
model that did not catch up, or no answer within the time limit. After the run the
service must still be ready, read its own writes promptly, and the bystander workspace (whose IDs
the operations probe) must be exactly as it was.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import graphql
import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from okrank.api.auth import Role, issue_token
from tests.support.builders import item, objective, tag
from tests.support.graphql_client import GraphQLClient
from tests.support.paths import ROOT
from tests.support.servers import SECRET

INTERNAL_ERROR = "Internal error."  # what api.schema's MaskErrors answers for an unhandled fault

# Strings PostgreSQL, JSON or the domain may choke on; mixed with arbitrary text.
HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "evil\x00title",
    "\ud800",
    "a\udfffb",
    "\u2028\u2029",
    "\u202eevil",
    "x" * 5_000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "2026-Q3",
    "2026",
    "WzAsLTFd",
    "WzEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzLC0xXQ==",  # a cursor holding a number beyond 64 bits
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "NaN",
    "1e308",
    "http://127.0.0.1:5432/",
    "http://[::1]/",
    "http://2130706433/",
    "Sales",
    "MUST",
    "respondent,set,items,best,worst\n1,1,a|b|c,a,c\n",
    "respondent,set,items,best,worst\n1,1,a\x00|b|c,a,c\n",
]
HOSTILE_DATETIMES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-12-01T00:00:00Z",
    "not a date",
    "\x00",
    "2026-02-30T00:00:00",
]
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "2026-07-01", "2026-02-30", "not a date", "\x00"]
HOSTILE_IDS = ["", "\x00", "T2JqZWN0aXZlOg==", "QmFja2xvZ0l0ZW06MQ==", "x" * 300, "🦄"]
HOSTILE_FLOATS = [0.0, -0.0, -1.0, 1e308, -1e308, 1e-300, 5e-324, 3.0, 0.25, 1e9, 1e15]


def _string_node(text: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=text)


@dataclass
class Findings:
    """What the run saw, by kind; `examples` keeps a few failing operations per kind."""

    operations: int = 0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, document: str, detail: str) -> None:
        self.kinds[kind] += 1
        bucket = self.examples.setdefault(kind, [])
        if len(bucket) < 5:
            bucket.append(f"{detail}\n--- operation ---\n{document[:2_000]}")

    def summary(self) -> dict[str, Any]:
        return {
            "operations": self.operations,
            "statuses": dict(self.statuses),
            "findings": dict(self.kinds),
        }


@dataclass
class Seed:
    """The data the operations probe: IDs of the fuzzed workspace and of a bystander."""

    ids: list[str]
    bystander: GraphQLClient


BYSTANDER_STATE = """
{ objectives(first: 100) { edges { node { id title status version keyResults { id metric } } } }
  backlogItems(first: 100) { edges { node { id title status version riceScore wsjfScore
    tags { tier reason objective { id } } } } }
  ranking(method: RICE, first: 100) { totalCount edges { node { rank priority
    backlogItem { id } } } }
  exercises(first: 100) { edges { node { id title status } } }
  webhooks { id url status } }
"""


def bystander_state(seed: Seed) -> dict[str, Any]:
    return seed.bystander.execute(BYSTANDER_STATE)


def seed_workspaces(url: str, workspace: str) -> Seed:
    """A fuzzed workspace and a bystander, each with objectives, items, tags and an exercise."""
    ids: list[str] = []
    clients = []
    for name in (workspace, workspace + "-bystander"):
        client = GraphQLClient(url, name, "fuzz-admin", [Role.ADMIN])
        clients.append(client)
        o = objective(client, "Fuzzed objective", key_results=2)
        items = [item(client, f"Item {n}", rice=(100, 2, 0.5, 3)) for n in range(3)]
        for i in items[:2]:
            tag(client, i["id"], o["id"])
        exercise = client.mutate(
            "createExercise",
            {"objectiveId": o["id"], "method": "MOSCOW", "title": "Fuzzed exercise"},
            "... on ExerciseSuccess { exercise { id } }",
        )["exercise"]
        ids += [o["id"], exercise["id"], *(k["id"] for k in o["keyResults"])]
        ids += [i["id"] for i in items]
    clients[0].close()
    return Seed(ids=ids, bystander=clients[1])


def operations(seed: Seed) -> st.SearchStrategy[str]:
    """Queries and mutations from the schema, with arguments drawn from the seeded IDs and
    hostile values as well as arbitrary ones."""
    schema = (ROOT / "schema.graphql").read_text()
    text = st.sampled_from(HOSTILE_STRINGS) | st.text(max_size=40)
    custom = {
        "ID": (st.sampled_from(seed.ids) | st.sampled_from(HOSTILE_IDS)).map(_string_node),
        "String": text.map(_string_node),
        "DateTime": st.sampled_from(HOSTILE_DATETIMES).map(_string_node),
        "Date": st.sampled_from(HOSTILE_DATES).map(_string_node),
        "Float": st.sampled_from(HOSTILE_FLOATS).map(
            lambda v: graphql.FloatValueNode(value=repr(v))
        ),
    }
    return from_schema(schema, custom_scalars=custom, allow_null=True)


def _encode(document: str) -> bytes:
    # ensure_ascii: lone surrogates travel as JSON escapes, as a hostile client would send them
    return json.dumps({"query": document}, ensure_ascii=True).encode()


def check_answer(findings: Findings, document: str, response: httpx.Response) -> None:
    findings.statuses[response.status_code] += 1
    if response.status_code >= 500:
        findings.add("5xx", document, f"HTTP {response.status_code}: {response.text[:500]}")
        return
    try:
        body = response.json()
    except ValueError:
        findings.add("not JSON", document, response.text[:500])
        return
    for error in (body or {}).get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if error.get("message") == INTERNAL_ERROR:
            findings.add("internal error", document, json.dumps(error)[:500])
        elif code == "READ_MODEL_LAGGING":
            findings.add("read model lagging", document, json.dumps(error)[:500])
        elif "path" in error and code is None:
            # An execution error without a code is an untyped failure (e.g. a non-finite
            # Float that cannot be serialised), not an answer a client can act on.
            findings.add("untyped execution error", document, json.dumps(error)[:500])


class _OutOfTime(Exception):
    pass


def run(
    url: str,
    seed: Seed,
    workspace: str,
    examples: int,
    timeout: float = 10.0,
    seconds: float = 1800.0,
) -> Findings:
    """Send up to `examples` generated operations as ADMIN and as STAKEHOLDER of `workspace`,
    stopping after `seconds`."""
    findings = Findings()
    stop_at = time.monotonic() + seconds
    tokens = {
        role: issue_token(SECRET, workspace, f"fuzz-{role.value.lower()}", [role])
        for role in (Role.ADMIN, Role.STAKEHOLDER)
    }
    http = httpx.Client(base_url=url, timeout=timeout)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=["generate"],
    )
    @given(document=operations(seed), role=st.sampled_from(list(tokens)))
    def one(document: str, role: Role) -> None:
        if time.monotonic() > stop_at:
            raise _OutOfTime
        findings.operations += 1
        headers = {"Authorization": f"Bearer {tokens[role]}", "content-type": "application/json"}
        try:
            response = http.post("/graphql", content=_encode(document), headers=headers)
        except httpx.TimeoutException:
            findings.add("hang", document, f"no answer within {timeout} s")
            return
        check_answer(findings, document, response)

    try:
        one()
    except _OutOfTime:
        pass
    finally:
        http.close()
    return findings
