"""The backend contract: a batch of chat requests in, raw texts out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable


@dataclass
class ChatRequest:
    """One conversation to complete.

    ``tools`` holds OpenAI-style function specs (``{"type": "function", "function": {...}}``);
    it is set only in function-calling mode, where the backend renders them with the model's
    own chat template (or sends them to the server). In prompting mode the tools are already
    written into the system message and ``tools`` is ``None``.

    ``stop_when_not_call_list`` asks the backend to end the reply as soon as it can no longer
    decode to a BFCL prompting-mode (Python) call list (``bfcl_adapter.cannot_become_call_list``):
    the verdict is the same, and prose answers cost a few tokens instead of ``max_new_tokens``.
    Backends without per-token control may ignore it.
    """

    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None
    max_new_tokens: int = 256
    temperature: float = 0.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    id: str = ""
    stop_when_not_call_list: bool = False


@dataclass
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    finish_reason: str = "stop"  # "stop" | "length" | "error" | "not_call_list" (see ChatRequest)
    tool_calls: list[dict[str, Any]] | None = None  # native tool calls, when a server returns them
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelIdentity:
    """Who produced a result: enough to never confuse two checkpoints."""

    path: str
    backend: str
    dtype: str
    weights_sha256: str
    name: str  # BFCL result-folder name (slashes replaced by underscores)

    def to_json(self) -> dict[str, str]:
        return dict(self.__dict__)


@runtime_checkable
class Backend(Protocol):
    name: str

    @property
    def identity(self) -> ModelIdentity: ...

    def supports_tools_in_template(self) -> bool:
        """True when the chat template renders ``tools=`` (function-calling mode is possible)."""
        ...

    def generate(self, requests: Sequence[ChatRequest]) -> list[Completion]: ...

    def close(self) -> None: ...


class BackendError(RuntimeError):
    """A backend could not be created or could not answer; the message is one clear line."""
