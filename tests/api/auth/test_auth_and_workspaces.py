"""Tokens gate every request; a workspace sees and changes only its own data; roles limit writes."""

from __future__ import annotations

import httpx

from okrank.api.auth import Role, issue_token
from tests.support.builders import ITEM, item, objective, ranking, tag


def test_requests_without_a_valid_token_are_refused(server):
    query = {"query": "{ viewer { workspace } }"}
    missing = httpx.post(f"{server.url}/graphql", json=query)
    assert missing.status_code == 401
    assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = issue_token(
        "another-secret-of-a-decent-length-0123456789", "ws", "mallory", [Role.ADMIN]
    )
    bad = httpx.post(
        f"{server.url}/graphql", json=query, headers={"Authorization": f"Bearer {forged}"}
    )
    assert bad.status_code == 401 and "invalid token" in bad.json()["errors"][0]["message"]


def test_expired_token_is_refused(server):
    from tests.support.servers import SECRET

    expired = issue_token(SECRET, "ws", "alice", [Role.ADMIN], ttl_seconds=-10)
    r = httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {expired}"},
    )
    assert r.status_code == 401 and r.json()["errors"][0]["message"] == "token expired"


def test_viewer_reflects_the_token(client_factory):
    c = client_factory(workspace="acme", subject="alice", roles=(Role.PRODUCT_OWNER,))
    assert c.execute("{ viewer { workspace subject roles } }")["viewer"] == {
        "workspace": "acme",
        "subject": "alice",
        "roles": ["PRODUCT_OWNER"],
    }


def test_workspaces_are_isolated(client_factory):
    a, b = client_factory(), client_factory()
    o = objective(a)
    i = item(a, rice=(10, 1, 1, 1))
    tag(a, i["id"], o["id"])
    # B can neither read nor change A's objects; they look like they do not exist.
    assert b.execute("query($id: ID!) { backlogItem(id: $id) { id } }", {"id": i["id"]}) == {
        "backlogItem": None
    }
    assert b.execute("query($id: ID!) { objective(id: $id) { id } }", {"id": o["id"]}) == {
        "objective": None
    }
    assert (
        b.mutate("updateBacklogItem", {"backlogItemId": i["id"], "title": "hijack"}, "")[
            "__typename"
        ]
        == "NotFoundError"
    )
    own = item(b)
    assert tag(b, own["id"], o["id"])["__typename"] == "NotFoundError"
    assert ranking(b)["totalCount"] == 1  # only B's own item
    assert b.execute("{ tagHistory { edges { cursor } } }")["tagHistory"]["edges"] == []
    body = b.post(
        "query($o: ID) { ranking(objectiveId: $o) { totalCount } }", {"o": o["id"]}
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert a.execute("query($id: ID!) { backlogItem(id: $id) { title } }", {"id": i["id"]}) == {
        "backlogItem": {"title": "Onboarding checklist"}
    }


def test_read_only_roles_cannot_write(client_factory):
    admin = client_factory()
    member = client_factory(workspace=admin.workspace, subject="bob", roles=(Role.MEMBER,))
    denied = member.mutate(
        "createBacklogItem", {"title": "x"}, "... on PermissionDeniedError { requiredRoles }"
    )
    assert denied["__typename"] == "PermissionDeniedError"
    assert set(denied["requiredRoles"]) == {"ADMIN", "PRODUCT_OWNER"}
    assert member.execute("{ backlogItems { edges { cursor } } }")["backlogItems"]["edges"] == []


def test_only_admins_recalibrate_multipliers(client_factory):
    admin = client_factory()
    po = client_factory(workspace=admin.workspace, subject="pat", roles=(Role.PRODUCT_OWNER,))
    values = {"direct": 3, "indirect": 1, "untagged": 0.5, "reason": "r"}
    assert po.mutate("recalibrateAlignmentMultipliers", values, "")["__typename"] == (
        "PermissionDeniedError"
    )
    i = po.mutate("createBacklogItem", {"title": "allowed"}, ITEM)
    assert i["__typename"] == "BacklogItemSuccess"
