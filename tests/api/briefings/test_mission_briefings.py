"""Mission briefings through GraphQL on a real server: a briefing edited twice, read with its
version and its history; an epic's briefing; bad input typed with nothing changed; another
workspace's objective not found; auditors change nothing."""

from __future__ import annotations

from okrank.api.auth import Role
from tests.support.builders import item, objective

BRIEFING = (
    "... on MissionBriefingSuccess { missionBriefing { subjectId version myIntent"
    " keyImpliedTasks boundaries keyFailureIndicators { name } } }"
)
READ = """
query($id: ID!) {
  missionBriefing(subjectId: $id) {
    subjectId version context higherIntent myIntent keyImpliedTasks boundaries editedBy
    keyFailureIndicators { name status }
    versions(first: 10) { edges { node { version myIntent keyFailureIndicators { name } } } }
  }
}
"""
FIRST = {
    "context": "Churn rose after the pricing change.",
    "higherIntent": "Grow net revenue retention.",
    "myIntent": "Win back small teams.",
    "keyImpliedTasks": ["Interview 10 churned teams", "Ship a downgrade path"],
    "boundaries": ["No discounts above 20%"],
}


def metric(gql, name):
    created = gql.mutate(
        "createHealthMetric", {"name": name}, "... on HealthMetricSuccess { healthMetric { id } }"
    )
    return created["healthMetric"]["id"]


def test_a_briefing_edited_twice_reads_with_its_version_and_history(gql):
    o = objective(gql, "Retain small teams")
    tickets = metric(gql, "Support tickets")
    first = gql.mutate(
        "editMissionBriefing", {"subjectId": o["id"], "expectedVersion": 0, **FIRST}, BRIEFING
    )["missionBriefing"]
    assert (first["version"], first["subjectId"], first["keyFailureIndicators"]) == (1, o["id"], [])
    second = gql.mutate(
        "editMissionBriefing",
        {
            "subjectId": o["id"],
            "expectedVersion": 1,
            **FIRST,
            "myIntent": "Win back small teams without hurting support.",
            "keyFailureIndicatorIds": [tickets],
        },
        BRIEFING,
    )["missionBriefing"]
    assert second["version"] == 2  # read back at once: read-your-writes
    read = gql.execute(READ, {"id": o["id"]})["missionBriefing"]
    assert read["keyImpliedTasks"] == FIRST["keyImpliedTasks"] and read["editedBy"] == "po"
    assert read["keyFailureIndicators"] == [{"name": "Support tickets", "status": None}]
    assert [e["node"] for e in read["versions"]["edges"]] == [
        {
            "version": 2,
            "myIntent": "Win back small teams without hurting support.",
            "keyFailureIndicators": [{"name": "Support tickets"}],
        },
        {"version": 1, "myIntent": "Win back small teams.", "keyFailureIndicators": []},
    ]


def test_an_epic_has_its_own_briefing(gql):
    epic = item(gql, "Pricing page v2")
    done = gql.mutate("editMissionBriefing", {"subjectId": epic["id"], **FIRST}, BRIEFING)
    assert done["missionBriefing"]["subjectId"] == epic["id"]
    assert gql.execute(READ, {"id": epic["id"]})["missionBriefing"]["version"] == 1
    assert gql.execute(READ, {"id": objective(gql)["id"]})["missionBriefing"] is None


def test_bad_input_is_typed_naming_the_field_and_changes_nothing(gql):
    o = objective(gql)
    gql.mutate("editMissionBriefing", {"subjectId": o["id"], **FIRST}, BRIEFING)
    tickets = metric(gql, "Tickets")
    for fields, path in (
        ({"boundaries": ["ok", " "]}, ["input", "boundaries"]),
        ({"keyImpliedTasks": ["t" * 501]}, ["input", "keyImpliedTasks", "0"]),
        ({"context": "c" * 10_001}, ["input", "context"]),
        ({"keyFailureIndicatorIds": [o["id"]]}, ["input", "keyFailureIndicatorIds", "0"]),
        ({"keyFailureIndicatorIds": [tickets, tickets]}, ["input", "keyFailureIndicatorIds"]),
        ({}, ["input", "input"]),  # the same briefing again: nothing to change
    ):
        refused = gql.mutate("editMissionBriefing", {"subjectId": o["id"], **FIRST, **fields}, "")
        assert refused["__typename"] == "ValidationError" and refused["path"] == path, refused
    theme = gql.mutate(
        "createTheme", {"name": "T", "horizon": "NOW"}, "... on ThemeSuccess { theme { id } }"
    )
    wrong = gql.mutate("editMissionBriefing", {"subjectId": theme["theme"]["id"], **FIRST}, "")
    assert wrong["__typename"] == "ValidationError" and wrong["path"] == ["input", "subjectId"]
    stale = gql.mutate(
        "editMissionBriefing",
        {"subjectId": o["id"], **FIRST, "myIntent": "x", "expectedVersion": 0},
        "",
    )
    assert stale["__typename"] == "ConflictError" and stale["currentVersion"] == 1
    read = gql.execute(READ, {"id": o["id"]})["missionBriefing"]
    assert read["version"] == 1 and len(read["versions"]["edges"]) == 1


def test_another_workspaces_objective_or_metric_is_not_found(gql, client_factory):
    o = objective(gql)
    stranger = client_factory()
    refused = stranger.mutate("editMissionBriefing", {"subjectId": o["id"], **FIRST}, "")
    assert refused["__typename"] == "NotFoundError" and refused["id"] == o["id"]
    theirs = metric(stranger, "Theirs")
    indicator = gql.mutate(
        "editMissionBriefing",
        {"subjectId": o["id"], **FIRST, "keyFailureIndicatorIds": [theirs]},
        "",
    )
    assert indicator["__typename"] == "NotFoundError" and indicator["id"] == theirs
    assert gql.execute(READ, {"id": o["id"]})["missionBriefing"] is None


def test_an_auditor_reads_a_briefing_and_cannot_edit_it(gql, client_factory):
    o = objective(gql)
    gql.mutate("editMissionBriefing", {"subjectId": o["id"], **FIRST}, BRIEFING)
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    refused = auditor.mutate(
        "editMissionBriefing", {"subjectId": o["id"], **FIRST, "myIntent": "x"}, ""
    )
    assert refused["__typename"] == "PermissionDeniedError"
    assert (
        auditor.execute(READ, {"id": o["id"]})["missionBriefing"]["myIntent"] == FIRST["myIntent"]
    )
