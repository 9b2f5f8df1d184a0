"""A backlog item's OKR tags, on the aggregate in memory."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.backlog.item import BacklogItem, Tag
from okrank.domain.errors import ValidationError
from okrank.domain.rankings.scoring import Tier


def item() -> BacklogItem:
    return BacklogItem(workspace="w", title="Search", description="", kind="FEATURE", actor="po")


def test_retag_and_untag_change_an_existing_tag_and_record_the_previous_one():
    backlog_item, objective, key_result = item(), uuid4(), uuid4()
    backlog_item.tag(objective, None, Tier.DIRECT, "fits", "po")
    backlog_item.retag(objective, key_result, Tier.INDIRECT, "less direct", "po")
    assert backlog_item.tags[objective] == Tag(objective, key_result, Tier.INDIRECT)
    retagged = backlog_item.collect_events()[-1]
    assert (retagged.previous_tier, retagged.previous_key_result_id) == ("DIRECT", None)
    backlog_item.untag(objective, "out of scope", "po")
    assert objective not in backlog_item.tags
    untagged = backlog_item.collect_events()[-1]
    assert (untagged.previous_tier, untagged.previous_key_result_id) == ("INDIRECT", key_result)


@pytest.mark.parametrize("change", ["retag", "untag"])
def test_retag_or_untag_of_an_objective_the_item_is_not_tagged_to_is_refused(change):
    backlog_item = item()
    with pytest.raises(ValidationError, match="item is not tagged to this objective"):
        if change == "retag":
            backlog_item.retag(uuid4(), None, Tier.DIRECT, "why", "po")
        else:
            backlog_item.untag(uuid4(), "why", "po")
    assert backlog_item.version == 1  # nothing was recorded
