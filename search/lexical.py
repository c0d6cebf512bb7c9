"""Lexical retrieval: BM25 over accent-folded, stemmed Spanish text, and the query analysis that feeds it."""
from __future__ import annotations

import re
import unicodedata

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")

SPANISH_STOPWORDS = frozenset("""
a al algo algun alguna algunas alguno algunos ante antes aqui asi aun cada como con contra cual cuales
cuando de del desde donde dos e el ella ellas ellos en entre era es esa esas ese eso esos esta estaba
estado estan estar estas este esto estos fue fueron ha habia han hasta hay la las le les lo los mas me
mi mientras muy ni no nos o otra otras otro otros para pero poco por porque que quien quienes se sea
segun ser si sido sin sobre sola solo son su sus tambien tan tanto te tiene tienen todo todos tras tu
un una unas uno unos y ya cual cuantos cuantas cuanto que dijo dijeron hizo hicieron
""".split())

ENGLISH_STOPWORDS = frozenset("""
a about after all also an and any are as at be been but by can could did do does for from had has have
how i if in into is it its more most no not of on or our out over said say says she should so some such
than that the their them then there these they this those to up was we were what when where which who
whom why will with would you your did share shared tell me show propose proposed
""".split())

_STEMMERS: dict[str, object] = {}


def fold(text: str) -> str:
    """Gives text in lower case without accents, as the matching rules compare it."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stemmer(language: str):
    if language not in _STEMMERS:
        import Stemmer  # PyStemmer: Snowball stemmers in C

        _STEMMERS[language] = Stemmer.Stemmer(language)
    return _STEMMERS[language]


def raw_tokens(text: str) -> list[str]:
    """Gives the folded word tokens of a text ("Decreto 181/2023" -> ["decreto", "181/2023"])."""
    return _TOKEN.findall(fold(text))


def analyse(text: str, *, stopwords=SPANISH_STOPWORDS | ENGLISH_STOPWORDS) -> list[str]:
    """Gives the index terms of a text: folded, stop words dropped, Spanish-stemmed."""
    words = [w for w in raw_tokens(text) if w not in stopwords and len(w) > 1]
    return _stemmer("spanish").stemWords(words)


def detect_language(query: str) -> str:
    """Gives "es" or "en" for a query: Spanish marks and stop words against English ones."""
    if re.search(r"[¿¡ñ]", query.lower()):
        return "es"
    words = raw_tokens(query)
    spanish = sum(w in SPANISH_STOPWORDS and w not in ENGLISH_STOPWORDS for w in words)
    english = sum(w in ENGLISH_STOPWORDS and w not in SPANISH_STOPWORDS for w in words)
    if english > spanish:
        return "en"
    if spanish > english:
        return "es"
    accented = any(ch in "áéíóú" for ch in query.lower())
    return "es" if accented else "en"


def language_neutral_terms(query: str) -> list[str]:
    """Gives the words of a query that mean the same in any language: acronyms, numbers and names.

    An English query over Spanish text shares only these with its answer; letting its other words vote
    in BM25 would reward passages that merely quote English words.
    """
    neutral = []
    for match in re.finditer(r"[\wÀ-ÿ][\w.À-ÿ/-]*", query):
        word = match.group(0).strip(".")
        is_acronym = len(word) >= 2 and sum(c.isupper() for c in word) >= 2
        has_digit = any(c.isdigit() for c in word)
        is_name = word[:1].isupper() and match.start() > 0 and word.lower() not in ENGLISH_STOPWORDS
        if is_acronym or has_digit or is_name:
            neutral.append(word)
    return neutral


class LexicalIndex:
    """BM25 over passages; scores every passage for a query (fast enough up to ~1e5 passages)."""

    def __init__(self, texts: list[str]):
        import bm25s

        self._bm25 = bm25s.BM25()
        tokenized = [analyse(t) or ["_empty_"] for t in texts]
        self._bm25.index(tokenized, show_progress=False)
        self._vocab = self._bm25.vocab_dict
        self.size = len(texts)

    def knows(self, terms: list[str]) -> bool:
        """Tells whether every analysed term occurs in some passage (True for no terms)."""
        return all(t in self._vocab for t in terms)

    def scores(self, terms: list[str]) -> np.ndarray:
        """Gives the BM25 score of every passage for already-analysed terms (zeros if none is known)."""
        known = [t for t in terms if t in self._vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
