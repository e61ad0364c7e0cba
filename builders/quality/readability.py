"""Reading-level figures: Flesch reading ease and Flesch–Kincaid grade (English), Kandel–Moles
reading ease (French), average sentence length.

Syllables are counted as Pyphen hyphenation points + 1, the method of textstat up to 0.7.8, so
the figures match the starting bands of the content guide; the bands in bands.yaml are
calibrated on this project's own lessons. Everything runs offline: Pyphen ships its dictionaries.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pyphen import Pyphen

from builders.memo import keep
from builders.model import Lesson
from builders.quality.prose import text_blocks

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A run of marks is tried from its first mark only: from each mark of it, a long run of marks
# not ending a sentence ("....x") took time growing with its square.
SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]+[»”\"')\]]*(?=\s|$)")
ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|art|arts|no|p|pp|M|Mme|Dr|cf|vs|ex)\.", re.I)

LONGEST_WORD = 60  # letters; longer runs are no words of a lesson

# Reading-ease formulas: constant − a·(words per sentence) − b·(syllables per word).
EASE = {"en": (206.835, 1.015, 84.6), "fr": (207.0, 1.015, 73.6)}
FORMULA_NAME = {"en": "Flesch reading ease", "fr": "Kandel–Moles reading ease"}


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    ease: float  # Flesch (en) or Kandel–Moles (fr); 0–100, higher is easier
    grade: float | None  # Flesch–Kincaid grade, English only

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


@lru_cache(maxsize=8)
def _hyphenator(lang: str) -> Pyphen | None:
    try:
        return Pyphen(lang=lang)
    except KeyError:
        return None


@lru_cache(maxsize=65536)
def syllables(word: str, lang: str) -> int:
    """Hyphenation points + 1; vowel groups for a language Pyphen lacks, or for a "word" too long
    to be one (Pyphen takes seconds over a run of 100,000 letters)."""
    dictionary = _hyphenator(lang) if len(word) <= LONGEST_WORD else None
    if dictionary is None:
        return max(1, len(re.findall(r"[aeiouyàâäéèêëîïôöùûüœæ]+", word.lower())))
    return len(dictionary.positions(word.lower())) + 1


def measure_text(blocks: list[str], lang: str) -> Readability:
    """Figures for a list of text blocks; each block ends a sentence even without a full stop.
    Blocks hold no line breaks, so the blocks with words are measured joined by them."""
    worded = [block for block in blocks if WORD.search(block)]
    text = "\n".join(worded)
    tokens = WORD.findall(text)
    words = len(tokens)
    syll = sum(count * syllables(word, lang) for word, count in Counter(tokens).items())
    cleaned = ABBREVIATIONS.sub("", text)
    unfinished = sum(
        1 for block in cleaned.split("\n") if not SENTENCE_END.search(block.rstrip()[-4:])
    )
    sentences = len(SENTENCE_END.findall(cleaned)) + (unfinished if worded else 0)
    if not words or not sentences:
        return Readability(words, sentences, syll, 0.0, None)
    constant, per_sentence, per_syllable = EASE.get(lang, EASE["en"])
    wps, spw = words / sentences, syll / words
    ease = constant - per_sentence * wps - per_syllable * spw
    grade = 0.39 * wps + 11.8 * spw - 15.59 if lang == "en" else None
    return Readability(
        words, sentences, syll, round(ease, 1), None if grade is None else round(grade, 1)
    )


MEASURED_LIMIT = 10_000  # lessons whose figures are kept
_MEASURED: dict[tuple[str, str, str], Readability] = {}


def remember_measure(lesson: Lesson, figures: Readability) -> None:
    _MEASURED[(lesson.path, lesson.digest, lesson.lang)] = figures


def measure_lesson(lesson: Lesson) -> Readability:
    """Figures for a lesson's learner-facing paragraphs and list items (headings left out);
    measured once per version of the lesson (the quality gate and the report both ask)."""
    key = (lesson.path, lesson.digest, lesson.lang)
    if key in _MEASURED:
        return _MEASURED[key]
    blocks = [b.text for b in text_blocks(lesson) if b.kind != "heading"]
    return keep(_MEASURED, key, measure_text(blocks, lesson.lang), MEASURED_LIMIT)
