"""The transformers backend's shared-prefix prefill gives the outputs of the plain left-padded batch."""

import pytest

from harness.backends import ChatRequest, create_backend

pytest.importorskip("torch")

SYSTEM = ("You are an expert in composing functions. You are given a question and a set of possible functions. "
          "Based on the question, you will need to make one or more function/tool calls.")  # fmt: skip


def _requests() -> list[ChatRequest]:
    questions = ["Add 2 and 3.", "What is the weather in Paris today, in celsius?", "Hi", "Sort [3, 1, 2].",
                 "Translate 'good morning' to French and then to German, please."]  # fmt: skip
    return [ChatRequest(messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": q}],
                        id=f"q{i}", max_new_tokens=10) for i, q in enumerate(questions)]  # fmt: skip


def test_shared_prefix_matches_the_plain_batch(tmp_path):
    from tests.rl_fixtures import write_tiny_model

    model_dir = write_tiny_model(tmp_path / "tiny", seed=3)
    plain = create_backend("transformers", str(model_dir), batch_size=2, share_prefix=False)
    shared = create_backend("transformers", str(model_dir), batch_size=2, share_prefix=True)
    a, b = plain.generate(_requests()), shared.generate(_requests())
    assert [c.text for c in a] == [c.text for c in b]
    assert [c.completion_tokens for c in a] == [c.completion_tokens for c in b]
    assert [c.prompt_tokens for c in a] == [c.prompt_tokens for c in b]
    prompts = [shared.tokenizer(shared.render(r), add_special_tokens=False)["input_ids"] for r in _requests()]
    assert shared._shared_prefix_length(prompts) >= shared.MIN_SHARED_PREFIX  # the path was taken
    assert shared._prefix is not None and len(shared._prefix[0]) >= shared.MIN_SHARED_PREFIX


def test_no_sharing_for_a_single_prompt_or_a_short_prefix(tmp_path):
    from tests.rl_fixtures import write_tiny_model

    backend = create_backend("transformers", str(write_tiny_model(tmp_path / "tiny")), share_prefix=True)
    assert backend._shared_prefix_length([[1, 2, 3]]) == 0
    assert backend._shared_prefix_length([[1] * 40, [1] * 10 + [2] * 30]) == 0  # 10 < 16 shared tokens
    assert backend._shared_prefix_length([[1] * 40, [1] * 20]) == 19  # each row keeps a token of its own
