"""`okrank demo`: a realistic quarter in the `demo` workspace, so that a UI can be built against
real-looking data at once. The themes follow the seed articles on OKR-driven prioritisation
(grow activation, reduce churn, expand into a new segment; tech debt and discovery work
competing with features). Deterministic (a seeded generator) and idempotent: the last step
recalibrates the workspace's multipliers, whose aggregate id derives from the workspace name,
so a second run finds it and writes nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.domain.workspaces.workspace import workspace_id

WORKSPACE = "demo"
CYCLE = "2026-Q3"
ITEMS = 240
STAKEHOLDERS = {"sam": "Sales", "sue": "Sales", "tom": "Support", "ana": "Support"}

COMPANY = ("Become the default tool for connecting strategy to delivery", "COMPANY", None)
OBJECTIVES = [
    (
        "Grow activation of new workspaces",
        "growth",
        [("workspaces activated in week one", 22, 40, "%"), ("time to first ranking", 9, 3, "d")],
    ),
    (
        "Reduce churn of mid-market customers",
        "retention",
        [("logo churn per quarter", 6, 3, "%"), ("weekly active planners", 1200, 2000, None)],
    ),
    (
        "Expand into regulated industries",
        "enterprise",
        [
            ("signed pilots in finance and health", 0, 5, None),
            ("security review pass rate", 40, 90, "%"),
        ],
    ),
]
SUBJECTS = [
    "Onboarding checklist",
    "Import from Jira",
    "Import from Linear",
    "Single sign-on",
    "Audit log",
    "Role-based access",
    "Slack digest",
    "Weekly email summary",
    "Dark mode",
    "Bulk tagging",
    "Saved ranking views",
    "CSV export",
    "Webhook retries",
    "Data residency (EU)",
    "Objective templates",
    "Key result check-ins",
    "Roadmap timeline",
    "Capacity planning",
    "Stakeholder voting",
    "Mobile read-only view",
    "Search across backlog",
    "Comment threads",
    "Usage analytics",
    "In-app tours",
    "API rate limit dashboard",
    "SCIM provisioning",
    "Custom fields",
    "Confidence calibration",
    "Dependency mapping",
    "Release notes feed",
]
AREAS = ["web app", "admin console", "API", "integrations", "reports", "mobile", "billing", "auth"]
KINDS = ["FEATURE"] * 6 + ["TECH_DEBT", "TECH_DEBT", "BUG", "DISCOVERY"]
IMPACTS = (3, 2, 1, 0.5, 0.25)


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False: the workspace was already seeded
    objectives: int = 0
    items: int = 0
    exercises: int = 0


def seeded(app: OkrankApplication, workspace: str = WORKSPACE) -> bool:
    return app.exists(workspace_id(workspace))


def seed(app: OkrankApplication, workspace: str = WORKSPACE) -> DemoSummary:
    if seeded(app, workspace):
        return DemoSummary(created=False)
    rng = random.Random(15)
    po = Actor(workspace, "priya (product owner)")
    company = app.create_objective(po, CYCLE, COMPANY[0], level=COMPANY[1]).aggregate_id
    app.add_key_result(po, company, "net revenue retention", 104, 112, "%")
    app.activate_objective(po, company)
    objectives: list[tuple[UUID, list[UUID]]] = []
    for title, team, key_results in OBJECTIVES:
        o = app.create_objective(po, CYCLE, title, team=team, parent_id=company).aggregate_id
        for metric, baseline, target, unit in key_results:
            app.add_key_result(po, o, metric, baseline, target, unit)
        app.activate_objective(po, o)
        objective = app.repository.get(o)
        objectives.append((o, [kr.id for kr in objective.key_results]))
    items: list[UUID] = []
    tags: dict[UUID, UUID] = {}  # item → the objective it is tagged to
    direct: list[UUID] = []
    for n in range(ITEMS):
        subject, area = SUBJECTS[n % len(SUBJECTS)], AREAS[(n // len(SUBJECTS)) % len(AREAS)]
        kind = rng.choice(KINDS)
        title = f"{subject} ({area})" if n >= len(SUBJECTS) else subject
        description = f"{kind.replace('_', ' ').lower()} for the {area}; from the Q3 planning notes"
        i = app.create_backlog_item(po, title, description, kind).aggregate_id
        app.score_backlog_item(
            po,
            i,
            rice=RiceInputs(
                rng.randint(50, 5000),
                rng.choice(IMPACTS),
                rng.choice((0.5, 0.8, 1)),
                rng.choice((0.5, 1, 2, 3, 5, 8)),
            ),
            wsjf=WsjfInputs(*(rng.choice((1, 2, 3, 5, 8, 13, 20)) for _ in range(4))),
        )
        if rng.random() < 0.6:  # most items serve an objective; the rest compete untagged
            o, key_results = rng.choice(objectives)
            tier = Tier.DIRECT if rng.random() < 0.6 else Tier.INDIRECT
            reason = f"moves '{tier.lower()}' the objective's key results"
            app.tag_backlog_item(po, i, o, tier, reason, rng.choice([None, *key_results]))
            tags[i] = o
            if tier == Tier.DIRECT:
                direct.append(i)
        items.append(i)

    def tagged_to(objective: UUID) -> list[UUID]:
        return [i for i, o in tags.items() if o == objective]

    _closed_maxdiff(app, po, objectives[0][0], tagged_to(objectives[0][0])[:8], rng)
    _closed_moscow(app, po, objectives[1][0], tagged_to(objectives[1][0])[:6], rng)
    # Some history: a team lead revisits a few alignments after the exercises.
    lead = Actor(workspace, "leo (team lead)")
    for i in direct[:: len(direct) // 12 or 1]:
        reason = "supports the objective, not a key result driver"
        app.retag_backlog_item(lead, i, tags[i], Tier.INDIRECT, reason)
    app.recalibrate_multipliers(po, Multipliers(), "demo workspace seeded with defaults")
    return DemoSummary(True, len(objectives) + 1, len(items), 2)


def _closed_exercise(
    app: OkrankApplication,
    po: Actor,
    objective: UUID,
    method: str,
    title: str,
    candidates: list[UUID],
    ballot: Callable[[UUID, str], BallotInput],
) -> None:
    """An exercise of `candidates` with every stakeholder invited, opened, a ballot of each
    stakeholder's (`ballot(exercise, subject)`), closed."""
    ex = app.create_exercise(po, objective, method, title).aggregate_id
    for item in candidates:
        app.add_exercise_candidate(po, ex, item)
    for subject, segment in STAKEHOLDERS.items():
        app.invite_participant(po, ex, subject, segment)
    app.open_exercise(po, ex)
    for subject in STAKEHOLDERS:
        app.submit_ballot(Actor(po.workspace, subject), ex, ballot(ex, subject))
    app.close_exercise(po, ex)


def _closed_maxdiff(
    app: OkrankApplication, po: Actor, objective: UUID, candidates: list[UUID], rng: random.Random
) -> None:
    def best_and_worst(ex: UUID, subject: str) -> BallotInput:
        answers = []
        for index, shown in enumerate(app.repository.get(ex).sets_of(subject)):
            best, worst = rng.sample(list(shown), 2)
            answers.append(MaxDiffAnswer(index, best, worst))
        return BallotInput(answers=answers)

    title = "What matters most for activation?"
    _closed_exercise(app, po, objective, "MAXDIFF", title, candidates, best_and_worst)


def _closed_moscow(
    app: OkrankApplication, po: Actor, objective: UUID, candidates: list[UUID], rng: random.Random
) -> None:
    def votes(ex: UUID, subject: str) -> BallotInput:
        return BallotInput(
            votes=[(i, rng.choice(("MUST", "SHOULD", "COULD", "WONT"))) for i in candidates]
        )

    title = "Retention: must, should, could, won't"
    _closed_exercise(app, po, objective, "MOSCOW", title, candidates, votes)
