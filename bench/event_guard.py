"""The last-line guard before events are stored (domain.text.first_unstorable): its cost on the
largest events okrank writes and on an ordinary one, beside the JSON encoding of the same state
that every save pays anyway (same run).

Run: .venv/bin/python -m bench.event_guard [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from okrank.domain.text import first_unstorable


def opened(participants: int = 1000) -> dict[str, Any]:
    """An Opened MaxDiff event: 15 sets of 4 candidates per participant."""
    designs = {
        f"participant-{p}": [[uuid.uuid4() for _ in range(4)] for _ in range(15)]
        for p in range(participants)
    }
    return {"designs": designs, "budgets": {}, "actor": "alice", "default_budget": None}


def imported(respondents: int = 1000) -> dict[str, Any]:
    """A ResponsesImported event: 15 answered sets per respondent."""
    rows = [
        [f"r{i}", s, [0, 1, 2, 3], 0, 3, "Sales"] for i in range(respondents) for s in range(15)
    ]
    items = [str(uuid.uuid4()) for _ in range(20)]
    return {"responses": {"items": items, "rows": rows}, "source": "export", "actor": "alice"}


def small() -> dict[str, Any]:
    return {"title": "Onboarding checklist", "description": "", "kind": "FEATURE", "actor": "po"}


def per_call(fn: Callable[[], Any], runs: int) -> float:
    start = time.perf_counter()
    for _ in range(runs):
        fn()
    return (time.perf_counter() - start) / runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = {}
    for name, state, runs in (
        ("opened_1000_participants", opened(), args.runs),
        ("responses_imported_15000_rows", imported(), args.runs),
        ("small_event", small(), 20_000 * args.runs),
    ):
        encodable = json.loads(json.dumps(state, default=str))
        guard = per_call(lambda s=state: first_unstorable(s), runs)
        encode = per_call(lambda s=encodable: json.dumps(s), runs)
        out[name] = {"guard_ms": guard * 1e3, "json_encode_ms": encode * 1e3}
        print(
            f"{name}: guard {guard * 1e3:.3f} ms, JSON encoding of the same state "
            f"{encode * 1e3:.3f} ms"
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
