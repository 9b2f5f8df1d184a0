"""PostgreSQL dies (kill -9 of its postmaster) under a running okrank: during the outage requests
fail fast with 503 + Retry-After and SERVICE_UNAVAILABLE, /readyz says why and /healthz stays up;
a mutation recorded but not read back when it dies says so, with its position.

The outage is run once for the module (the `outage` fixture, tests/support/outage.py); each test
asserts one behaviour of it. What comes after it: test_outage_recovery.py.
"""

from __future__ import annotations


def test_during_an_outage_mutations_answer_503_with_retry_after_and_service_unavailable(outage):
    refused = outage.during[
        outage.during.index(next(a for a in outage.during if a.status == 503)) :
    ]
    assert refused and all(a.unavailable for a in refused), [vars(a) for a in refused]
    assert not any("Internal error." in str(a.body) for a in outage.during)


def test_during_an_outage_graphql_response_json_clients_get_503_too(outage):
    answers = outage.during_graphql_response_json
    assert answers and all(a.unavailable for a in answers), [vars(a) for a in answers]


def test_during_an_outage_queries_answer_503_service_unavailable(outage):
    answers = outage.during_read
    assert answers and all(a.unavailable for a in answers), [vars(a) for a in answers]


def test_during_an_outage_readyz_is_503_with_a_reason_and_healthz_stays_200(outage):
    assert all(status == 503 and body["reason"] for status, body in outage.readyz_during)
    assert outage.healthz_during == [200] * len(outage.healthz_during)


def test_during_an_outage_a_subscription_that_needs_the_database_ends_with_service_unavailable(
    outage,
):
    errors = outage.subscribe_during
    assert errors and [e["extensions"]["code"] for e in errors] == ["SERVICE_UNAVAILABLE"], errors


def test_a_mutation_recorded_but_not_read_back_answers_503_outcome_recorded_with_its_position(
    recorded,
):
    answer = recorded.answer
    assert answer.unavailable, vars(answer)
    extensions = answer.body["errors"][0]["extensions"]
    assert extensions["outcome"] == "RECORDED" and extensions["position"] == recorded.position
    assert "Internal error." not in str(answer.body)
