"""The backlog: backlog items (the aggregate, its tags and scores) and importing them from a
tracker's CSV export.
"""
