"""In a real headless Chromium: a page on another loopback origin queries a ranking over fetch
and follows rankingChanged over graphql-ws (CORS and the WebSocket Origin check), and the
GraphiQL page okrank serves renders and runs a query with a token without any CDN."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.support.browser import Browser, StaticPage
from tests.support.builders import item, objective, tag

# The page speaks graphql-transport-ws in a few lines of plain JavaScript and shows what it got.
APP_PAGE = """<!doctype html>
<html><body>
<p>ranking: <span id="ranking"></span></p>
<p>subscribed: <span id="subscribed"></span></p>
<p>changes: <span id="changes"></span></p>
<p>error: <span id="error"></span></p>
<script>
const API = %(api)s, TOKEN = %(token)s, OBJECTIVE = %(objective)s;
const show = (id, text) => { document.getElementById(id).textContent = text; };
async function main() {
  const response = await fetch(API + "/graphql", {
    method: "POST",
    headers: {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN},
    body: JSON.stringify({
      query: "query($o: ID) { ranking(objectiveId: $o, method: RICE, first: 10) " +
             "{ edges { node { rank backlogItem { title } } } } }",
      variables: {o: OBJECTIVE},
    }),
  });
  const body = await response.json();
  show("ranking", body.data.ranking.edges.map(e => e.node.backlogItem.title).join(","));
  const ws = new WebSocket(API.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
  const seen = [];
  ws.onopen = () => ws.send(JSON.stringify(
    {type: "connection_init", payload: {Authorization: "Bearer " + TOKEN}}));
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "ping") ws.send(JSON.stringify({type: "pong"}));
    if (message.type === "connection_ack") {
      ws.send(JSON.stringify({id: "1", type: "subscribe", payload: {
        query: "subscription($o: ID) { rankingChanged(objectiveId: $o, method: RICE) " +
               "{ backlogItemId newRank cause } }",
        variables: {o: OBJECTIVE}}}));
      show("subscribed", "yes");
    }
    if (message.type === "next") {
      const change = message.payload.data.rankingChanged;
      seen.push(change.cause + ":" + change.newRank);
      show("changes", seen.join(","));
    }
    if (message.type === "error") show("error", JSON.stringify(message.payload));
  };
  ws.onclose = (event) => show("error", "closed " + event.code + " " + event.reason);
}
main().catch((e) => show("error", String(e)));
</script>
</body></html>
"""


@pytest.fixture
def browser() -> Iterator[Browser]:
    b = Browser()
    yield b
    b.close()


def text(element_id: str) -> str:
    return f"document.getElementById({element_id!r}).textContent"


def test_a_page_on_another_origin_reads_a_ranking_and_follows_its_changes(server, gql, browser):
    o = objective(gql)
    first = item(gql, "first", rice=(10, 1, 1, 1))
    tag(gql, first["id"], o["id"])
    values = {"api": server.url, "token": gql.token, "objective": o["id"]}
    page = StaticPage(APP_PAGE % {k: json.dumps(v) for k, v in values.items()})
    try:
        assert page.url.rsplit(":", 1)[1] != server.url.rsplit(":", 1)[1]  # another origin
        browser.open(page.url)
        assert browser.wait_for(f"{text('ranking')} || {text('error')}") == "first"
        assert browser.wait_for(f"{text('subscribed')} || {text('error')}") == "yes"
        # The server registers the subscription a moment after the subscribe message: tag
        # items until the page shows a change (bounded), rather than sleeping.
        shown = None
        for n in range(5):
            tag(gql, item(gql, f"new {n}", rice=(100 + n, 1, 1, 1))["id"], o["id"])
            shown = browser.poll(f"{text('changes')} || {text('error')}", timeout=5)
            if shown:
                break
        assert shown and "TAGGED:1" in shown, shown
        assert browser.evaluate(text("error")) == ""
    finally:
        page.close()


def test_graphiql_renders_offline_and_runs_a_query_with_the_token(server, gql, browser):
    """Chromium resolves no host but localhost: a page that needed a CDN would stay blank."""
    browser.open(f"{server.url}/graphql")
    browser.wait_for("!!document.querySelector('.graphiql-query-editor .CodeMirror')")
    headers = json.dumps({"Authorization": f"Bearer {gql.token}"})
    query = "{ ranking(method: RICE, first: 5) { totalCount } }"
    browser.evaluate(
        f"localStorage.setItem('graphiql:headers', {json.dumps(headers)});"
        f"localStorage.setItem('graphiql:query', {json.dumps(query)}); location.reload(); true"
    )
    browser.wait_for(
        "!!document.querySelector('.graphiql-execute-button') &&"
        " document.querySelector('.graphiql-query-editor').innerText.includes('totalCount')"
    )
    browser.evaluate("document.querySelector('.graphiql-execute-button').click(); true")
    result = browser.wait_for(
        "((document.querySelector('.graphiql-response') || {}).innerText || '')"
        ".includes('totalCount') && document.querySelector('.graphiql-response').innerText"
    )
    assert '"totalCount": 0' in result, result
