"""Checkpoint directories: a plain HF model dir (safetensors, tokenizer, chat template) + ``closeloop.json``.

Layout of a training output directory ``OUT``::

    OUT/config.json, model.safetensors, tokenizer*, chat_template.jinja, generation_config.json
    OUT/closeloop.json           written last: its presence means the directory is complete
    OUT/metrics.jsonl            every trainer log, all stages
    OUT/stages/sft/              trainer output (checkpoint-N/ for resume) and final/ (the stage's model)
    OUT/stages/grpo/             same, plus probe.json and prompts.jsonl (the selected prompts)

``harness eval OUT`` loads ``OUT`` with ``AutoModelForCausalLM`` / ``AutoTokenizer``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

CLOSELOOP_JSON = "closeloop.json"
SCHEMA_VERSION = 1
FINAL = "final"


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=1, sort_keys=False, default=str)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_closeloop_json(directory: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(directory) / CLOSELOOP_JSON).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for name in ("closeloop", "torch", "transformers", "trl", "peft"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def last_checkpoint(stage_dir: Path) -> Path | None:
    """The newest ``checkpoint-N`` that holds a trainer state (a half-written one is skipped)."""
    if not stage_dir.is_dir():
        return None
    found = []
    for child in stage_dir.iterdir():
        if child.is_dir() and child.name.startswith("checkpoint-") and child.name[11:].isdigit():
            if (child / "trainer_state.json").is_file():
                found.append((int(child.name[11:]), child))
    return max(found)[1] if found else None


def stage_final(stage_dir: Path) -> Path | None:
    """The finished model of a stage (its closeloop.json was written last), or None."""
    final = stage_dir / FINAL
    return final if read_closeloop_json(final) is not None else None


def save_model_dir(model: Any, tokenizer: Any, target: Path, info: dict[str, Any]) -> Path:
    """Save an HF model dir atomically: written to a temp dir, then renamed; closeloop.json inside."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".tmp-{target.name}-"))
    try:
        if hasattr(model, "merge_and_unload"):  # a PEFT model: save plain weights that eval can load
            model = model.merge_and_unload()
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        write_json_atomic(tmp / CLOSELOOP_JSON, info)
        os.chmod(tmp, 0o755)
        if target.exists():
            shutil.rmtree(target)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def export_final(source: Path, out: Path, info: dict[str, Any]) -> None:
    """Place a stage's model files at the top of ``out`` (hard links where possible), closeloop.json last."""
    (out / CLOSELOOP_JSON).unlink(missing_ok=True)
    for old in list(out.glob("*.safetensors")) + list(out.glob("*.bin")):
        old.unlink()
    for file in source.iterdir():
        if not file.is_file() or file.name == CLOSELOOP_JSON or file.name.startswith("."):
            continue
        dest = out / file.name
        tmp = out / f".{file.name}.tmp"
        tmp.unlink(missing_ok=True)
        try:
            os.link(file, tmp)
        except OSError:
            shutil.copy2(file, tmp)
        os.replace(tmp, dest)
    write_json_atomic(out / CLOSELOOP_JSON, info)
