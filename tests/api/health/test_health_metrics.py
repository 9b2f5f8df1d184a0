"""Health metrics through GraphQL on a real server: a metric turning amber beside a team's OKRs,
its readings newest first, bad input typed with nothing changed, another workspace's metric not
found, and who may record."""

from __future__ import annotations

from okrank.api.auth import Role
from tests.support.builders import objective

METRIC = (
    "... on HealthMetricSuccess { healthMetric { id name team unit status latestValue version"
    " archived thresholds { direction green amber } originKeyResult { id metric } } }"
)
LISTED = """
query($team: String, $archived: Boolean! = false) {
  healthMetrics(team: $team, includeArchived: $archived) {
    edges { node { name status latestValue
      readings(first: 10) { edges { node { value status explicit note recordedBy version } } }
    } }
  }
}
"""
UPTIME = {"direction": "HIGHER_IS_BETTER", "green": 99.5, "amber": 99.0}


def create(gql, **fields):
    fields = {"name": "Uptime", "team": "Growth", "unit": "%", "thresholds": UPTIME, **fields}
    return gql.mutate("createHealthMetric", fields, METRIC)


def listed(gql, team="Growth", archived=False):
    page = gql.execute(LISTED, {"team": team, "archived": archived})["healthMetrics"]
    return [e["node"] for e in page["edges"]]


def test_a_metric_turns_amber_and_its_readings_read_newest_first(gql):
    o = objective(gql, "Reliable checkout")
    kr = o["keyResults"][0]["id"]
    m = create(gql, origin={"objectiveId": o["id"], "keyResultId": kr})["healthMetric"]
    assert m["originKeyResult"] == {"id": kr, "metric": "metric 0"} and m["status"] is None
    green = gql.mutate("recordHealthMetric", {"healthMetricId": m["id"], "value": 99.8}, METRIC)
    assert green["healthMetric"]["status"] == "GREEN"  # read back at once: read-your-writes
    amber = gql.mutate(
        "recordHealthMetric",
        {"healthMetricId": m["id"], "value": 99.1, "expectedVersion": 2},
        METRIC,
    )["healthMetric"]
    assert (amber["status"], amber["latestValue"], amber["version"]) == ("AMBER", 99.1, 3)
    create(gql, name="Platform uptime", team="Platform")
    [metric] = listed(gql)
    assert metric["name"] == "Uptime" and metric["status"] == "AMBER"
    readings = [e["node"] for e in metric["readings"]["edges"]]
    assert [(r["value"], r["status"], r["version"]) for r in readings] == [
        (99.1, "AMBER", 3),
        (99.8, "GREEN", 2),
    ]
    assert {r["recordedBy"] for r in readings} == {"po"}


def test_an_explicit_status_with_its_note_wins_over_the_thresholds(gql):
    m = create(gql)["healthMetric"]
    red = {"healthMetricId": m["id"], "value": 99.9, "status": "RED", "note": "failover broke"}
    assert gql.mutate("recordHealthMetric", red, METRIC)["healthMetric"]["status"] == "RED"
    reading = listed(gql)[0]["readings"]["edges"][0]["node"]
    assert (reading["explicit"], reading["note"]) == (True, "failover broke")


def test_bad_input_is_typed_naming_the_field_and_changes_nothing(gql):
    o = objective(gql)
    wrong_way = {"direction": "HIGHER_IS_BETTER", "green": 90, "amber": 95}
    for fields, path in (
        ({"thresholds": wrong_way}, ["input", "thresholds", "amber"]),
        ({"thresholds": {**UPTIME, "green": 1e300}}, ["input", "thresholds", "green"]),
        ({"name": ""}, ["input", "name"]),
        # An objective's ID where a key result's is expected.
        (
            {"origin": {"objectiveId": o["id"], "keyResultId": o["id"]}},
            ["input", "origin", "keyResultId"],
        ),
    ):
        refused = create(gql, **fields)
        assert refused["__typename"] == "ValidationError" and refused["path"] == path, refused
    assert listed(gql) == []
    m = create(gql)["healthMetric"]
    for reading, path in (
        ({}, ["input", "value"]),
        ({"status": "AMBER"}, ["input", "note"]),
        ({"value": 1e300}, ["input", "value"]),
    ):
        refused = gql.mutate("recordHealthMetric", {"healthMetricId": m["id"], **reading}, METRIC)
        assert refused["__typename"] == "ValidationError" and refused["path"] == path, refused
    assert listed(gql)[0]["readings"]["edges"] == []


def test_an_unknown_key_result_of_a_real_objective_is_named(gql):
    o = objective(gql)
    other = objective(gql, "Another")["keyResults"][0]["id"]
    refused = create(gql, origin={"objectiveId": o["id"], "keyResultId": other})
    assert refused["__typename"] == "ValidationError"
    assert refused["path"] == ["input", "origin", "keyResultId"]


def test_another_workspaces_metric_is_not_found(gql, client_factory):
    m = create(gql)["healthMetric"]
    stranger = client_factory()
    refused = stranger.mutate("recordHealthMetric", {"healthMetricId": m["id"], "value": 1}, "")
    assert refused["__typename"] == "NotFoundError" and refused["id"] == m["id"]
    query = "query($id: ID!) { healthMetric(id: $id) { id } node(id: $id) { id } }"
    assert stranger.execute(query, {"id": m["id"]}) == {"healthMetric": None, "node": None}
    assert gql.execute(query, {"id": m["id"]})["node"] == {"id": m["id"]}


def test_a_member_records_readings_an_auditor_changes_nothing(gql, client_factory):
    m = create(gql)["healthMetric"]
    member = client_factory(gql.workspace, "mia", (Role.MEMBER,))
    recorded = member.mutate("recordHealthMetric", {"healthMetricId": m["id"], "value": 98}, METRIC)
    assert recorded["healthMetric"]["status"] == "RED"
    assert member.mutate("createHealthMetric", {"name": "Mine"}, "")["__typename"] == (
        "PermissionDeniedError"
    )
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    for name, fields in (
        ("recordHealthMetric", {"healthMetricId": m["id"], "value": 99.9}),
        ("archiveHealthMetric", {"healthMetricId": m["id"], "reason": "gone"}),
        ("createHealthMetric", {"name": "Theirs"}),
    ):
        assert auditor.mutate(name, fields, "")["__typename"] == "PermissionDeniedError"
    assert [x["status"] for x in listed(auditor)] == ["RED"]  # an auditor reads


def test_an_archived_metric_leaves_the_default_list(gql):
    m = create(gql)["healthMetric"]
    archived = gql.mutate(
        "archiveHealthMetric", {"healthMetricId": m["id"], "reason": "met all year"}, METRIC
    )
    assert archived["healthMetric"]["archived"] is True
    assert listed(gql) == [] and len(listed(gql, archived=True)) == 1
    again = gql.mutate("recordHealthMetric", {"healthMetricId": m["id"], "value": 99.9}, "")
    assert again["__typename"] == "ConflictError"


def test_a_teams_metrics_are_listed_beside_its_okrs(gql):
    create(gql)
    create(gql, name="p95 latency", team="Platform", unit="ms", thresholds=None)
    objective(gql, "Grow activation")
    query = """{ team(name: "Growth", cycle: "2026-Q3") {
        objectives { title } healthMetrics { edges { node { name status } } } } }"""
    team = gql.execute(query)["team"]
    assert [e["node"]["name"] for e in team["healthMetrics"]["edges"]] == ["Uptime"]
