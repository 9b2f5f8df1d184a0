"""GraphQL for the backlog: importing items from a tracker's CSV export."""
