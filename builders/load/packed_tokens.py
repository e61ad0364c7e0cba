"""A lesson's parsed Markdown that travels between processes, and lives in the build cache, as
one pickled string, and is rebuilt into tokens only where the lesson is rendered or checked.

The build's main process holds every lesson of the course but renders few of them itself: the
worker processes parse, check and render the rest. Kept packed there, a lesson's tokens cost
one bytes object instead of thousands of Python objects, which that process would otherwise
unpickle, hold and walk in every garbage collection.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import Any, overload

from markdown_it.token import Token

import builders.load.markdown  # noqa: F401  (registers the fast pickling of tokens)


class PackedTokens(Sequence[Token]):
    """Read-only tokens, pickled when they travel and unpickled on first use."""

    __slots__ = ("_data", "_tokens")

    def __init__(self, tokens: Sequence[Token] | None = None, data: bytes | None = None):
        if (tokens is None) == (data is None):
            raise ValueError("PackedTokens takes either tokens or their pickled data")
        self._tokens: tuple[Token, ...] | None = None if tokens is None else tuple(tokens)
        self._data = data

    @property
    def data(self) -> bytes:
        """The pickled tokens: kept only while the tokens are not built (one form is held,
        never both)."""
        if self._data is None:
            return pickle.dumps(self._tokens, pickle.HIGHEST_PROTOCOL)
        return self._data

    @property
    def tokens(self) -> tuple[Token, ...]:
        tokens = self._tokens
        if tokens is None:  # two threads may both unpickle: equal tuples, either one is kept
            tokens = self._tokens = pickle.loads(self.data)
            self._data = None
        return tokens

    @property
    def unpacked(self) -> bool:
        """Whether the tokens are built in this process."""
        return self._tokens is not None

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
