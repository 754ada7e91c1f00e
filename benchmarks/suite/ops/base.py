"""What an operation benchmark provides (see ``measure.run_operation``)."""

from __future__ import annotations

from typing import Any


class Operation:
    #: Key in the JSON results.
    name: str = ""
    #: One line for the table.
    title: str = ""
    #: Goal: Amity within this many times its raw baseline (None: reported only).
    goal_ratio: float | None = 1.5
    #: What Amity's side runs and what the baseline runs (docs/performance.md).
    amity_path: str = ""
    baseline_path: str = ""

    def prepare(self, env: Any) -> None:
        """Pick the parameters (an alliance, a filter …) from the data; not timed."""
        self.env = env

    def describe(self) -> dict:
        return {}

    def amity(self) -> Any:
        raise NotImplementedError

    def baseline(self) -> Any:
        raise NotImplementedError

    def amity_answer(self, raw: Any) -> Any:
        return raw

    def baseline_answer(self, raw: Any) -> Any:
        return raw

    def page_url(self) -> str | None:
        return None

    def size(self, answer: Any) -> int | None:
        """How many rows the answer holds (for the report)."""
        return None
