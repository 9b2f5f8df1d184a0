"""OKRANK_DASHBOARD_CACHE_ENTRIES: how many dashboard results a process keeps; a malformed
value is refused with a message naming it (the server stops at start-up)."""

from __future__ import annotations

import pytest

from okrank.api.coverage.cache import ENTRIES, cache_entries


def test_the_dashboard_cache_size_is_read_and_a_malformed_one_is_refused_by_name():
    assert cache_entries({}) == ENTRIES
    assert cache_entries({"OKRANK_DASHBOARD_CACHE_ENTRIES": " 0 "}) == 0
    assert cache_entries({"OKRANK_DASHBOARD_CACHE_ENTRIES": "1000"}) == 1000
    for bad in ("-1", "many", "1.5"):
        with pytest.raises(ValueError, match="OKRANK_DASHBOARD_CACHE_ENTRIES"):
            cache_entries({"OKRANK_DASHBOARD_CACHE_ENTRIES": bad})
