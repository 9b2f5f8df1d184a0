"""Stored names: the one list of every name the event store holds for a class of ours.

The event store records a name for each event's class (its topic), each aggregate's class (in
its Created event and its snapshots), and each enum and value object inside a snapshot's state
(domain.snapshots). The library derives such a name from the class's module path unless the
class has a `TOPIC`, so moving or renaming code would change what new events are stored under
and strand the old ones. Here each class gets an explicit, permanent name: the string the code
stored before okrank became one `okrank` package, so stored data did not change (no upcast).

- Never change or reuse a name: stored events hold them. Renaming or moving a class needs no
  change here; removing one needs an upcast first.
- A new event, aggregate or snapshotted value type gets a new line, in the same form.
  An event class without a name cannot be emitted: the library refuses it (ProgrammingError),
  and tests/domain/test_event_names.py lists what is missing.

This module runs when okrank.domain is first imported (domain/__init__.py), before any of
these classes can be used, so the library never computes a module-path name for them.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic, register_topic

from okrank.domain.backlog.item import BacklogItem, ItemKind, ItemStatus, Tag
from okrank.domain.briefings.briefing import MissionBriefing
from okrank.domain.exercises.exercise import Exercise
from okrank.domain.health.metric import HealthMetric
from okrank.domain.okrs.objective import KeyResult, Objective, ObjectiveLevel, ObjectiveStatus
from okrank.domain.rankings.scoring import RiceInputs, Tier, WsjfInputs
from okrank.domain.reviews.review import QuarterlyReview, ReviewPhase
from okrank.domain.snapshots import StateSnapshot
from okrank.domain.sprints.sprint import Sprint, SprintStatus
from okrank.domain.sprints.team_calendar import TeamCalendar
from okrank.domain.themes.theme import Theme
from okrank.domain.workspaces.workspace import Workspace

STORED_NAMES: dict[str, type] = {
    # Aggregates (originator_topic of Created events; topic in snapshots)
    "domain.workspace:Workspace": Workspace,
    "domain.objective:Objective": Objective,
    "domain.backlog_item:BacklogItem": BacklogItem,
    "domain.exercise:Exercise": Exercise,
    "domain.sprint:Sprint": Sprint,
    "domain.team_calendar:TeamCalendar": TeamCalendar,
    "domain.health_metric:HealthMetric": HealthMetric,
    "domain.theme:Theme": Theme,
    "domain.mission_briefing:MissionBriefing": MissionBriefing,
    "domain.quarterly_review:QuarterlyReview": QuarterlyReview,
    # Workspace events
    "domain.workspace:Workspace.Created": Workspace.Created,
    "domain.workspace:Workspace.MultipliersRecalibrated": Workspace.MultipliersRecalibrated,
    "domain.workspace:Workspace.CheckInIntervalSet": Workspace.CheckInIntervalSet,
    "domain.workspace:Workspace.ZombieThresholdsSet": Workspace.ZombieThresholdsSet,
    # Objective events
    "domain.objective:Objective.Created": Objective.Created,
    "domain.objective:Objective.KeyResultAdded": Objective.KeyResultAdded,
    "domain.objective:Objective.Activated": Objective.Activated,
    "domain.objective:Objective.Closed": Objective.Closed,
    "domain.objective:Objective.KeyResultCheckedIn": Objective.KeyResultCheckedIn,
    "domain.objective:Objective.ThemeSet": Objective.ThemeSet,
    "domain.objective:Objective.DiscoveryMarked": Objective.DiscoveryMarked,
    # Backlog item events
    "domain.backlog_item:BacklogItem.Created": BacklogItem.Created,
    "domain.backlog_item:BacklogItem.Updated": BacklogItem.Updated,
    "domain.backlog_item:BacklogItem.RiceScored": BacklogItem.RiceScored,
    "domain.backlog_item:BacklogItem.WsjfScored": BacklogItem.WsjfScored,
    "domain.backlog_item:BacklogItem.Tagged": BacklogItem.Tagged,
    "domain.backlog_item:BacklogItem.Retagged": BacklogItem.Retagged,
    "domain.backlog_item:BacklogItem.Untagged": BacklogItem.Untagged,
    "domain.backlog_item:BacklogItem.JustifiedNonStrategic": BacklogItem.JustifiedNonStrategic,
    "domain.backlog_item:BacklogItem.StatusChanged": BacklogItem.StatusChanged,
    "domain.backlog_item:BacklogItem.ImportRecorded": BacklogItem.ImportRecorded,
    "domain.backlog_item:BacklogItem.TeamAssigned": BacklogItem.TeamAssigned,
    "domain.backlog_item:BacklogItem.Triaged": BacklogItem.Triaged,
    "domain.backlog_item:BacklogItem.ThemeSet": BacklogItem.ThemeSet,
    # Exercise events
    "domain.exercise:Exercise.Created": Exercise.Created,
    "domain.exercise:Exercise.CandidateAdded": Exercise.CandidateAdded,
    "domain.exercise:Exercise.CandidateWithdrawn": Exercise.CandidateWithdrawn,
    "domain.exercise:Exercise.CandidatePriced": Exercise.CandidatePriced,
    "domain.exercise:Exercise.ParticipantInvited": Exercise.ParticipantInvited,
    "domain.exercise:Exercise.Opened": Exercise.Opened,
    "domain.exercise:Exercise.ResponsesImported": Exercise.ResponsesImported,
    "domain.exercise:Exercise.BallotSubmitted": Exercise.BallotSubmitted,
    "domain.exercise:Exercise.Closed": Exercise.Closed,
    "domain.exercise:Exercise.RespondentExcluded": Exercise.RespondentExcluded,
    "domain.exercise:Exercise.Reopened": Exercise.Reopened,
    "domain.exercise:Exercise.RespondentReinstated": Exercise.RespondentReinstated,
    "domain.exercise:Exercise.AutoCloseSet": Exercise.AutoCloseSet,
    # Sprint events, and the team calendar that keeps a team's sprints apart
    "domain.sprint:Sprint.Created": Sprint.Created,
    "domain.sprint:Sprint.ItemPlanned": Sprint.ItemPlanned,
    "domain.sprint:Sprint.ItemUnplanned": Sprint.ItemUnplanned,
    "domain.sprint:Sprint.Started": Sprint.Started,
    "domain.sprint:Sprint.Closed": Sprint.Closed,
    "domain.team_calendar:TeamCalendar.Created": TeamCalendar.Created,
    "domain.team_calendar:TeamCalendar.SprintScheduled": TeamCalendar.SprintScheduled,
    # Health metric events
    "domain.health_metric:HealthMetric.Created": HealthMetric.Created,
    "domain.health_metric:HealthMetric.Recorded": HealthMetric.Recorded,
    "domain.health_metric:HealthMetric.Archived": HealthMetric.Archived,
    # Theme events
    "domain.theme:Theme.Created": Theme.Created,
    "domain.theme:Theme.Moved": Theme.Moved,
    "domain.theme:Theme.Renamed": Theme.Renamed,
    # Mission briefing events
    "domain.mission_briefing:MissionBriefing.Created": MissionBriefing.Created,
    "domain.mission_briefing:MissionBriefing.Edited": MissionBriefing.Edited,
    # Quarterly review events
    "domain.quarterly_review:QuarterlyReview.Created": QuarterlyReview.Created,
    "domain.quarterly_review:QuarterlyReview.OutcomesAudited": QuarterlyReview.OutcomesAudited,
    "domain.quarterly_review:QuarterlyReview.VerdictRecorded": QuarterlyReview.VerdictRecorded,
    "domain.quarterly_review:QuarterlyReview.BacklogReset": QuarterlyReview.BacklogReset,
    "domain.quarterly_review:QuarterlyReview.ItemRegroomed": QuarterlyReview.ItemRegroomed,
    "domain.quarterly_review:QuarterlyReview.Completed": QuarterlyReview.Completed,
    # Snapshots and the values inside their state (domain.snapshots markers)
    "domain.snapshots:StateSnapshot": StateSnapshot,
    "domain.backlog_item:ItemKind": ItemKind,
    "domain.backlog_item:ItemStatus": ItemStatus,
    "domain.backlog_item:Tag": Tag,
    "domain.objective:KeyResult": KeyResult,
    "domain.objective:ObjectiveLevel": ObjectiveLevel,
    "domain.objective:ObjectiveStatus": ObjectiveStatus,
    "domain.scoring:RiceInputs": RiceInputs,
    "domain.scoring:Tier": Tier,
    "domain.scoring:WsjfInputs": WsjfInputs,
    "domain.sprint:SprintStatus": SprintStatus,
    "domain.quarterly_review:ReviewPhase": ReviewPhase,
}


def _declare(names: dict[str, type]) -> None:
    """Writing: the library's get_topic returns a class's own `TOPIC`. Reading: register_topic
    resolves the name to the class without importing anything."""
    for name, cls in names.items():
        if vars(cls).get("TOPIC", name) != name:
            raise RuntimeError(f"{cls} is stored as {vars(cls)['TOPIC']!r}, not {name!r}")
        cls.TOPIC = name  # what get_topic writes
        register_topic(name, cls)
        if get_topic(cls) != name:  # the library cached a module-path name before this ran
            raise RuntimeError(f"{cls} was named {get_topic(cls)!r} before its stored name")


_declare(STORED_NAMES)
