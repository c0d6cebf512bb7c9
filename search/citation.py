"""Citations of a passage: the short one every hit carries, APA and Chicago in the reader's language, and RIS
and BibTeX records for reference managers (Zotero, Mendeley, EndNote, LaTeX).

Pure functions over a search.records.Hit (any object with its fields). The words around the report's own
(plenary, page, section, "no date") follow `lang`, "es" or "en"; the report's title, its section heading and
its city stay as the document writes them. A citation's URL is the document's source when that is a web
address: the PDF the app serves from its corpus folder is a local copy, not an address to cite.

    from search.citation import apa, chicago, ris, bibtex
    print(apa(hit, "en").text())
    open("puente.ris", "w", encoding="utf-8").write(ris([hit]))
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

WORDS = {
    "plenary": {"es": "{plenary} Plenaria", "en": "{plenary} Plenary"},
    "section": {"es": "sección «{section}»", "en": "section “{section}”"},
    "unpaginated": {"es": "sin paginación", "en": "unpaginated"},
    "no_page": {"es": "s. p.", "en": "n.p."},  # Chicago's "no page"
    "no_date": {"es": "s. f.", "en": "n.d."},  # APA's "no date"
}
RIS_TYPES = {"law": "STAT"}  # a report, a linked document or an agency report: RPRT
LANGUAGE_NAMES = {"es": "spanish", "en": "english", "pt": "portuguese", "fr": "french"}  # BibTeX/babel names


def _word(key: str, lang: str, **values) -> str:
    table = WORDS[key]
    return table.get(lang, table["es"]).format(**values)


def web_address(source: str | None) -> str | None:
    """Gives the source when it is a web address (http or https), else None (a publisher's name, a note)."""
    source = (source or "").strip()
    return source if re.fullmatch(r"https?://\S+", source) else None


# -- the short citation every hit carries (search --json, the API, the exports) ----------------------------------

def short(hit, lang: str = "es") -> str:
    """Gives "Informe ... · V Plenaria (Bogotá, Colombia, 2024) · SESIÓN 3 · p. 12", or for a law
    "Ley de Migración (México), art. 111, p. 43", the way a lawyer cites it."""
    page = _pages(hit, lang)
    if hit.article:
        return f"{_title(hit)}, art. {hit.article}, {page}"
    parts = [hit.title]
    if hit.plenary and hit.year:
        place = f"{hit.city}, " if hit.city else ""
        parts.append(f"{_word('plenary', lang, plenary=hit.plenary)} ({place}{hit.year})")
    if hit.section:
        parts.append(hit.section)
    parts.append(page)
    return " · ".join(parts)


def _pages(hit, lang: str) -> str:
    pages = hit.pages()
    if not pages:
        return _word("unpaginated", lang)
    return f"pp. {pages}" if "-" in pages else f"p. {pages}"


def _title(hit) -> str:
    """Gives the title a reference names: a law's article says which country's law it is ("Ley de Migración
    (México)")."""
    if hit.article and hit.country and hit.country not in hit.title:
        return f"{hit.title} ({hit.country})"
    return hit.title


# -- APA and Chicago: text with its title in italics ----------------------------------------------------------------

@dataclass(frozen=True)
class Citation:
    """A formatted citation as pieces; the title piece is set in italics where formatting exists."""

    pieces: tuple[tuple[str, bool], ...]  # (text, is the title)

    def text(self) -> str:
        """Gives the citation as plain text (what is copied to the clipboard)."""
        return "".join(text for text, _ in self.pieces)

    def html(self, title_lang: str = "es") -> str:
        """Gives the citation as escaped HTML, the title in <i> marked with the document's language."""
        return "".join(f'<i lang="{escape(title_lang)}">{escape(text)}</i>' if is_title else escape(text)
                       for text, is_title in self.pieces)


def _where(hit, lang: str, *, bare_page: bool) -> list[str]:
    """Gives the locator: the article or section, then the page (Chicago's bare number with bare_page)."""
    parts = [f"art. {hit.article}"] if hit.article else []
    if hit.section and not hit.article:
        parts.append(_word("section", lang, section=hit.section))
    pages = hit.pages()
    if bare_page:
        parts.append(pages.replace("-", "–") if pages else _word("no_page", lang))
    else:
        parts.append(_pages(hit, lang).replace("-", "–"))
    return parts


def _meeting(hit, lang: str) -> list[str]:
    """Gives "V Plenaria", "Bogotá, Colombia" (what there is), for a report of a plenary; a law's country."""
    parts = [_word("plenary", lang, plenary=hit.plenary)] if hit.plenary else []
    if hit.city:
        parts.append(hit.city)
    return parts


def apa(hit, lang: str = "es") -> Citation:
    """Gives the APA (7th ed.) reference of a passage, without an author (the title leads):
    "Informe de la V Reunión Plenaria CRM-CSM (V Plenaria, Bogotá, Colombia). (2024). Sección «…», p. 12. URL"""
    title = _title(hit)
    meeting = _meeting(hit, lang)
    pieces = [(title, True), (f" ({', '.join(meeting)})" if meeting else "", False),
              (f". ({hit.year or _word('no_date', lang)}). ", False),
              (_capital(", ".join(_where(hit, lang, bare_page=False))) + ".", False)]
    url = web_address(hit.source)
    if url:
        pieces.append((f" {url}", False))
    return Citation(tuple(p for p in pieces if p[0]))


def chicago(hit, lang: str = "es") -> Citation:
    """Gives the Chicago (17th ed., note) citation of a passage:
    "Informe de la V Reunión Plenaria CRM-CSM (V Plenaria, Bogotá, Colombia, 2024), sección «…», 12, URL."."""
    title = _title(hit)
    published = [*_meeting(hit, lang), *([str(hit.year)] if hit.year else [])]
    pieces = [(title, True), (f" ({', '.join(published)})" if published else "", False),
              (", " + ", ".join(_where(hit, lang, bare_page=True)), False)]
    url = web_address(hit.source)
    if url:
        pieces.append((f", {url}", False))
    if not pieces[-1][0].endswith("."):  # "n.p." ends the note already
        pieces.append((".", False))
    return Citation(tuple(p for p in pieces if p[0]))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- RIS and BibTeX: records for reference managers ----------------------------------------------------------------

def ris(hits, languages: dict[str, str] | None = None) -> str:
    """Gives the hits as RIS records (CRLF line ends, UTF-8 text): TY first, ER last, one value a line."""
    languages = languages or {}
    records = []
    for hit in hits:
        pages = (hit.pages() or "").split("-")
        url = web_address(hit.source)
        tags = [("TY", RIS_TYPES.get(hit.doc_type, "RPRT")), ("TI", _title(hit)),
                ("T2", _word("plenary", "es", plenary=hit.plenary) if hit.plenary else ""),
                ("PY", str(hit.year or "")), ("CY", hit.city or ""), ("SP", pages[0]),
                ("EP", pages[1] if len(pages) > 1 else ""), ("UR", url or ""),
                ("LA", languages.get(hit.doc_id, "")), ("ID", hit.chunk_id),
                ("N1", short(hit)), ("N1", "" if url else hit.source or "")]
        lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value]
        records.append("\r\n".join(lines + ["ER  - "]) + "\r\n")
    return "\r\n".join(records)


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


# braces as commands, not \{ \}: BibTeX counts every brace, escaped or not, to find where a field ends
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&",
                   "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}


def bibtex_escape(text: str) -> str:
    """Gives text safe inside a braced BibTeX field: LaTeX's special characters escaped, accents kept as UTF-8."""
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in _one_line(text))


def bibtex_key(hit) -> str:
    """Gives the entry's key: the passage id with only the characters BibTeX allows in a key."""
    return re.sub(r"[^A-Za-z0-9:._-]", "-", hit.chunk_id or hit.doc_id) or "puente"


def bibtex(hits, languages: dict[str, str] | None = None) -> str:
    """Gives the hits as BibTeX @misc entries (no author: the reports and laws name none), title case kept."""
    languages = languages or {}
    entries = []
    for hit in hits:
        url = web_address(hit.source)
        fields = [("title", "{" + bibtex_escape(_title(hit)) + "}"),
                  ("howpublished", bibtex_escape(", ".join(_meeting(hit, "es")))),
                  ("year", str(hit.year or "")), ("address", bibtex_escape(hit.city or "")),
                  ("pages", (hit.pages() or "").replace("-", "--")),
                  ("note", bibtex_escape(", ".join(_where(hit, "es", bare_page=False)))),
                  ("url", _bibtex_url(url) if url else ""),
                  ("language", LANGUAGE_NAMES.get(languages.get(hit.doc_id, ""), ""))]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@misc{{{bibtex_key(hit)},\n{body}\n}}\n")
    return "\n".join(entries)


def _bibtex_url(url: str) -> str:
    """Gives a URL for BibTeX's url field (read verbatim): the characters that would break the field encoded."""
    return "".join({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"}.get(c, c) for c in url)
