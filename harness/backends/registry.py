"""Backend registry: built-in backends plus third-party ones from the "closeloop.backends" entry points.

Registering is cheap by design: backend modules import torch/transformers/vllm only inside their
constructors, so importing this module (and ``harness.backends``) never pulls in a heavy library.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
from typing import Any, Callable, TypeVar

from harness.backends.base import Backend, BackendError

ENTRY_POINT_GROUP = "closeloop.backends"
DEFAULT_BACKEND = "transformers"

BackendFactory = Callable[..., Backend]
"""``factory(model_path, **options) -> Backend``; a Backend class is such a factory."""

BACKENDS: dict[str, BackendFactory] = {}
_BUILTIN_MODULES = (
    "harness.backends.mock",
    "harness.backends.transformers_backend",
    "harness.backends.openai_backend",
    "harness.backends.vllm_backend",
)

F = TypeVar("F", bound=BackendFactory)


def register_backend(name: str) -> Callable[[F], F]:
    """Class/function decorator: make ``create_backend(name, ...)`` call the decorated factory."""

    def decorate(factory: F) -> F:
        BACKENDS[name] = factory
        return factory

    return decorate


def _entry_point_factory(entry_point: Any) -> BackendFactory:
    """Defer ``entry_point.load()`` to creation time: a plug-in may import heavy libraries."""

    def factory(model_path: str | None, **options: Any) -> Backend:
        try:
            loaded = entry_point.load()
        except Exception as exc:  # any failure inside a plug-in must stay one clear line
            raise BackendError(
                f"cannot load backend {entry_point.name!r} from {entry_point.value}: "
                f"{type(exc).__name__}: {exc}".replace("\n", " ")
            ) from exc
        return loaded(model_path, **options)

    factory.__name__ = f"entry_point_{entry_point.name}"
    factory.__doc__ = f"Backend {entry_point.name!r} from entry point {entry_point.value}."
    return factory


def discover_backends() -> list[str]:
    """Add backends advertised under the entry-point group; returns the names added.

    Names already registered (built-ins, explicit registrations) win, so a plug-in cannot
    silently replace the backend that produced earlier results.
    """
    try:
        found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # a broken distribution's metadata must not break the built-ins
        return []
    added = []
    for entry_point in found:
        if entry_point.name not in BACKENDS:
            BACKENDS[entry_point.name] = _entry_point_factory(entry_point)
            added.append(entry_point.name)
    return added


def available_backends() -> list[str]:
    discover_backends()
    return sorted(BACKENDS)


def create_backend(name: str | None, model_path: str | None = None, **options: Any) -> Backend:
    """Build backend ``name`` (default: transformers) for ``model_path`` (None: the embedded model)."""
    name = name or DEFAULT_BACKEND
    if name not in BACKENDS:
        discover_backends()
    factory = BACKENDS.get(name)
    if factory is None:
        raise BackendError(f"unknown backend {name!r}; known backends: {', '.join(sorted(BACKENDS))}")
    _check_options(name, factory, options)
    return factory(model_path, **options)


def _check_options(name: str, factory: BackendFactory, options: dict[str, Any]) -> None:
    """An option the backend does not take is a usage error (one line), not a TypeError trace."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # builtins/C callables: let the call itself decide
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    accepted = {p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    unknown = sorted(set(options) - accepted)
    if unknown:
        known = ", ".join(sorted(accepted - {"model_path", "self"})) or "none"
        raise BackendError(f"backend {name!r} does not take option(s) {', '.join(unknown)}; it takes: {known}")


def _register_builtins() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(module)


_register_builtins()
