"""Section detection: turns cleaned paragraphs into (heading, part, paragraphs) sections.

Report layouts print headings out of reading order. Two repairs are made, both driven by the drop
capital that opens every section body in the 2024 report:
- a stack of headings printed together before their bodies ("I. ANTECEDENTES / II. ... / III. ...")
  is handed out, in order, to the drop-capped paragraphs that follow;
- a second drop-capped opener inside a section starts the next section, whose heading is printed
  later (after its body and list of practices); the late heading then names it.
Documents without drop capitals (the 2023 report, HTML) get the usual "heading starts a section".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.clean import Paragraph, _is_heading_line, is_list_item, is_url, join_continuations

_ROMAN = r"(?:[ivx]{1,4}|[IVX]{1,4})"
_NUMBERED = re.compile(rf"^(?:{_ROMAN}\.\s+\S|(?:SESI[ÓO]N|SESSION|Sesi[óo]n|Session)\s+\d|Hoja de [Rr]uta \d|Roadmap \d|ANEXO \d|Annex \d)")
_KEYWORD_HEADINGS = {"conclusiones", "conclusions", "introduccion", "introduction", "anexos", "annexes",
                     "nota", "comunicado conjunto", "joint communique", "palabras de apertura",
                     "opening remarks", "resumen", "summary", "recomendaciones", "recommendations"}
_MATH_LETTERS = re.compile("[\U0001D400-\U0001D7FF]")
_HEADING_CONNECTORS = ("Y", "DE", "EN", "LA", "LAS", "LOS", "DEL", "E", "PARA", "SOBRE", "A", "AND", "OF", ":")


@dataclass
class Section:
    """A run of paragraphs under one heading."""

    heading: str | None
    part: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    opened: bool = False  # a drop-capped opener already belongs to it
    opened_by_speaker: bool = False


def fold(text: str) -> str:
    """Return text lowercased without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def heading_title(text: str) -> str | None:
    """Return the heading a paragraph states, or None for body text."""
    stripped = text.strip()
    markdown = re.match(r"^#{1,6}\s+(.+)$", stripped)
    if markdown:
        return markdown.group(1).strip()
    if len(stripped) > 160 or is_list_item(stripped) or is_url(stripped) or re.match(r"^\d{1,2}\s", stripped):
        return None
    if _MATH_LETTERS.search(stripped):
        return None  # an equation set in math italics is capitals to a letter count, never a heading
    if _NUMBERED.match(stripped) or re.match(r"^(?:SESI[ÓO]N|SESSION)\b", stripped):
        return stripped
    if fold(stripped.rstrip(":. ")) in _KEYWORD_HEADINGS:
        return stripped
    letters = [c for c in stripped if c.isalpha()]
    words = stripped.split()
    if len(words) >= 2 and len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.85:
        return stripped
    return None


def normalise_title(title: str) -> str:
    """Return a heading with layout debris removed (page numbers, doubled text, stray spaces)."""
    title = re.sub(r"\s+", " ", title).strip().rstrip(":").strip()
    first = title.split()[0] if title.split() else ""
    again = title.find(first, len(first)) if len(first) >= 4 else -1
    if again > 0 and title[again - 1].isalpha():
        title = title[:again]  # 'ANEXO 1. LISTADOS DE ASISTENCIAANEXO 1 LISTADO ...' printed twice
    if len(title.split()) >= 3 and (title.isupper() or re.match(r"^(SESI[ÓO]N|ANEXO)", title)):
        title = re.sub(r"(?<=[A-ZÁÉÍÓÚÑ)])\s*\d{2,3}$", "", title)  # a page number glued to the heading
    return title.strip().rstrip(":").strip()


def part_label(heading: str | None) -> str:
    """Return the short normalised part of a report a heading belongs to ('session 3', 'roadmap 1', ...)."""
    if not heading:
        return "front matter"
    folded = fold(heading)
    rules = [
        (r"^sesi(?:o|ó)n introductoria|^introductory session", lambda m: "introductory session"),
        (r"^(?:sesion|session)\s+(\d+)", lambda m: f"session {m.group(1)}"),
        (r"^(?:hoja de ruta|roadmap)\s+(\d+)", lambda m: f"roadmap {m.group(1)}"),
        (r"^(?:anexo|annex)\s+(\d+)", lambda m: f"annex {m.group(1)}"),
        (r"^(?:anexos|annexes)\b", lambda m: "annexes"),
        (r"^(?:palabras de apertura|opening)", lambda m: "opening"),
        (r"^(?:conclusiones|conclusions)", lambda m: "conclusions"),
        (r"^(?:comunicado conjunto|joint communique)", lambda m: "communique"),
        (r"campana|campaign", lambda m: "campaign"),
        (r"^nota\b|^note\b", lambda m: "note"),
        (rf"^(?:{_ROMAN.lower()})\.\s|^introduc|^antecedentes|^objetivo|^resultados esperados",
         lambda m: "introduction"),
    ]
    for pattern, label in rules:
        match = re.search(pattern, folded)
        if match:
            return label(match)
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()[:40] or "section"


def _classify(paragraphs: list[Paragraph]) -> list[tuple[str, Paragraph, str | None]]:
    """Return (kind, paragraph, title) triples: kind is 'heading', 'opener' or 'body'; split headings merged."""
    items: list[tuple[str, Paragraph, str | None]] = []
    paragraphs = _merge_wrapped_headings(paragraphs)
    for index, para in enumerate(paragraphs):
        if para.role:  # a caption or a delegation is never a heading, whatever its capitals
            items.append(("body", para, None))
            continue
        title = heading_title(para.text)
        if title is not None and _is_list_title(title, paragraphs[index + 1:]):
            title = None  # 'BUENAS PRÁCTICAS ... DE LOS PAÍSES' introduces a list inside a session
        if title is not None:
            if fold(title.strip(": ")) in {"sesion", "session"}:
                continue  # a bare label left over from a graphic
            items.append(("heading", para, title))
        elif para.dropcap:
            items.append(("opener", para, None))
        else:
            items.append(("body", para, None))
    return items


def _merge_wrapped_headings(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Return paragraphs with a capitals heading cut after 'DE', 'Y', ':' ... joined to its next line."""
    out: list[Paragraph] = []
    for para in paragraphs:
        previous = out[-1] if out else None
        if (previous and not previous.role and not para.role and heading_title(previous.text)
                and _is_heading_line(para.text)
                and previous.text.rstrip().split()[-1].endswith(_HEADING_CONNECTORS)):
            out[-1] = Paragraph(previous.text.rstrip() + " " + para.text.strip(), previous.page)
        else:
            out.append(para)
    return out


def _is_list_title(title: str, following: list[Paragraph]) -> bool:
    """Return True when an unnumbered capitals line is directly followed by a bullet list."""
    if _NUMBERED.match(title) or fold(title.rstrip(":. ")) in _KEYWORD_HEADINGS or title.startswith("#"):
        return False
    for para in following:
        if is_url(para.text):
            continue
        return para.text.lstrip().startswith("•")
    return False


def split_sections(paragraphs: list[Paragraph]) -> list[Section]:
    """Return the sections of a document, repairing headings printed away from their bodies."""
    items = _classify(paragraphs)
    sections = [Section(None, part_label(None))]
    queue: list[str] = []
    pending: Section | None = None
    i = 0
    while i < len(items):
        kind, para, title = items[i]
        if kind == "heading":
            stack = [title]
            while i + 1 < len(items) and items[i + 1][0] == "heading":
                i += 1
                stack.append(items[i][2])
            stack = _drop_subheadings([normalise_title(t) for t in stack])
            if pending is not None:
                pending.heading, pending.part = stack[0], part_label(stack[0])
                pending, stack = None, stack[1:]
            if stack:
                openers = _count_openers(items, i + 1)
                titles = stack[-min(openers, len(stack)):] if openers else stack[-1:]
                sections.append(Section(titles[0], part_label(titles[0])))
                queue = titles[1:]
        elif kind == "opener":
            current = sections[-1]
            if not current.opened:
                current.opened, current.opened_by_speaker = True, para.speaker
                current.paragraphs.append(para)
            elif queue:
                title = queue.pop(0)
                sections.append(Section(title, part_label(title), [para], True, para.speaker))
            elif para.speaker and current.opened_by_speaker:
                current.paragraphs.append(para)  # the next speaker of the same opening session
            else:
                # an opener in a section that has one: the next section's heading comes later
                pending = Section(None, part_label(None), [para], True, para.speaker)
                sections.append(pending)
        else:
            sections[-1].paragraphs.append(para)
        i += 1
    return [s for s in sections if s.paragraphs]


def _drop_subheadings(stack: list[str]) -> list[str]:
    """Return a heading stack without unnumbered labels when numbered headings share it."""
    numbered = [t for t in stack if _NUMBERED.match(t)]
    return numbered if numbered and len(numbered) < len(stack) and len(stack) > 2 else stack


def _count_openers(items: list[tuple[str, Paragraph, str | None]], start: int) -> int:
    """Return how many non-speaker openers come before the next heading."""
    count = 0
    for kind, para, _ in items[start:]:
        if kind == "heading":
            break
        count += kind == "opener" and not para.speaker
    return count


def place_lead_ins(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Return paragraphs with a list's lead-in ('... durante la sesión:') moved before the items it follows."""
    out = list(paragraphs)
    for index in range(1, len(out)):
        para = out[index]
        if para.role or not para.text.rstrip().endswith(":") or is_list_item(para.text):
            continue
        start = index  # items printed before their lead-in (two-column order): the lead-in goes first
        while start > 0 and is_list_item(out[start - 1].text):
            start -= 1
        if start < index:
            out.insert(start, out.pop(index))
    return out


def build_sections(paragraphs: list[Paragraph]) -> list[Section]:
    """Return the document's sections with broken paragraphs rejoined and list lead-ins in place."""
    # rejoin before splitting: a sentence cut by a column break may resume after the next opener
    joined = join_continuations(paragraphs, is_barrier=heading_title)
    sections = _absorb_late_headings(split_sections(joined))
    for section in sections:
        # link lists printed at page bottoms interrupt the prose; they serve the section's practices
        links = [p for p in section.paragraphs if is_url(p.text)]
        section.paragraphs = place_lead_ins([p for p in section.paragraphs if not is_url(p.text)]) + links
    return sections


def _absorb_late_headings(sections: list[Section], *, max_words: int = 40) -> list[Section]:
    """Return sections where a divider ('ANEXOS') followed by a body whose own heading came late is renamed.

    A heading printed after its body leaves that body under the divider before it and the heading
    with almost nothing; the body then takes the late heading.
    """
    out: list[Section] = []
    for section in sections:
        previous = out[-1] if out else None
        words = sum(len(p.text.split()) for p in section.paragraphs)
        if previous and previous.heading and fold(previous.heading) in {"anexos", "annexes"} and words <= max_words:
            previous.heading, previous.part = section.heading, section.part
            previous.paragraphs.extend(section.paragraphs)
            continue
        out.append(section)
    return out
