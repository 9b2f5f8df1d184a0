"""How each theme command loads, changes and saves; an objective's or item's theme is an event
on that aggregate (Objective.ThemeSet, BacklogItem.ThemeSet, Objective.DiscoveryMarked)."""

from __future__ import annotations

from uuid import UUID

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer
from okrank.domain.errors import ValidationError
from okrank.domain.okrs.objective import Objective
from okrank.domain.text import team_name
from okrank.domain.themes.commands import (
    CreateTheme,
    MarkDiscoveryObjective,
    MoveTheme,
    RenameTheme,
    SetBacklogItemTheme,
    SetObjectiveTheme,
)
from okrank.domain.themes.theme import Theme, theme_description, theme_name


def create_theme(store: Aggregates, actor: Actor, command: CreateTheme) -> CommandResult:
    theme = Theme(
        workspace=actor.workspace,
        name=theme_name(command.name),
        description=theme_description(command.description),
        horizon=command.horizon.value,
        team=team_name(command.team),
        actor=actor.subject,
    )
    return store.save_new(theme)


_theme_changed = changer(Theme, lambda command: command.theme_id)


def move_theme(store: Aggregates, actor: Actor, command: MoveTheme) -> CommandResult:
    c = command
    return _theme_changed(store, actor, c, lambda t: t.move(c.horizon, c.reason, actor.subject))


def rename_theme(store: Aggregates, actor: Actor, command: RenameTheme) -> CommandResult:
    c = command
    return _theme_changed(store, actor, c, lambda t: t.rename(c.name, c.description, actor.subject))


def theme_for(store: Aggregates, actor: Actor, theme_id: UUID, team: str, path: str) -> Theme:
    """The theme of the actor's workspace that work of `team` may belong to: a shared theme
    (no team) or that team's own; otherwise the team's roadmap would never show it."""
    theme = store.load(Theme, theme_id, actor, "Theme")
    if theme.team and theme.team != team:
        raise ValidationError(
            path, f"theme is team {theme.team}'s; this is {team or 'no team'}'s work"
        )
    return theme


def _set_theme(
    store: Aggregates, actor: Actor, theme_id: UUID | None, member: Objective | BacklogItem
) -> None:
    """Put `member` in the theme (None: in none), one its team's work may belong to; putting it
    where it already is changes nothing and is refused."""
    if theme_id is not None:
        theme_for(store, actor, theme_id, member.team, "themeId")
    if theme_id == member.theme_id:
        raise ValidationError("themeId", "nothing to change: it is already there")
    member.set_theme(theme_id=theme_id, actor=actor.subject)


_objective_changed = changer(Objective, lambda command: command.objective_id)
_item_changed = changer(BacklogItem, lambda command: command.item_id)


def set_objective_theme(
    store: Aggregates, actor: Actor, command: SetObjectiveTheme
) -> CommandResult:
    c = command
    return _objective_changed(store, actor, c, lambda o: _set_theme(store, actor, c.theme_id, o))


def set_backlog_item_theme(
    store: Aggregates, actor: Actor, command: SetBacklogItemTheme
) -> CommandResult:
    c = command
    return _item_changed(store, actor, c, lambda i: _set_theme(store, actor, c.theme_id, i))


def mark_discovery_objective(
    store: Aggregates, actor: Actor, command: MarkDiscoveryObjective
) -> CommandResult:
    c = command

    def mutate(objective: Objective) -> None:
        theme_for(store, actor, c.prepares_theme_id, objective.team, "preparesThemeId")
        if objective.prepares_theme_id == c.prepares_theme_id:
            raise ValidationError("preparesThemeId", "nothing to change: it prepares that theme")
        objective.mark_discovery(prepares_theme_id=c.prepares_theme_id, actor=actor.subject)

    return _objective_changed(store, actor, c, mutate)


HANDLERS: Handlers = {
    CreateTheme: create_theme,
    MoveTheme: move_theme,
    RenameTheme: rename_theme,
    SetObjectiveTheme: set_objective_theme,
    SetBacklogItemTheme: set_backlog_item_theme,
    MarkDiscoveryObjective: mark_discovery_objective,
}
