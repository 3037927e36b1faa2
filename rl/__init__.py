"""rl: SFT warm start and GRPO (trl) on verified data, rewarded by the evaluation's own verdict.

Modules (nothing is imported here: ``import rl`` stays free of torch):

* :mod:`rl.rewards` - gated reward functions in trl's signature, built on ``bfcl_adapter`` (no torch);
* :mod:`rl.data` - reading and checking ``DIR/train.jsonl`` (no torch);
* :mod:`rl.sft` - ``run_sft``: trl's SFTTrainer, completion-only loss, CPU defaults, resume;
* :mod:`rl.grpo` - ``run_grpo``, ``probe_reward_variance``, ``select_prompts``: trl's GRPOTrainer with
  call-list stops and shared prompt prefixes;
* :mod:`rl.train` - ``train``: one run (sft | grpo | sft+grpo | auto) into an HF checkpoint directory
  with ``closeloop.json``; ``load_train_toml`` for ``--config``;
* :mod:`rl.checkpoint`, :mod:`rl.callbacks`, :mod:`rl.generation`, :mod:`rl.common` - the plumbing.

Floor rule: ``rl`` imports ``bfcl_adapter`` and third-party libraries only (never ``harness`` or ``synth``).
"""
