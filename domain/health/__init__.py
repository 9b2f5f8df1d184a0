"""Health metrics: what a team keeps in sight beside its OKRs, as a traffic light."""
