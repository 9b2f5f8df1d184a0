"""Sprints through GraphQL: sprints, their items and review, and zombie features."""
