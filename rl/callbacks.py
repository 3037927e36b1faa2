"""Trainer callbacks: metrics as JSON lines, and a Rich progress bar (loss, tokens/s, reward, ETA)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

# Keys shown on the progress line when the trainer logs them, with their labels.
SHOWN = (
    ("loss", "loss"),
    ("reward", "reward"),
    ("frac_reward_zero_std", "zero-var"),
    ("rewards/correctness/mean", "correct"),
    ("rewards/gate/mean", "gate"),
    ("completions/mean_length", "len"),
)


HISTORY = frozenset({"loss", "reward", "frac_reward_zero_std", "rewards/correctness/mean", "rewards/gate/mean"})


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


class MetricsJsonl(TrainerCallback):
    """Appends every log (plus stage, step, wall time and tokens/s) to ``metrics.jsonl``.

    Appending survives a kill and a resume: the resumed run's lines follow the old ones, and the
    ``step`` field tells them apart. ``summary`` keeps the last value of each key for closeloop.json.
    """

    def __init__(self, path: Path, stage: str) -> None:
        self.path = Path(path)
        self.stage = stage
        self.summary: dict[str, float] = {}
        self.history: dict[str, list[float]] = {}  # every value of the keys in HISTORY
        self._last: tuple[float, float] | None = None  # (time, num_tokens) at the previous log
        self.tokens_per_second: float | None = None

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kw: Any) -> None:
        if not state.is_world_process_zero or not logs:
            return
        now = time.time()
        record: dict[str, Any] = {"stage": self.stage, "step": state.global_step, "time": round(now, 3)}
        for key, value in logs.items():
            number = _number(value)
            if number is not None:
                record[key] = number
                self.summary[key] = number
                if key in HISTORY:
                    self.history.setdefault(key, []).append(number)
        tokens = _number(logs.get("num_tokens"))
        if tokens is not None:
            if self._last is not None and now > self._last[0] and tokens > self._last[1]:
                self.tokens_per_second = (tokens - self._last[1]) / (now - self._last[0])
                record["tokens_per_second"] = round(self.tokens_per_second, 2)
                self.summary["tokens_per_second"] = record["tokens_per_second"]
            self._last = (now, tokens)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as fh:
            fh.write(json.dumps(record) + "\n")


class Deadline(TrainerCallback):
    """Ends training after the step that crosses a wall-clock deadline (``time.time()`` seconds).

    The trainer then finishes normally: the caller saves the model as after a full run. Used by the
    close loop to fit training into what is left of its budget; ``stopped`` says whether it fired.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.stopped = False

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if time.time() >= self.deadline:
            self.stopped = True
            control.should_training_stop = True


class RichProgress(TrainerCallback):
    """One Rich progress bar per stage: steps done / max steps, ETA, and the latest metrics."""

    def __init__(self, stage: str, metrics: MetricsJsonl | None = None, console: Any = None) -> None:
        self.stage = stage
        self.metrics = metrics
        self.console = console
        self._progress: Any = None
        self._task: Any = None
        self._fields = ""

    def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if not state.is_world_process_zero:
            return
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )  # fmt: skip

        self._progress = Progress(
            TextColumn(f"[bold]{self.stage:<5}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[info]}"), console=self.console,
        )  # fmt: skip
        self._progress.start()
        total = state.max_steps or None
        self._task = self._progress.add_task(self.stage, total=total, completed=state.global_step, info="")

    def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=state.global_step)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kw: Any) -> None:
        if self._progress is None or not logs:
            return
        parts = []
        for key, label in SHOWN:
            number = _number(logs.get(key))
            if number is not None:
                parts.append(f"{label} {number:.3g}")
        if self.metrics is not None and self.metrics.tokens_per_second is not None:
            parts.append(f"{self.metrics.tokens_per_second:.0f} tok/s")
        if parts:
            self._fields = "  ".join(parts)
        self._progress.update(self._task, info=self._fields)

    def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=state.global_step)
        self.close()

    def close(self) -> None:
        """Stop the live display (also after an interrupted run)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def quiet_default_callbacks(trainer: Any) -> None:
    """Remove transformers' tqdm bar and dict printer (our Rich bar replaces them)."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    for callback in (ProgressCallback, PrinterCallback):
        trainer.remove_callback(callback)
