"""Sprints through the real GraphQL endpoint: two sprints of a team run from planning to close
(items done and carried over, an owner's override with its reason), the sprint review's output
and outcome, every bad input a typed error with nothing changed, concurrent overlapping
creations of which exactly one succeeds, and zombie features counted by hand."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from okrank.api.auth.principal import Role
from tests.support.builders import item, objective, tag
from tests.support.sprints import SPRINT, check_in, done, lifecycle, new_sprint, plan

REVIEW = """
query($id: ID!) { sprint(id: $id) { status review {
  windowStart windowEnd doneItems { id } carriedOverItems { id }
  keyResults { keyResult { id } doneItems { id } checkIns { value note } } } } }
"""
SPRINTS = """
query($team: String, $cycle: String) { sprints(team: $team, cycle: $cycle, first: 10) {
  edges { node { id status version items { item { id } } } } } }
"""
HISTORY = """
query($id: ID!) { sprint(id: $id) { history(first: 20) {
  edges { node { event actor fields { name value } } } } } }
"""
ZOMBIES = """
query($team: String!, $first: Int) { zombies(team: $team, first: $first) { team totalCount
  thresholds { sprints cycles version }
  zombies { item { id } lingeredDays cyclesSurvived sprintsSurvived { id } } } }
"""


def team_sprints(gql, team="Growth"):
    return gql.execute(SPRINTS, {"team": team})["sprints"]["edges"]


def ids(nodes):
    return [n["id"] for n in nodes]


def test_two_sprints_run_with_done_and_carried_over_items_an_override_and_their_reviews(
    gql, client_factory
):
    member = client_factory(gql.workspace, "dev", (Role.MEMBER,))
    o = objective(gql)
    kr = o["keyResults"][0]["id"]
    signup, wizard = item(gql, "Signup", team="Growth"), item(gql, "Wizard", team="Growth")
    for i in (signup, wizard):
        tag(gql, i["id"], o["id"], key_result_id=kr)
    legal = item(gql, "Cookie banner", team="Growth")  # untagged, unjustified: ineligible
    first = new_sprint(gql, kr, "2026-07-01", "2026-07-14")
    assert first["__typename"] == "SprintSuccess", first
    s1 = first["sprint"]
    assert (s1["status"], s1["startDate"], s1["endDate"]) == ("PLANNED", "2026-07-01", "2026-07-14")
    assert (s1["goalKeyResult"]["id"], s1["goalObjective"]["id"]) == (kr, o["id"])

    assert plan(member, s1["id"], signup["id"])["__typename"] == "SprintSuccess"  # the team plans
    plan(member, s1["id"], wizard["id"])
    refused = plan(member, s1["id"], legal["id"])
    assert refused["__typename"] == "ValidationError"
    assert (
        refused["path"] == ["input", "backlogItemId"] and "eligibility rule" in refused["message"]
    )
    denied = plan(member, s1["id"], legal["id"], overrideReason="legal deadline")
    assert denied["__typename"] == "PermissionDeniedError"  # a MEMBER cannot override
    no_reason = plan(gql, s1["id"], legal["id"], overrideReason="  ")
    assert no_reason["path"] == ["input", "overrideReason"]
    overridden = plan(gql, s1["id"], legal["id"], overrideReason="legal deadline")["sprint"]
    assert overridden["overrides"] == [
        {"override": {"reason": "legal deadline", "by": "po"}, "item": {"id": legal["id"]}}
    ]
    assert [(p["item"]["id"], p["plannedBy"], p["override"]) for p in overridden["items"]] == [
        (signup["id"], "dev", None),
        (wizard["id"], "dev", None),
        (legal["id"], "po", {"reason": "legal deadline", "by": "po"}),
    ]

    history = gql.execute(HISTORY, {"id": s1["id"]})["sprint"]["history"]["edges"]
    audited = [h["node"] for h in history if h["node"]["event"] == "ItemPlanned"][-1]
    assert audited["actor"] == "po"
    assert {"name": "override_reason", "value": '"legal deadline"'} in audited["fields"]

    check_in(gql, kr, 10, "before the sprint")  # not in the review: the sprint has not started
    lifecycle(member, "startSprint", s1["id"])
    done(gql, signup["id"])
    check_in(gql, kr, 18, "sprint 1 review")
    closed = lifecycle(member, "closeSprint", s1["id"])
    assert [(p["item"]["id"], p["outcome"]) for p in closed["items"]] == [
        (signup["id"], "DONE"),
        (wizard["id"], "CARRIED_OVER"),
        (legal["id"], "CARRIED_OVER"),
    ]
    review = gql.execute(REVIEW, {"id": s1["id"]})["sprint"]["review"]
    assert ids(review["doneItems"]) == [signup["id"]]
    assert ids(review["carriedOverItems"]) == [wizard["id"], legal["id"]]
    assert review["keyResults"] == [
        {
            "keyResult": {"id": kr},
            "doneItems": [{"id": signup["id"]}],
            "checkIns": [{"value": 18.0, "note": "sprint 1 review"}],
        }
    ]
    assert review["windowStart"] < review["windowEnd"]

    s2 = new_sprint(gql, kr, "2026-07-15", "2026-07-28", goal="Wizard")["sprint"]
    plan(member, s2["id"], wizard["id"])  # carried over into the next sprint
    lifecycle(member, "startSprint", s2["id"])
    done(gql, wizard["id"])
    check_in(gql, kr, 26, "sprint 2 review")
    lifecycle(member, "closeSprint", s2["id"])
    review = gql.execute(REVIEW, {"id": s2["id"]})["sprint"]["review"]
    assert ids(review["doneItems"]) == [wizard["id"]] and review["carriedOverItems"] == []
    assert review["keyResults"][0]["checkIns"] == [{"value": 26.0, "note": "sprint 2 review"}]
    assert [e["node"]["status"] for e in team_sprints(gql)] == ["CLOSED", "CLOSED"]
    assert gql.execute(SPRINTS, {"team": "Growth", "cycle": "2026-Q4"})["sprints"]["edges"] == []


def test_every_bad_input_is_a_typed_error_naming_the_field_and_changes_nothing(gql):
    o, q4 = objective(gql), objective(gql, "Next quarter", cycle="2026-Q4")
    kr, q4_kr = o["keyResults"][0]["id"], q4["keyResults"][0]["id"]
    s = new_sprint(gql, kr, "2026-07-01", "2026-07-14")["sprint"]
    planned = item(gql, "Planned")
    tag(gql, planned["id"], o["id"])
    plan(gql, s["id"], planned["id"])
    lifecycle(gql, "startSprint", s["id"])
    lifecycle(gql, "closeSprint", s["id"])
    late = item(gql, "Late")
    tag(gql, late["id"], o["id"])
    before = team_sprints(gql)

    cases = [
        (new_sprint(gql, kr, "2026-07-20", "2026-07-19"), "ValidationError", ["endDate"]),
        (new_sprint(gql, kr, "2026-07-14", "2026-07-20"), "ValidationError", ["startDate"]),
        (
            new_sprint(gql, q4_kr, "2026-08-01", "2026-08-14"),
            "ValidationError",
            ["goalKeyResultId"],
        ),
        (new_sprint(gql, kr, "2026-08-01", "2026-08-14", team=""), "ValidationError", ["team"]),
        (new_sprint(gql, kr, "2026-08-01", "2026-08-14", goal=""), "ValidationError", ["goal"]),
        (new_sprint(gql, kr, "2026-08-01", "2026-08-14", cycle="Q3"), "ValidationError", ["cycle"]),
        (
            new_sprint(gql, o["id"], "2026-08-01", "2026-08-14"),
            "ValidationError",
            ["goalKeyResultId"],
        ),
        (plan(gql, s["id"], late["id"]), "ValidationError", ["sprintId"]),  # a closed sprint
        (plan(gql, s["id"], o["id"]), "ValidationError", ["backlogItemId"]),  # not an item ID
        (lifecycle_answer(gql, "startSprint", s["id"]), "ConflictError", None),
        (lifecycle_answer(gql, "closeSprint", s["id"]), "ConflictError", None),
    ]
    for answer, typename, path in cases:
        assert answer["__typename"] == typename, answer
        if path is not None:
            assert answer["path"] == ["input", *path], answer
    assert team_sprints(gql) == before


def lifecycle_answer(gql, name, sprint):
    return gql.mutate(name, {"sprintId": sprint}, SPRINT)


def test_unknown_or_foreign_references_are_not_found(gql, client_factory):
    o = objective(gql)
    kr = o["keyResults"][0]["id"]
    s = new_sprint(gql, kr, "2026-07-01", "2026-07-14")["sprint"]
    stranger = client_factory()
    theirs = item(stranger, "Theirs")
    assert new_sprint(stranger, kr, "2026-07-01", "2026-07-14")["__typename"] == "NotFoundError"
    assert plan(gql, s["id"], theirs["id"])["__typename"] == "NotFoundError"
    assert plan(stranger, s["id"], theirs["id"])["__typename"] == "NotFoundError"
    assert stranger.execute(REVIEW, {"id": s["id"]})["sprint"] is None


def test_of_concurrent_overlapping_creations_exactly_one_succeeds(gql):
    kr = objective(gql)["keyResults"][0]["id"]
    starts = ["2026-07-01", "2026-07-02", "2026-07-03", "2026-07-04"]
    with ThreadPoolExecutor(len(starts)) as pool:
        answers = list(pool.map(lambda d: new_sprint(gql, kr, d, "2026-07-14"), starts))
    kinds = sorted(a["__typename"] for a in answers)
    assert kinds == ["SprintSuccess"] + ["ValidationError"] * 3, answers
    assert all(a["path"] == ["input", "startDate"] for a in answers if "path" in a)
    assert len(team_sprints(gql)) == 1


def test_zombies_are_the_untagged_open_items_that_outlived_the_thresholds(gql, client_factory):
    member = client_factory(gql.workspace, "dev", (Role.MEMBER,))
    o, draft = objective(gql), objective(gql, "Draft", active=False)
    kr = o["keyResults"][0]["id"]
    lingering = item(gql, "Dark mode", team="Growth")  # untagged from the start
    justified = item(gql, "Upgrade the database", team="Growth")
    gql.mutate(
        "justifyNonStrategic",
        {"backlogItemId": justified["id"], "justification": "end of support"},
        "__typename",
    )
    to_draft = item(gql, "Tagged to a draft", team="Growth")  # a tag, but not to an ACTIVE one
    tag(gql, to_draft["id"], draft["id"])
    strategic = item(gql, "Strategic", team="Growth")
    tag(gql, strategic["id"], o["id"])
    finished = item(gql, "Finished", team="Growth")
    done(gql, finished["id"])
    other_team = item(gql, "Elsewhere", team="Platform")
    sprints = []
    for n, (start, end) in enumerate((("2026-07-01", "2026-07-14"), ("2026-07-15", "2026-07-28"))):
        s = new_sprint(gql, kr, start, end)["sprint"]
        lifecycle(gql, "startSprint", s["id"])
        if n == 0:
            newcomer = item(gql, "Created during sprint 1", team="Growth")
        lifecycle(gql, "closeSprint", s["id"])
        sprints.append(s["id"])

    report = gql.execute(ZOMBIES, {"team": "Growth"})["zombies"]
    # By hand: two sprints closed; no item has lived through a whole quarter yet. At the
    # default threshold (3 sprints or 1 cycle) nothing is a zombie.
    assert report["thresholds"] == {"sprints": 3, "cycles": 1, "version": 0}
    assert report["zombies"] == []

    setting = {"sprints": 2, "cycles": 1, "reason": "two-week sprints"}
    thresholds = "... on ZombieThresholdsSuccess { zombieThresholds { sprints cycles version } }"
    assert member.mutate("setZombieThresholds", setting, thresholds)["__typename"] == (
        "PermissionDeniedError"
    )
    bad = gql.mutate("setZombieThresholds", {**setting, "sprints": 0}, thresholds)
    assert bad["path"] == ["input", "sprints"]
    assert gql.mutate("setZombieThresholds", setting, thresholds)["zombieThresholds"] == {
        "sprints": 2,
        "cycles": 1,
        "version": 2,  # the workspace aggregate: created, then the thresholds set
    }
    report = gql.execute(ZOMBIES, {"team": "Growth"})["zombies"]
    # By hand: the untagged, justified and draft-tagged items existed through both sprints;
    # the strategic one has a tag to an active objective, the finished one is DONE, the
    # newcomer lived through one sprint only and the Platform item is another team's.
    assert [z["item"]["id"] for z in report["zombies"]] == [
        lingering["id"],
        justified["id"],
        to_draft["id"],
    ]
    for zombie in report["zombies"]:
        assert [s["id"] for s in zombie["sprintsSurvived"]] == sprints
        assert (zombie["cyclesSurvived"], zombie["lingeredDays"]) == (0, 0)
    assert report["totalCount"] == 3
    assert newcomer["id"] not in str(report) and other_team["id"] not in str(report)
    first = gql.execute(ZOMBIES, {"team": "Growth", "first": 1})["zombies"]
    assert (first["totalCount"], [z["item"]["id"] for z in first["zombies"]]) == (
        3,
        [lingering["id"]],
    )
    assert gql.execute(ZOMBIES, {"team": "Platform"})["zombies"]["zombies"] == []
