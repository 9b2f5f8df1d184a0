"""One poison event must not stop the service: over real HTTP, against a real server process,
the view it stops is reported by /readyz, logged once, and mutations in every workspace answer at
once that their change was recorded but is not readable; once repaired, all catches up."""

from __future__ import annotations

import httpx

from okrank.api.auth import Role
from okrank.api.graphql.ids import uuid_of
from okrank.domain.application import OkrankApplication
from okrank.projections.engine.runner import event_store_env
from tests.support import builders
from tests.support.graphql_client import GraphQLClient
from tests.support.poison_events import out_of_range_score, repair_score, status_row, wait_for
from tests.support.servers import ServerProcess

STOPPED_LINE = "projection catalog stopped on a poison event"


def test_a_poison_event_stops_its_view_loudly_once_and_mutations_answer_at_once(
    make_database, tmp_path
):
    url = make_database()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:  # the server process writes its log here
        server = ServerProcess(url, env={"OKRANK_POISON_RECHECK_SECONDS": "0.05"}, output=log)
    first = GraphQLClient(server.url, "ws-first", "po", [Role.ADMIN])
    second = GraphQLClient(server.url, "ws-second", "po", [Role.ADMIN])
    app = OkrankApplication(env=event_store_env(url))
    try:
        item = builders.item(first, "fine")
        item_id = uuid_of(item["id"], "BacklogItem")
        assert item_id is not None
        poison = out_of_range_score(app, item_id)
        body = wait_for(lambda: _not_ready(server.url), "/readyz to report the stop")
        assert body == {
            "ready": False,
            "reason": "a read model stopped on an event it cannot apply; see the server log",
            "view": "catalog",
            "position": poison,
        }
        # Another workspace's mutation: recorded, and told at once that it is not readable.
        response = second.post(
            'mutation { createBacklogItem(input: {title: "after"}) { __typename } }'
        )
        assert response.status_code == 200
        assert "Traceback" not in response.text
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "READ_MODEL_STOPPED"
        assert error["extensions"]["view"] == "catalog"
        assert error["extensions"]["stoppedAt"] == poison
        assert error["extensions"]["position"] > poison
        assert "the change was recorded" in error["message"]
        # The worker re-checks the event without logging it again.
        wait_for(lambda: status_row(url, "catalog")[3] >= 5, "re-checks")
        text = log_path.read_text()
        assert text.count(STOPPED_LINE) == 1
        assert "failed; restarting" not in text
        repair_score(url, poison)
        wait_for(lambda: httpx.get(f"{server.url}/readyz").status_code == 200, "ready again")
        items = second.execute("{ backlogItems(first: 10) { edges { node { title } } } }")
        assert [e["node"]["title"] for e in items["backlogItems"]["edges"]] == ["after"]
    finally:
        app.close()
        first.close()
        second.close()
        server.stop()


def _not_ready(url: str) -> dict | None:
    response = httpx.get(f"{url}/readyz")
    return response.json() if response.status_code == 503 else None
