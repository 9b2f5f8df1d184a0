"""The exercise tables written by set statements (one INSERT or UPDATE … FROM unnest each):
an opening with many participants hands every one its design, a candidate added while open
extends every design, and a close stores results per segment, groups and respondents; applied
in one large batch, they write exactly what one event per transaction writes."""

from __future__ import annotations

from typing import Any

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.exercises.commands import Invitation
from okrank.domain.rankings.scoring import Tier
from okrank.projections.engine.runner import event_store_env
from tests.support.live_projection import logged, project

OWNER = Actor("ws", "owner")
PEOPLE = 40


def closed_maxdiff(app: OkrankApplication) -> Any:
    """A MaxDiff exercise opened with PEOPLE participants in two segments, a sixth candidate
    added while open, every participant's ballot, closed."""
    o = app.create_objective(OWNER, "2026-Q3", "o").aggregate_id
    app.add_key_result(OWNER, o, "kr", 0, 1)
    app.activate_objective(OWNER, o)
    items = []
    for k in range(6):
        i = app.create_backlog_item(OWNER, f"item {k}").aggregate_id
        app.tag_backlog_item(OWNER, i, o, Tier.DIRECT, "r")
        items.append(i)
    ex = app.create_exercise(OWNER, o, "MAXDIFF", "what first", set_size=3).aggregate_id
    for i in items[:5]:
        app.add_exercise_candidate(OWNER, ex, i)
    invited = [Invitation(f"p{n}", ("Sales", "Support")[n % 2]) for n in range(PEOPLE)]
    app.open_exercise(OWNER, ex, participants=invited)
    app.add_exercise_candidate(OWNER, ex, items[5], reason="late")
    aggregate = app.repository.get(ex)
    for n in range(PEOPLE):
        sets = aggregate.sets_of(f"p{n}")
        answers = [MaxDiffAnswer(k, s[0], s[-1]) for k, s in enumerate(sets)]
        app.submit_ballot(Actor("ws", f"p{n}"), ex, BallotInput(answers=answers))
    app.close_exercise(OWNER, ex)
    return app.repository.get(ex)


def test_set_statements_write_designs_and_results_as_one_event_per_transaction_does(
    make_database,
):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        exercise = closed_maxdiff(app)
        events = logged(app)
    finally:
        app.close()
    one_by_one, _ = project(url, events, None)
    batched, _ = project(url, events, 5_000)
    assert batched == one_by_one
    designs = {r[1]: r[5] for r in batched["exercise_participants"]}
    assert len(designs) == PEOPLE
    for subject, design in designs.items():  # the opening's sets and the late candidate's
        assert design == [[str(i) for i in s] for s in exercise.sets_of(subject)]
    assert {r[1] for r in batched["exercise_groups"]} == {"", "Sales", "Support"}
    assert len(batched["exercise_results"]) == 3 * 6  # overall and each segment, per item
    assert len(batched["exercise_respondents"]) == PEOPLE
