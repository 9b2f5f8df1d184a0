"""The backlog reset and re-grooming through `OkrankApplication.execute`, in memory: which items
are archived, kept to re-groom or left alone, the seeds, every refusal (nothing changed: the
versions of the review and of every item stay), and each re-grooming action."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    TagBacklogItem,
)
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.errors import ConflictError, DomainError, NotFoundError, ValidationError
from okrank.domain.okrs.commands import AddKeyResult, CreateObjective
from okrank.domain.rankings.scoring import Tier
from okrank.domain.reviews.commands import (
    AuditReviewOutcomes,
    CompleteReview,
    RegroomItem,
    ResetBacklog,
    StartQuarterlyReview,
)
from okrank.domain.reviews.outcomes import audit_outcomes
from okrank.domain.reviews.review import RegroomAction, ReviewPhase

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")
Q3_END = datetime(2026, 10, 1, tzinfo=UTC)
FINAL = audit_outcomes([], [], [], Q3_END, timedelta(0), Q3_END + timedelta(days=1))
DRAFT = audit_outcomes([], [], [], Q3_END, timedelta(0), Q3_END - timedelta(days=1))


class Backlog:
    """Growth's Q3 review over: `old` (a Q3 objective), `next_one` and `next_two` (Q4), items
    tagged to them, one of another team, one done, one of another workspace."""

    def __init__(self, app: OkrankApplication, audit=FINAL) -> None:
        run = app.execute
        self.app = app
        self.old = run(OWNER, CreateObjective("2026-Q3", "Old bets", team="Growth")).aggregate_id
        self.next_one = run(OWNER, CreateObjective("2026-Q4", "Activation")).aggregate_id
        self.next_two = run(OWNER, CreateObjective("2026-Q4", "Retention")).aggregate_id
        run(OWNER, AddKeyResult(self.next_one, "activation %", 20, 40))
        self.stale = self.item("Old idea", self.old)  # no home in Q4: archived
        self.untagged = self.item("Untagged idea")  # archived too
        self.kept = self.item("Onboarding", self.old, self.next_one)  # remaining
        self.other_team = self.item("Core's", team="Core")  # not in the scope
        self.done = self.item("Shipped")
        run(OWNER, ChangeBacklogItemStatus(self.done, ItemStatus.DONE))
        self.foreign_objective = run(STRANGER, CreateObjective("2026-Q4", "Theirs")).aggregate_id
        self.foreign_item = run(STRANGER, CreateBacklogItem("Theirs", team="Growth")).aggregate_id
        self.review = run(OWNER, StartQuarterlyReview("Growth", "2026-Q3", 0, audit)).aggregate_id

    def item(self, title: str, *objectives: UUID, team: str = "Growth") -> UUID:
        ident = self.app.execute(OWNER, CreateBacklogItem(title, team=team)).aggregate_id
        for objective in objectives:
            self.app.execute(OWNER, TagBacklogItem(ident, objective, Tier.INDIRECT, "helps"))
        return ident

    def candidates(self) -> tuple[UUID, ...]:
        """What the API would read: every item id here, qualifying or not."""
        return (
            self.stale,
            self.untagged,
            self.kept,
            self.other_team,
            self.done,
            self.foreign_item,
        )

    def reset(self, **changes) -> ResetBacklog:
        fields = {
            "review_id": self.review,
            "next_cycle": "2026-Q4",
            "next_objective_ids": (self.next_one, self.next_two),
            "reason": "Q4 is about activation and retention",
            "candidate_item_ids": self.candidates(),
            **changes,
        }
        return ResetBacklog(**fields)

    def get(self, ident: UUID):
        return self.app.repository.get(ident)

    def versions(self) -> dict[UUID, int]:
        idents = (self.review, *self.candidates(), self.next_one, self.next_two)
        return {i: self.get(i).version for i in idents}


@pytest.fixture
def backlog(app: OkrankApplication) -> Backlog:
    return Backlog(app)


def refused(backlog: Backlog, command, error=ValidationError) -> DomainError:
    before = backlog.versions()
    with pytest.raises(error) as info:
        backlog.app.execute(OWNER, command)
    assert backlog.versions() == before  # nothing changed
    return info.value


def test_a_reset_archives_items_with_no_home_keeps_the_tagged_and_seeds_each_objective(backlog):
    result = backlog.app.execute(OWNER, backlog.reset())
    review = backlog.get(backlog.review)
    assert result.aggregate_id == backlog.review and result.version == review.version
    assert review.phase == ReviewPhase.REGROOMING and review.next_cycle == "2026-Q4"
    assert review.remaining == [str(backlog.kept)]
    for archived in (backlog.stale, backlog.untagged):
        item = backlog.get(archived)
        assert item.status == ItemStatus.ARCHIVED
    assert backlog.get(backlog.kept).status == ItemStatus.CANDIDATE
    # Not in the scope, not open, not of the workspace: left as they were.
    assert backlog.get(backlog.other_team).status == ItemStatus.CANDIDATE
    assert backlog.get(backlog.done).status == ItemStatus.DONE
    assert backlog.get(backlog.foreign_item).status == ItemStatus.CANDIDATE
    (reset,) = [
        e for e in backlog.app.events.get(backlog.review) if type(e).__name__ == "BacklogReset"
    ]
    assert set(reset.archived_item_ids) == {str(backlog.stale), str(backlog.untagged)}
    assert reset.reason == "Q4 is about activation and retention"
    titles = {}
    for objective, seed_id in reset.seed_item_ids.items():
        seed = backlog.get(UUID(seed_id))
        assert seed.team == "Growth" and seed.status == ItemStatus.CANDIDATE
        ((tagged, tag),) = seed.tags.items()
        assert (str(tagged), tag.tier) == (objective, Tier.DIRECT)
        titles[UUID(objective)] = seed.title
    assert titles == {
        backlog.next_one: "OKR seed: Activation",
        backlog.next_two: "OKR seed: Retention",
    }


def test_the_archive_reason_is_recorded_on_every_archived_item(backlog):
    backlog.app.execute(OWNER, backlog.reset())
    (changed,) = [
        e for e in backlog.app.events.get(backlog.stale) if type(e).__name__ == "StatusChanged"
    ]
    assert (changed.status, changed.reason) == ("ARCHIVED", "Q4 is about activation and retention")


def test_an_item_created_after_the_read_is_not_part_of_the_reset(backlog):
    late = backlog.item("Arrived after the read")
    backlog.app.execute(OWNER, backlog.reset())
    assert backlog.get(late).status == ItemStatus.CANDIDATE  # not archived
    assert str(late) not in backlog.get(backlog.review).remaining  # not re-groomed either


def test_a_candidate_done_since_the_read_is_left_alone(backlog):
    backlog.app.execute(OWNER, ChangeBacklogItemStatus(backlog.stale, ItemStatus.DONE))
    backlog.app.execute(OWNER, backlog.reset())
    assert backlog.get(backlog.stale).status == ItemStatus.DONE


def test_a_whole_workspace_review_resets_every_team_s_open_items(app):
    backlog = Backlog(app)
    whole = app.execute(OWNER, StartQuarterlyReview(None, "2026-Q3", 0, FINAL)).aggregate_id
    app.execute(OWNER, backlog.reset(review_id=whole))
    assert backlog.get(backlog.other_team).status == ItemStatus.ARCHIVED
    assert backlog.get(backlog.foreign_item).status == ItemStatus.CANDIDATE


def test_a_reset_without_the_next_cycle_s_objectives_is_refused(backlog):
    error = refused(backlog, backlog.reset(next_objective_ids=()))
    assert error.path == ["nextObjectiveIds"] and "next cycle's objectives" in error.message


def test_a_reset_to_an_objective_of_another_cycle_or_workspace_is_refused(backlog):
    error = refused(backlog, backlog.reset(next_objective_ids=(backlog.next_one, backlog.old)))
    assert error.path == ["nextObjectiveIds"] and "2026-Q3, not 2026-Q4" in error.message
    for stranger in (backlog.foreign_objective, uuid4()):
        error = refused(backlog, backlog.reset(next_objective_ids=(stranger,)))
        assert error.path == ["nextObjectiveIds"]


def test_a_reset_without_a_reason_or_with_a_bad_next_cycle_is_refused(backlog):
    assert refused(backlog, backlog.reset(reason=None)).path == ["reason"]
    assert refused(backlog, backlog.reset(next_cycle="Q4")).path == ["nextCycle"]
    earlier = refused(backlog, backlog.reset(next_cycle="2026-Q3"))
    assert earlier.path == ["nextCycle"]


def test_a_draft_review_or_a_stale_version_cannot_reset(app):
    draft = Backlog(app, audit=DRAFT)
    assert "draft" in refused(draft, draft.reset()).message
    app.execute(OWNER, AuditReviewOutcomes(draft.review, FINAL))
    stale = draft.reset(expected_version=1)
    assert refused(draft, stale, ConflictError).current_version == 3


def test_a_backlog_is_reset_once(backlog):
    backlog.app.execute(OWNER, backlog.reset())
    refused(backlog, backlog.reset(), ConflictError)


def test_another_workspace_cannot_reset_the_review(backlog):
    before = backlog.versions()
    with pytest.raises(NotFoundError):
        backlog.app.execute(STRANGER, backlog.reset())
    assert backlog.versions() == before


# -- re-grooming ------------------------------------------------------------------------------


@pytest.fixture
def regrooming(backlog: Backlog) -> Backlog:
    backlog.app.execute(OWNER, backlog.reset())
    return backlog


def regroom(b: Backlog, action: RegroomAction, **fields) -> RegroomItem:
    return RegroomItem(b.review, fields.pop("item_id", b.kept), action, **fields)


def test_tagging_forward_retags_to_a_next_cycle_objective_and_tags_to_another(regrooming):
    b = regrooming
    key_result = b.get(b.next_one).key_results[0].id
    direct = regroom(
        b,
        RegroomAction.TAGGED_FORWARD,
        objective_id=b.next_one,
        tier="DIRECT",
        key_result_id=key_result,
    )
    b.app.execute(OWNER, direct)
    tag = b.get(b.kept).tags[b.next_one]
    assert (tag.tier, tag.key_result_id) == (Tier.DIRECT, key_result)
    also = regroom(b, RegroomAction.TAGGED_FORWARD, objective_id=b.next_two, tier="INDIRECT")
    b.app.execute(OWNER, also)
    assert b.get(b.kept).tags[b.next_two].tier == Tier.INDIRECT
    assert b.get(b.review).handled == {str(b.kept): "TAGGED_FORWARD"}


def test_tagging_forward_as_the_item_already_is_only_records_the_review_s_decision(regrooming):
    b = regrooming
    item_version = b.get(b.kept).version
    same = regroom(b, RegroomAction.TAGGED_FORWARD, objective_id=b.next_one, tier="INDIRECT")
    b.app.execute(OWNER, same)
    assert b.get(b.kept).version == item_version
    assert b.get(b.review).unhandled() == []


def test_tagging_forward_to_an_objective_of_the_wrong_cycle_is_refused(regrooming):
    b = regrooming
    error = refused(b, regroom(b, RegroomAction.TAGGED_FORWARD, objective_id=b.old, tier="DIRECT"))
    assert error.path == ["objectiveId"] and "wrong cycle" in error.message
    no_tier = regroom(b, RegroomAction.TAGGED_FORWARD, objective_id=b.next_one)
    assert refused(b, no_tier).path == ["tier"]
    untagged = regroom(b, RegroomAction.TAGGED_FORWARD, objective_id=b.next_one, tier="UNTAGGED")
    assert refused(b, untagged).path == ["tier"]
    other_kr = regroom(
        b,
        RegroomAction.TAGGED_FORWARD,
        objective_id=b.next_two,
        tier="DIRECT",
        key_result_id=b.get(b.next_one).key_results[0].id,
    )
    assert refused(b, other_kr).path == ["keyResultId"]
    assert refused(b, regroom(b, RegroomAction.TAGGED_FORWARD, tier="DIRECT")).path == [
        "objectiveId"
    ]


def test_rescoping_edits_the_title_and_description(regrooming):
    b = regrooming
    b.app.execute(
        OWNER, regroom(b, RegroomAction.RESCOPED, title="Onboarding v2", description="Smaller")
    )
    item = b.get(b.kept)
    assert (item.title, item.description) == ("Onboarding v2", "Smaller")
    assert refused(b, regroom(b, RegroomAction.RESCOPED)).path == ["title"]


def test_archiving_in_re_grooming_needs_a_reason(regrooming):
    b = regrooming
    assert refused(b, regroom(b, RegroomAction.ARCHIVED)).path == ["reason"]
    b.app.execute(OWNER, regroom(b, RegroomAction.ARCHIVED, reason="superseded"))
    assert b.get(b.kept).status == ItemStatus.ARCHIVED
    b.app.execute(OWNER, CompleteReview(b.review))  # every remaining item handled: no reason
    assert b.get(b.review).phase == ReviewPhase.COMPLETED


def test_a_field_of_another_action_is_refused(regrooming):
    b = regrooming
    assert refused(b, regroom(b, RegroomAction.ARCHIVED, reason="x", title="t")).path == ["title"]
    rescope = regroom(b, RegroomAction.RESCOPED, title="t", objective_id=b.next_one)
    assert refused(b, rescope).path == ["objectiveId"]


def test_an_item_the_review_does_not_re_groom_is_refused(regrooming):
    b = regrooming
    for other in (b.stale, b.other_team, uuid4()):
        error = refused(b, regroom(b, RegroomAction.RESCOPED, item_id=other, title="t"))
        assert error.path == ["backlogItemId"]


def test_items_are_re_groomed_only_after_the_reset_and_at_the_expected_version(backlog):
    b = backlog
    refused(b, regroom(b, RegroomAction.RESCOPED, title="t"), ConflictError)
    b.app.execute(OWNER, b.reset())
    version = b.get(b.review).version
    stale = regroom(b, RegroomAction.RESCOPED, title="t", expected_version=version - 1)
    assert refused(b, stale, ConflictError).current_version == version


def test_completing_with_items_left_to_re_groom_needs_a_reason_naming_how_many(regrooming):
    b = regrooming
    version = b.get(b.review).version
    error = refused(b, CompleteReview(b.review))
    assert error.path == ["reason"] and "1 item is not re-groomed yet" in error.message
    assert b.get(b.review).version == version
    b.app.execute(OWNER, CompleteReview(b.review, reason="the rest waits for Q1"))
    review = b.get(b.review)
    assert review.phase == ReviewPhase.COMPLETED and review.close_reason == "the rest waits for Q1"
