"""A lesson's parsed Markdown that travels between processes, and lives in the build cache, as
one pickled string, and is rebuilt into tokens only where the lesson is rendered or checked.

The build's main process holds every lesson of the course but renders few of them itself: the
worker processes parse, check and render the rest. Kept packed there, a lesson's tokens cost
one bytes object instead of thousands of Python objects, which that process would otherwise
unpickle, hold and walk in every garbage collection. A process keeps the tokens of the lessons
it read last built (`BUILT_LIMIT`), and packs the others again: it renders a large catalogue
format after format, and would hold every lesson's tokens by the last one.
"""

from __future__ import annotations

import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, overload

from markdown_it.token import Token

import builders.load.markdown  # noqa: F401  (registers the fast pickling of tokens)

# Lessons whose tokens a process keeps built. Past it, the least recently read are packed
# again (rebuilt, about 1 ms each, when read again): a process that renders a large catalogue
# format after format would otherwise hold every lesson it rendered as tokens, five times the
# size of their pickle (0.27 MB a lesson).
BUILT_LIMIT = 128


class PackedTokens(Sequence[Token]):
    """Read-only tokens, pickled when they travel and unpickled on first use."""

    __slots__ = ("_data", "_tokens", "__weakref__")

    def __init__(self, tokens: Sequence[Token] | None = None, data: bytes | None = None):
        if (tokens is None) == (data is None):
            raise ValueError("PackedTokens takes either tokens or their pickled data")
        self._tokens: tuple[Token, ...] | None = None
        self._data = data
        if tokens is not None:
            self._tokens = tuple(tokens)
            _built.add(self)

    @property
    def data(self) -> bytes:
        """The pickled tokens (pickled here, once, when the tokens were parsed here)."""
        data = self._data
        if data is None:
            data = self._data = pickle.dumps(self._tokens, pickle.HIGHEST_PROTOCOL)
        return data

    @property
    def tokens(self) -> tuple[Token, ...]:
        tokens = self._tokens
        if tokens is None:  # two threads may both unpickle: equal tuples, either one is kept
            tokens = self._tokens = pickle.loads(self.data)
            _built.add(self)
        else:
            _built.touch(self)
        return tokens

    @property
    def unpacked(self) -> bool:
        """Whether the tokens are built in this process."""
        return self._tokens is not None

    def pack(self) -> None:
        """Let the built tokens go; they are rebuilt from their pickle when read again."""
        if self._tokens is not None:
            self.data  # noqa: B018 (pickled first if they never were)
            self._tokens = None

    def __reduce__(self) -> tuple[Any, ...]:
        return _packed, (self.data,)

    def __len__(self) -> int:
        return len(self.tokens)

    @overload
    def __getitem__(self, index: int) -> Token: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Token, ...]: ...

    def __getitem__(self, index: int | slice) -> Token | tuple[Token, ...]:
        return self.tokens[index]

    def __iter__(self) -> Iterator[Token]:
        return iter(self.tokens)

    def __repr__(self) -> str:
        if self._tokens is not None:
            return f"PackedTokens({len(self._tokens)} tokens)"
        return f"PackedTokens({len(self.data)} bytes)"


def _packed(data: bytes) -> PackedTokens:
    return PackedTokens(data=data)


class _Built:
    """The PackedTokens whose tokens are built in this process, least recently read first (held
    weakly: tokens nothing else holds go as they would)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # a collection may drop a PackedTokens while it is held
        self.order: OrderedDict[int, weakref.ref[PackedTokens]] = OrderedDict()

    def add(self, packed: PackedTokens) -> None:
        key = id(packed)
        with self.lock:
            self.order[key] = weakref.ref(packed, lambda ref: self._forget(key, ref))
            self.order.move_to_end(key)
            evicted = [self.order.popitem(last=False)[1]()
                       for _ in range(len(self.order) - BUILT_LIMIT)]
        for old in evicted:
            if old is not None:
                old.pack()

    def touch(self, packed: PackedTokens) -> None:
        with self.lock:
            if id(packed) in self.order:
                self.order.move_to_end(id(packed))

    def _forget(self, key: int, ref: weakref.ref[PackedTokens]) -> None:
        with self.lock:
            if self.order.get(key) is ref:
                del self.order[key]


_built = _Built()
