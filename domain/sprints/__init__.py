"""Sprints: a team's time-boxes, each with a goal that steps toward one key result."""
