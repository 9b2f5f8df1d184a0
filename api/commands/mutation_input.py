"""One check over a mutation's whole arguments, so no text field can be forgotten.

Every string a client sends in a mutation (titles, reasons, segments, CSV content, webhook URLs
and secrets, …) is walked before the command runs; one that cannot be stored (NUL, a lone
surrogate: see domain.text) answers a ValidationError naming its exact path, e.g.
['input', 'title'] or ['input', 'estimates', '2', 'backlogItemId'], and nothing changes. The
domain applies the same rule to what it emits; this names the field as the client spelt it.
"""

from __future__ import annotations

from typing import Any

from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types import Info

from okrank.api.graphql.errors import ValidationError
from okrank.domain.text import first_unstorable


def unstorable_argument(info: Info) -> ValidationError | None:
    """A ValidationError for the first unstorable value in the field's arguments, or None."""
    raw: Any = info._raw_info
    field = raw.parent_type.fields[raw.field_name]
    variables = raw.variable_values
    if not isinstance(variables, VariableValues):  # strawberry hands resolvers the coerced dict
        variables = VariableValues(sources={}, coerced=variables)
    arguments = get_argument_values(field, raw.field_nodes[0], variables)
    problem = first_unstorable(arguments)
    if problem is None:
        return None
    path, message = problem
    return ValidationError(message=f"{path[-1]} {message}", path=path)
