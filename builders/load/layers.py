"""The course seen through its overlays: one tree in which an overlay's file adapts the course's
file of the same name, or adds a file the course does not have.

A file's layers are the course's copy (if any) followed by each overlay's, in overlay order; the
first layer is the base and the others adapt it. YAML layers merge key by key (see `merge_yaml`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from builders.diagnostics import Diagnostics, SourceLoc
from builders.load.control_chars import report_in_file
from builders.load.yaml import YMap, YSeq
from builders.source_files import linked_folders, through_link


@dataclass(frozen=True)
class Overlay:
    folder: Path
    label: str  # how its files are named in messages: the folder as the user gave it

    def display(self, rel: str) -> str:
        return f"{self.label.rstrip('/')}/{rel}"


@dataclass(frozen=True)
class Layer:
    path: Path  # the file on disk
    shown: str  # how messages name it
    overlay: Overlay | None  # None for the course's own file


class Tree:
    """The course folder with the overlays laid over it. Nothing in a folder that is a symbolic
    link is seen (`linked_folders` names those folders); a file that is a link is, so that
    reading it reports it."""

    def __init__(self, root: Path, overlays: tuple[Overlay, ...] = ()):
        self.root, self.overlays = root, overlays

    def layers(self, rel: str) -> list[Layer]:
        found = [Layer(self.root / rel, rel, None)] if self._has_file(self.root, rel) else []
        return found + [
            Layer(overlay.folder / rel, overlay.display(rel), overlay)
            for overlay in self.overlays
            if self._has_file(overlay.folder, rel)
        ]

    @staticmethod
    def _has_file(base: Path, rel: str) -> bool:
        """`rel` is a file of `base`, outside any linked folder."""
        return (base / rel).is_file() and not through_link(base, PurePosixPath(rel).parent)

    def linked_folders(self) -> list[str]:
        """The folders of the course and the overlays that are symbolic links, as messages name
        them."""
        return [self.display(path) for base in (self.root, *(o.folder for o in self.overlays))
                for path in linked_folders(base)]

    def shown(self, rel: str) -> str:
        """How messages name `rel`: the course's path, or the first overlay that adds it."""
        if (self.root / rel).exists():
            return rel
        for overlay in self.overlays:
            if (overlay.folder / rel).exists():
                return overlay.display(rel)
        return rel

    def display(self, path: Path) -> str:
        """How messages name a path inside the course or one of the overlays."""
        for overlay in self.overlays:
            if path.is_relative_to(overlay.folder):
                return overlay.display(path.relative_to(overlay.folder).as_posix())
        return path.relative_to(self.root).as_posix()

    def folders(self, rel: str) -> list[Path]:
        """`rel` in the course and in each overlay that has it, course first."""
        return [base / rel for base in (self.root, *(o.folder for o in self.overlays))
                if (base / rel).is_dir() and not through_link(base, rel)]

    def names(self, rel: str, pattern: str = "*", dirs: bool = False) -> list[str]:
        """Names of the files (or folders) matching `pattern` in `rel`, in any layer, sorted."""
        return sorted({
            path.name
            for folder in self.folders(rel)
            for path in folder.glob(pattern)
            if (path.is_dir() and not path.is_symlink() if dirs else path.is_file())
            and not path.name.startswith(".")
        })


def merge_yaml(base: Any, patch: Any, diags: Diagnostics) -> Any:
    """`patch` laid over `base`: mappings merge key by key, lists of mappings with an `id` merge
    by id (new ids are appended), other lists of mappings merge item by item and must then have
    the same length; anything else in `patch` replaces what `base` has."""
    if isinstance(base, YMap) and isinstance(patch, YMap):
        merged = copy_map(base)
        for key, value in patch.items():
            if key in merged and isinstance(merged[key], (YMap, YSeq)) and isinstance(
                    value, type(merged[key])):
                merged[key] = merge_yaml(merged[key], value, diags)
                continue
            merged[key] = value
            merged.key_locs[key] = patch.key_loc(key)
            merged.value_locs[key] = patch.loc_of(key)
        return merged
    if isinstance(base, YSeq) and isinstance(patch, YSeq) and _all_maps(base) and _all_maps(patch):
        if _all_have_ids(base) and _all_have_ids(patch):
            return _merge_by_id(base, patch, diags)
        if len(base) != len(patch):
            diags.error("overlay.list-length",
                        f"this list has {len(patch)} items where the course's has {len(base)}",
                        patch.loc, "give one entry per item of the course's list, in its order")
            return base
        return located_seq([(merge_yaml(b, p, diags), base.loc_of(i)) for i, (b, p)
                     in enumerate(zip(base, patch, strict=True))], base.loc)
    return patch


def copy_map(data: YMap) -> YMap:
    """A copy that remembers where `data`'s keys and values stand."""
    copy = YMap(data)
    copy.loc = data.loc
    copy.key_locs, copy.value_locs = dict(data.key_locs), dict(data.value_locs)
    return copy


def located_seq(items: list[tuple[Any, SourceLoc]], loc: SourceLoc) -> YSeq:
    """A sequence standing at `loc`, from (item, where the item stands) pairs."""
    seq = YSeq(item for item, _ in items)
    seq.loc, seq.item_locs = loc, [item_loc for _, item_loc in items]
    return seq


def _all_maps(seq: YSeq) -> bool:
    return bool(seq) and all(isinstance(item, YMap) for item in seq)


def _all_have_ids(seq: YSeq) -> bool:
    return all("id" in item for item in seq)


def _merge_by_id(base: YSeq, patch: YSeq, diags: Diagnostics) -> YSeq:
    position = {str(item["id"]): index for index, item in enumerate(base)}
    items = [(item, base.loc_of(index)) for index, item in enumerate(base)]
    for index, item in enumerate(patch):
        at = position.get(str(item["id"]))
        if at is None:
            items.append((item, patch.loc_of(index)))
        else:
            items[at] = (merge_yaml(items[at][0], item, diags), items[at][1])
    return located_seq(items, base.loc)


# Sources larger than this are refused unread: a 10 MB lesson takes about 0.6 GB to check and
# build, and the reading of a file grows with its size.
MAX_SOURCE_BYTES = 20_000_000


def refused_as_too_large(path: Path, shown: str, diags: Diagnostics) -> bool:
    """Whether the source file at `path` is too large to read (an error is recorded then)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False  # reading it says what is wrong
    if size <= MAX_SOURCE_BYTES:
        return False
    diags.error("source.too-large", f"the file is {size / 1_000_000:,.0f} MB; e4j reads source "
                f"files of up to {MAX_SOURCE_BYTES // 1_000_000} MB", SourceLoc(shown),
                "split it: a lesson that long is several lessons")
    return True


def read_text(layer: Layer, diags: Diagnostics) -> tuple[str, str] | None:
    """The file's text (UTF-8, LF line ends, no byte-order mark) and a digest of its bytes;
    problems are recorded."""
    if layer.path.is_symlink():
        diags.error("source.symlink", "symbolic links are not read", SourceLoc(layer.shown),
                    "copy the file")
        return None
    if refused_as_too_large(layer.path, layer.shown, diags):
        return None
    try:
        data = layer.path.read_bytes()
    except OSError as exc:
        diags.error("source.unreadable", f"cannot read the file: {exc.strerror}",
                    SourceLoc(layer.shown))
        return None
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")  # a byte-order mark is dropped
    except UnicodeDecodeError as exc:
        diags.error("source.encoding", "the file is not valid UTF-8",
                    SourceLoc.of_byte(layer.shown, data, exc.start), "save it as UTF-8")
        return None
    report_in_file(text, layer.shown, diags)
    return text, digest_bytes(data)


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]
