"""Coverage: how much of a team's open backlog serves the active objectives of a cycle."""
