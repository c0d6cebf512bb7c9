"""Good-practice records: every item of the reports' lists of "buenas prácticas, políticas y herramientas".

After each session the reports list what countries shared, in two formats:

- 2024: ``Name | Country`` lines, several countries joined by ";", "/" or "y"
  ("Acuerdo Centroamericano de Libre Movilidad (CA-4) | Guatemala /El Salvador /Honduras /Nicaragua");
- 2023: bullets, ``• Name - Country``, ``• Name | Organisation Country (site.org)``, ``• Name Country``
  or the name alone, sometimes with a "Véase <title of the linked page>" reference in the middle.

The lists are found in the sections `ingest.structure.build_sections` gives, so a list the text layer
prints before its session heading is already in its session (the structure module hands drop-capped
bodies printed before a late heading to that heading). An item wrapped over two lines is joined here
when cleaning left it in two paragraphs ("... | Defensoría" + "del Pueblo de Panamá").

Who shared an item is read from what the report prints nearest to it, first found wins:
1. its holder ("| Chile; Colombia", "- MPPRE", "| OIM Colombia", a holder of country codes alone "| GT / SV");
2. its name and "Véase" reference ("Solicitud de Refugio en RD", "Proceso de regularización ... en Ecuador");
3. the session's leaders, when the item qualifies one of them ("población venezolana en territorio peruano"
   in a session "dirigido por Perú": Perú, not Venezuela): a demonym alone never names who shared it;
4. the web address the report cites for it (`ingest.links`): a government's site ("migracion.gob.pa",
   "gov.br") or a member named in the address's path ("…/mgi/costa-rica-municipalidad-de-coto-brus").
`country_source` says which one gave the countries. `link_passages` then gives every record the passage
(chunk_id) that prints it, and that passage's page when the record has none.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.clean import Paragraph, _is_heading_line, clean_pages, is_list_item, is_url
from ingest.gazetteer import (countries_coded, countries_meant, countries_named, countries_of_bodies,
                              country_of_site, fold, organisations_named)
from ingest.records import Chunk, DocumentMeta, Page
from ingest.structure import Section, build_sections, heading_title

_BULLET = re.compile(r"^(?:[•●▪◦‣∙]|[-–]|o(?=\s+[A-ZÁÉÍÓÚÑ]))\s*")
_SITE = re.compile(r"\s*\(((?:www\.)?[\w-]+(?:\.[\w-]+)+)\)\s*$")  # "(iom.int)", "(defensoria.gob.pa)"
_SEE_ALSO = re.compile(r"\s+[-–]\s+V[ée]ase\s+")  # "Liber App – Véase <title of the linked page>"
_DASH_HOLDER = re.compile(r"\s+[-–]\s+(?=[^-–]+$)")  # the last " - " of "Name - Costa Rica"
# Words that say who led a session: "liderada por Costa Rica", "Belice dirigió", "Perú y Brasil dirigieron",
# "estuvo a cargo de", "la presentación inicial de El Salvador" (folded).
_LEAD = re.compile(r"\b(?:dirigid[oa]s?|dirigio|dirigieron|liderad[oa]s?|lidero|lideraron|encabezad[oa]s?|encabezo|"
                   r"encabezaron|conducid[oa]s?|condujo|condujeron|presidid[oa]s?|presidio|presidieron|a cargo de|"
                   r"presentacion inicial|led by|chaired by|led|chaired)\b")
_SESSION_WORDS = re.compile(r"\b(?:sesion|session|debate|dialogo|dialogue|discusion|discussion|panel|mesa|"
                            r"presentacion|presentation)\b")
_MAX_TITLE_WORDS = 30
_MAX_HOLDER_WORDS = 6
# Sites the 2023 report cites in brackets after an item: the organisation that published it.
_ORGANISATION_SITES = {"iom.int": "OIM", "unhcr.org": "ACNUR", "acnur.org": "ACNUR", "ilo.org": "OIT",
                       "unicef.org": "UNICEF", "oas.org": "OEA", "icrc.org": "CICR", "unodc.org": "ONUDD",
                       "undp.org": "PNUD", "sica.int": "SICA", "interpol.int": "INTERPOL"}


@dataclass
class PracticeRecord:
    """One good practice, policy or tool a report lists, with who shared it and where the report says so."""

    name: str  # the practice as named, without its holder ("Sistema de Alerta Temprana")
    countries: list[str] = field(default_factory=list)  # canonical Spanish names of member countries
    organisations: list[str] = field(default_factory=list)  # canonical acronyms ("OIM", "CRM", "SICA")
    session: str | None = None  # part of the report: "session 3", "introductory session"
    plenary: str | None = None  # "IV", "V"
    year: int | None = None
    doc_id: str = ""
    section: str | None = None  # heading of the session
    page: int | None = None
    source_line: str = ""  # the item as printed (cleaned, wrapped lines joined)
    holder: str = ""  # who the item credits, as printed ("Guatemala /El Salvador /Honduras /Nicaragua")
    list_title: str = ""  # the lead-in of its list
    practice_id: str = ""  # "<doc_id>:p<ordinal>"
    # where the countries were read: "holder", "name" (name or its "Véase" reference), "leader" (the
    # session's leader the item qualifies), "link" (the address the report cites for it); "" for none
    country_source: str = ""
    chunk_id: str = ""  # the passage that prints the item (link_passages), "" until passages are cut

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "PracticeRecord":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    # Raise it when embedding_text changes: a build then embeds the records anew instead of reusing the vectors
    # of a generation built with the old text (index.build, the manifest's "practice_text").
    EMBEDDING_TEXT_VERSION = 1

    def embedding_text(self) -> str:
        """Return the text a record is embedded as: its name and who shared it."""
        holders = self.countries + self.organisations or ([self.holder] if self.holder else [])
        return f"{self.name} | {'; '.join(holders)}" if holders else self.name

    def session_number(self) -> int | None:
        """Return the session's number (3 for "session 3"), None for other parts."""
        match = re.fullmatch(r"session (\d+)", self.session or "")
        return int(match.group(1)) if match else None


def is_list_title(text: str) -> bool:
    """Return True for the lead-in of a list of practices ('Buenas prácticas, políticas y herramientas ...')."""
    stripped = text.strip()
    folded = fold(stripped)
    if len(stripped.split()) > _MAX_TITLE_WORDS or is_list_item(stripped) or re.match(r"^\d", stripped):
        return False
    names_practices = "buenas practicas" in folded or "herramientas" in folded
    return names_practices and (stripped.endswith(":") or _is_heading_line(stripped))


def extract_practices(meta: DocumentMeta, source: str | Path | list[Page] | list[Section], *,
                      links: list | None = None) -> list[PracticeRecord]:
    """Return the practice records of a document, in report order.

    Args:
        meta: the document's metadata (doc_id, plenary, year are copied into every record).
        source: the document as raw text, a file path, its pages, or the sections of
            `ingest.structure.build_sections` (then nothing is cleaned twice).
        links: the web addresses the document cites (`ingest.links.extract_links` of its raw text); read
            from the source when it is raw text, a path or pages; sections alone give none.
    """
    source = _read(source)
    if links is None and source and not isinstance(source[0], Section):
        from ingest.links import extract_links

        links = extract_links("\n".join(page.text for page in source), meta.doc_id)
    records: list[PracticeRecord] = []
    for section in _sections(source):
        paragraphs = [p for p in section.paragraphs if not p.role]  # captions, delegations: no practice lists
        leaders = session_leaders(paragraphs)
        for title, items in practice_lists(paragraphs):
            for item in items:
                record = parse_item(item.text)
                if not record.countries:
                    _credit_nearby(record, leaders, links or [])
                record.session, record.section, record.page = section.part, section.heading, item.page
                record.plenary, record.year, record.doc_id = meta.plenary, meta.year, meta.doc_id
                record.list_title = title
                record.practice_id = f"{meta.doc_id}:p{len(records):03d}"
                records.append(record)
    return records


def session_leaders(paragraphs: list[Paragraph]) -> list[str]:
    """Return the countries the prose of a section says led it ("liderada por Argentina y Chile"), in text order.

    In a sentence about the session (it says "sesión", "debate", "diálogo", "presentación" ...), the first
    words after the leading word when they start with "por"/"de"/"by" ("estuvo liderada por Panamá, donde"),
    else the last words before it ("Belice dirigió la sesión", "Perú y Brasil dirigieron"). List items are
    not prose.
    """
    found: list[str] = []
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if is_list_item(text) or _is_pipe_item(text):
            continue
        for sentence in re.split(r"(?<=[.;])\s+", fold(text)):
            if not _SESSION_WORDS.search(sentence):
                continue
            for match in _LEAD.finditer(sentence):
                after = re.split(r"[,.;:()]", sentence[match.end():], maxsplit=1)[0]
                before = re.split(r"[,.;:()]", sentence[:match.start()])[-1]
                clause = (" ".join(after.split()[:8]) if re.match(r"\s*(?:por|de|by)\b", after)
                          else " ".join(before.split()[-8:]))
                found += [c for c in countries_named(clause, text_order=True) if c not in found]
    return found


def _credit_nearby(record: PracticeRecord, leaders: list[str], links: list) -> None:
    """Give a record without countries those the report prints near it: a session leader the item qualifies,
    else the government or the country of the web address cited for it."""
    whole = f"{record.name} {record.holder}"
    qualified = [c for c in countries_meant(whole) if c in leaders]
    if qualified:
        record.countries, record.country_source = qualified, "leader"
        return
    for link in _links_of(record, links):
        site = country_of_site(link.url)
        path = _address_words(link.url)
        countries = [site] if site else countries_named(path, text_order=True)
        if countries:
            record.countries, record.country_source = countries, "link"
            return


def _links_of(record: PracticeRecord, links: list) -> list:
    """Return the links whose citing line is this item (the same words, or the item's first ten)."""
    item = " ".join(fold(_BULLET.sub("", record.source_line)).split())
    same = [link for link in links if " ".join(fold(link.sentence).split()) == item]
    if same:
        return same
    start = " ".join(item.split()[:10])
    return [link for link in links if start and " ".join(fold(link.sentence).split()).startswith(start)]


def _address_words(url: str) -> str:
    """Return a web address's host and path as words ("colombia.iom.int/es/x-y" -> "colombia iom int es x y")."""
    from urllib.parse import unquote

    address = re.sub(r"^[a-z]+://", "", unquote(url).lower()).split("#")[0].split("?")[0]
    return " ".join(re.split(r"[\W_]+", address))


def link_passages(records: list[PracticeRecord], chunks: list[Chunk]) -> list[PracticeRecord]:
    """Give each record the passage that prints it (chunk_id), and that passage's page when it has none.

    The passage is one of the record's document holding the item's first words, preferring its own section,
    then its page; the records are changed in place and returned.
    """
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    flat = {id(chunk): " ".join(fold(chunk.text).replace("«", "« ").replace("»", " »").split()) for chunk in chunks}
    for record in records:
        candidates = by_doc.get(record.doc_id, [])
        probe, whole = _probe(record), _probe(record, words=None)
        holding = [c for c in candidates if probe and probe in flat[id(c)]]
        # its own section first, then a passage holding the whole item (not prose that quotes its start)
        ranked = sorted(holding, key=lambda c: (c.section != record.section, whole not in flat[id(c)],
                                                c.page != record.page))
        if ranked:
            record.chunk_id = ranked[0].chunk_id
            if record.page is None:
                record.page = ranked[0].page
    return records


def _probe(record: PracticeRecord, words: int | None = 8) -> str:
    """Return the item's first words (all with words=None), folded, as a passage prints them."""
    text = _BULLET.sub("", record.source_line or record.name)
    return " ".join(fold(text).replace("«", "« ").replace("»", " »").split()[:words])


def _read(source) -> list[Page] | list[Section]:
    """Return a source given as text, path, pages or sections as pages (or the sections)."""
    if isinstance(source, Path):
        from ingest.readers import read_pages  # only a path needs reading

        return read_pages(source)
    if isinstance(source, str):
        return [Page(None, source)]
    return list(source)


def _sections(source: list[Page] | list[Section]) -> list[Section]:
    """Return the sections of pages (or the sections themselves)."""
    if source and isinstance(source[0], Section):
        return list(source)
    return build_sections(clean_pages([(page.number, page.text) for page in source]))


def practice_lists(paragraphs: list[Paragraph]) -> list[tuple[str, list[Paragraph]]]:
    """Return the (lead-in, items) lists of practices among a section's paragraphs, wrapped items joined.

    A list is the run of list items after a lead-in (URL paragraphs in between are skipped). A
    run of at least two "Name | Holder" lines without a lead-in is a list too: that line format
    is only used for practices.
    """
    lists: list[tuple[str, list[Paragraph]]] = []
    i = 0
    while i < len(paragraphs):
        text = paragraphs[i].text.strip()
        titled = is_list_title(text)
        if not titled and not _is_pipe_item(text):
            i += 1
            continue
        items, end = _collect_items(paragraphs, i + 1 if titled else i)
        if titled or len(items) >= 2:
            lists.append((text.rstrip(":").strip() if titled else "", items))
        i = max(end, i + 1)
    return lists


def _is_pipe_item(text: str) -> bool:
    return (" | " in text or text.endswith(" |")) and not is_url(text)


def _collect_items(paragraphs: list[Paragraph], start: int) -> tuple[list[Paragraph], int]:
    """Return the items from start on (continuation lines joined) and the index after the list."""
    items: list[Paragraph] = []
    j = start
    while j < len(paragraphs):
        text = paragraphs[j].text.strip()
        if is_url(text):
            j += 1
            continue
        if is_list_title(text):
            break
        if is_list_item(text) and not re.match(r"^\d", text):
            items.append(Paragraph(text, paragraphs[j].page))
        elif items and _continues(items[-1].text, text):
            items[-1] = Paragraph(items[-1].text + " " + text, items[-1].page)
        else:
            break
        j += 1
    return items, j


def _continues(item: str, text: str) -> bool:
    """Return True when text is the second line of a wrapped item rather than the prose after the list."""
    if heading_title(text) is not None or len(text.split()) > 20:
        return False
    if item.rstrip().endswith(("|", " -", " –")):
        return True  # "Consejo Nacional ... |" + "Uruguay"
    # "... | Defensoría" + "del Pueblo de Panamá": short and no full stop, unlike prose resumed after the list
    return bool(re.match(r"^[a-záéíóúñü]", text)) and len(text.split()) <= 12 and not text.endswith(".")


def parse_item(text: str) -> PracticeRecord:
    """Return a record with the name, holder, countries and organisations of one printed item."""
    source_line = " ".join(text.split())
    body = _BULLET.sub("", source_line).strip()
    name, holder = _split_holder(body)
    see_also = _SEE_ALSO.split(name, maxsplit=1)
    name, reference = see_also[0].strip(), (see_also[1].strip() if len(see_also) == 2 else "")
    sites = [m.group(1) for m in (_SITE.search(name), _SITE.search(holder)) if m]
    name, holder = _SITE.sub("", name).strip(), _SITE.sub("", holder).strip()
    whole = f"{name} {reference} {holder}"
    countries = (countries_named(holder, text_order=True) or countries_coded(holder)
                 or countries_of_bodies(holder))
    source = "holder" if countries else ""
    if not countries:
        countries = countries_named(whole, text_order=True) or countries_of_bodies(whole)
        source = "name" if countries else ""
    organisations = organisations_named(holder) + [o for o in organisations_named(f"{name} {reference}")
                                                   if o not in organisations_named(holder)]
    for site in sites:
        key = next((org for domain, org in _ORGANISATION_SITES.items() if site.endswith(domain)), None)
        if key and key not in organisations:
            organisations.append(key)
    return PracticeRecord(name=_tidy(name), countries=countries, organisations=organisations,
                          source_line=source_line, holder=holder, country_source=source)


def _split_holder(body: str) -> tuple[str, str]:
    """Return (name, holder): the holder follows the last '|', or a last ' - ' when what follows names one."""
    if "|" in body:
        name, _, holder = body.rpartition("|")
        return name.strip(), holder.strip()
    parts = _DASH_HOLDER.split(body)
    if len(parts) == 2:
        candidate = _SITE.sub("", parts[1]).strip()
        names_holder = (countries_named(candidate) or organisations_named(candidate)
                        or countries_of_bodies(candidate) or countries_coded(candidate))
        if names_holder and len(candidate.split()) <= _MAX_HOLDER_WORDS:
            return parts[0].strip(), parts[1].strip()
    return body, ""


def _tidy(name: str) -> str:
    """Return a name without layout debris: spaces inside quotes, a closing full stop."""
    name = re.sub(r"«\s+", "«", re.sub(r"\s+»", "»", name))
    return name.rstrip(" .;,").strip()
