"""The strategy view: themes and their members, mission briefings, health metrics."""
