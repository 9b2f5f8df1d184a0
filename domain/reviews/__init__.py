"""The outcome-driven quarterly review (seed okr-prioritisation-guide.txt): did the work shipped
in a cycle move the key results it was tagged to, then a backlog reset and re-grooming around
the next cycle's objectives."""
