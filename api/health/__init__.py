"""Health metrics in GraphQL: define, record, list beside a team's OKRs."""
