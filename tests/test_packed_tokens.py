"""A lesson's tokens, packed for travel and unpacked where they are read."""

from __future__ import annotations

import pickle

from builders.load.markdown import markdown_parser
from builders.load.packed_tokens import PackedTokens


def test_tokens_travel_packed_and_unpack_on_first_read():
    tokens = markdown_parser().parse("## Fair work\n\nRecruiters charge [§27] no fees.\n")
    live = PackedTokens(tokens)
    travelled = pickle.loads(pickle.dumps(live))
    assert not travelled.unpacked
    assert len(travelled) == len(tokens) and travelled.unpacked
    assert [t.as_dict() for t in travelled] == [t.as_dict() for t in tokens]
    assert [t.type for t in travelled[1:3]] == ["inline", "heading_close"]


def test_only_one_form_is_held():
    """Built tokens keep no pickled copy (a build of 2,000 lessons in one process would hold
    both), and the pickled copy is let go once the tokens are built."""
    live = PackedTokens(markdown_parser().parse("Text [§7].\n"))
    pickle.dumps(live)
    assert live._data is None
    travelled = pickle.loads(pickle.dumps(live))
    assert travelled._data is not None and travelled._tokens is None
    list(travelled)
    assert travelled._data is None and travelled._tokens is not None
