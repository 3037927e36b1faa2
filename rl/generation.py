"""Generation helpers shared by GRPO and the probe: stop at the end of the call list, share prompt prefixes.

* :func:`call_list_closed` / :class:`CallListStop`: a row ends as soon as its text is a whole
  prompting-mode call list (``[f(a=1), g(b='x]')]``), as ``harness eval``'s transformers backend ends
  it, so training sees the completions evaluation sees and no time is spent on what follows.
* :func:`generate_shared_prefix`: GRPO asks for G completions of each prompt, and trl repeats the
  prompt G times; the prompt is run through the model once per distinct prompt and its KV cache is
  copied to the G rows (the outputs are the same, the prefill costs 1/G).

torch and transformers are imported here at module level: import this module only to train.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, Sequence

import torch
from transformers import DynamicCache, StoppingCriteria, StoppingCriteriaList
from transformers.cache_utils import DynamicLayer

from bfcl_adapter.decoding import call_list_closed  # noqa: F401  (re-exported)


class CallListStop(StoppingCriteria):
    """Per-row stop when the generated text (after ``prompt_width`` tokens) closes its call list."""

    def __init__(self, tokenizer: Any, prompt_width: int) -> None:
        self.tokenizer = tokenizer
        self.prompt_width = prompt_width

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        done = torch.zeros(input_ids.size(0), dtype=torch.bool, device=input_ids.device)
        generated = input_ids[:, self.prompt_width :].tolist()
        for row, ids in enumerate(generated):
            # Cheap pre-check: the last token must contain a closing bracket.
            if ids and "]" in self.tokenizer.decode(ids[-1:]):
                done[row] = call_list_closed(self.tokenizer.decode(ids, skip_special_tokens=True))
        return done


class SlackLayer(DynamicLayer):
    """A ``DynamicLayer`` that keeps spare room along the sequence: each decoding step writes its key
    and value in place instead of concatenating the whole cache again.

    transformers' ``DynamicLayer.update`` runs ``torch.cat`` over the cache on every step, in every
    layer; with this layer a step of ``bench/grpo_step.py`` went from 49.3 to 47.7 s on this CPU
    (``bench/results/grpo_step.md``). Here the cache grows by doubling and the layer hands out views of
    its buffer; the values and dtypes are those of the concatenation (same greedy tokens, tested). When
    another method replaced ``keys`` (batch selection, reordering), the next update starts a new buffer.
    """

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any,
               **kwargs: Any) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        length = self.keys.shape[-2] if self.keys.numel() else 0
        added = key_states.shape[-2]
        buffer = getattr(self, "_key_buffer", None)
        ours = (buffer is not None and length > 0 and self.keys.data_ptr() == buffer.data_ptr()
                and buffer.shape[0] == key_states.shape[0])  # fmt: skip
        if not ours or length + added > buffer.shape[-2]:
            capacity = max(length + added + 64, 2 * buffer.shape[-2] if ours else 0)
            shape = (*key_states.shape[:-2], capacity, key_states.shape[-1])
            # The dtypes torch.cat would give (the empty start has the key's dtype).
            keys = key_states.new_empty(shape, dtype=torch.promote_types(self.keys.dtype, key_states.dtype))
            values = value_states.new_empty(shape, dtype=torch.promote_types(self.values.dtype, value_states.dtype))
            if length:
                keys[..., :length, :] = self.keys
                values[..., :length, :] = self.values
            self._key_buffer, self._value_buffer = keys, values
        self._key_buffer[..., length : length + added, :] = key_states
        self._value_buffer[..., length : length + added, :] = value_states
        self.keys = self._key_buffer[..., : length + added, :]
        self.values = self._value_buffer[..., : length + added, :]
        return self.keys, self.values


def slack_cache(config: Any) -> DynamicCache:
    """A ``DynamicCache`` for ``config`` whose full-attention layers are :class:`SlackLayer`."""
    cache = DynamicCache(config=config)
    cache.layers = [SlackLayer() if type(layer) is DynamicLayer else layer for layer in cache.layers]
    return cache


def _can_share(model: Any, kwargs: dict[str, Any]) -> bool:
    config = kwargs.get("generation_config")
    if config is not None and getattr(config, "cache_implementation", None) not in (None, "dynamic"):
        return False
    return "past_key_values" not in kwargs and getattr(model.config, "is_encoder_decoder", False) is False


def generate_shared_prefix(model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                           generate: Any = None, **kwargs: Any) -> torch.Tensor:  # fmt: skip
    """``model.generate`` with the prefill computed once per distinct (left-padded) prompt row."""
    generate = generate or model.generate
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    width = input_ids.size(1)
    if width < 2 or not _can_share(model, kwargs):
        return generate(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
    unique, inverse = torch.unique(torch.cat([input_ids, attention_mask], dim=1), dim=0, return_inverse=True)
    if unique.size(0) == input_ids.size(0):
        return generate(input_ids=input_ids, attention_mask=attention_mask, past_key_values=slack_cache(model.config),
                        **kwargs)  # fmt: skip
    ids, mask = unique[:, :width], unique[:, width:]
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    cache = slack_cache(model.config)
    with torch.no_grad():
        model(input_ids=ids[:, :-1], attention_mask=mask[:, :-1], position_ids=positions[:, :-1],
              past_key_values=cache, use_cache=True, logits_to_keep=1)  # fmt: skip
    cache.batch_select_indices(inverse)
    return generate(input_ids=input_ids, attention_mask=attention_mask, past_key_values=cache, **kwargs)


@contextlib.contextmanager
def patched_generate(model: Any, tokenizer: Any, *, stop_at_call_list: bool, shared_prefix: bool) -> Iterator[None]:
    """Within the block, ``model.generate`` stops rows at the end of their call list and shares prefixes."""
    if not (stop_at_call_list or shared_prefix):
        yield
        return
    original = model.generate

    def generate(*args: Any, **kwargs: Any) -> Any:
        input_ids = kwargs.pop("input_ids", args[0] if args else None)
        if stop_at_call_list and input_ids is not None:
            criteria = StoppingCriteriaList(kwargs.pop("stopping_criteria", None) or [])
            criteria.append(CallListStop(tokenizer, input_ids.size(1)))
            kwargs["stopping_criteria"] = criteria
        if shared_prefix and input_ids is not None:
            return generate_shared_prefix(model, input_ids, generate=original, **kwargs)
        return original(input_ids=input_ids, **kwargs)

    model.generate = generate
    try:
        yield
    finally:
        try:
            del model.generate  # drop the instance attribute: the class method shows through again
        except AttributeError:
            model.generate = original


# --- sampling outside the trainer (the probe, evaluation in tests) ------------------------------


def chat_prompt_ids(tokenizer: Any, prompts: Sequence[list[dict[str, Any]]]) -> list[list[int]]:
    """Token ids of each conversational prompt with the generation prompt, as trl builds them."""
    out = []
    for messages in prompts:
        text = tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True)
        out.append(tokenizer(text, add_special_tokens=False)["input_ids"])
    return out


def _left_pad(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        if r:
            ids[i, width - len(r) :] = torch.tensor(r, dtype=torch.long)
            mask[i, width - len(r) :] = 1
    return ids, mask


def sample_completions(model: Any, tokenizer: Any, prompts: Sequence[list[dict[str, Any]]], *, k: int = 1,
                       max_new_tokens: int = 64, temperature: float = 1.0, greedy: bool = False,
                       batch_prompts: int = 8, stop_at_call_list: bool = True, shared_prefix: bool = True,
                       ) -> list[list[str]]:  # fmt: skip
    """``k`` completions of each prompt (texts without special tokens), generated in batches."""
    device = next(model.parameters()).device
    eos = tokenizer.eos_token_id
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
    all_ids = chat_prompt_ids(tokenizer, prompts)
    results: list[list[str]] = []
    was_training = model.training
    model.eval()
    try:
        for start in range(0, len(all_ids), batch_prompts):
            chunk = all_ids[start : start + batch_prompts]
            ids, mask = _left_pad(chunk, pad)
            ids, mask = ids.repeat_interleave(k, 0).to(device), mask.repeat_interleave(k, 0).to(device)
            kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "pad_token_id": eos, "eos_token_id": eos}
            if greedy:
                kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
            else:
                kwargs.update(do_sample=True, temperature=temperature, top_p=1.0, top_k=0)
            with torch.no_grad(), patched_generate(model, tokenizer, stop_at_call_list=stop_at_call_list,
                                                   shared_prefix=shared_prefix):  # fmt: skip
                out = model.generate(input_ids=ids, attention_mask=mask, **kwargs)
            texts = tokenizer.batch_decode(out[:, ids.size(1) :], skip_special_tokens=True)
            results.extend(texts[i : i + k] for i in range(0, len(texts), k))
    finally:
        model.train(was_training)
    return results
