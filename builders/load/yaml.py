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
        converter = _Converter(loader, path, line_offset, diags, ALIAS_ALLOWANCE + len(text))
        value = converter.convert(node)
        return None if converter.exhausted else value
    except yaml.reader.ReaderError as exc:
        if not CONTROL.search(text):  # a control character is reported where the file is read
            char = exc.character if isinstance(exc.character, str) else chr(exc.character)
            at = max(0, text.find(char))  # the first is the one refused (libyaml counts bytes)
            diags.error("yaml.syntax", f"YAML does not allow the character {describe(char)}",
                        SourceLoc.of_index(path, text, at, line_offset), "delete it")
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


# What YAML reads a plain scalar as, by its tag, and why it may fail to (None: the error says).
UNREADABLE = {
    "tag:yaml.org,2002:timestamp": ("a date", None),
    "tag:yaml.org,2002:int": ("a whole number", "it is too large"),
}

# Values an alias may add beyond the file's own (a file holds at most one per character):
# enough for generated files that share lists (PyYAML writes aliases), not for aliases of aliases.
ALIAS_ALLOWANCE = 200_000
# Lists and mappings inside one another: e4j's files nest a few levels; reading each level takes
# Python frames, of which a thread has about a thousand.
MAX_DEPTH = 50


class _Converter:
    """Composed YAML nodes to located values. An alias (`*name`) is read as a copy of what it
    names, as long as the values read stay within `budget`: aliases of aliases make a small file
    expand without bound."""

    def __init__(self, loader: Any, path: str, off: int, diags: Diagnostics, budget: int):
        self.loader, self.path, self.off, self.diags = loader, path, off, diags
        self.budget = budget
        self.exhausted = False
        self.open: list[Any] = []  # the lists and mappings being read, outermost first

    def loc(self, node: Any) -> SourceLoc:
        return _loc(self.path, node.start_mark, self.off)

    def convert(self, node: Any) -> Any:
        if node.tag == STR_TAG and node.id == "scalar":
            if CONTROL.search(node.value):
                report_in_value(node.value, self.loc(node), self.diags)
            return node.value  # what the loader would construct, without its generic dispatch
        if node.id in ("mapping", "sequence"):
            if not (self._within_budget(node) and self._enterable(node)):
                return None
            self.open.append(node)
            try:
                return self.mapping(node) if node.id == "mapping" else self.sequence(node)
            finally:
                self.open.pop()
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # a date that does not exist, a number of 4,300+ digits
            return self._unreadable(node, str(exc))
        if isinstance(value, int) and value.bit_length() > 63:  # no field counts that far
            return self._unreadable(node, "")
        return value

    def _unreadable(self, node: Any, error: str) -> None:
        what, reason = UNREADABLE.get(node.tag, ("a value", None))
        value = node.value if len(node.value) <= 40 else node.value[:39] + "…"
        self.diags.error("yaml.value", f"'{value}' is not {what}: {reason or error}",
                         self.loc(node), "correct it, or quote it to keep it as text")

    def _within_budget(self, node: Any) -> bool:
        self.budget -= len(node.value) + 1
        if self.budget < 0 and not self.exhausted:
            self.exhausted = True
            self.diags.error(
                "yaml.alias",
                "YAML aliases (*name) make this file expand far beyond its own size",
                self.loc(node),
                "write the values out instead of aliasing aliases",
            )
        return not self.exhausted

    def _enterable(self, node: Any) -> bool:
        """Whether a list or mapping can be read where it stands: not inside itself (an alias of
        a value within that value: `&a [*a]`), nor too deep."""
        if any(node is outer for outer in self.open):
            self.diags.error("yaml.alias", "this value holds an alias (*name) of itself, so it "
                             "never ends", self.loc(node),
                             "write the inner value out instead of an alias")
            return False
        if len(self.open) >= MAX_DEPTH:
            self.diags.error("yaml.depth", f"lists and mappings nest more than {MAX_DEPTH} "
                             "levels deep here", self.loc(node),
                             "e4j files nest a few levels: check the brackets and indentation")
            return False
        return True

    def sequence(self, node: Any) -> YSeq:
        seq = YSeq(self.convert(item) for item in node.value)
        seq.loc = self.loc(node)
        seq.item_locs = [self.loc(item) for item in node.value]
        return seq

    def mapping(self, node: Any) -> YMap:
        result = YMap()
        result.loc = self.loc(node)
        result.key_locs = {}
        result.value_locs = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node)
            key_loc = self.loc(key_node)
            if isinstance(key, (dict, list)):
                self.diags.error("yaml.key", "a mapping key must be a plain value", key_loc)
                continue
            if key in result:
                self.diags.error(
                    "yaml.duplicate-key",
                    f"key '{key}' appears twice in this mapping",
                    key_loc,
                    f"the first '{key}' is at line {result.key_locs[key].line}; keep one",
                )
                continue
            result[key] = self.convert(value_node)
            result.key_locs[key] = key_loc
            result.value_locs[key] = self.loc(value_node)
        return result
