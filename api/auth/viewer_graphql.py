"""GraphQL of who is asking: the `Role` enum and the `viewer` query."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.auth.principal import Role

RoleEnum = strawberry.enum(Role, name="Role", description="What a token's holder may do.")


@strawberry.type(description="Who the token says the caller is.")
class Viewer:
    workspace: str = strawberry.field(description="The workspace every request is scoped to.")
    subject: str = strawberry.field(description="The caller's name, recorded as actor.")
    roles: list[RoleEnum] = strawberry.field(description="What the caller may do.")


@strawberry.type(description="Who is asking.")
class ViewerQueries:
    @strawberry.field(description="Who the token says the caller is.")
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(workspace=p.workspace, subject=p.subject, roles=sorted(p.roles))
