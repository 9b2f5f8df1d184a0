"""Mutation inputs become domain commands at the edge: IDs parsed, `expectedVersion` carried,
a bad ID refused before any command exists (no application, no database here)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.api.backlog.mutations import TagBacklogItemInput, TriageBacklogItemInput
from okrank.api.exercises.inputs import OpenExerciseInput, SubmitBallotInput
from okrank.api.graphql.ids import to_global_id
from okrank.api.okrs.mutations import CloseObjectiveInput, CreateObjectiveInput
from okrank.domain.backlog.commands import TagBacklogItem, TriageBacklogItem
from okrank.domain.backlog.item import TriageDecision
from okrank.domain.errors import ValidationError
from okrank.domain.exercises.commands import OpenExercise
from okrank.domain.okrs.commands import CloseObjective, CreateObjective
from okrank.domain.rankings.scoring import Tier


def test_an_input_builds_its_command_with_parsed_ids_and_the_expected_version():
    item, objective = uuid4(), uuid4()
    command = TagBacklogItemInput(
        backlog_item_id=to_global_id("BacklogItem", item),
        objective_id=to_global_id("Objective", objective),
        tier=Tier.DIRECT,
        reason="moves users",
        expected_version=3,
    ).command()
    assert command == TagBacklogItem(
        item, objective, Tier.DIRECT, "moves users", expected_version=3
    )
    close = CloseObjectiveInput(objective_id=to_global_id("Objective", objective)).command()
    assert close == CloseObjective(objective)


def test_omitted_optional_text_becomes_the_commands_default():
    item = uuid4()
    triage = TriageBacklogItemInput(
        backlog_item_id=to_global_id("BacklogItem", item), decision=TriageDecision.NO
    ).command()
    assert triage == TriageBacklogItem(item, TriageDecision.NO, "")
    assert CreateObjectiveInput(cycle="2026", title="t").command() == CreateObjective("2026", "t")


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: CloseObjectiveInput(objective_id="nope").command(), ["objectiveId"]),
        (
            lambda: CreateObjectiveInput(
                cycle="2026", title="t", parent_id=to_global_id("BacklogItem", uuid4())
            ).command(),
            ["parentId"],
        ),
        (
            lambda: OpenExerciseInput(
                exercise_id=to_global_id("Exercise", uuid4()), design=[["bad"]]
            ).command(),
            ["design", "0"],
        ),
        (
            lambda: SubmitBallotInput(exercise_id=to_global_id("Objective", uuid4())).command(),
            ["exerciseId"],
        ),
    ],
)
def test_a_bad_or_foreign_id_is_refused_at_the_edge_naming_its_field(build, path):
    with pytest.raises(ValidationError) as refused:
        build()
    assert refused.value.path == path


def test_an_open_design_is_parsed_set_by_set():
    exercise, a, b, c = uuid4(), uuid4(), uuid4(), uuid4()
    sets = [[to_global_id("BacklogItem", i) for i in (a, b, c)]]
    command = OpenExerciseInput(exercise_id=to_global_id("Exercise", exercise), design=sets)
    assert command.command() == OpenExercise(exercise, design=[[a, b, c]])
