"""The default backend: a Hugging Face causal LM run in-process with ``model.generate``.

torch and transformers are imported inside methods only (see registry.py for why).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Sequence

from bfcl_adapter.decoding import call_list_closed as call_list_complete  # one definition, shared with rl
from bfcl_adapter.decoding import cannot_become_call_list
from harness.backends.base import BackendError, ChatRequest, Completion, ModelIdentity
from harness.backends.models import ResolvedModel, materialize_hf_checkpoint, resolve_model, weights_sha256
from harness.backends.registry import register_backend

if TYPE_CHECKING:
    import torch

# Hermes/Qwen-style function-calling output ends a call here.
TOOL_CALL_END = "</tool_call>"
CPU_BATCH_SIZE = 16
GPU_BATCH_SIZE = 64
# Prompt tokens per batch (rows x longest prompt): a few long prompts (Live categories reach 8k
# tokens) would otherwise pad a whole batch to their length.
CPU_BATCH_TOKENS = 16_384
GPU_BATCH_TOKENS = 131_072
DTYPE_ALIASES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16", "half": "float16"}


PROBE_TOOL = {
    "type": "function",
    "function": {
        "name": "closeloop_probe_tool",
        "description": "Probe: does the chat template render tools?",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "A city name."}},
            "required": ["city"],
        },
    },
}


def template_renders_tools(tokenizer: Any) -> bool:
    """True when ``apply_chat_template(..., tools=[probe])`` differs from rendering without tools."""
    messages = [{"role": "user", "content": "What is the weather in Paris?"}]
    try:
        plain = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        with_tools = tokenizer.apply_chat_template(
            messages, tools=[PROBE_TOOL], tokenize=False, add_generation_prompt=True
        )
    except Exception:  # templates without tool support may raise on the extra variable
        return False
    return bool(with_tools) and with_tools != plain


def _dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _make_stopper(tokenizer: Any, prompt_len: int, requests: Sequence[ChatRequest], eos_ids: set[int],
                  stop_at_call_list: bool, stop_at_tool_call_end: bool) -> Any:
    """A StoppingCriteria that ends each row on its own (transformers >= 4.39 takes a bool per row)."""
    import torch
    from transformers import StoppingCriteria

    class PerSequenceStop(StoppingCriteria):
        def __init__(self) -> None:
            # Per row: generated-token count when it ended, and why ("stop" | "length").
            self.lengths: list[int | None] = [None] * len(requests)
            self.reasons: list[str] = ["length"] * len(requests)

        def _ended(self, row: int, generated: "torch.Tensor") -> str | None:
            request = requests[row]
            steps = generated.shape[0]
            if int(generated[-1]) in eos_ids:
                return "stop"
            text = tokenizer.decode(generated, skip_special_tokens=False)
            if stop_at_call_list and call_list_complete(text):
                return "stop"
            if request.stop_when_not_call_list and cannot_become_call_list(text):
                return "not_call_list"
            if stop_at_tool_call_end and TOOL_CALL_END in text:
                return "stop"
            if request.stop and any(s in text for s in request.stop):
                return "stop"
            if steps >= request.max_new_tokens:
                return "length"
            return None

        def __call__(self, input_ids: "torch.Tensor", scores: Any, **kwargs: Any) -> "torch.Tensor":
            generated = input_ids[:, prompt_len:]
            done = []
            for row in range(len(requests)):
                if self.lengths[row] is None:
                    reason = self._ended(row, generated[row])
                    if reason is not None:
                        self.lengths[row] = generated.shape[1]
                        self.reasons[row] = reason
                done.append(self.lengths[row] is not None)
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return PerSequenceStop()


@register_backend("transformers")
class TransformersBackend:
    """``model.generate`` over length-sorted batches with per-sequence early stopping.

    Options: ``device`` ("cpu"/"cuda"; default CUDA when available), ``dtype`` (default bf16 on
    CUDA and on CPUs with native bf16, see ``rl.common.cpu_bf16_ok``; fp32 elsewhere),
    ``batch_size`` (default 16 on CPU, 64 on CUDA), ``max_batch_tokens`` (rows x longest prompt per
    batch; default 16,384 on CPU, 131,072 on CUDA; a longer prompt gets a batch of its own),
    ``num_threads`` (torch.set_num_threads; left at torch's default unless given),
    ``materialize_gguf`` (load a GGUF through its cached HF checkpoint: sub-second loads instead of
    de-quantizing each time),
    ``stop_at_call_list`` / ``stop_at_tool_call_end`` (the early stops), ``model_name`` (override
    the BFCL result-folder name), ``trust_remote_code``, ``share_prefix`` (default on).

    Shared prefix: every BFCL prompt of a mode starts with the same system text (about 200 tokens of
    a ~450-token prompt), and on CPU the prompt forward pass is most of an evaluation. The key/value
    cache of the batch's longest common token prefix is computed once (and kept while the next batch
    shares it); each row is laid out as prefix, padding, rest of its prompt, with the padding masked,
    so positions and attention are those of the plain left-padded batch.
    """

    name = "transformers"

    def __init__(
        self,
        model_path: str | None = None,
        *,
        device: str | None = None,
        dtype: str | None = None,
        batch_size: int | None = None,
        max_batch_tokens: int | None = None,
        num_threads: int | None = None,
        materialize_gguf: bool = True,
        stop_at_call_list: bool = True,
        stop_at_tool_call_end: bool = True,
        share_prefix: bool = True,
        model_name: str | None = None,
        trust_remote_code: bool = False,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        self.resolved: ResolvedModel = resolve_model(model_path)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if num_threads:
            torch.set_num_threads(int(num_threads))
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        on_gpu = self.device.type == "cuda"
        if self.device.type == "cpu":
            from rl.cpu_attention import enable_cpu_gqa

            enable_cpu_gqa()  # batched decoding without copying the KV cache per step
        if dtype in (None, "", "auto"):
            from rl.common import cpu_bf16_ok

            self.dtype = torch.bfloat16 if on_gpu or cpu_bf16_ok() else torch.float32
        else:
            self.dtype = getattr(torch, DTYPE_ALIASES.get(dtype, dtype), None)
            if not isinstance(self.dtype, torch.dtype):
                raise BackendError(f"unknown dtype {dtype!r}: use float32, bfloat16 or float16")
        self.batch_size = int(batch_size or (GPU_BATCH_SIZE if on_gpu else CPU_BATCH_SIZE))
        if self.batch_size < 1:
            raise BackendError(f"batch_size must be at least 1, got {batch_size}")
        self.max_batch_tokens = int(max_batch_tokens or (GPU_BATCH_TOKENS if on_gpu else CPU_BATCH_TOKENS))
        self.stop_at_call_list = stop_at_call_list
        self.share_prefix = share_prefix
        self._prefix: tuple[tuple[int, ...], Any] | None = None  # (token ids, their KV cache)
        self.stop_at_tool_call_end = stop_at_tool_call_end

        load_kwargs: dict[str, Any] = {"trust_remote_code": trust_remote_code}
        if self.resolved.kind == "gguf" and materialize_gguf:
            self.load_dir = materialize_hf_checkpoint(self.resolved.path)
        else:
            self.load_dir = self.resolved.model_dir
            if self.resolved.gguf_file:
                load_kwargs["gguf_file"] = self.resolved.gguf_file
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.load_dir, **load_kwargs)
            self.model = AutoModelForCausalLM.from_pretrained(self.load_dir, dtype=self.dtype, **load_kwargs)
        except (OSError, ValueError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BackendError(f"cannot load model {self.resolved.path}: {first_line}") from exc
        self.model.to(self.device).eval()
        if getattr(self.tokenizer, "chat_template", None) is None:
            raise BackendError(f"model has no chat template: {self.resolved.path}")
        # Decoder-only models must be left-padded so every row's next token follows its prompt.
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.eos_ids = self._eos_ids()
        self._tools_in_template: bool | None = None
        self._identity: ModelIdentity | None = None
        self._model_name = (model_name or self.resolved.name).replace("/", "_")

    def _eos_ids(self) -> set[int]:
        ids: set[int] = set()
        for source in (self.model.generation_config.eos_token_id, self.tokenizer.eos_token_id):
            if isinstance(source, int):
                ids.add(source)
            elif source:
                ids.update(int(i) for i in source)
        return ids

    @property
    def identity(self) -> ModelIdentity:
        # Hashed on first use (cached on disk afterwards) so construction stays fast.
        if self._identity is None:
            self._identity = ModelIdentity(
                path=str(self.resolved.path),
                backend=self.name,
                dtype=_dtype_name(self.dtype),
                weights_sha256=weights_sha256(self.resolved.path),
                name=self._model_name,
            )
        return self._identity

    def supports_tools_in_template(self) -> bool:
        if self._tools_in_template is None:
            self._tools_in_template = template_renders_tools(self.tokenizer)
        return self._tools_in_template

    def render(self, request: ChatRequest) -> str:
        """The exact prompt text the model sees."""
        kwargs: dict[str, Any] = {"tokenize": False, "add_generation_prompt": True}
        if request.tools:
            kwargs["tools"] = request.tools
        try:
            return self.tokenizer.apply_chat_template(request.messages, **kwargs)
        except Exception as exc:
            raise BackendError(f"chat template failed for request {request.id!r}: {exc}".replace("\n", " ")) from exc

    def _batches(self, prompts: list[list[int]], requests: Sequence[ChatRequest]) -> list[list[int]]:
        """Index batches: one sampling setting per batch, similar lengths together (less padding)."""
        groups: dict[tuple[float, int | None], list[int]] = {}
        for i, request in enumerate(requests):
            key = (float(request.temperature), request.seed if request.temperature > 0 else None)
            groups.setdefault(key, []).append(i)
        batches: list[list[int]] = []
        for indices in groups.values():
            indices.sort(key=lambda i: len(prompts[i]))
            batch: list[int] = []
            for i in indices:  # ascending: row i is the longest of its batch
                full = len(batch) >= self.batch_size or (len(batch) + 1) * len(prompts[i]) > self.max_batch_tokens
                if batch and full:
                    batches.append(batch)
                    batch = []
                batch.append(i)
            if batch:
                batches.append(batch)
        return batches

    def generate(self, requests: Sequence[ChatRequest]) -> list[Completion]:
        prompts = [
            self.tokenizer(self.render(r), add_special_tokens=False)["input_ids"] for r in requests
        ]
        results: list[Completion | None] = [None] * len(requests)
        for batch in self._batches(prompts, requests):
            for i, completion in zip(batch, self._generate_batch([requests[i] for i in batch],
                                                                  [prompts[i] for i in batch])):
                results[i] = completion
        return [c for c in results if c is not None]

    def _generate_batch(self, requests: list[ChatRequest], prompts: list[list[int]]) -> list[Completion]:
        import torch
        from transformers import GenerationConfig, StoppingCriteriaList

        pad_id = int(self.tokenizer.pad_token_id)
        shared = self._shared_prefix_length(prompts)
        width = shared + max(len(p) - shared for p in prompts)
        input_ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
        attention = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, prompt in enumerate(prompts):
            if prompt:  # [shared prefix][padding][rest of the prompt]
                input_ids[row, :shared] = torch.tensor(prompt[:shared], dtype=torch.long)
                attention[row, :shared] = 1
                rest = prompt[shared:]
                input_ids[row, width - len(rest):] = torch.tensor(rest, dtype=torch.long)
                attention[row, width - len(rest):] = 1
        cache_kwargs = {"past_key_values": self._prefix_cache(prompts[0][:shared], len(prompts))} if shared else {}

        temperature = float(requests[0].temperature)
        sampling = temperature > 0
        config = GenerationConfig(
            max_new_tokens=max(r.max_new_tokens for r in requests),
            do_sample=sampling,
            temperature=temperature if sampling else None,
            top_p=1.0 if sampling else None,
            top_k=0 if sampling else None,
            use_cache=True,
            pad_token_id=pad_id,
            eos_token_id=sorted(self.eos_ids) or None,
            bos_token_id=self.tokenizer.bos_token_id,
        )
        stopper = _make_stopper(self.tokenizer, width, requests, self.eos_ids,
                                self.stop_at_call_list, self.stop_at_tool_call_end)
        if sampling and requests[0].seed is not None:
            torch.manual_seed(int(requests[0].seed))

        start = time.perf_counter()
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                generation_config=config,
                stopping_criteria=StoppingCriteriaList([stopper]),
                **cache_kwargs,
            )
        latency = time.perf_counter() - start

        completions = []
        generated = output[:, width:].cpu()
        for row, request in enumerate(requests):
            length = stopper.lengths[row] or generated.shape[1]
            text = self.tokenizer.decode(generated[row, :length], skip_special_tokens=True)
            for stop in request.stop:  # like OpenAI/vLLM: the stop string is not part of the reply
                if stop and stop in text:
                    text = text[: text.index(stop)]
            completions.append(
                Completion(
                    text=text,
                    prompt_tokens=len(prompts[row]),
                    completion_tokens=int(length),
                    latency_s=latency / len(requests),
                    finish_reason=stopper.reasons[row] if stopper.lengths[row] else "length",
                    extra={"batch_size": len(requests), "batch_latency_s": latency},
                )
            )
        return completions

    MIN_SHARED_PREFIX = 16  # tokens; below this a separate prefix pass is not worth it

    def _shared_prefix_length(self, prompts: list[list[int]]) -> int:
        """Tokens all prompts start with (each keeps at least one token of its own), or 0."""
        if not self.share_prefix or len(prompts) < 2 or getattr(self.model.config, "is_encoder_decoder", False):
            return 0
        first, shortest = prompts[0], min(len(p) for p in prompts)
        length = 0
        while length < shortest - 1 and all(p[length] == first[length] for p in prompts):
            length += 1
        return length if length >= self.MIN_SHARED_PREFIX else 0

    def _prefix_cache(self, prefix: list[int], rows: int) -> Any:
        """A fresh copy of the prefix's KV cache for ``rows`` rows (computed once per distinct prefix)."""
        import copy

        import torch
        from transformers import DynamicCache

        key = tuple(prefix)
        if self._prefix is None or self._prefix[0] != key:
            cache = DynamicCache(config=self.model.config)
            with torch.inference_mode():
                self.model(input_ids=torch.tensor([prefix], dtype=torch.long, device=self.device),
                           past_key_values=cache, use_cache=True, logits_to_keep=1)  # fmt: skip
            self._prefix = (key, cache)
        cache = copy.deepcopy(self._prefix[1])
        cache.batch_repeat_interleave(rows)
        return cache

    def close(self) -> None:
        import gc

        self.model = None
        gc.collect()
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except ImportError:
            pass
