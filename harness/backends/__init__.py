"""Model backends for ``harness eval``: ``create_backend(name, model_path, **options)``.

Importing this package is instant: torch, transformers and vllm load only when a backend is built.
"""

from harness.backends.base import Backend, BackendError, ChatRequest, Completion, ModelIdentity
from harness.backends.models import ResolvedModel, materialize_hf_checkpoint, resolve_model, weights_sha256
from harness.backends.registry import (
    BACKENDS,
    DEFAULT_BACKEND,
    available_backends,
    create_backend,
    discover_backends,
    register_backend,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Backend",
    "BackendError",
    "ChatRequest",
    "Completion",
    "ModelIdentity",
    "ResolvedModel",
    "available_backends",
    "create_backend",
    "discover_backends",
    "materialize_hf_checkpoint",
    "register_backend",
    "resolve_model",
    "weights_sha256",
]
