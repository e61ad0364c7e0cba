"""A lesson's tokens, packed for travel and unpacked where they are read."""

from __future__ import annotations

import pickle

from builders.load import packed_tokens
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


def test_a_process_keeps_the_tokens_of_the_lessons_it_read_last(monkeypatch):
    """Past `BUILT_LIMIT` lessons, the least recently read are packed again and rebuilt, equal,
    when read again: a process rendering a large catalogue format after format holds a bounded
    number of lessons as tokens, not every one."""
    monkeypatch.setattr(packed_tokens, "BUILT_LIMIT", 2)
    monkeypatch.setattr(packed_tokens, "_built", packed_tokens._Built())
    parse = markdown_parser().parse
    parsed = PackedTokens(parse("Parsed here [§7].\n"))  # built, never pickled yet
    travelled = [PackedTokens(data=pickle.dumps(tuple(parse(f"Lesson {n} [§8].\n"))))
                 for n in range(2)]
    assert parsed.unpacked and not any(t.unpacked for t in travelled)
    first = [t.as_dict() for t in travelled[0]]
    assert parsed.unpacked and travelled[0].unpacked
    list(parsed)  # read again: now the most recent
    list(travelled[1])
    assert [t.unpacked for t in (parsed, *travelled)] == [True, False, True]
    list(travelled[0])  # the parsed tokens, least recently read, are pickled and let go
    assert not parsed.unpacked and parsed._data is not None
    assert [t.as_dict() for t in travelled[0]] == first
    assert [t.content for t in parsed][1] == "Parsed here [§7]."
