"""okrank: an event-sourced GraphQL API that connects OKRs to the backlog.

This file is the `okrank` package itself. pyproject.toml maps it and the folders at the
repository root into one import name: `okrank` is this folder, `okrank.api` is api/,
`okrank.domain` is domain/, `okrank.projections` is projections/. The folder's name is not a
Python identifier on purpose: nothing can import it under any name but `okrank`.
"""
