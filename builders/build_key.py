"""This machine's build key: a secret kept outside every course, in the user's cache folder.

What a build keeps in `exports/.e4j-cache/` (parsed lessons, the no-op stamp, each format's
manifest) can come with a course, or be changed by anyone who can write its exports. So the
files are named and fingerprinted with digests keyed by this secret, and the parsed lessons are
signed with it: a file made elsewhere is never taken for one of ours (a planted pickle would run
code as it is read). Where the key cannot be kept, each run has a key of its own: nothing kept
between runs is trusted, and every build reads the course again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

KEY_BYTES = 32
KEY_FILE = "build-key"
SIGNATURE_BYTES = hashlib.sha256().digest_size


def key_folders() -> list[Path]:
    """Where the key may be kept, in order: $XDG_CACHE_HOME/e4j (by default ~/.cache/e4j), then
    a folder of this user's own in the system's temporary folder."""
    folders = []
    given = os.environ.get("XDG_CACHE_HOME", "")
    # A relative one is no cache folder (the XDG specification says to ignore it): it would put
    # the key in whatever folder e4j runs in, a course that may be shared.
    if os.path.isabs(given):
        folders.append(Path(given) / "e4j")
    else:
        with contextlib.suppress(RuntimeError):  # no home folder
            folders.append(Path.home() / ".cache" / "e4j")
    return [*folders, Path(tempfile.gettempdir()) / f"e4j-{os.getuid()}"]


@lru_cache(maxsize=1)
def build_key() -> bytes:
    """The kept key, made on first use; where it cannot be kept, a key for this run only."""
    for folder in key_folders():
        try:
            return _kept_key(folder / KEY_FILE)
        except OSError:  # a folder that cannot be written, or is not this user's alone
            continue
    return secrets.token_bytes(KEY_BYTES)


def _kept_key(path: Path) -> bytes:
    """The key in `path`, made there first if there is none (processes racing to make it all
    end up with the one linked in first)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _check_private(path.parent)
    if not path.exists():
        handle, temp = tempfile.mkstemp(prefix=".build-key.", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(KEY_BYTES))
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temp)
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise OSError(f"{path} is not a build key")
    return key


def _check_private(folder: Path) -> None:
    """A key kept where another user can write (a shared temporary folder made by someone else)
    could be theirs."""
    status = folder.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise OSError(f"{folder} is not this user's alone")


def keyed_digest(digest: str) -> str:
    """`digest` keyed with the build key: what no one without the key can compute."""
    return hmac.new(build_key(), digest.encode(), hashlib.sha256).hexdigest()


def signed(data: bytes) -> bytes:
    return _signature(data) + data


def verified(stored: bytes) -> bytes | None:
    """The data `signed` gave `stored`, or None if this machine's key did not sign it."""
    signature, data = stored[:SIGNATURE_BYTES], stored[SIGNATURE_BYTES:]
    return data if hmac.compare_digest(signature, _signature(data)) else None


def _signature(data: bytes) -> bytes:
    return hmac.new(build_key(), data, hashlib.sha256).digest()
