"""The exercise read model: exercises, candidates, participants and ballots."""
