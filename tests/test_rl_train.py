"""CPU smoke tests of rl: SFT, GRPO, resume after a kill, checkpoints, `harness train` (tiny random model)."""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from tests.rl_fixtures import make_rows, write_tiny_model, write_verified_dir  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SFT_ARGS = {"per_device_train_batch_size": 2, "gradient_accumulation_steps": 1, "save_steps": 1,
            "learning_rate": 1e-3}  # fmt: skip
GRPO_ARGS = {"num_generations": 2, "per_device_train_batch_size": 4, "gradient_accumulation_steps": 1,
             "max_completion_length": 8, "save_steps": 1, "learning_rate": 1e-3}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return write_verified_dir(tmp_path_factory.mktemp("verified"), 24, seed=3)


def _weights(directory: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(next(directory.glob("*.safetensors"))))


def _changed(before: dict, after: dict) -> bool:
    return any(not torch.equal(before[k], after[k]) for k in before if k in after)


def _quiet_console():
    from rich.console import Console

    return Console(file=io.StringIO())


# --- generation helpers --------------------------------------------------------------------------


def test_shared_prefix_generation_is_identical_and_stops(tiny) -> None:
    from rl.common import load_model, load_tokenizer
    from rl.generation import _left_pad, call_list_closed, chat_prompt_ids, patched_generate

    tokenizer, model = load_tokenizer(tiny), load_model(tiny).eval()
    rows = make_rows(3, seed=5)
    ids, mask = _left_pad(chat_prompt_ids(tokenizer, [r["prompt"] for r in rows]), tokenizer.pad_token_id)
    ids, mask = ids.repeat_interleave(3, 0), mask.repeat_interleave(3, 0)
    kwargs = {"max_new_tokens": 6, "do_sample": False, "pad_token_id": tokenizer.eos_token_id}
    with torch.no_grad():
        plain = model.generate(input_ids=ids, attention_mask=mask, **kwargs)
        with patched_generate(model, tokenizer, stop_at_call_list=False, shared_prefix=True):
            shared = model.generate(input_ids=ids, attention_mask=mask, **kwargs)
    assert torch.equal(plain, shared)
    assert "generate" not in model.__dict__  # the patch is gone
    assert call_list_closed(" [f(a=']'), g(b={'k': [1]})]") and not call_list_closed("[f(a=1)")


def test_slack_cache_layer_equals_concatenation() -> None:
    from transformers.cache_utils import DynamicLayer

    from rl.generation import SlackLayer

    torch.manual_seed(0)
    plain, slack = DynamicLayer(), SlackLayer()
    steps = [(4, 7)] + [(4, 1)] * 80 + ["select"] + [(2, 1)] * 90  # prefill, decode, batch select, decode
    for step in steps:
        if step == "select":
            index = torch.tensor([3, 1])
            plain.batch_select_indices(index)
            slack.batch_select_indices(index)
            continue
        rows, length = step
        # fp32 keys and bf16 values, as rotary embeddings and autocast hand them over.
        key, value = torch.randn(rows, 3, length, 8), torch.randn(rows, 3, length, 8).to(torch.bfloat16)
        expected, got = plain.update(key, value), slack.update(key, value)
        for a, b in zip(expected, got):
            assert a.dtype == b.dtype and torch.equal(a, b)
    assert slack.get_seq_length() == plain.get_seq_length() == 7 + 80 + 90
    assert slack._key_buffer.shape[-2] < 2 * (7 + 80 + 90) + 64  # grows by doubling, not per step


def test_call_list_stop_ends_rows(tiny) -> None:
    from rl.common import load_tokenizer
    from rl.generation import CallListStop

    tokenizer = load_tokenizer(tiny)
    prompt = tokenizer("hello", add_special_tokens=False)["input_ids"]
    rows = [prompt + tokenizer(t, add_special_tokens=False)["input_ids"] for t in ("[f(a=1)]", "[f(a=[1]", "no]")]
    width = max(len(r) for r in rows)
    ids = torch.tensor([[tokenizer.eos_token_id] * (width - len(r)) + r for r in rows])
    stop = CallListStop(tokenizer, len(prompt) + (width - min(len(r) for r in rows)))
    # Rows are right-aligned: compare each on its own width.
    for row, expected in zip(rows, (True, False, False)):
        single = CallListStop(tokenizer, len(prompt))(torch.tensor([row]), None)
        assert bool(single[0]) is expected
    assert stop(ids, None).shape == (3,)


def test_shared_prompt_loss_matches_trl(tiny) -> None:
    """The grouped prompt forward gives trl's log-probs, entropies and gradients."""
    import datasets

    from rl.common import load_model, load_tokenizer
    from rl.data import grpo_records
    from rl.grpo import GRPOSettings, grpo_config, make_trainer_class
    from rl.rewards import build_reward_funcs

    tokenizer, model = load_tokenizer(tiny), load_model(tiny, bf16=False)  # exactness is checked in fp32
    rows = make_rows(4, seed=1)
    settings = GRPOSettings(trl_args={**GRPO_ARGS, "report_to": "none", "bf16": False}, progress=False)
    import tempfile

    config = grpo_config(settings, Path(tempfile.mkdtemp()), max_steps=1)
    funcs, _ = build_reward_funcs()
    trainer = make_trainer_class()(model=model, reward_funcs=funcs, args=config,
                                   train_dataset=datasets.Dataset.from_list(grpo_records(rows)),
                                   processing_class=tokenizer)  # fmt: skip
    assert trainer.cl_shared_loss and trainer.cl_keep_groups
    from rl.generation import _left_pad, chat_prompt_ids

    prompt_ids, prompt_mask = _left_pad(chat_prompt_ids(tokenizer, [r["prompt"] for r in rows[:2]]), 0)
    prompt_ids, prompt_mask = prompt_ids.repeat_interleave(3, 0), prompt_mask.repeat_interleave(3, 0)
    completion = torch.randint(10, 1000, (6, 5))
    completion_mask = torch.ones_like(completion)
    completion_mask[1, 3:] = 0
    model = trainer.model
    device = next(model.parameters()).device
    completion, completion_mask = completion.to(device), completion_mask.to(device)
    ids = torch.cat([prompt_ids.to(device), completion], 1)
    mask = torch.cat([prompt_mask.to(device), completion_mask], 1)
    results = []
    for shared in (False, True):
        trainer.cl_shared_loss = shared
        model.zero_grad()
        logps, entropy, _ = trainer._get_per_token_logps_and_entropies(model, ids, mask, 5, compute_entropy=True)
        (logps * completion_mask).sum().backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        results.append((logps.detach(), entropy.detach(), grads))
    (lp0, en0, g0), (lp1, en1, g1) = results
    torch.testing.assert_close(lp0 * completion_mask, lp1 * completion_mask, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(en0 * completion_mask, en1 * completion_mask, rtol=1e-4, atol=1e-4)
    assert g0.keys() == g1.keys() and g0
    for name in g0:
        torch.testing.assert_close(g0[name], g1[name], rtol=1e-3, atol=1e-5, msg=name)


def test_shared_prefix_sft_loss_matches_trl(tiny, monkeypatch) -> None:
    """The SFT forward that runs the rows' shared prompt head once gives trl's loss, metrics and gradients."""
    import datasets

    import rl.sft

    heads: list[int] = []
    shared_call = rl.sft._SharedHeadForward.__call__
    monkeypatch.setattr(rl.sft._SharedHeadForward, "__call__",
                        lambda self, **kw: heads.append(self.width) or shared_call(self, **kw))  # fmt: skip

    from rl.common import load_model, load_tokenizer
    from rl.data import sft_records
    from rl.sft import SFTSettings, make_sft_trainer_class, sft_config, shared_prefix_width

    tokenizer, model = load_tokenizer(tiny), load_model(tiny, bf16=False)  # exactness is checked in fp32
    import tempfile

    config = sft_config(SFTSettings(trl_args={**SFT_ARGS, "per_device_train_batch_size": 3, "bf16": False}),
                        Path(tempfile.mkdtemp()), max_steps=1)  # fmt: skip
    dataset = datasets.Dataset.from_list(sft_records(make_rows(3, seed=2)))
    trainer = make_sft_trainer_class()(model=model, args=config, train_dataset=dataset, processing_class=tokenizer)
    assert trainer.cl_shared_prefix
    batch = trainer._prepare_inputs(next(iter(trainer.get_train_dataloader())))
    width = shared_prefix_width(batch["input_ids"], batch["attention_mask"], batch["labels"])
    assert width > 100 and batch["input_ids"].size(1) > width  # BFCL's system prompt head
    model = trainer.model
    model.train()
    results = []
    for shared in (False, True):
        trainer.cl_shared_prefix = shared
        trainer._metrics["train"].clear()
        model.zero_grad()
        loss = trainer.compute_loss(model, dict(batch))
        loss.backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        metrics = {k: v[-1] for k, v in trainer._metrics["train"].items() if k != "num_tokens"}
        results.append((loss.detach(), metrics, grads))
    (l0, m0, g0), (l1, m1, g1) = results
    assert heads == [width]  # the second pass took the shared head
    torch.testing.assert_close(l0, l1, rtol=1e-4, atol=1e-6)
    assert m0.keys() == m1.keys() and {"entropy", "mean_token_accuracy"} <= m0.keys()
    for key in m0:
        assert m0[key] == pytest.approx(m1[key], rel=1e-4, abs=1e-6), key
    assert g0.keys() == g1.keys() and g0
    for name in g0:
        torch.testing.assert_close(g0[name], g1[name], rtol=1e-3, atol=1e-5, msg=name)
    # One row, or rows without a common head: trl's own forward.
    one = {k: v[:1] for k, v in batch.items()}
    assert shared_prefix_width(one["input_ids"], one["attention_mask"], one["labels"]) == 0


# --- SFT and GRPO stages ------------------------------------------------------------------------


class _Kill:
    """A callback that interrupts training after step ``at`` (after its checkpoint is saved)."""

    def __new__(cls, at: int):
        from transformers import TrainerCallback

        class Kill(TrainerCallback):
            def on_save(self, args, state, control, **kw):
                if state.global_step >= at:
                    raise KeyboardInterrupt

        return Kill()


def test_sft_trains_checkpoints_and_resumes_after_kill(tiny, data_dir, tmp_path) -> None:
    from transformers import AutoModelForCausalLM

    from rl.data import load_train_data
    from rl.sft import SFTSettings, run_sft

    data = load_train_data(data_dir)
    stage = tmp_path / "stages" / "sft"
    settings = SFTSettings(trl_args=SFT_ARGS)
    with pytest.raises(KeyboardInterrupt):
        run_sft(tiny, data, stage, settings, max_steps=3, callbacks=[_Kill(2)], console=_quiet_console())
    assert (stage / "checkpoint-2" / "trainer_state.json").is_file() and not (stage / "final").exists()
    result = run_sft(tiny, data, stage, settings, max_steps=3, console=_quiet_console())
    assert result.steps == 3
    assert result.info["stage"]["resumed_from"].endswith("checkpoint-2")
    assert (result.model_dir / "closeloop.json").is_file()
    assert (result.model_dir / "chat_template.jinja").is_file() or "chat_template" in json.loads(
        (result.model_dir / "tokenizer_config.json").read_text())
    assert _changed(_weights(tiny), _weights(result.model_dir))
    lines = [json.loads(x) for x in (stage / "metrics.jsonl").read_text().splitlines()]
    assert {x["step"] for x in lines if "loss" in x} >= {1, 2, 3}
    AutoModelForCausalLM.from_pretrained(str(result.model_dir))
    # A finished stage is not trained again.
    assert run_sft(tiny, data, stage, settings, max_steps=3).model_dir == result.model_dir


def test_grpo_trains_with_the_gated_reward(tiny, data_dir, tmp_path) -> None:
    from transformers import AutoModelForCausalLM

    from rl.data import load_train_data
    from rl.grpo import GRPOSettings, run_grpo

    def length_reward(prompts, completions, **kwargs):  # random models never pass the gate: add variance
        return [len(c[0]["content"]) / 50 for c in completions]

    data = load_train_data(data_dir)
    settings = GRPOSettings(trl_args=GRPO_ARGS, select_prompts=False)
    result = run_grpo(tiny, data, tmp_path / "grpo", settings, max_steps=2, extra_reward_funcs=[length_reward],
                      console=_quiet_console())  # fmt: skip
    assert result.steps == 2
    assert _changed(_weights(tiny), _weights(result.model_dir))
    # No warm-up: a loop round's GRPO is a few steps, and its first one must already learn.
    logged = [json.loads(line) for line in (tmp_path / "grpo" / "metrics.jsonl").read_text().splitlines()]
    assert [m["learning_rate"] for m in logged if "loss" in m] == [1e-3, 1e-3]
    info = json.loads((result.model_dir / "closeloop.json").read_text())
    assert info["reward"]["gate_penalty"] == 0.0 and info["stage"]["shared_prefix"] is True
    assert "rewards/correctness/mean" in info["metrics"] and "frac_reward_zero_std" in info["metrics"]
    AutoModelForCausalLM.from_pretrained(str(result.model_dir))


def test_grpo_resumes_after_kill_on_the_same_prompts(tiny, data_dir, tmp_path) -> None:
    from rl.data import load_train_data
    from rl.grpo import PROMPTS_FILE, GRPOSettings, run_grpo

    def length_reward(prompts, completions, **kwargs):
        return [len(c[0]["content"]) / 50 for c in completions]

    data = load_train_data(data_dir)
    stage = tmp_path / "grpo"
    settings = GRPOSettings(trl_args=GRPO_ARGS, select_prompts=False)
    with pytest.raises(KeyboardInterrupt):
        run_grpo(tiny, data, stage, settings, max_steps=2, extra_reward_funcs=[length_reward], callbacks=[_Kill(1)],
                 console=_quiet_console())  # fmt: skip
    prompts = (stage / PROMPTS_FILE).read_text()
    result = run_grpo(tiny, data, stage, settings, max_steps=2, extra_reward_funcs=[length_reward],
                      console=_quiet_console())  # fmt: skip
    assert result.steps == 2 and result.info["stage"]["resumed_from"].endswith("checkpoint-1")
    assert (stage / PROMPTS_FILE).read_text() == prompts


def test_grpo_skips_zero_advantage_microbatches_exactly(tiny, data_dir, tmp_path) -> None:
    """Without variance every advantage is 0: no forward/backward, zero gradients, weights as trl leaves them."""
    from rl.data import load_train_data
    from rl.grpo import GRPOSettings, run_grpo

    data = load_train_data(data_dir)
    settings = GRPOSettings(trl_args={**GRPO_ARGS, "save_steps": 100}, select_prompts=False)
    result = run_grpo(tiny, data, tmp_path / "grpo", settings, max_steps=1, console=_quiet_console())
    assert result.metrics["closeloop/skipped_microbatches"] == 1.0 and result.metrics["frac_reward_zero_std"] == 1.0
    assert not _changed(_weights(tiny), _weights(result.model_dir))  # Adam on zero gradients moves nothing


def test_probe_finds_no_variance_on_a_random_model(tiny, data_dir, tmp_path) -> None:
    from rl.common import TrainError
    from rl.data import load_train_data
    from rl.grpo import GRPOSettings, probe_reward_variance, run_grpo

    rows = load_train_data(data_dir).scorable()
    probe = probe_reward_variance(str(tiny), rows, 6, k=2, max_new_tokens=6)
    assert len(probe.pass_rates) == 6 and probe.informative == []
    assert probe.zero_variance_share == 1.0
    settings = GRPOSettings(trl_args=GRPO_ARGS, probe_prompts=4, probe_generations=2)
    with pytest.raises(TrainError, match="no variance"):
        run_grpo(tiny, load_train_data(data_dir), tmp_path / "grpo", settings, max_steps=1, log=lambda _: None)


def test_select_prompts_keeps_informative_weighted_by_gaps() -> None:
    from rl.grpo import ProbeResult, select_prompts

    rows = [{"id": str(i), "category": c} for i, c in enumerate(["simple_python", "multiple", "parallel", "irrelevance"])]
    probe = ProbeResult(rows, [0.0, 0.25, 0.75, 1.0], [[0.0] * 4, [1, 0, 0, 0], [1, 1, 1, 0], [1.0] * 4], 4, 0.0)
    assert probe.informative == [1, 2] and probe.zero_variance_share == 0.5
    picks = select_prompts(probe, 2000, seed=1)
    share = sum(p["id"] == "1" for p in picks) / len(picks)
    assert {p["id"] for p in picks} == {"1", "2"} and 0.68 < share < 0.82  # (1-.25) / (.75+.25) = 0.75
    picks = select_prompts(probe, 2000, gaps={"multiple": 0.01, "parallel": 0.99}, seed=1)
    assert sum(p["id"] == "2" for p in picks) / len(picks) > 0.7


# --- harness train ------------------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    from harness.train_cmd import add_parser

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["train", *argv])


def test_harness_train_end_to_end(tiny, data_dir, tmp_path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.backends.models import resolve_model
    from harness.train_cmd import run

    toml = tmp_path / "train.toml"
    toml.write_text(
        "[sft.trl]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in SFT_ARGS.items())
        + "[grpo]\nprobe_prompts = 4\nprobe_generations = 2\n"
        + "[grpo.trl]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in GRPO_ARGS.items())
    )  # fmt: skip
    out = tmp_path / "ckpt"
    args = _args(str(tiny), "--data", str(data_dir), "--out", str(out), "--method", "sft+grpo",
                 "--max-steps", "2", "--config", str(toml), "--seed", "7")  # fmt: skip
    assert run(args) == 0
    info = json.loads((out / "closeloop.json").read_text())
    assert info["method"] == "sft+grpo" and info["seed"] == 7
    assert info["data"]["rows"] == 24 and len(info["data"]["sha256"]) == 64
    assert info["data"]["path"].endswith("train.jsonl")
    assert info["base_model"]["kind"] == "hf" and len(info["base_model"]["weights_sha256"]) == 64
    assert [s["name"] for s in info["stages"]] == ["sft"] and info["stages"][0]["steps"] == 2
    assert any("grpo skipped" in n for n in info["notes"])  # a random model has no reward variance
    assert resolve_model(str(out)).kind == "hf"  # what `harness eval` checks first
    AutoModelForCausalLM.from_pretrained(str(out))
    assert AutoTokenizer.from_pretrained(str(out)).chat_template
    assert run(args) == 0  # already trained: nothing to do


def test_harness_train_auto_probes_and_warms_up_with_sft(tiny, data_dir, tmp_path) -> None:
    from harness.train_cmd import run
    from rl.train import BASE_PROBE_FILE

    toml = tmp_path / "train.toml"
    toml.write_text("[sft.trl]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in SFT_ARGS.items())
                    + "[grpo]\nprobe_prompts = 4\nprobe_generations = 2\n[grpo.trl]\n"
                    + "".join(f"{k} = {json.dumps(v)}\n" for k, v in GRPO_ARGS.items()))  # fmt: skip
    out = tmp_path / "ckpt"
    assert run(_args(str(tiny), "--data", str(data_dir), "--out", str(out), "--max-steps", "1",
                     "--config", str(toml))) == 0  # fmt: skip
    info = json.loads((out / "closeloop.json").read_text())
    assert info["method"] == "auto" and info["method_run"] == "sft+grpo"
    assert info["decision"]["reason"].startswith("cold start") and info["decision"]["probe"]["prompts"] == 4
    assert (out / BASE_PROBE_FILE).is_file() and [s["name"] for s in info["stages"]] == ["sft"]


def test_auto_with_grpo_min_steps_counts_a_step_from_the_grpo_config(tiny, data_dir, tmp_path) -> None:
    from rl.data import load_train_data
    from rl.grpo import GRPOSettings
    from rl.train import TrainSettings, _cold_start_decision

    grpo = GRPOSettings(trl_args=dict(GRPO_ARGS), probe_prompts=4, probe_generations=2)
    fits = TrainSettings(max_seconds=3600, grpo_min_steps=1, grpo=grpo)  # a tiny model's probe takes seconds
    decision = _cold_start_decision(tiny, load_train_data(data_dir), fits, tmp_path)
    assert decision["method"] == "sft+grpo" and "grpo_min_steps" not in decision["reason"]
    never = TrainSettings(max_seconds=1, grpo_min_steps=1, grpo=grpo)  # no quarter holds a probe and a step
    decision = _cold_start_decision(tiny, load_train_data(data_dir), never, tmp_path)
    assert decision["method"] == "sft" and "grpo_min_steps 1" in decision["reason"]


def test_harness_train_usage_errors(tiny, data_dir, tmp_path) -> None:
    from harness.errors import UsageError
    from harness.train_cmd import run

    out = str(tmp_path / "o")
    with pytest.raises(UsageError, match="model"):
        run(_args(str(tmp_path / "nope"), "--data", str(data_dir), "--out", out))
    with pytest.raises(UsageError, match="does not exist"):
        run(_args(str(tiny), "--data", str(tmp_path / "missing"), "--out", out))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError, match="train.jsonl"):
        run(_args(str(tiny), "--data", str(empty), "--out", out))
    (empty / "train.jsonl").write_text("\n")
    with pytest.raises(UsageError, match="empty"):
        run(_args(str(tiny), "--data", str(empty), "--out", out))
    (empty / "train.jsonl").write_text('{"prompt": []}\n')
    with pytest.raises(UsageError, match=r"train.jsonl:1"):
        run(_args(str(tiny), "--data", str(empty), "--out", out))
    for text, key in [
        ("[sft.trl]\nlerning_rate = 1e-4\n", "sft.trl.lerning_rate"),
        ("[grpo]\nprobe_prompt = 3\n", "grpo.probe_prompt"),
        ("[grpo.reward]\ngate_penalty = 'low'\n", "grpo.reward"),
        ("[grpo.trl]\nnum_generations = 'four'\n", "grpo.trl.num_generations"),
        ("method = 'dpo'\n", "method"),
        ("sft_below_informative_share = 2\n", "sft_below_informative_share"),
        ("grpo_min_steps = -1\n", "grpo_min_steps"),
        ("grpo_min_steps = 2.5\n", "grpo_min_steps"),
        ("[sft\n", "not valid TOML"),
    ]:
        toml = tmp_path / "bad.toml"
        toml.write_text(text)
        with pytest.raises(UsageError, match=key.replace(".", r"\.")):
            run(_args(str(tiny), "--data", str(data_dir), "--out", out, "--config", str(toml)))
    with pytest.raises(UsageError, match="max-steps"):
        run(_args(str(tiny), "--data", str(data_dir), "--out", out, "--max-steps", "0"))
    assert not Path(out).exists()  # nothing was written for bad input


def test_train_help_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = ("import sys, argparse; from harness.train_cmd import add_parser; p = argparse.ArgumentParser(); "
            "add_parser(p.add_subparsers()); import rl, rl.rewards, rl.data; "
            "print(sorted(m for m in ('torch', 'transformers', 'trl') if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_shipped_train_toml_is_valid() -> None:
    from rl.train import TrainSettings, load_train_toml, validate_trl_settings

    root = Path(__file__).resolve().parents[1]
    settings = load_train_toml(root / "configs" / "train.toml")
    assert settings.method == "auto" and settings.grpo.trl_args["num_generations"] == 4
    assert settings.grpo_min_steps == TrainSettings().grpo_min_steps == 0
    validate_trl_settings(settings)
    for name in ("accelerate_single_gpu.yaml", "accelerate_multi_gpu.yaml", "accelerate_deepspeed_zero2.yaml"):
        assert "distributed_type" in (root / "configs" / name).read_text()


def test_rl_imports_only_bfcl_adapter() -> None:
    import ast

    root = Path(__file__).resolve().parents[1] / "rl"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in ("harness", "synth", "reports"), f"{path.name} imports {name}"


def test_lora_is_optional() -> None:
    import importlib.util

    from rl.common import ConfigError, lora_config

    assert lora_config(None) is None
    if importlib.util.find_spec("peft") is None:
        with pytest.raises(ConfigError, match="peft"):
            lora_config({"r": 8})
    else:
        assert lora_config({"r": 8}).r == 8
