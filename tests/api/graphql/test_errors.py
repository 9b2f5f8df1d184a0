"""Each domain error class has its own payload error; an unmapped one is a server fault."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from okrank.api.auth import Role
from okrank.api.graphql import errors as api_errors
from okrank.api.graphql.errors import from_domain
from okrank.domain import errors


def test_permission_denied_names_the_roles_the_domain_names():
    mapped = from_domain(errors.PermissionDeniedError("owners only", ("PRODUCT_OWNER",)))
    assert isinstance(mapped, api_errors.PermissionDeniedError)
    assert mapped.required_roles == [Role.PRODUCT_OWNER] and mapped.message == "owners only"


def test_each_known_domain_error_maps_to_its_own_type():
    assert isinstance(
        from_domain(errors.ValidationError("title", "bad")), api_errors.ValidationError
    )
    assert isinstance(from_domain(errors.NotFoundError("Objective", "x")), api_errors.NotFoundError)
    assert isinstance(from_domain(errors.ConflictError("stale", 3)), api_errors.ConflictError)


def test_an_unmapped_domain_error_is_an_internal_error_not_a_permission_problem():
    class Unmapped(errors.DomainError):
        pass

    with pytest.raises(GraphQLError) as caught:
        from_domain(Unmapped("secret detail"))
    assert caught.value.message == "Internal error."
    assert caught.value.extensions == {"code": "INTERNAL_SERVER_ERROR"}
