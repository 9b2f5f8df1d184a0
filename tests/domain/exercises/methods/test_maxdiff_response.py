"""A MaxDiff answer's rules."""

from __future__ import annotations

import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.maxdiff_response import Response, validate_response


def test_bad_responses_are_refused():
    with pytest.raises(ValidationError, match="differ"):
        validate_response(Response("r", (0, 1, 2), 1, 1), 3)
    with pytest.raises(ValidationError, match="best"):
        validate_response(Response("r", (0, 1, 2), 5, 1), 6)
    with pytest.raises(ValidationError, match="twice"):
        validate_response(Response("r", (0, 1, 1), 0, 1), 3)
