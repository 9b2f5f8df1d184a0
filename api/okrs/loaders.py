"""Per-request loaders of OKR reads that a page would otherwise repeat for every objective or
key result: the hygiene facts of a (team, cycle), the first page of a key result's check-ins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from okrank.api.database.read_pool import ReadPool
from okrank.api.okrs import reads
from okrank.domain.okrs.hygiene import aligned_cycles

TeamCycle = tuple[str, str]
FirstPage = tuple[UUID, int]  # (key result, page size + 1)


def hygiene_facts(pool: ReadPool, workspace: str) -> DataLoader[TeamCycle, Any]:
    """One round trip per distinct (team, cycle) of the request (a page's objectives share few)."""

    async def load(keys: Sequence[TeamCycle]) -> list[Any]:
        return [
            await reads.hygiene_facts(pool, workspace, team, cycle, aligned_cycles(cycle))
            for team, cycle in keys
        ]

    return DataLoader(load_fn=load)


def first_check_ins(pool: ReadPool, workspace: str) -> DataLoader[FirstPage, list[Any]]:
    """The newest check-ins of every key result of the request asked for the same page size,
    in one query per page size."""

    async def load(keys: Sequence[FirstPage]) -> list[list[Any]]:
        by_size: dict[int, list[UUID]] = defaultdict(list)
        for key_result, size in keys:
            by_size[size].append(key_result)
        pages: dict[FirstPage, list[Any]] = defaultdict(list)
        for size, ids in by_size.items():
            for row in await reads.latest_check_ins(pool, workspace, ids, size):
                pages[(row["key_result_id"], size)].append(row)
        return [pages.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
