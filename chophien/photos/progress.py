"""The progress line of a long photo run: rewritten in place on a terminal, one line per tenth in CI."""

from __future__ import annotations

import sys
import time


class Progress:
    """`Ảnh: 12/130 · còn khoảng 8 giây` rewritten in place on a terminal, plain lines in CI."""

    def __init__(self, total: int, stream=None, label: str = "Ảnh"):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.label = label
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_decile = -1

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        text = f"{self.label}: {self.done}/{self.total}"
        if 0 < self.done < self.total:
            remaining = elapsed / self.done * (self.total - self.done)
            text += f" · còn khoảng {remaining:.0f} giây"
        elif self.done == self.total:
            text += f" · xong trong {elapsed:.1f} giây"
        return text

    def step(self) -> None:
        self.done += 1
        if self.tty:
            end = "\n" if self.done == self.total else ""
            print("\r" + self.line().ljust(60), end=end, file=self.stream, flush=True)
            return
        decile = self.done * 10 // self.total
        if decile != self.last_decile:
            self.last_decile = decile
            print(self.line(), file=self.stream, flush=True)
