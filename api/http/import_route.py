"""POST /graphql/import: the one route whose request body may exceed the 1 MiB cap of /graphql,
so that a survey export up to the import limit (domain.bounds.MAX_IMPORT_BYTES,
20 MiB) can be sent. It runs only the import mutations: a larger body buys nothing else."""

from __future__ import annotations

from cross_web import HTTPException
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse

from okrank.domain.bounds import MAX_IMPORT_BYTES

IMPORT_PATH = "/graphql/import"
IMPORT_FIELDS = frozenset({"importMaxDiffResponses", "importBacklogItems"})
# The CSV travels as a JSON string: escaping (a newline is two bytes) makes it a little larger.
MAX_IMPORT_BODY_BYTES = MAX_IMPORT_BYTES * 6 // 5
ONLY_IMPORTS = (
    f"{IMPORT_PATH} runs only the importMaxDiffResponses and importBacklogItems mutations; "
    "send other operations to /graphql"
)


def require_import_only(query: str | None, allowed: frozenset[str] = IMPORT_FIELDS) -> None:
    """Every operation of the document is a mutation selecting only the allowed root fields
    (and __typename); else 400. A document that does not parse is left to strawberry, which
    reports its syntax error."""
    try:
        document = parse(query or "", max_tokens=5000)
    except GraphQLError:
        return
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if definition.operation != OperationType.MUTATION or any(
            not isinstance(s, FieldNode) or s.name.value not in allowed | {"__typename"}
            for s in definition.selection_set.selections
        ):
            raise HTTPException(400, ONLY_IMPORTS)
