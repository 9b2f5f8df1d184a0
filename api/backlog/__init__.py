"""GraphQL for the backlog: items, their scores and OKR tags, and importing from a tracker."""
