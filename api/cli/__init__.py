"""The `okrank` command line: serve, project, token, rebuild, demo, import."""
