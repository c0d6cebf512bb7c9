"""Cutting a document into passages: the units that are embedded, searched and cited."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.clean import Paragraph, _is_heading_line, clean_pages, is_list_item, is_url
from ingest.records import Chunk, DocumentMeta, Page
from ingest.gazetteer import COUNTRIES, countries_named  # noqa: F401  (COUNTRIES: re-exported)
from ingest.structure import Section, build_sections

_SENTENCE_END = re.compile(r"(?<=[.!?»”])\s+(?=[A-ZÁÉÍÓÚÑ¿¡«“(•0-9])")
# Words whose full stop ends an abbreviation, not a sentence, though a capital or a number follows:
# "EE. UU.", "el Sr. Pérez", "art. 111", "p. 4", "No. 5", "Mr. Smith". Compared with the word before a
# candidate sentence end; a single capital letter ("J. Pérez") is an initial and counts too.
_ABBREVIATIONS = frozenset("""
    EE. Sr. Sra. Srta. Sres. Sras. Srs. Dr. Dra. Dres. Lic. Licda. Ing. Arq. Mtro. Mtra. Prof. Profa.
    Excmo. Excma. Excmos. Emb. Embaj. Gral. Cnel. Min. Pdte. Sto. Sta. Av. Avda. Cía. Dpto. Depto.
    art. Art. arts. Arts. núm. Núm. No. Nos. p. pp. pág. págs. Pág. cap. Cap. inc. fracc.
    lit. párr. Vol. vol. ej. aprox. cf. vs. ss.
    Mr. Mrs. Ms. Messrs. St. Sec. sec. para. e.g. i.e. U.S. U.K. U.N.
""".split())
_INITIAL = re.compile(r"[A-ZÁÉÍÓÚÑ]\.")
_MIN_WORDS = 8


@dataclass
class _Unit:
    """Text that should stay together in a passage (a paragraph, or a list with its lead-in)."""

    text: str
    page: int | None
    is_list: bool = False


def word_count(text: str) -> int:
    """Return the number of whitespace-separated words."""
    return len(text.split())


def split_sentences(text: str) -> list[str]:
    """Return the sentences of a paragraph; a full stop that ends an abbreviation ("EE. UU.", "Sr.", "art.")
    does not end a sentence."""
    sentences, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        words = text[start:boundary.start()].split()
        last = words[-1].lstrip("(«“\"'¿¡") if words else ""
        if last in _ABBREVIATIONS or _INITIAL.fullmatch(last):
            continue
        sentences.append(text[start:boundary.start()])
        start = boundary.end()
    sentences.append(text[start:])
    return [s for s in sentences if s.strip()]


def _units(paragraphs: list[Paragraph], max_words: int) -> list[_Unit]:
    """Return paragraphs grouped so a lead-in line and its list items travel together while they fit."""
    units: list[_Unit] = []
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        # a lead-in ends with ':' ('... durante la sesión:') or is a title in capitals ('BUENAS PRÁCTICAS ...')
        introduces = para.text.rstrip().endswith(":") or _is_heading_line(para.text)
        lead_in = introduces and i + 1 < len(paragraphs) and is_list_item(paragraphs[i + 1].text)
        if not (lead_in or is_list_item(para.text)):
            units.append(_Unit(para.text, para.page))
            i += 1
            continue
        j = i + 1
        while j < len(paragraphs) and (is_list_item(paragraphs[j].text) or is_url(paragraphs[j].text)):
            j += 1
        units.extend(_list_units(paragraphs[i:j], max_words, has_lead_in=lead_in))
        i = j
    return units


def _list_units(items: list[Paragraph], max_words: int, *, has_lead_in: bool) -> list[_Unit]:
    """Return a list cut into groups of at most max_words, each repeating the lead-in so it reads alone."""
    lead = items[0].text if has_lead_in else None
    body = items[1:] if has_lead_in else items
    groups: list[_Unit] = []
    current: list[Paragraph] = []
    for item in body:
        size = sum(word_count(p.text) for p in current) + word_count(item.text) + word_count(lead or "")
        # a passage cites one page: an item printed on the next page starts a new group
        if current and (size > max_words or item.page != current[0].page):
            groups.append(_list_unit(lead, current))
            current = []
        current.append(item)
    if current or lead:
        groups.append(_list_unit(lead, current, page=items[0].page))
    return groups


def _list_unit(lead: str | None, items: list[Paragraph], page: int | None = None) -> _Unit:
    """Return one list group as a unit, one item a line."""
    lines = ([lead] if lead else []) + [p.text for p in items]
    return _Unit("\n".join(lines), items[0].page if items else page, is_list=True)


def _pieces(unit: _Unit, target_words: int, max_words: int, overlap_sentences: int) -> list[_Unit]:
    """Return a unit longer than max_words cut at sentence boundaries, neighbours sharing overlap sentences."""
    if word_count(unit.text) <= max_words:
        return [unit]
    sentences = [part for sentence in split_sentences(unit.text)
                 for part in _word_windows(sentence, target_words, max_words)]
    pieces: list[_Unit] = []
    current: list[str] = []
    for sentence in sentences:
        if current and word_count(" ".join(current + [sentence])) > target_words:
            pieces.append(_Unit(_join_sentences(current), unit.page, unit.is_list))
            current = current[-overlap_sentences:] if overlap_sentences else []
            if word_count(" ".join(current + [sentence])) > max_words:
                current = []
        current.append(sentence)
    if current:
        pieces.append(_Unit(_join_sentences(current), unit.page, unit.is_list))
    return pieces


def _join_sentences(sentences: list[str]) -> str:
    """Return sentences as one text; a footnote (with_notes) keeps its own line."""
    text = ""
    for sentence in sentences:
        starts_note = any(sentence.startswith(word + ": ") for word in _NOTE_WORD.values())
        text += ("\n" if starts_note else " ") + sentence if text else sentence
    return text


def _word_windows(sentence: str, target_words: int, max_words: int) -> list[str]:
    """Return a sentence longer than max_words cut every target_words words, else the sentence itself.

    Text with no sentence ends (a very long line, a flattened table) must still give passages of a
    size the model reads whole and a reader can take in.
    """
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    return [" ".join(words[i:i + target_words]) for i in range(0, len(words), target_words)]


def _pack(units: list[_Unit], target_words: int, max_words: int) -> list[_Unit]:
    """Return units packed into passages: grow while under target_words and within max_words."""
    passages: list[_Unit] = []
    for unit in units:
        if passages:
            last = passages[-1]
            size = word_count(last.text) + word_count(unit.text)
            small = word_count(unit.text) < _MIN_WORDS or word_count(last.text) < _MIN_WORDS
            # a list of practices reads best as its own passage, not glued to the prose before it
            same_kind = last.is_list == unit.is_list
            # a passage cites one page: text from the next page starts a new passage
            same_page = last.page == unit.page
            if same_page and ((same_kind and word_count(last.text) < target_words and size <= max_words)
                              or (small and size <= max_words * 1.25)):
                last.text = last.text + "\n" + unit.text
                continue
        passages.append(_Unit(unit.text, unit.page, unit.is_list))
    return passages


# What a passage that is not body text is, said in the document's language: embedded with the passage
# (Chunk.context) so "who represented Guatemala" or "the photo of the opening" can find it.
_ROLE_CONTEXT = {
    "caption": {"es": "Pie de foto: quiénes aparecen en la fotografía, su cargo y organización",
                "en": "Photo caption: who is in the photograph, their post and organisation"},
    "delegation": {"es": "Lista de asistencia: delegación de {label}, integrantes y cargos",
                   "en": "Attendance list: delegation of {label}, members and posts"},
}
_NOTE_WORD = {"es": "Nota", "en": "Note", "pt": "Nota", "fr": "Note"}


def _language(meta: DocumentMeta, sections: list[Section]) -> str:
    """Return the language the words Puente adds to a document's passages are said in: the manifest's, else
    the one its text uses most (a file without a manifest entry is taken for Spanish by default)."""
    language = meta.language
    if not meta.from_manifest:
        from ingest.fetch import guess_language  # standard library only; the text of the first sections

        language = guess_language(" ".join(p.text for s in sections[:20] for p in s.paragraphs)) or language
    return language if language in _NOTE_WORD else "en"


def with_notes(para: Paragraph, language: str = "es") -> str:
    """Return a paragraph's text followed by the footnotes it cites, one a line ("Nota: CICR, OIT, ...")."""
    word = _NOTE_WORD.get(language, _NOTE_WORD["en"])
    return "\n".join([para.text] + [f"{word}: {note}" for note in para.notes])


def chunk_sections(meta: DocumentMeta, sections: list[Section], *, target_words: int = 120,
                   max_words: int = 200, overlap_sentences: int = 1) -> list[Chunk]:
    """Return the passages of already-structured sections; passages never cross a section.

    A paragraph's footnotes are part of its passage. A photo caption is a passage of its own (role
    "caption"), and so is each delegation of an attendance list (role "delegation", its country as the
    passage's country), split only when too long, its title line repeated: neither is packed with body text,
    and both come after the section's body passages.
    """
    chunks: list[Chunk] = []
    language = _language(meta, sections)

    def add(text: str, section: Section, page: int | None, *, role: str = "", countries=None,
            context: str | None = None) -> None:
        text = text.strip()
        if text:
            chunks.append(Chunk(chunk_id=f"{meta.doc_id}:{len(chunks):04d}", doc_id=meta.doc_id, text=text,
                                section=section.heading, page=page, part=section.part,
                                countries=countries_named(text) if countries is None else countries,
                                role=role, context=context))

    for section in sections:
        body = [replace(p, text=with_notes(p, language)) for p in section.paragraphs if not p.role]
        units = [piece for unit in _units(body, max_words)
                 for piece in _pieces(unit, target_words, max_words, overlap_sentences)]
        for passage in _pack(units, target_words, max_words):
            add(passage.text, section, passage.page)
        for para in (p for p in section.paragraphs if p.role):
            context = _ROLE_CONTEXT.get(para.role, {}).get(language, "").format(label=para.label) or None
            if para.role == "delegation":
                title, *members = para.text.splitlines()
                items = [Paragraph(title, para.page)] + [Paragraph(m, para.page) for m in members]
                for unit in _list_units(items, max_words, has_lead_in=True):
                    add(unit.text, section, para.page, role="delegation", context=context,
                        countries=[para.country] if para.country else [])
            else:
                for piece in _pieces(_Unit(para.text, para.page), target_words, max_words, overlap_sentences):
                    add(piece.text, section, piece.page, role=para.role, context=context)
    return chunks


def chunk_document(meta: DocumentMeta, pages: list[Page], *, target_words: int = 120, max_words: int = 200,
                   overlap_sentences: int = 1) -> list[Chunk]:
    """Return the passages of a document's raw pages, cut the way its kind is laid out (ingest.kinds)."""
    from ingest.kinds import cut_document

    chunking = {"target_words": target_words, "max_words": max_words, "overlap_sentences": overlap_sentences}
    return cut_document(meta, pages, chunking).chunks
