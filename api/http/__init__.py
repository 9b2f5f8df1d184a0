"""HTTP: the Starlette app, its routes (GraphQL, GraphiQL, health, metrics, import), CORS,
limits, logs and the server."""
