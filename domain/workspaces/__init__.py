"""Workspaces: the tenant aggregate and the settings it holds (alignment multipliers)."""
