"""Safe YAML loading that keeps the line and column of every key and value."""

from __future__ import annotations

from typing import Any

import yaml

from builders.diagnostics import Diagnostics, SourceLoc
from builders.load.control_chars import CONTROL, describe, report_in_value
from builders.shipped_data import SAFE_LOADER


class YMap(dict):
    """A YAML mapping that remembers where it, each key and each value stand."""

    loc: SourceLoc
    key_locs: dict[Any, SourceLoc]
    value_locs: dict[Any, SourceLoc]

    def loc_of(self, key: Any) -> SourceLoc:
        """Where the value of `key` stands, or the mapping itself when the key is absent."""
        return self.value_locs.get(key, self.loc)

    def key_loc(self, key: Any) -> SourceLoc:
        return self.key_locs.get(key, self.loc)


class YSeq(list):
    """A YAML sequence that remembers where it and each item stand."""

    loc: SourceLoc
    item_locs: list[SourceLoc]

    def loc_of(self, index: int) -> SourceLoc:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


def _loc(path: str, mark: Any, line_offset: int) -> SourceLoc:
    return SourceLoc(path, mark.line + 1 + line_offset, mark.column + 1)


def load_yaml(text: str, path: str, diags: Diagnostics, line_offset: int = 0) -> Any | None:
    """Parse one YAML document; on a syntax error record a diagnostic and return None."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(node, loader, path, line_offset, diags)
    except yaml.reader.ReaderError as exc:
        if not CONTROL.search(text):  # a control character is reported where the file is read
            char = exc.character if isinstance(exc.character, str) else chr(exc.character)
            at = max(0, text.find(char))  # the first is the one refused (libyaml counts bytes)
            line = text.count("\n", 0, at) + 1 + line_offset
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            diags.error("yaml.syntax", f"YAML does not allow the character {describe(char)}",
                        SourceLoc(path, line, column), "delete it")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(path, mark, line_offset) if mark else SourceLoc(path, 1 + line_offset, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        diags.error(
            "yaml.syntax",
            f"YAML syntax error: {problem}",
            loc,
            "check indentation, and quote strings that contain ': ', '#' or start with a symbol",
        )
        return None
    except yaml.YAMLError as exc:
        diags.error("yaml.syntax", f"YAML error: {exc}", SourceLoc(path, 1 + line_offset, 1))
        return None
    finally:
        loader.dispose()


STR_TAG = "tag:yaml.org,2002:str"


def _convert(node: Any, loader: Any, path: str, off: int, diags: Diagnostics) -> Any:
    if node.tag == STR_TAG and node.id == "scalar":
        if CONTROL.search(node.value):
            report_in_value(node.value, _loc(path, node.start_mark, off), diags)
        return node.value  # what the loader would construct, without its generic dispatch
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.loc = _loc(path, node.start_mark, off)
        result.key_locs = {}
        result.value_locs = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, path, off, diags)
            key_loc = _loc(path, key_node.start_mark, off)
            if isinstance(key, (dict, list)):
                diags.error("yaml.key", "a mapping key must be a plain value", key_loc)
                continue
            if key in result:
                diags.error(
                    "yaml.duplicate-key",
                    f"key '{key}' appears twice in this mapping",
                    key_loc,
                    f"the first '{key}' is at line {result.key_locs[key].line}; keep one",
                )
                continue
            result[key] = _convert(value_node, loader, path, off, diags)
            result.key_locs[key] = key_loc
            result.value_locs[key] = _loc(path, value_node.start_mark, off)
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = YSeq(_convert(item, loader, path, off, diags) for item in node.value)
        seq.loc = _loc(path, node.start_mark, off)
        seq.item_locs = [_loc(path, item.start_mark, off) for item in node.value]
        return seq
    return loader.construct_object(node, deep=True)
