"""A scripted backend for testing the whole pipeline without a model."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from typing import Callable, Mapping, Sequence, Union

from harness.backends.base import BackendError, ChatRequest, Completion, ModelIdentity
from harness.backends.registry import register_backend

Reply = Union[str, Completion]
Script = Union[Mapping[str, Reply], Callable[[ChatRequest], Reply], Sequence[Reply], str, None]


def fake_token_count(text: str) -> int:
    """Roughly what a BPE tokenizer gives for English/code (~4 characters a token)."""
    return (len(text) + 3) // 4


def _prompt_text(request: ChatRequest) -> str:
    parts = [str(m.get("content") or "") for m in request.messages]
    if request.tools:
        parts.append(repr(request.tools))
    return "\n".join(parts)


@register_backend("mock")
class ScriptedBackend:
    """Replies from a script.

    ``script`` is one of: a mapping request id -> reply; a callable(ChatRequest) -> reply; a
    list of replies consumed in order (across calls); a single string for every request; or
    None (every reply is ``default``). A reply is a string, or a full ``Completion`` when a test
    needs a particular finish_reason or token counts. Every request seen is kept in
    ``self.requests``.
    """

    name = "mock"

    def __init__(
        self,
        model_path: str | None = None,
        *,
        script: Script = None,
        default: str | None = None,
        supports_tools: bool = False,
        model_name: str = "mock",
    ) -> None:
        if isinstance(script, (list, tuple)):
            script = list(script)
        self._script = script
        self._default = default
        self._supports_tools = supports_tools
        self._position = 0
        self._lock = threading.Lock()  # the list script is shared by concurrent callers
        self.requests: list[ChatRequest] = []
        self.closed = False
        digest = hashlib.sha256(repr(script if not callable(script) else script.__qualname__).encode())
        self._identity = ModelIdentity(
            path=str(model_path or "mock"),
            backend="mock",
            dtype="none",
            weights_sha256=f"mock:{digest.hexdigest()[:16]}",
            name=model_name.replace("/", "_"),
        )

    @property
    def identity(self) -> ModelIdentity:
        return self._identity

    def supports_tools_in_template(self) -> bool:
        return self._supports_tools

    def _reply(self, request: ChatRequest) -> Reply:
        script = self._script
        if callable(script):
            return script(request)
        if isinstance(script, str):
            return script
        if isinstance(script, Mapping):
            if request.id in script:
                return script[request.id]
        elif isinstance(script, list):
            with self._lock:
                if self._position < len(script):
                    self._position += 1
                    return script[self._position - 1]
            if self._default is None:
                raise BackendError(f"mock script exhausted after {len(script)} replies (request {request.id!r})")
        if self._default is None:
            if script is None:
                return ""
            raise BackendError(f"mock script has no reply for request {request.id!r}")
        return self._default

    def generate(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        if self.closed:
            raise BackendError("mock backend is closed")
        out = []
        for request in requests:
            self.requests.append(request)
            reply = self._reply(request)
            if isinstance(reply, Completion):
                out.append(replace(reply, extra=dict(reply.extra)))
                continue
            text = str(reply)
            out.append(
                Completion(
                    text=text,
                    prompt_tokens=fake_token_count(_prompt_text(request)),
                    completion_tokens=fake_token_count(text),
                    latency_s=0.0,
                    finish_reason="stop",
                )
            )
        return out

    def close(self) -> None:
        self.closed = True


__all__ = ["ScriptedBackend", "fake_token_count"]
