"""Deterministic zip archives: sorted entries, a fixed timestamp, explicit compression."""

from __future__ import annotations

import io
import os
import time
import zipfile

from builders.write import check_relative

DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest time a zip entry can hold
LATEST_EPOCH = 4354819198  # 2107-12-31 23:59:58, the latest


class EpochError(ValueError):
    """SOURCE_DATE_EPOCH holds no time a build can stamp its files with."""


def source_date_epoch() -> int:
    """The time files are stamped with: SOURCE_DATE_EPOCH (reproducible builds: whole seconds
    since 1970, UTC), 1980 when unset or empty or earlier. EpochError when it is no such number
    or later than a zip entry can hold (the specification asks a build to stop then)."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not given:
        return DEFAULT_EPOCH
    if not given.isascii() or not given.isdigit():
        raise EpochError(f"SOURCE_DATE_EPOCH={given[:40]!r} is not a number of seconds since "
                         "1970: set it to one (git log -1 --format=%ct gives the last commit's), "
                         "or unset it")
    if int(given) > LATEST_EPOCH:
        raise EpochError(f"SOURCE_DATE_EPOCH={given[:40]} is later than 2107, the latest time a "
                         "zip entry can hold")
    return max(int(given), DEFAULT_EPOCH)


def build_time() -> tuple[int, int, int, int, int, int]:
    """The entries' timestamp (`source_date_epoch`), as a zip entry holds it."""
    stamp = time.gmtime(source_date_epoch())
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
