"""Offline vLLM (``vllm.LLM``) for GPU runs; vllm is imported in the constructor only."""

from __future__ import annotations

import json
import os
import time
from typing import Any, Sequence

from harness.backends.base import BackendError, ChatRequest, Completion, ModelIdentity
from harness.backends.models import ResolvedModel, materialize_hf_checkpoint, resolve_model, weights_sha256
from harness.backends.registry import register_backend
from harness.backends.transformers_backend import template_renders_tools

MISSING_VLLM = "the vllm backend needs the [gpu] extra: pip install 'closeloop[gpu]'"


@register_backend("vllm")
class VLLMBackend:
    """Options: ``tensor_parallel_size``, ``data_parallel_size``, ``dtype`` (default "auto"),
    ``use_chat`` (``llm.chat``; False renders the template with the tokenizer and calls
    ``llm.generate``), ``materialize_gguf`` (hand vLLM the cached HF form of a GGUF: vLLM's own
    GGUF support is partial), ``model_name``; every other option goes to ``vllm.LLM`` unchanged
    (``max_model_len``, ``gpu_memory_utilization``, ``enforce_eager``, ``seed``, ...).
    """

    name = "vllm"

    def __init__(
        self,
        model_path: str | None = None,
        *,
        tensor_parallel_size: int = 1,
        data_parallel_size: int = 1,
        dtype: str = "auto",
        use_chat: bool = True,
        materialize_gguf: bool = True,
        model_name: str | None = None,
        **llm_options: Any,
    ) -> None:
        try:
            import vllm
        except ImportError:
            raise BackendError(MISSING_VLLM) from None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        self._vllm = vllm
        self.resolved: ResolvedModel = resolve_model(model_path)
        if self.resolved.kind == "gguf" and materialize_gguf:
            self.load_path = str(materialize_hf_checkpoint(self.resolved.path))
        else:
            self.load_path = str(self.resolved.path)
        self.dtype = str(dtype)
        self.use_chat = use_chat
        self.llm_options = {
            "model": self.load_path,
            "tensor_parallel_size": int(tensor_parallel_size),
            "data_parallel_size": int(data_parallel_size),
            "dtype": self.dtype,
            **llm_options,
        }
        try:
            self.llm = vllm.LLM(**self.llm_options)
        except (TypeError, ValueError) as exc:  # usually a misspelt or unsupported option
            raise BackendError(f"vllm.LLM rejected the options: {exc}".replace("\n", " ")) from exc
        self._identity: ModelIdentity | None = None
        self._model_name = (model_name or self.resolved.name).replace("/", "_")
        self._tools_in_template: bool | None = None

    @property
    def identity(self) -> ModelIdentity:
        if self._identity is None:
            self._identity = ModelIdentity(
                path=str(self.resolved.path),
                backend=self.name,
                dtype=self.dtype,
                weights_sha256=weights_sha256(self.resolved.path),
                name=self._model_name,
            )
        return self._identity

    def supports_tools_in_template(self) -> bool:
        if self._tools_in_template is None:
            try:
                tokenizer = self.llm.get_tokenizer()
            except Exception:
                tokenizer = None
            self._tools_in_template = tokenizer is not None and template_renders_tools(tokenizer)
        return self._tools_in_template

    def _sampling(self, request: ChatRequest) -> Any:
        return self._vllm.SamplingParams(
            temperature=float(request.temperature),
            max_tokens=int(request.max_new_tokens),
            seed=request.seed,
            stop=list(request.stop) or None,
        )

    def _run(self, requests: list[ChatRequest], tools: list[dict[str, Any]] | None) -> list[Any]:
        params = [self._sampling(r) for r in requests]
        if self.use_chat:
            kwargs: dict[str, Any] = {"use_tqdm": False}
            if tools:
                kwargs["tools"] = tools
            return list(self.llm.chat([r.messages for r in requests], params, **kwargs))
        tokenizer = self.llm.get_tokenizer()
        prompts = []
        for r in requests:
            extra = {"tools": tools} if tools else {}
            prompts.append(tokenizer.apply_chat_template(r.messages, tokenize=False, add_generation_prompt=True, **extra))
        return list(self.llm.generate(prompts, params, use_tqdm=False))

    def generate(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        # llm.chat takes one tools list per call, so requests are grouped by their tools.
        groups: dict[str, list[int]] = {}
        for i, request in enumerate(requests):
            groups.setdefault(json.dumps(request.tools, sort_keys=True), []).append(i)
        results: list[Completion | None] = [None] * len(requests)
        for indices in groups.values():
            batch = [requests[i] for i in indices]
            start = time.perf_counter()
            outputs = self._run(batch, batch[0].tools)
            latency = time.perf_counter() - start
            if len(outputs) != len(batch):
                raise BackendError(f"vllm returned {len(outputs)} outputs for {len(batch)} requests")
            for i, output in zip(indices, outputs):
                results[i] = self._completion(output, latency / len(batch))
        return [c for c in results if c is not None]

    @staticmethod
    def _completion(output: Any, latency: float) -> Completion:
        best = output.outputs[0]
        return Completion(
            text=best.text,
            prompt_tokens=len(getattr(output, "prompt_token_ids", None) or []),
            completion_tokens=len(getattr(best, "token_ids", None) or []),
            latency_s=latency,
            finish_reason="length" if getattr(best, "finish_reason", None) == "length" else "stop",
        )

    def close(self) -> None:
        self.llm = None
