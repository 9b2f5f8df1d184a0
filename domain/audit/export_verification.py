"""Checking an exported audit file offline, record by record, against the chain rule.

Each record must link to the one before it (its `previous_link` is that record's `link`, its
`seq` the next one; the first record of the workspace links to its genesis), its stored row
must hash to its `link` (domain.audit.chain.next_link), and, given the application's mapper,
its decoded parts must be what its stored row decodes to. The first disagreement is the answer.
A file that starts later than the workspace's first event (an export `since` a date) is
checked from its first record's `previous_link`; `expected_head` (a published head) proves
that the file's history up to it is the one that head covers.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Iterable
from typing import Any

from okrank.domain.audit.chain import Head, genesis, next_link
from okrank.domain.audit.export_format import stored_row
from okrank.domain.audit.verification import Problem, Verification

Redecode = Callable[[dict[str, Any]], dict[str, Any]]  # export_format.record_again(mapper, …)


class _Found(Exception):
    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem, self.message = problem, message


def verify_export(
    records: Iterable[dict[str, Any]],
    redecode: Redecode | None = None,
    expected_head: Head | None = None,
) -> Verification:
    """Walk the file's records in order; constant memory for any length."""
    workspace, count, linked_only = "", 0, 0
    first_seq: int | None = None
    head = Head(0, bytes(32))
    last_position = 0
    rec: dict[str, Any] = {}
    try:
        for rec in records:
            try:
                seq, position = int(rec["seq"]), int(rec["position"])
                previous, link = bytes.fromhex(rec["previous_link"]), bytes.fromhex(rec["link"])
                if first_seq is None:
                    workspace, first_seq = str(rec["workspace"]), seq
                    head = Head(seq - 1, previous)
                    last_position = -1
                    if seq == 1 and previous != genesis(workspace):
                        raise _Found(
                            Problem.CHAIN_BROKEN,
                            "record #1 does not link to the workspace's genesis",
                        )
                    _reaches(expected_head, head)
                _in_order(rec, workspace, seq, position, previous, head, last_position)
                if rec["state"] is None:
                    linked_only += 1
                else:
                    _matches(rec, previous, link, redecode)
            except (KeyError, ValueError, TypeError, binascii.Error) as exc:
                raise _Found(Problem.ALTERED, f"record {_name(rec)} is malformed: {exc}") from None
            head, last_position, count = Head(seq, link), position, count + 1
            _reaches(expected_head, head)
    except _Found as found:
        position = rec.get("position") if isinstance(rec, dict) else None
        return Verification(
            workspace,
            count,
            head,
            found.problem,
            position if isinstance(position, int) else None,
            found.message,
        )
    if expected_head is not None and not (
        first_seq is not None and first_seq - 1 <= expected_head.events <= head.events
    ):
        return Verification(
            workspace,
            count,
            head,
            Problem.HEAD_MISMATCH,
            None,
            f"the head {expected_head} is not within the file's records",
        )
    return Verification(
        workspace, count, head, message=_summary(count, first_seq, head, linked_only)
    )


def _reaches(expected: Head | None, head: Head) -> None:
    """A published head the file passes by must be the file's head there."""
    if expected is not None and expected.events == head.events and expected != head:
        raise _Found(
            Problem.HEAD_MISMATCH,
            f"the history up to record #{head.events} does not hash to the head {expected}",
        )


def _name(rec: Any) -> str:
    seq = rec.get("seq") if isinstance(rec, dict) else None
    return f"#{seq}" if seq is not None else "(no seq)"


def _in_order(
    rec: dict[str, Any],
    workspace: str,
    seq: int,
    position: int,
    previous: bytes,
    head: Head,
    last_position: int,
) -> None:
    if rec["workspace"] != workspace:
        raise _Found(
            Problem.INSERTED,
            f"record #{seq} is of workspace {rec['workspace']!r}, not {workspace!r}",
        )
    if seq > head.events + 1:
        raise _Found(
            Problem.DELETED,
            f"records #{head.events + 1} to #{seq - 1} are missing: the file skips from"
            f" #{head.events} to #{seq}",
        )
    if seq <= head.events or position <= last_position:
        raise _Found(
            Problem.REORDERED,
            f"record #{seq} (position {position}) comes after record #{head.events}: records"
            " were moved or repeated",
        )
    if previous != head.link:
        raise _Found(
            Problem.CHAIN_BROKEN,
            f"record #{seq}'s previous link is not record #{head.events}'s link",
        )


def _matches(rec: dict[str, Any], previous: bytes, link: bytes, redecode: Redecode | None) -> None:
    seq = rec["seq"]
    if next_link(previous, stored_row(rec)) != link:
        raise _Found(
            Problem.ALTERED,
            f"the stored bytes of record #{seq} (position {rec['position']}) do not hash to its"
            " link: the event was altered",
        )
    if redecode is not None and redecode(rec) != rec:
        raise _Found(
            Problem.ALTERED,
            f"record #{seq} (position {rec['position']}) does not say what its stored bytes"
            " say: the file was edited",
        )


def _summary(count: int, first_seq: int | None, head: Head, linked_only: int) -> str:
    if first_seq is None:
        return "the file holds no records"
    start = "the workspace's first event" if first_seq == 1 else f"record #{first_seq}"
    withheld = (
        f"; {linked_only} with withheld fields are checked by their links only"
        if linked_only
        else ""
    )
    return f"all {count} records verify, from {start} up to {head}{withheld}"
