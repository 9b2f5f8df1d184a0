"""Strawberry's extension hooks, found once per extension class instead of once per request.

For each request and each stage (operation, parsing, validation, execution) strawberry asks
every extension whether it overrides the stage's hook, inspects the hook's kind and wraps the
bound method in a fresh context-manager function (`contextlib.contextmanager` of a
`MethodType`, with `functools.update_wrapper` copying its attributes): 24 discoveries and 6
wrappers per request for okrank's six extensions (a ranking page: 4.53 M instructions per
request before, 4.42 M after, `python -m bench.request_instructions`). What a
class's hook is does not change between requests, so this runner looks it up by (class, stage)
and keeps the context-manager factory of the plain function; a request only binds it to its
extension (`functools.partial`). Entering and leaving the hooks is strawberry's own code.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

# (extension class, hook name) -> (factory taking the extension, is_async); None: no hook of
# its own; _ASK: a plain callable hook, which strawberry wraps per extension itself.
_Found = tuple[Callable[[Any], Any], bool] | None
_ASK: _Found = (lambda extension: None, False)
_UNSEEN: _Found = (lambda extension: None, False)
_FOUND: dict[tuple[type, str], _Found] = {}


def _find(cls: type, hook_name: str) -> _Found:
    hook = getattr(cls, hook_name)
    if hook is getattr(SchemaExtension, hook_name):
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    return _ASK  # strawberry's from_callable (and its error for a non-callable)


class _KnownHooks(ExtensionContextManagerBase):
    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        key = (type(extension), self.HOOK_NAME)
        found = _FOUND.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = _FOUND[key] = _find(*key)
        if found is None:
            return None
        if found is _ASK:
            return super().get_hook(extension)
        factory, is_async = found
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


class _Operation(_KnownHooks, OperationContextManager):
    pass


class _Validation(_KnownHooks, ValidationContextManager):
    pass


class _Parsing(_KnownHooks, ParsingContextManager):
    pass


class _Executing(_KnownHooks, ExecutingContextManager):
    pass


class KnownHooksRunner(SchemaExtensionsRunner):
    """strawberry's runner with each stage's hooks found through the per-class table."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)
