"""Stakeholder exercises: the aggregate, ballots, designs, results and the estimation methods
(methods/).
"""
