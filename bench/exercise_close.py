"""A large MaxDiff exercise end to end: 1,000 participants in 4 segments, 20 candidates, 15 sets
of 4 each (15,000 answers, simulated from known utilities).

Prints: seconds to open it (a balanced version per participant, written in one event), seconds
for `closeExercise` over HTTP (the projection computes the results overall and per segment and
the EXERCISE ranking, and the mutation answers once they are readable), and, as the baseline in
the same run, the pure computation of the same results in-process; plus how well the results
recover the true order.

Run: .venv/bin/python -m bench.exercise_close [--participants 1000] [--items 20] [--quick]
"""

from __future__ import annotations

import json
import time
from uuid import UUID

import httpx
import numpy as np
from scipy.stats import spearmanr

from bench.arguments import arguments
from bench.common import WORKSPACE, admin_token, served_and_written, wait_projected
from bench.exercise_seed import maxdiff_draft, tagged_items
from okrank.domain.application import Actor
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.result_types import Participant
from okrank.domain.exercises.results import compute

CLOSE = """mutation($id: ID!) { closeExercise(input: {exerciseId: $id}) { __typename
  ... on ExerciseSuccess { exercise { status results { respondents items { rank } } } } } }"""


def choose(sets: list[list[UUID]], utility: dict[UUID, float], rng: np.random.Generator) -> list:
    """Best-worst answers drawn from the maxdiff logit with the true utilities."""
    answers = []
    for n, shown in enumerate(sets):
        pairs = [(b, w) for b in shown for w in shown if b != w]
        p = np.array([np.exp(utility[b] - utility[w]) for b, w in pairs])
        b, w = pairs[rng.choice(len(pairs), p=p / p.sum())]
        answers.append(MaxDiffAnswer(n, b, w))
    return answers


def main() -> None:
    args = arguments(
        __doc__,
        {"participants": 100},
        participants=1000,
        items=20,
    )
    participants = args.participants
    with served_and_written() as (db, server, app):
        owner = Actor(WORKSPACE, "bench")
        o, items = tagged_items(app, owner, args.items, scored=True)
        ex = maxdiff_draft(app, owner, o, items)
        segments = ["Sales", "Support", "Customers", "Engineering"]
        for p in range(participants):
            app.invite_participant(owner, ex, f"p{p}", segments[p % 4])
        t = time.perf_counter()
        app.open_exercise(owner, ex)
        open_seconds = time.perf_counter() - t

        rng = np.random.default_rng(7)
        true = dict(zip(items, rng.normal(0, 1, len(items)), strict=True))
        exercise = app.repository.get(ex)
        designs = {s: exercise.sets_of(s) for s in exercise.designs}
        ballots = {}
        for subject, sets in designs.items():
            answers = choose(sets, true, rng)
            app.submit_ballot(Actor(WORKSPACE, subject), ex, BallotInput(answers=answers))
            ballots[subject] = {
                "answers": [[a.set_index, str(a.best), str(a.worst)] for a in answers]
            }
        wait_projected(db)

        # Baseline: the same results computed in-process, no database.
        people = [
            Participant(
                s, segments[int(s[1:]) % 4], ballots[s], [[str(i) for i in x] for x in designs[s]]
            )
            for s in designs
        ]
        t = time.perf_counter()
        computed = compute(ExerciseMethod.MAXDIFF, items, {}, people)
        compute_seconds = time.perf_counter() - t

        from okrank.api.graphql.ids import to_global_id

        t = time.perf_counter()
        response = httpx.post(
            f"{server.url}/graphql",
            json={"query": CLOSE, "variables": {"id": to_global_id("Exercise", ex)}},
            headers={"Authorization": f"Bearer {admin_token()}"},
            timeout=120,
        )
        close_seconds = time.perf_counter() - t
        body = response.json()["data"]["closeExercise"]
        assert body["__typename"] == "ExerciseSuccess", body
        assert body["exercise"]["results"]["respondents"] == participants, body

        order = [o.item_id for o in computed.overall.items]
        rho = spearmanr([true[i] for i in order], list(range(len(order), 0, -1))).statistic
        figures = {
            "participants": participants,
            "items": args.items,
            "answers": sum(len(s) for s in designs.values()),
            "open_seconds": open_seconds,
            "close_http_seconds": close_seconds,
            "compute_in_process_seconds": compute_seconds,
            "spearman_with_truth": rho,
        }
        print(
            f"{participants} participants × {len(designs['p0'])} sets of 4 over {args.items} "
            f"candidates ({figures['answers']:,} answers, 4 segments)"
        )
        print(f"openExercise (versions for everyone, one event): {open_seconds:.2f} s")
        print(
            f"closeExercise over HTTP, answered once results and ranking are readable: "
            f"{close_seconds:.2f} s (in-process computation of the same results: "
            f"{compute_seconds:.2f} s)"
        )
        print(f"Spearman of the result order with the true utilities: {rho:.3f}")
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
