"""English -> Spanish terms for the lexical side of an English query over Spanish reports.

An English question shares only names, acronyms and numbers with the Spanish passage that answers it,
so BM25 alone cannot help it. The glossary (search/data/glossary_en_es.tsv, written from the reports'
vocabulary and the IOM Glossary on Migration) gives the Spanish words for its English ones: "early
warning" -> "alerta temprana", "smugglers" -> "traficantes". English phrases are matched on stemmed
words, longest first; English country names come from the gazetteer ("Brazil" -> "Brasil").
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.lexical import ENGLISH_STOPWORDS, raw_tokens

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary_en_es.tsv"
MAX_PHRASE_WORDS = 4


def _english_words(text: str) -> list[str]:
    return [w for w in raw_tokens(text.replace("-", " ")) if w not in ENGLISH_STOPWORDS]


def _english_stems(text: str) -> tuple[str, ...]:
    from search.lexical import stemmer

    return tuple(stemmer("english").stemWords(_english_words(text)))


@dataclass(frozen=True)
class Translation:
    """What the glossary made of an English query: per English phrase or country name, its Spanish terms."""

    groups: tuple[tuple[str, ...], ...]

    @property
    def spanish(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(term for group in self.groups for term in group))

    @property
    def text(self) -> str:
        """Every Spanish alternative, for BM25."""
        return " ".join(self.spanish)

    @property
    def gloss(self) -> str:
        """The first Spanish term of each phrase, in the query's order, for the embedded query."""
        return " ".join(dict.fromkeys(group[0] for group in self.groups))


class Glossary:
    """Maps English phrases to their Spanish equivalents, by their words as written, else by their stems.

    Words as written come first because a stem can stand for several entries: "useful" and "use" are
    both "use", "informal" and "information" both "inform"; the stem takes the first entry's Spanish.
    """

    def __init__(self, entries: dict[tuple[str, ...], tuple[str, ...]],
                 exact: dict[tuple[str, ...], tuple[str, ...]] | None = None):
        self.entries = entries
        self.exact = exact or {}

    @classmethod
    def parse(cls, text: str) -> "Glossary":
        """Reads "english<TAB>spanish; spanish" lines; # starts a comment. Repeated English terms merge."""
        entries: dict[tuple[str, ...], list[str]] = {}
        exact: dict[tuple[str, ...], list[str]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            english, sep, spanish = line.partition("\t")
            if not sep or not spanish.strip():
                raise ValueError(f"glossary line {number}: expected 'english<TAB>spanish', got {line!r}")
            key = _english_stems(english)
            if not key:
                continue
            spanish_terms = [t.strip() for t in spanish.split(";") if t.strip()]
            for table, table_key in ((entries, key), (exact, tuple(_english_words(english)))):
                targets = table.setdefault(table_key, [])
                targets.extend(t for t in spanish_terms if t not in targets)
        return cls({key: tuple(values) for key, values in entries.items()},
                   {key: tuple(values) for key, values in exact.items()})

    @classmethod
    def load(cls, path: Path = GLOSSARY_FILE) -> "Glossary":
        return cls.parse(Path(path).read_text(encoding="utf-8"))

    def translate(self, query: str, lookup=None) -> Translation:
        """Gives the Spanish terms for the English words of a query, longest phrases first.

        lookup (e.g. search.wordmap.WordMap.spanish_for) gives a Spanish word or None per English word
        the glossary lacks; what it finds takes the word's place in the query. Names are left to the gazetteer.
        """
        from ingest.gazetteer import countries_named, organisation, organisation_name_spans
        from search.lexical import language_neutral_terms, stemmer

        # An organisation named in full ("South American Conference on Migration") is one term, in Spanish
        # with its acronym, and its words are not translated one by one.
        spans = organisation_name_spans(query)
        organisations = [(organisation(key).name_es, key) for _, _, key in spans]
        for start, end, _ in spans:
            query = query[:start] + " " * (end - start) + query[end:]
        words = _english_words(query)
        stems = tuple(stemmer("english").stemWords(words))
        matched: list[tuple[int, tuple[str, ...] | None]] = []  # (word position, its Spanish; None: not listed)
        i = 0
        while i < len(stems):
            for size in range(min(MAX_PHRASE_WORDS, len(stems) - i), 0, -1):
                spanish = self.exact.get(tuple(words[i:i + size])) or self.entries.get(stems[i:i + size])
                if spanish:
                    matched.append((i, spanish))
                    i += size
                    break
            else:
                matched.append((i, None))
                i += 1
        names = {word for term in language_neutral_terms(query) for word in raw_tokens(term)}
        lacking = [i for i, spanish in matched if spanish is None and words[i] not in names]
        found = dict(zip(lacking, lookup([words[i] for i in lacking]))) if lookup and lacking else {}
        translated = [spanish or (found[i],) for i, spanish in matched if spanish or found.get(i)]
        translated += [(country,) for country in countries_named(query, text_order=True)]
        translated += organisations
        return Translation(tuple(translated))


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """Gives the bundled glossary, read once per process."""
    return Glossary.load()
