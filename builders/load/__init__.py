"""Reading sources from disk into the validated model."""

from builders.load.course import load_course

__all__ = ["load_course"]
