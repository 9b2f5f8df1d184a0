"""Trusted documents (OKRANK_TRUSTED_DOCUMENTS=/path/manifest.json): only the manifest's
documents run.

The manifest is a JSON object mapping a document's sha256 (hex, optionally prefixed
`sha256:`) to its text, as GraphQL Code Generator's persisted-documents output writes it; an
Apollo persisted query manifest (`{"format": "apollo-persisted-query-manifest", "operations":
[{"id", "body", ...}]}`) is read too. Every hash is checked against its text at start-up.

A request names its document by
- `{"documentId": "sha256:<hex>"}` in the POST body (GraphQL over HTTP persisted documents), or
- `extensions.persistedQuery.sha256Hash` (Apollo's shape; also over GET and WebSocket), or
- sending the full text of a manifest document as `query`.
Anything else is refused before it is parsed: PERSISTED_QUERY_NOT_FOUND for an unknown hash,
DOCUMENT_NOT_TRUSTED for a text that is not in the manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

PREFIX = "sha256:"
NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _normal(ref: str) -> str:
    return ref.removeprefix(PREFIX).lower()


def load_manifest(path: str) -> dict[str, str]:
    """hash (lower-case hex) → document text; ValueError on a malformed manifest."""
    raw = json.loads(Path(path).read_text())
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        raw = {op["id"]: op["body"] for op in raw.get("operations", [])}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: a trusted documents manifest is a JSON object")
    documents: dict[str, str] = {}
    for ref, text in raw.items():
        if not isinstance(ref, str) or not isinstance(text, str):
            raise ValueError(f"{path}: entries map a sha256 hash to a document's text")
        if document_hash(text) != _normal(ref):
            raise ValueError(f"{path}: {ref} is not the sha256 of its document")
        documents[_normal(ref)] = text
    return documents


def lift_document_id(data: Any) -> Any:
    """A POST body's top-level `documentId` moves into `extensions`, where the schema
    extension below finds it (strawberry passes only query, variables, operationName and
    extensions on)."""
    if not isinstance(data, dict) or "documentId" not in data:
        return data
    extensions = data.get("extensions")
    if extensions is None:
        extensions = {}
    if not isinstance(extensions, dict):
        return data  # strawberry refuses a non-object `extensions` with a 400
    return {**data, "extensions": {**extensions, "documentId": data["documentId"]}}


def requested_ref(extensions: Mapping[str, Any] | None) -> Any:
    """The hash a request names its document by, or None when it names none."""
    if not isinstance(extensions, Mapping):
        return None
    if "documentId" in extensions:
        return extensions["documentId"]
    persisted = extensions.get("persistedQuery")
    if isinstance(persisted, dict) and "sha256Hash" in persisted:
        return persisted["sha256Hash"]
    return None


class TrustedDocuments(SchemaExtension):
    """Replaces a request's query with its manifest document, or refuses it: a refused request
    runs a one-field placeholder through parsing, and validation reports the refusal instead
    (so a WebSocket subscription is refused the same way as an HTTP request). Must come after
    ValidationCache, whose result it overrides."""

    def __init__(self, documents: Mapping[str, str]) -> None:
        self.documents = documents
        self.refusal: GraphQLError | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        ref = requested_ref(context.operation_extensions)
        if context.query:
            if document_hash(context.query) not in self.documents:
                self.refusal = GraphQLError(
                    "Only trusted documents run on this server; this one is not in its manifest.",
                    extensions={"code": "DOCUMENT_NOT_TRUSTED"},
                )
        elif ref is not None:
            text = self.documents.get(_normal(ref)) if isinstance(ref, str) else None
            if text is None:
                self.refusal = GraphQLError(
                    "No trusted document has this hash.",
                    extensions={"code": "PERSISTED_QUERY_NOT_FOUND"},
                )
            else:
                context.query = text
        if self.refusal is not None:
            allowed = context.allowed_operations
            kind = next(t for t in OperationType if t in allowed) if allowed else "query"
            # Named as requested, so that picking the operation finds it.
            name = context.operation_name
            name = name if isinstance(name, str) and NAME.fullmatch(name) else ""
            context.query = f"{getattr(kind, 'value', kind)} {name} {{ __typename }}"
        yield

    def on_validate(self) -> Iterator[None]:
        if self.refusal is not None:
            self.execution_context.pre_execution_errors = [self.refusal]
        yield
