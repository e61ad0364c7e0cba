"""Deterministic zip archives: sorted entries, a fixed timestamp, explicit compression."""

from __future__ import annotations

import io
import os
import time
import zipfile

from builders.write import check_relative

DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can hold


def build_time() -> tuple[int, int, int, int, int, int]:
    """The entries' timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else 1980."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    stamp = time.gmtime(max(epoch, DEFAULT_EPOCH))
    return (
        stamp.tm_year,
        stamp.tm_mon,
        stamp.tm_mday,
        stamp.tm_hour,
        stamp.tm_min,
        stamp.tm_sec - stamp.tm_sec % 2,
    )


def zip_bytes(files: dict[str, bytes], first: tuple[str, ...] = ()) -> bytes:
    """A zip of `files` (safe relative paths only); names in `first` lead, the rest sorted."""
    when = build_time()
    order = [name for name in first if name in files]
    order += sorted(name for name in files if name not in first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in order:
            info = zipfile.ZipInfo(check_relative(name), date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=6)
    return buffer.getvalue()
