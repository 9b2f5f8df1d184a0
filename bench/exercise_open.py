"""Opening a 1,000-participant MaxDiff exercise (20 candidates, 4 segments) until its read model
shows every participant with a design, against a server whose projections already run.

Batched (`openExercise` over HTTP with `participants`: one command, one save of 1,000
ParticipantInvited events and the Opened one, answered once the read model shows them), beside
the baseline in the same run: the path before it, 1,000 `inviteParticipant` commands one by one
(in-process: no HTTP, so the baseline is the cheapest form of the old path) then `openExercise`,
until the read model shows them. Rounds alternate the two (the machine is shared); medians are
printed with the load average.

Run: .venv/bin/python -m bench.exercise_open [--participants 1000] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from uuid import UUID

import httpx
import psycopg

from bench.common import WORKSPACE, Database, admin_token, served_and_written, wait_projected
from bench.exercise_seed import maxdiff_draft, tagged_items
from okrank.api.graphql.ids import to_global_id
from okrank.domain.application import Actor

SEGMENTS = ("Sales", "Support", "Customers", "Engineering")
OPEN = """mutation($input: OpenExerciseInput!) { openExercise(input: $input) { __typename
  ... on ExerciseSuccess { exercise { status } } ... on UserError { message } } }"""


def shown(db: Database, exercise: UUID, participants: int) -> bool:
    """Whether the read model shows the exercise OPEN with every participant's design."""
    with psycopg.connect(db.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT (SELECT status FROM exercises WHERE id = %s),"
            " (SELECT count(*) FROM exercise_participants WHERE exercise_id = %s"
            "  AND jsonb_array_length(design) > 0)",
            (exercise, exercise),
        ).fetchone()
    return row == ("OPEN", participants)


def until_shown(db: Database, exercise: UUID, participants: int) -> None:
    deadline = time.monotonic() + 600
    while not shown(db, exercise, participants):
        if time.monotonic() > deadline:
            raise RuntimeError("the read model did not show the opened exercise")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100 participants, 1 round")
    args = parser.parse_args()
    participants = 100 if args.quick else args.participants
    rounds = 1 if args.quick else args.rounds
    owner = Actor(WORKSPACE, "bench")
    people = [(f"p{n}", SEGMENTS[n % 4]) for n in range(participants)]
    with served_and_written() as (db, server, app):
        o, items = tagged_items(app, owner, args.items)

        def draft() -> UUID:
            ex = maxdiff_draft(app, owner, o, items)
            wait_projected(db)
            return ex

        def one_by_one() -> float:
            ex = draft()
            t = time.perf_counter()
            for subject, segment in people:
                app.invite_participant(owner, ex, subject, segment)
            app.open_exercise(owner, ex)
            until_shown(db, ex, participants)
            return time.perf_counter() - t

        def batched() -> float:
            ex = draft()
            given = [{"subject": s, "segment": g} for s, g in people]
            exercise_id = to_global_id("Exercise", ex)
            variables = {"input": {"exerciseId": exercise_id, "participants": given}}
            t = time.perf_counter()
            response = httpx.post(
                f"{server.url}/graphql",
                json={"query": OPEN, "variables": variables},
                headers={"Authorization": f"Bearer {admin_token()}"},
                timeout=300,
            )
            answer = response.json()["data"]["openExercise"]
            assert answer["__typename"] == "ExerciseSuccess", answer
            until_shown(db, ex, participants)
            return time.perf_counter() - t

        taken: dict[str, list[float]] = {"batched_http": [], "one_by_one_in_process": []}
        loads = []
        for _ in range(rounds):
            taken["batched_http"].append(batched())
            taken["one_by_one_in_process"].append(one_by_one())
            loads.append(os.getloadavg()[0])
        medians = {name: statistics.median(s) for name, s in taken.items()}
        ratio = medians["one_by_one_in_process"] / medians["batched_http"]
        print(
            f"open a {participants}-participant MaxDiff exercise ({args.items} candidates) until "
            f"its read model shows everyone, median of {rounds} rounds (load {min(loads):.1f}–"
            f"{max(loads):.1f}):"
        )
        print(f"  batched openExercise(participants) over HTTP: {medians['batched_http']:.2f} s")
        print(
            f"  baseline, {participants} inviteParticipant + openExercise one by one in-process: "
            f"{medians['one_by_one_in_process']:.2f} s ({ratio:.1f}× the batched time)"
        )
        print(json.dumps({"participants": participants, "rounds": taken, "medians": medians,
                          "ratio": ratio, "load_average": loads}))  # fmt: skip


if __name__ == "__main__":
    main()
