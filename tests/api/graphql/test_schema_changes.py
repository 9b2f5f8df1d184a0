"""schema.graphql against the previous release's schema: a breaking change (graphql-core's
find_breaking_changes) fails unless CHANGELOG.md lists it, so a client can trust an upgrade."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from tests.support.paths import ROOT

HISTORY = ROOT / "schema-history"


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.stem.split("."))


def previous_release() -> Path:
    return max(HISTORY.glob("*.graphql"), key=_version)


def test_every_breaking_change_since_the_previous_release_is_in_the_changelog():
    old = build_schema(previous_release().read_text())
    new = build_schema((ROOT / "schema.graphql").read_text())
    changelog = (ROOT / "CHANGELOG.md").read_text()
    unlisted = [c.description for c in find_breaking_changes(old, new)]
    unlisted = [d for d in unlisted if d not in changelog]
    assert not unlisted, (
        "breaking schema changes missing from CHANGELOG.md (list them under Breaking, or "
        "deprecate instead of removing):\n" + "\n".join(unlisted)
    )


def test_the_check_finds_a_removed_field():
    """The comparison itself works: removing a field is a breaking change it reports."""
    old = build_schema("type Query { ranking: Int, kept: Int }")
    new = build_schema("type Query { kept: Int }")
    assert [c.description for c in find_breaking_changes(old, new)] == [
        "Field Query.ranking was removed."
    ]
