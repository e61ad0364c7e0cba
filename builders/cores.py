"""How many cores this process may really use: the ones it may run on, fewer where a control
group (a container started with `--cpus`, a CI runner) allows it only a share of the machine.
`os.cpu_count()` counts the machine's: 64 on a large host where the build may use 2."""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup")
OWN_GROUPS = Path("/proc/self/cgroup")


@lru_cache(maxsize=1)
def usable_cores() -> int:
    try:
        allowed = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        allowed = os.cpu_count() or 1
    quota = _quota()
    return max(1, min(allowed, math.ceil(quota)) if quota else allowed)


def _quota() -> float | None:
    """Cores' worth of time the control groups over this process grant it, if one sets a limit:
    the smallest, cgroup v2's `cpu.max` from this process's group up, or cgroup v1's."""
    group = _own_group()
    v2 = [fields for folder in (group, *group.parents) if folder.is_relative_to(CGROUPS)
          if (fields := _read(folder / "cpu.max").split())]
    shares = [_ratio(*fields) for fields in v2 if len(fields) == 2 and fields[0] != "max"]
    if not v2:
        v1 = CGROUPS / "cpu"
        quota, period = _read(v1 / "cpu.cfs_quota_us"), _read(v1 / "cpu.cfs_period_us")
        shares = [_ratio(quota, period)] if quota and not quota.startswith("-") else []
    return min((share for share in shares if share), default=None)


def _own_group() -> Path:
    """This process's cgroup v2 folder (`0::/path` in /proc/self/cgroup)."""
    for line in _read(OWN_GROUPS).splitlines():
        if line.startswith("0::/"):
            return CGROUPS / line[4:]
    return CGROUPS


def _ratio(quota: str, period: str) -> float | None:
    try:
        share = int(quota) / int(period)
    except (ValueError, ZeroDivisionError):
        return None
    return share if share > 0 else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


def render_processes(requested: int | None = None) -> int:
    """Worker processes a build renders on: one per usable core and at least 2, or `requested`
    up to that many (rendering is bound by the CPU: more processes than cores only hold more
    memory, and thousands of them would take the machine down)."""
    most = max(2, usable_cores())
    return min(requested, most) if requested else most
