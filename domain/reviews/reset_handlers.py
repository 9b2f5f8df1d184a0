"""The backlog reset and re-grooming: the review's commands that change items too.

Each one changes the review and the items it touches in ONE transaction (save_together), so a
reset happens whole or not at all, and an item is never re-groomed without the review knowing.

The reset's candidates: a handler cannot query the read models, so the caller reads the scope's
open items from the catalog and passes their ids. The handler loads each one and keeps those
that still are open items of the review's scope (the workspace's; the team's, for a team's
review); a candidate that no longer is one (done, archived or moved to another team since the
read, or not an item of the workspace at all) is left untouched. An item created after the read
is simply not part of the reset: it stays in the backlog as it is, and the review does not
re-groom it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from okrank.domain.backlog.item import TITLE_MAX, UNRANKED_STATUSES, BacklogItem, ItemStatus
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, result_of
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.okrs.handlers import open_objective
from okrank.domain.okrs.objective import Objective, validate_cycle
from okrank.domain.okrs.open_in_cycle import require_open_in_cycle
from okrank.domain.rankings.scoring import TAG_TIERS, Tier
from okrank.domain.reviews.commands import RegroomItem, ResetBacklog
from okrank.domain.reviews.review import QuarterlyReview, RegroomAction
from okrank.domain.text import REASON_MAX, optional_text, require_reason

SEED_PREFIX = "OKR seed: "
SAVE_RETRIES = 4  # an item changed between loading and saving: the whole command runs again


def _review(store: Aggregates, actor: Actor, review_id: UUID, expected: int | None) -> Any:
    review = store.load(QuarterlyReview, review_id, actor, "QuarterlyReview")
    if expected is not None and review.version != expected:
        raise ConflictError(
            f"QuarterlyReview is at version {review.version}, not {expected}",
            current_version=review.version,
        )
    return review


def _saved_together(
    store: Aggregates, actor: Actor, review_id: UUID, attempt: Callable[[], list[Any]]
) -> CommandResult:
    """Run `attempt` (load, check, change; the aggregates to save, the review first) and save
    them in one transaction; a concurrent write to any of them runs it again from the start."""
    for _ in range(SAVE_RETRIES):
        aggregates = attempt()
        try:
            return result_of(aggregates[0], store.save_together(*aggregates))
        except IntegrityError:
            continue
    current = store.load(QuarterlyReview, review_id, actor, "QuarterlyReview").version
    raise ConflictError(
        "the review's items kept changing concurrently; nothing changed, try again",
        current_version=current,
    )


# -- the backlog reset ------------------------------------------------------------------------


def _next_objectives(
    store: Aggregates, actor: Actor, ids: Iterable[UUID], next_cycle: str
) -> list[Objective]:
    """The next cycle's objectives, each an open objective of the workspace of `next_cycle`."""
    objectives: list[Objective] = []
    for ident in dict.fromkeys(ids):  # a repeated id counts once
        found = store.find(ident)
        if not isinstance(found, Objective) or found.workspace != actor.workspace:
            raise ValidationError(
                "nextObjectiveIds", f"{ident} is not an objective of this workspace"
            )
        named, need = f"objective {found.title!r}", "; a seed needs an open one"
        require_open_in_cycle(found, next_cycle, "nextObjectiveIds", named, need)
        objectives.append(found)
    if not objectives:
        raise ValidationError(
            "nextObjectiveIds",
            "a reset needs the next cycle's objectives: the items to keep are those tagged to them",
        )
    return objectives


def _open_items_of_scope(
    store: Aggregates, actor: Actor, team: str, candidates: Iterable[UUID]
) -> list[BacklogItem]:
    """Of the candidates, the open items of the review's scope as they stand now."""
    loaded = store.find_many(list(candidates))
    return [
        found
        for found in (loaded.get(i) for i in dict.fromkeys(candidates))  # in the caller's order
        if isinstance(found, BacklogItem)
        and found.workspace == actor.workspace
        and found.status not in UNRANKED_STATUSES
        and (not team or found.team == team)
    ]


def seed_item(objective: Objective, team: str, review_cycle: str, actor: Actor) -> BacklogItem:
    """The placeholder that anchors refinement for one next-cycle objective: in the review's
    team, tagged DIRECT to the objective."""
    seed = BacklogItem(
        workspace=actor.workspace,
        title=(SEED_PREFIX + objective.title)[:TITLE_MAX],
        description=(
            f"Placeholder anchoring the refinement of {objective.cycle}'s objective, created by"
            f" the backlog reset of the {review_cycle} review: split it into real items."
        ),
        kind="FEATURE",
        actor=actor.subject,
        team=team,
    )
    seed.tag(
        objective.id,
        None,
        Tier.DIRECT,
        f"OKR seed of the objective ({objective.cycle})",
        actor.subject,
    )
    return seed


def reset_backlog(store: Aggregates, actor: Actor, command: ResetBacklog) -> CommandResult:
    c = command
    reason = require_reason(c.reason)  # archiving many items at once must say why
    try:
        next_cycle = validate_cycle(c.next_cycle)
    except ValidationError as exc:
        raise ValidationError("nextCycle", exc.message) from None

    def attempt() -> list[Any]:
        review = _review(store, actor, c.review_id, c.expected_version)
        review.check_reset(next_cycle)
        objectives = _next_objectives(store, actor, c.next_objective_ids, next_cycle)
        keep = {o.id for o in objectives}
        archived: list[BacklogItem] = []
        remaining: list[BacklogItem] = []
        for item in _open_items_of_scope(store, actor, review.team, c.candidate_item_ids):
            if keep.isdisjoint(item.tags):
                item.change_status(ItemStatus.ARCHIVED, reason, actor.subject)
                archived.append(item)
            else:
                remaining.append(item)
        seeds = {o.id: seed_item(o, review.team, review.cycle, actor) for o in objectives}
        review.reset_backlog(
            next_cycle=next_cycle,
            next_objective_ids=[o.id for o in objectives],
            archived_item_ids=[i.id for i in archived],
            seed_item_ids={o: s.id for o, s in seeds.items()},
            remaining_item_ids=[i.id for i in remaining],
            reason=reason,
            actor=actor.subject,
        )
        return [review, *archived, *seeds.values()]

    return _saved_together(store, actor, c.review_id, attempt)


# -- re-grooming ------------------------------------------------------------------------------


def _refuse_fields_of_other_actions(c: RegroomItem) -> None:
    """A field another action uses is refused rather than silently ignored."""
    given = {
        "objectiveId": c.objective_id,
        "tier": c.tier,
        "keyResultId": c.key_result_id,
        "title": c.title,
        "description": c.description,
    }
    used = {
        RegroomAction.TAGGED_FORWARD: {"objectiveId", "tier", "keyResultId"},
        RegroomAction.RESCOPED: {"title", "description"},
        RegroomAction.ARCHIVED: set(),
    }[c.action]
    for field, value in given.items():
        if value is not None and field not in used:
            raise ValidationError(field, f"{field} is not used to re-groom {c.action.value}")


def _tag_forward(
    store: Aggregates, actor: Actor, review: Any, item: BacklogItem, c: RegroomItem
) -> Tier:
    """Tag (or retag) the item to one of the reset's next-cycle objectives."""
    if c.objective_id is None:
        raise ValidationError("objectiveId", "tagging forward needs a next-cycle objective")
    if str(c.objective_id) not in review.next_objective_ids:
        raise ValidationError(
            "objectiveId",
            f"objective of the wrong cycle: tag forward to one of the reset's {review.next_cycle}"
            " objectives",
        )
    try:
        tier = Tier(c.tier or "")
    except ValueError:
        tier = Tier.UNTAGGED
    if tier not in TAG_TIERS:
        raise ValidationError("tier", "tagging forward needs a tier: DIRECT or INDIRECT")
    objective = open_objective(store, c.objective_id, actor)
    if c.key_result_id is not None and objective.key_result(c.key_result_id) is None:
        raise ValidationError("keyResultId", "key result does not belong to the objective")
    why = optional_text("reason", c.reason, REASON_MAX) or (
        f"tagged forward to {review.next_cycle} by the {review.cycle} review"
    )
    current = item.tags.get(c.objective_id)
    if current is None:
        item.tag(c.objective_id, c.key_result_id, tier, why, actor.subject)
    elif (current.tier, current.key_result_id) != (tier, c.key_result_id):
        item.retag(c.objective_id, c.key_result_id, tier, why, actor.subject)
    # else the tag already is what re-grooming confirms: only the review records it
    return tier


def regroom_item(store: Aggregates, actor: Actor, command: RegroomItem) -> CommandResult:
    c = command
    _refuse_fields_of_other_actions(c)

    def attempt() -> list[Any]:
        review = _review(store, actor, c.review_id, c.expected_version)
        review.check_regroom(c.item_id)
        item = store.load(BacklogItem, c.item_id, actor, "BacklogItem")
        tier: Tier | None = None
        if c.action == RegroomAction.TAGGED_FORWARD:
            tier = _tag_forward(store, actor, review, item, c)
        elif c.action == RegroomAction.RESCOPED:
            if c.title is None and c.description is None:
                raise ValidationError("title", "re-scoping needs a new title or description")
            item.update(c.title, c.description, None, actor.subject)
        else:
            item.change_status(ItemStatus.ARCHIVED, require_reason(c.reason), actor.subject)
        review.regroom(
            c.item_id,
            c.action,
            c.objective_id if tier is not None else None,
            None if tier is None else tier.value,
            actor.subject,
        )
        return [review, item]

    return _saved_together(store, actor, c.review_id, attempt)


HANDLERS: Handlers = {ResetBacklog: reset_backlog, RegroomItem: regroom_item}
