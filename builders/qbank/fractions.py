"""Moodle's grade fractions: only these values are accepted on import (question_bank)."""

from __future__ import annotations

# question_bank::fraction_options_full(), as percentages.
ALLOWED = (
    100.0,
    90.0,
    83.33333,
    80.0,
    75.0,
    70.0,
    66.66667,
    60.0,
    50.0,
    40.0,
    33.33333,
    30.0,
    25.0,
    20.0,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10.0,
    5.0,
    0.0,
)


def share(count: int, negative: bool = False) -> float:
    """100/count (or its negative) as one of Moodle's grade options; ValueError if none fits."""
    if count < 1:
        raise ValueError("no options to share the grade between")
    target = 100.0 / count
    value = min(ALLOWED, key=lambda v: abs(v - target))
    if abs(value - target) > 0.001:
        raise ValueError(f"Moodle has no grade option for 1/{count} of the mark")
    return -value if negative else value


def fraction_text(value: float) -> str:
    """'100', '33.33333', '-50' — the way Moodle writes fractions."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
