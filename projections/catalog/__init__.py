"""The catalog view: current objectives, key results, backlog items, tags and rankings."""
