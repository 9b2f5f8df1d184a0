"""Who may do what: the one table of roles, and the checks that read it.

Every mutation is listed by its GraphQL name; what queries show is listed as a capability. The
mutation path (api.commands.path) checks a mutation's roles before anything else happens, and
the readers (exercise privacy, webhook and service-token lists) ask `allows` too, so a role
change here is a change everywhere. `markdown_table()` prints it for the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from okrank.api.auth.principal import Principal, Role

EVERYONE = frozenset(Role)
TEAM = frozenset({Role.ADMIN, Role.PRODUCT_OWNER, Role.MEMBER})  # who works on the backlog
READERS = TEAM | {Role.AUDITOR}  # everyone but stakeholders
VOTERS = EVERYONE - {Role.AUDITOR}  # an auditor reads, and never takes part
OWNERS = frozenset({Role.ADMIN, Role.PRODUCT_OWNER})  # who changes OKRs, backlog, exercises
ADMINS = frozenset({Role.ADMIN})
AUDITORS = frozenset({Role.ADMIN, Role.AUDITOR})  # who reads the audit trail


@dataclass(frozen=True)
class Permission:
    roles: frozenset[Role]
    refusal: str = "your roles do not allow this"  # the PermissionDeniedError's message


OWNED = Permission(OWNERS)
MANAGE_WEBHOOKS = Permission(ADMINS, "only admins manage webhooks")
MANAGE_SERVICE_TOKENS = Permission(ADMINS, "only admins manage service tokens")

MUTATIONS: dict[str, Permission] = {
    "createObjective": OWNED,
    "addKeyResult": OWNED,
    "activateObjective": OWNED,
    "closeObjective": OWNED,
    # The team checks in at the sprint review; an auditor or a stakeholder only reads.
    "checkInKeyResult": Permission(TEAM),
    "setCheckInInterval": Permission(ADMINS),
    "createBacklogItem": OWNED,
    "updateBacklogItem": OWNED,
    "scoreBacklogItem": OWNED,
    "tagBacklogItem": OWNED,
    "retagBacklogItem": OWNED,
    "untagBacklogItem": OWNED,
    "justifyNonStrategic": OWNED,
    "triageBacklogItem": OWNED,
    "changeBacklogItemStatus": OWNED,
    "importBacklogItems": OWNED,
    "recalibrateAlignmentMultipliers": Permission(ADMINS),
    # The team plans and runs its sprint; overriding eligibility is a capability (below).
    "createSprint": Permission(TEAM),
    "planSprintItem": Permission(TEAM),
    "unplanSprintItem": Permission(TEAM),
    "startSprint": Permission(TEAM),
    "closeSprint": Permission(TEAM),
    "setZombieThresholds": Permission(ADMINS),
    # The owners review the quarter: its audit, verdicts and close.
    "startQuarterlyReview": OWNED,
    "auditReviewOutcomes": OWNED,
    "recordReviewVerdict": OWNED,
    "resetBacklog": OWNED,
    "regroomReviewItem": OWNED,
    "completeReview": OWNED,
    "createExercise": OWNED,
    "addExerciseCandidate": OWNED,
    "withdrawExerciseCandidate": OWNED,
    "priceExerciseCandidate": OWNED,
    "inviteParticipant": OWNED,
    "inviteParticipants": OWNED,
    "openExercise": OWNED,
    # Any role but AUDITOR may vote; the exercise decides whether the caller is invited.
    "submitBallot": Permission(VOTERS, "an auditor reads and never votes"),
    "closeExercise": OWNED,
    "excludeRespondent": OWNED,
    "reinstateRespondent": OWNED,
    "setExerciseAutoClose": OWNED,
    "reopenExercise": OWNED,
    "importMaxDiffResponses": OWNED,
    "createHealthMetric": OWNED,
    # Whoever works on the backlog reads the metrics it must not break.
    "recordHealthMetric": Permission(TEAM),
    "archiveHealthMetric": OWNED,
    "createTheme": OWNED,
    "moveTheme": OWNED,
    "renameTheme": OWNED,
    "setObjectiveTheme": OWNED,
    "setBacklogItemTheme": OWNED,
    "markDiscoveryObjective": OWNED,
    "editMissionBriefing": OWNED,
    "registerWebhook": MANAGE_WEBHOOKS,
    "pauseWebhook": MANAGE_WEBHOOKS,
    "resumeWebhook": MANAGE_WEBHOOKS,
    "deleteWebhook": MANAGE_WEBHOOKS,
    # Not through a service token either: see api.auth.service_token_graphql.
    "createServiceToken": MANAGE_SERVICE_TOKENS,
    "revokeServiceToken": MANAGE_SERVICE_TOKENS,
}

# What reads show, by role (queries answer less, never an error, to the others).
SEE_EVERY_EXERCISE = "see every exercise of the workspace (others: those they are invited to)"
SEE_EXERCISE_RESULTS = "see exercise results and EXERCISE rankings"
SEE_EXERCISE_RECORDS = "see an exercise's participants, exclusions, design diagnostics and history"
SEE_INDIVIDUAL_ANSWERS = "see individual answers and utilities (answers and utilities CSV)"
READ_AUDIT_TRAIL = "read the audit trail (auditHead, verifyAuditTrail)"
LIST_WEBHOOKS = "list webhooks"
LIST_SERVICE_TOKENS = "list service tokens"
GRANT_ANY_ROLE = "give a service token any role (others: only roles they hold)"
OVERRIDE_ELIGIBILITY = "plan an ineligible item into a sprint, with a reason (`overrideReason`)"
CAPABILITIES: dict[str, Permission] = {
    "read OKRs, backlog, rankings and plans": Permission(EVERYONE),
    SEE_EVERY_EXERCISE: Permission(READERS),
    SEE_EXERCISE_RESULTS: Permission(READERS),
    SEE_EXERCISE_RECORDS: Permission(OWNERS | {Role.AUDITOR}),
    SEE_INDIVIDUAL_ANSWERS: Permission(OWNERS),
    READ_AUDIT_TRAIL: Permission(AUDITORS),
    # An auditor reads everything of its workspace, these lists too (never a secret: neither
    # list holds one); only admins change them.
    LIST_WEBHOOKS: Permission(AUDITORS),
    LIST_SERVICE_TOKENS: Permission(AUDITORS),
    GRANT_ANY_ROLE: Permission(ADMINS),
    OVERRIDE_ELIGIBILITY: Permission(
        OWNERS, "only an ADMIN or PRODUCT_OWNER overrides eligibility"
    ),
}


def permission(action: str) -> Permission:
    """The permission of a mutation (GraphQL name) or capability; KeyError if unlisted, so a
    new mutation cannot run before it has a line here."""
    return MUTATIONS[action] if action in MUTATIONS else CAPABILITIES[action]


def allows(principal: Principal, action: str) -> bool:
    return principal.has_any(permission(action).roles)


def markdown_table() -> str:
    """The table as the README prints it: one row per action, a column per role."""
    roles = list(Role)
    lines = [
        "| Action | " + " | ".join(r.value for r in roles) + " |",
        "|---" * (len(roles) + 1) + "|",
    ]
    rows = [(f"`{name}`", p) for name, p in MUTATIONS.items()]
    rows += list(CAPABILITIES.items())
    for name, p in rows:
        marks = " | ".join("✓" if r in p.roles else "" for r in roles)
        lines.append(f"| {name} | {marks} |")
    return "\n".join(lines) + "\n"
