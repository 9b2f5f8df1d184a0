"""A 2026-Q3 lived in the past, for quarterly reviews: a team's objective with two key results,
items done during the quarter (tagged to one key result, to the other, to the objective as a
whole, untagged), an item never done, and check-ins that move one key result and move the other
the wrong way. Written through the real application in-process with the events stamped in Q3
(tests.support.past), into the database a test server reads.

By hand, with `activation` 20 → 40 and `churn` 10 → 5:
- activation is checked in at 24 on July 5 (before the items are done, July 10 and 15) and at 30
  on August 20: each item tagged to it moved it, by (30-20)/20 - (24-20)/20 = 0.3 of the way;
- churn is checked in at 11 on September 1: the wrong way (progress -0.2), not moving.
So `signup` (DIRECT, activation) moved it; `banner` (INDIRECT, churn) is flagged to reassess;
`wizard` (the objective as a whole: both key results) moved activation; `legal` (untagged) is
never flagged. Attainment: activation's grade 0.5, churn's 0 (clamped), the objective's 0.25.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    TagBacklogItem,
)
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CheckInKeyResult,
    CreateObjective,
)
from okrank.domain.rankings.scoring import Tier
from okrank.projections.engine.runner import event_store_env
from tests.support.past import events_stamped
from tests.support.read_models import wait_caught_up

CYCLE = "2026-Q3"
TEAM = "Growth"


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


@dataclass(frozen=True)
class PastQuarter:
    objective: UUID
    activation: UUID
    churn: UUID
    signup: UUID  # DIRECT to activation: moved it
    banner: UUID  # INDIRECT to churn: reassess
    wizard: UUID  # the objective as a whole: moved activation
    legal: UUID  # untagged, done
    open_item: UUID  # never done


def past_quarter(database_url: str, workspace: str, subject: str = "po") -> PastQuarter:
    """Write the quarter into `workspace` and wait until the read models show it."""
    owner = Actor(workspace, subject)
    app = OkrankApplication(env=event_store_env(database_url))
    try:
        run = app.execute
        with events_stamped(at(7, 1)):
            objective = run(owner, CreateObjective(CYCLE, "Activation", team=TEAM)).aggregate_id
            run(owner, AddKeyResult(objective, "activation %", 20, 40))
            run(owner, AddKeyResult(objective, "churn %", 10, 5))
            run(owner, ActivateObjective(objective))
            activation, churn = (k.id for k in app.repository.get(objective).key_results)
            items = {
                name: run(owner, CreateBacklogItem(title, team=TEAM)).aggregate_id
                for name, title in (
                    ("signup", "Signup flow"),
                    ("banner", "Retention banner"),
                    ("wizard", "Setup wizard"),
                    ("legal", "Cookie notice"),
                    ("open_item", "Later"),
                )
            }
            run(
                owner,
                TagBacklogItem(items["signup"], objective, Tier.DIRECT, "signups", activation),
            )
            run(owner, TagBacklogItem(items["banner"], objective, Tier.INDIRECT, "churn", churn))
            run(owner, TagBacklogItem(items["wizard"], objective, Tier.DIRECT, "activation"))
        with events_stamped(at(7, 5)):
            run(owner, CheckInKeyResult(objective, activation, 24, 0.5))
        with events_stamped(at(7, 10)):
            for name in ("signup", "banner", "wizard"):
                run(owner, ChangeBacklogItemStatus(items[name], ItemStatus.DONE))
        with events_stamped(at(7, 15)):
            run(owner, ChangeBacklogItemStatus(items["legal"], ItemStatus.DONE))
        with events_stamped(at(8, 20)):
            run(owner, CheckInKeyResult(objective, activation, 30, 0.7))
        with events_stamped(at(9, 1)):
            run(owner, CheckInKeyResult(objective, churn, 11, 0.3))
    finally:
        app.close()
    wait_caught_up(database_url)
    return PastQuarter(objective, activation, churn, **items)
