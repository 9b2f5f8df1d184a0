"""What tests share, one module per thing; test modules import only from here (and fixtures
come from tests/conftest.py).

- `paths`: the checkout's root. `databases`: PostgreSQL URLs.
- `servers`: okrank server processes on loopback (`ServerProcess`, `SECRET`, `free_port`).
- `graphql_client`: `GraphQLClient`, GraphQL over HTTP as one workspace member.
- `builders`: objectives, items, tags and rankings built through GraphQL.
- `exercises`: stakeholder exercises built and run through GraphQL.
- `subscriptions`: rankingChanged over WebSocket, with a wait until a subscription is live.
- `webhooks`: a loopback webhook receiver.
- `waiting`: poll a condition with a deadline (tests never sleep to wait).
- `read_models`, `workloads`, `poison_events`: projection tests' rows, workloads and bad events.
- `maxdiff_data`, `maxdiff_simulation`: the real MaxDiff surveys and simulated respondents.
- `identity_provider`, `browser`, `fuzzing`: a stand-in IdP, headless Chromium, schema fuzzing.
"""
