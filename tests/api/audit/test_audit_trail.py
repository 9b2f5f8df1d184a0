"""The audit trail through the real endpoint and the CLI: auditHead covers every acknowledged
mutation; verifyAuditTrail and `okrank audit verify` find a row edited in PostgreSQL at exactly
its position, accept an earlier head, and are only for ADMIN and AUDITOR."""

from __future__ import annotations

from typing import Any

from okrank.api.auth import Role
from tests.support.audit_chain import edited, okrank_audit, positions
from tests.support.builders import item, objective, tag

HEAD = "{ auditHead { events hash head } }"
VERIFY = """query($head: String) { verifyAuditTrail(head: $head) {
  verified events head { events hash head } problem position message } }"""


def build(gql: Any) -> None:
    o = objective(gql, key_results=1)
    for n in range(3):
        i = item(gql, f"item {n}", rice=(10, 1, 1, 2))
        tag(gql, i["id"], o["id"])


def test_the_head_covers_every_acknowledged_mutation_and_the_trail_verifies(
    gql, client_factory, database_url
):
    build(gql)
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    head = auditor.execute(HEAD)["auditHead"]
    assert head["events"] == len(positions(database_url, gql.workspace))  # read-your-writes
    assert head["head"] == f"{head['events']}:{head['hash']}"
    result = auditor.execute(VERIFY)["verifyAuditTrail"]
    assert result == {
        "verified": True,
        "events": head["events"],
        "head": head,
        "problem": None,
        "position": None,
        "message": f"all {head['events']} events verify up to {head['head']}",
    }
    assert gql.execute(VERIFY)["verifyAuditTrail"]["verified"]  # an ADMIN may too
    # An earlier head still verifies once more events follow it.
    item(gql, "later")
    later = auditor.execute(VERIFY, {"head": head["head"]})["verifyAuditTrail"]
    assert later["verified"] and later["events"] == head["events"] + 1


def test_an_edited_row_is_found_at_its_position_over_graphql_and_by_the_cli(gql, database_url):
    build(gql)
    target = positions(database_url, gql.workspace)[4]
    head = gql.execute(HEAD)["auditHead"]["head"]
    with edited(database_url, target):
        result = gql.execute(VERIFY)["verifyAuditTrail"]
        assert (result["verified"], result["problem"]) == (False, "ALTERED")
        assert (result["position"], result["events"]) == (target, 4)
        assert result["head"]["events"] == 4
        cli = okrank_audit(database_url, "verify", "--workspace", gql.workspace)
        assert cli.returncode == 1, cli.stderr
        assert f"ALTERED at position {target}" in cli.stdout
        cli = okrank_audit(database_url, "verify", "--workspace", gql.workspace, "--head", head)
        assert cli.returncode == 1 and f"position {target}" in cli.stdout
    result = gql.execute(VERIFY, {"head": head})["verifyAuditTrail"]
    assert result["verified"], result
    cli = okrank_audit(database_url, "verify", "--workspace", gql.workspace, "--head", head)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert (
        cli.stdout.strip()
        == f"{gql.workspace}: all {head.split(':')[0]} events verify up to {head}"
    )
    printed = okrank_audit(database_url, "head", "--workspace", gql.workspace)
    assert printed.stdout.strip() == f"{gql.workspace} {head}"


def test_the_cli_refuses_an_unknown_workspace_and_a_malformed_head(gql, database_url):
    build(gql)
    unknown = okrank_audit(database_url, "verify", "--workspace", "no-such-workspace")
    assert unknown.returncode == 2 and "has no events in the audit chain" in unknown.stderr
    bad = okrank_audit(database_url, "verify", "--workspace", gql.workspace, "--head", "abc")
    assert bad.returncode == 2 and "--head" in bad.stderr
    alone = okrank_audit(database_url, "verify", "--head", f"1:{'0' * 64}")
    assert alone.returncode == 2 and "--workspace" in alone.stderr


def test_a_malformed_head_is_bad_input_and_other_roles_are_forbidden(gql, client_factory):
    body = gql.post(VERIFY, {"head": "12:nothex"}).json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body
    for role in (Role.PRODUCT_OWNER, Role.MEMBER, Role.STAKEHOLDER):
        client = client_factory(gql.workspace, "someone", (role,))
        for query in (HEAD, VERIFY):
            body = client.post(query).json()
            assert body["data"] is None, body
            assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
