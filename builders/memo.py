"""Memories kept for the life of a process, which the preview server makes long: each is emptied
when it grows past its limit instead of growing without end."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def keep(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store `value` under `key`, first emptying `memo` if it holds more than `limit` entries."""
    if len(memo) > limit:
        memo.clear()
    memo[key] = value
    return value
