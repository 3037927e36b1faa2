"""An OpenAI-compatible chat-completions client (vLLM serve, llama.cpp server, OpenAI, ...).

Standard library only, so evaluating a remote model needs no extra install.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

from harness.backends.base import BackendError, ChatRequest, Completion, ModelIdentity
from harness.backends.registry import register_backend

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Worth another try: the server is busy, restarting or briefly unreachable.
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# Whole-run configuration errors: every other request would fail the same way, so stop now.
FATAL_STATUS = frozenset({401, 403, 404})


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render_tool_calls(tool_calls: list[dict[str, Any]]) -> str:
    """Native tool calls as the JSON text a prompting-mode answer would be: [{"name", "arguments"}]."""
    rendered = []
    for call in tool_calls:
        function = call.get("function", call)
        arguments = function.get("arguments", {})
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError:
                pass  # keep the raw string: the checker reports the malformed arguments
        rendered.append({"name": function.get("name", ""), "arguments": arguments})
    return json.dumps(rendered, ensure_ascii=False)


@register_backend("openai")
class OpenAIBackend:
    """``model_path`` is the model name the server knows.

    Options: ``base_url`` / ``api_key`` (else $OPENAI_BASE_URL / $OPENAI_API_KEY), ``concurrency``
    (threads, default 4), ``timeout`` (seconds per request), ``max_tries`` (default 3),
    ``backoff`` (first retry delay, doubled each time), ``extra_body`` (merged into each request),
    ``native_tools`` (what ``supports_tools_in_template`` answers; servers take ``tools=``).
    """

    name = "openai"

    def __init__(
        self,
        model_path: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        concurrency: int = 4,
        timeout: float = 120.0,
        max_tries: int = 3,
        backoff: float = 1.0,
        extra_body: dict[str, Any] | None = None,
        native_tools: bool = True,
    ) -> None:
        model = model_path or os.environ.get("OPENAI_MODEL")
        if not model or model == "default":
            raise BackendError("the openai backend needs a model name (--model NAME or $OPENAI_MODEL)")
        self.model = str(model)
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        self._api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        self.concurrency = max(1, int(concurrency))
        self.timeout = float(timeout)
        self.max_tries = max(1, int(max_tries))
        self.backoff = float(backoff)
        self.extra_body = dict(extra_body or {})
        self._native_tools = native_tools
        self._identity = ModelIdentity(
            path=f"{self.base_url}#{self.model}",
            backend=self.name,
            dtype="remote",
            weights_sha256=f"remote:{self.model}",
            name=self.model.replace("/", "_"),
        )

    @property
    def identity(self) -> ModelIdentity:
        return self._identity

    def supports_tools_in_template(self) -> bool:
        return self._native_tools

    def payload(self, request: ChatRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": request.messages,
            "temperature": request.temperature,
            "max_tokens": request.max_new_tokens,
        }
        if request.tools:
            body["tools"] = request.tools
        if request.seed is not None:
            body["seed"] = request.seed
        if request.stop:
            body["stop"] = list(request.stop)
        body.update(self.extra_body)
        return body

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        reason = "no attempt made"
        for attempt in range(self.max_tries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            http = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(http, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                detail = _one_line(exc.read().decode("utf-8", "replace"))
                if exc.code in RETRY_STATUS:
                    reason = f"HTTP {exc.code} {exc.reason}"
                    continue
                if exc.code in FATAL_STATUS:
                    raise BackendError(f"{self.url} answered HTTP {exc.code} {exc.reason}: {detail}") from None
                # A request the server rejects (too long, bad schema): that request fails, not the run.
                return {"_error": f"HTTP {exc.code} {exc.reason}: {detail}"}
            except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout, reset
                reason = _one_line(getattr(exc, "reason", None) or exc)
            except ValueError as exc:
                reason = f"invalid JSON in response: {_one_line(exc)}"
        raise BackendError(f"cannot reach {self.url}: {reason}")

    def _complete(self, request: ChatRequest) -> Completion:
        start = time.perf_counter()
        response = self._post(self.payload(request))
        latency = time.perf_counter() - start
        if "_error" in response:
            return Completion(text="", latency_s=latency, finish_reason="error", extra={"error": response["_error"]})
        try:
            choice = response["choices"][0]
            message = choice.get("message") or {}
        except (KeyError, IndexError, TypeError):
            return Completion(text="", latency_s=latency, finish_reason="error",
                              extra={"error": f"no choices in response: {_one_line(json.dumps(response))}"})
        usage = response.get("usage") or {}
        content = message.get("content") or ""
        tool_calls = message.get("tool_calls") or None
        extra: dict[str, Any] = {}
        if tool_calls:
            extra["content"] = content
            text = render_tool_calls(tool_calls)
        else:
            text = content
        finish = choice.get("finish_reason") or "stop"
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            latency_s=latency,
            finish_reason="length" if finish == "length" else "stop",
            tool_calls=tool_calls,
            extra=extra,
        )

    def generate(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        if len(requests) <= 1 or self.concurrency == 1:
            return [self._complete(r) for r in requests]
        pool = ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests)))
        try:
            futures = [pool.submit(self._complete, r) for r in requests]
            return [f.result() for f in futures]  # in input order
        finally:
            # On an unreachable server, do not sit through every queued request's retries.
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        pass
