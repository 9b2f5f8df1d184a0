"""The Relay `Node` interface: every object fetchable by its global ID implements it."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global, opaque identifier.")
