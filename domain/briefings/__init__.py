"""Mission briefings: the intent behind an objective or an epic, versioned edit by edit."""
