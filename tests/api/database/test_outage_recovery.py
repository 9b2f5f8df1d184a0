"""PostgreSQL, killed under a running okrank, comes back on the same socket: okrank recovers by
itself (no restart), reads its writes, has lost no acknowledged write, and a subscriber that
stayed connected receives every ranking change exactly once, in order; webhooks resume.

The outage is run once for the module (the `outage` fixture, tests/support/outage.py); each test
asserts one behaviour of it. The answers during it: test_outage_answers.py.
"""

from __future__ import annotations


def test_while_recovering_no_answer_is_an_internal_error(outage):
    for answer in outage.window_answers:
        assert answer.status == 200 or answer.unavailable, vars(answer)


def test_after_the_restart_a_mutation_reads_its_write(outage):
    assert outage.after["__typename"] == "BacklogItemSuccess"
    assert outage.after["backlogItem"]["title"] == "after"
    assert outage.after_read == {"id": outage.after["backlogItem"]["id"], "title": "after"}


def test_every_write_acknowledged_before_or_while_recovering_is_still_there(outage):
    expected = [
        {"id": i["id"], "title": i["title"]}
        for i in outage.acknowledged_before + outage.window_acknowledged
    ]
    assert outage.still_there == expected


def test_a_connected_subscriber_receives_every_change_once_in_order_across_the_restart(outage):
    from okrank.api.graphql.ids import decode_cursor

    assert outage.subscriber_error is None, outage.subscriber_error
    received = [tuple(decode_cursor(c["cursor"], (int, int))) for c in outage.received]
    assert received == outage.outbox
    # Changes made after PostgreSQL came back are among them (the last scored item's).
    assert any(c["cause"] == "SCORED" for c in outage.received[-3:])


def test_webhook_deliveries_resume_after_the_restart_in_order(outage):
    """Webhooks are at least once: a POST that succeeded while the database vanished before
    its cursor was saved is sent again, so the receiver dedupes by `Okrank-Delivery`."""
    first_seen = list(dict.fromkeys(outage.webhook_received))
    assert first_seen == outage.outbox_everything
