"""What a question names — a country, a plenary (ordinal, year, host city), a document — read against the
index's own metadata, so that a document or plenary added tomorrow is recognised from its manifest entry.

Only what some indexed document has counts: "en México" is scope when a document is Mexico's (its
manifest `country`, or the country its text names throughout, read at ingest), or when passages name it
(then it scopes the passages and good-practice records that name it, not whole documents); "la reunión de Bogotá"
when a plenary was held in Bogotá; "the 2023 plenary" when a plenary's year is 2023; "Ley de Migración"
when a document's title shares a distinctive word with the question and the question says what kind
of document it is (ley / law, reglamento / regulation, lineamientos / guidelines, informe / report).
The searcher raises the passages of the documents in scope; the user's explicit filters still decide.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.gazetteer import countries_meant, fold

# The kinds of document a question can name, in both languages.
_DOCUMENT_WORDS = re.compile(r"\b(?:ley|leyes|laws?|acts?|reglamentos?|regulations?|lineamientos?|guidelines?|"
                             r"decretos?|decrees?|informes?|reports?|acuerdos?|protocolos?|protocols?|codigos?|codes?)\b")
_ORDINALS = {"primera": 1, "first": 1, "segunda": 2, "second": 2, "tercera": 3, "third": 3, "cuarta": 4,
             "fourth": 4, "quinta": 5, "fifth": 5, "sexta": 6, "sixth": 6, "septima": 7, "seventh": 7,
             "octava": 8, "eighth": 8, "novena": 9, "ninth": 9, "decima": 10, "tenth": 10}
_PLENARY_WORDS = r"(?:plenaria|plenary|reunion|meeting|conferencia|conference)"


@dataclass
class Scope:
    """What a question was read to name; each part lists the indexed documents it points to."""

    countries: list[str] = field(default_factory=list)  # canonical names: "México"
    plenaries: list[str] = field(default_factory=list)  # "V"
    years: list[int] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)  # as the manifest writes them: "Bogotá, Colombia"
    documents: list[str] = field(default_factory=list)  # doc_ids named by title
    parts: list[str] = field(default_factory=list)  # a numbered part of a report, as ingest names it: "session 3"
    doc_ids: list[str] = field(default_factory=list)  # every document in scope
    # what the question names that nothing indexed has: a plenary no report is of and no passage names ("VI"),
    # a meeting year no plenary was held in and no passage names; the reports cannot answer it
    absent: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.doc_ids or self.countries)

    def to_dict(self) -> dict:
        return asdict(self)

    def named(self) -> list[str]:
        """Gives what the question named, each once, as values for search(without_scope=...) and for chips."""
        values = [*self.countries, *self.plenaries, *map(str, self.years), *self.cities, *self.documents, *self.parts]
        return list(dict.fromkeys(str(v) for v in values))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


class ScopeReader:
    """Reads a question's scope against the documents of one index generation."""

    def __init__(self, documents: dict, stem=None, countries=(), texts=(), parts=()):
        self.documents = documents  # doc_id -> ingest.records.DocumentMeta
        self.parts = set(parts)  # the parts the passages are in ("session 3", "roadmap 2"): only those are scope
        # the plenaries and years the passages speak of ("la primera plenaria conjunta", "en 2022"): named in
        # a question, they are not absent even when no report is of them
        words = {w for text in texts for w in _words(text)}
        self._plenaries_in_text = {p for p in map(str.upper, words) if re.fullmatch(r"[IVXL]{1,6}", p)}
        self._plenaries_in_text |= {p for text in texts for p in _plenaries_named(" ".join(_words(text)))}
        self._years_in_text = {int(w) for w in words if re.fullmatch(r"(?:19|20)\d\d", w)}
        # countries the passages or practice records name: "What did Costa Rica share?" is scoped to Costa Rica
        # (its records, the passages naming it) though no document is Costa Rica's
        self.countries_named = set(countries)
        self._stem = stem or (lambda words: words)
        # the words that say what kind of document or meeting it is name no one document
        stems_by_doc = {doc_id: set(self._stem([w for w in _words(meta.title) if not _DOCUMENT_WORDS.fullmatch(w)
                                                 and not re.fullmatch(_PLENARY_WORDS, w)]))
                        for doc_id, meta in documents.items()}
        # a title word is distinctive when few titles share it ("refugiados", not "ley")
        counts: dict[str, int] = {}
        for stems in stems_by_doc.values():
            for s in stems:
                counts[s] = counts.get(s, 0) + 1
        limit = max(1, len(documents) // 2)
        self._title_stems = {doc_id: {s for s in stems if counts[s] <= limit and len(s) >= 4 and not s.isdigit()}
                             for doc_id, stems in stems_by_doc.items()}

    def read(self, query: str, *, extra: str = "", ignore=(), of_meetings: bool = False) -> Scope:
        """Gives the scope of a question; extra is more text to read names from (an English query's Spanish),
        ignore the values (Scope.named) the user took out of the scope. A year is a meeting's when the question
        names a meeting, or when of_meetings says what it asks for happens at meetings (practices shared)."""
        ignored = {fold(str(value)) for value in ignore}
        folded = " ".join(_words(f"{query} {extra}"))
        # what the question says, read once; each document is then checked against it
        meant = countries_meant(query)
        countries = set(meant)
        plenaries = _plenaries_named(folded)
        meeting = of_meetings or bool(re.search(_PLENARY_WORDS, folded))
        document_stems = set(self._stem(folded.split())) if _DOCUMENT_WORDS.search(folded) else set()
        # "la plenaria de Panamá", "the Panama meeting": the plenary Panama hosted, not Panama's own words
        hosted = {}  # doc_id -> True when the question names that plenary by its host country
        for doc_id, meta in self.documents.items():
            host, city = _host_country(meta.city), fold((meta.city or "").split(",")[0]).strip()
            as_host = host_mentions(host, folded) if host else 0
            hosted[doc_id] = bool(as_host)
            named = len(re.findall(rf"\b{re.escape(fold(host))}\b", folded)) if host else 0
            in_city = len(re.findall(rf"\b{re.escape(city)}\b", folded)) if host and fold(host) in city else 0
            if named and named <= as_host + in_city:  # every mention names the meeting
                countries.discard(host)
                meant = [c for c in meant if c != host]
        scope = Scope()
        for doc_id, meta in self.documents.items():
            city = fold(meta.city.split(",")[0]).strip() if meta.city else ""
            reasons = [
                ("countries", meta.country) if meta.country in countries else None,
                ("years", meta.year) if meta.year and meeting and re.search(rf"\b{meta.year}\b", folded) else None,
                ("plenaries", meta.plenary) if meta.plenary and str(meta.plenary).upper() in plenaries else None,
                ("cities", meta.city) if city and (re.search(rf"\b{re.escape(city)}\b", folded) or hosted.get(doc_id))
                else None,
                ("documents", doc_id) if self._title_stems.get(doc_id, set()) & document_stems else None,
            ]
            reasons = [(part, value) for part, value in filter(None, reasons) if fold(str(value)) not in ignored]
            for part, value in reasons:
                values = getattr(scope, part)
                if value not in values:
                    values.append(value)
            if reasons and doc_id not in scope.doc_ids:
                scope.doc_ids.append(doc_id)
        for country in (c for c in meant if c in self.countries_named):
            if country not in scope.countries and fold(country) not in ignored:
                scope.countries.append(country)
        scope.parts = [part for part in parts_named(folded) if part in self.parts and fold(part) not in ignored]
        scope.absent = self._absent(folded, plenaries, meeting, any_year=of_meetings)
        return scope

    def _absent(self, folded: str, plenaries: set[str], meeting: bool, any_year: bool = False) -> list[str]:
        """Gives what a question names that no indexed document, passage or record has (Scope.absent); a year
        counts when it names a meeting ("la plenaria de 2019"), or anywhere when any_year."""
        held = {str(m.plenary).upper() for m in self.documents.values() if m.plenary}
        years = {m.year for m in self.documents.values() if m.plenary and m.year}
        absent = [f"{p} Plenaria" for p in sorted(plenaries - held - self._plenaries_in_text)] if held else []
        if held and meeting:
            pattern = (r"\b(20\d\d|19\d\d)()\b" if any_year else r"\b(20\d\d|19\d\d)\s+(?:" + _PLENARY_WORDS + r")|(?:"
                       + _PLENARY_WORDS + r")\s+(?:de\s+|of\s+|in\s+)?(20\d\d|19\d\d)\b")
            for year in re.findall(pattern, folded):
                number = int(year[0] or year[1])
                if number not in years and number not in self._years_in_text:
                    absent.append(str(number))
        return list(dict.fromkeys(absent))


def _host_country(city: str | None) -> str:
    """Gives the country of a host city as the manifest writes it ("Ciudad de Panamá, Panamá" -> "Panamá")."""
    return city.rsplit(",", 1)[1].strip() if city and "," in city else ""


def _host_pattern(country: str) -> str:
    name = re.escape(fold(country))
    meeting = rf"(?:{_PLENARY_WORDS}|reports?|informe)"
    return rf"\b{meeting}\s+(?:de|en|in|of|held in|celebrada en)\s+{name}\b|\b{name}\s+(?:\d{{4}}\s+)?{meeting}\b"


def host_mentions(country: str, folded: str) -> int:
    """Gives how often a question names a country as the host of a meeting ("la reunión de Panamá")."""
    return len(re.findall(_host_pattern(country), folded))


# "the sixth CRM-CSM joint plenary": the conferences' names and "joint" may stand between the number and the word
_PLENARY_MENTION = re.compile(rf"\b([ivx]{{1,4}}|\d{{1,2}}(?:st|nd|rd|th|a|o)?|{'|'.join(_ORDINALS)})"
                              rf"(?:\s+(?:joint|conjunta|crm|csm|regional|annual|anual)){{0,3}}\s+{_PLENARY_WORDS}")


def _plenaries_named(folded: str) -> set[str]:
    """Gives the plenaries a question names by numeral or ordinal ("V Plenaria", "fifth plenary"), as Roman numerals."""
    from search.filters import canonical_plenary

    named = set()
    for match in _PLENARY_MENTION.finditer(folded):
        word = match.group(1)
        number = _ORDINALS.get(word)
        named.add(canonical_plenary(number if number else re.sub(r"(st|nd|rd|th|a|o)$", "", word)).upper())
    return named


# A numbered part of a report, as ingest.structure names it: "la sesión 3", "the third session", "Session 4",
# "la hoja de ruta 2", "roadmap 1".
_PART_NOUNS = {"sesion": "session", "session": "session", "hoja de ruta": "roadmap", "roadmap": "roadmap"}
_PART_MENTION = re.compile(rf"\b(?:({'|'.join(_ORDINALS)}|\d{{1,2}}(?:st|nd|rd|th|a|o)?)\s+)?"
                           rf"({'|'.join(_PART_NOUNS)})(?:\s+(?:n[o°]\s*)?(\d{{1,2}}))?\b")


def parts_named(folded: str) -> list[str]:
    """Gives the numbered parts a folded question names ("session 3" for "la tercera sesión" or "Session 3")."""
    named = []
    for match in _PART_MENTION.finditer(folded):
        before, noun, after = match.groups()
        number = after or (str(_ORDINALS[before]) if before in _ORDINALS else re.sub(r"\D", "", before or ""))
        if number:
            named.append(f"{_PART_NOUNS[noun]} {int(number)}")
    return list(dict.fromkeys(named))
