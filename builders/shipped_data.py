"""YAML files shipped with the builders (interface strings, word lists, reading bands), read with
libyaml's safe loader: the same plain data as PyYAML's own safe loader, about ten times faster
(every worker process reads them when it starts)."""

from __future__ import annotations

from typing import Any

import yaml

try:
    SAFE_LOADER: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    SAFE_LOADER = yaml.SafeLoader


def shipped_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
