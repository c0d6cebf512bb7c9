"""Pure functions that repair the damage PDF text extraction leaves in report text.

The flow for one page is: split into blocks at blank lines -> drop noise lines (running headers, lone
bullets, drop-cap letters, page numbers) -> repair drop capitals -> join soft-wrapped lines into
paragraphs. Paragraphs broken by a column or page break are rejoined later, within a section, by
`join_continuations`.

What is not the body's prose is kept apart, in its place, rather than dropped: a photo caption
("De izquierda a derecha: ... Foto: OIM.") becomes a paragraph of its own marked as a caption; a
footnote ("2 CICR, OIT, OIM ...") is attached to the paragraph whose marker cites it ("observadoras2"),
the marker removed from the sentence; the delegations of an attendance list come from ingest.attendance.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable

_LETTERS = re.compile(r"[^\W\d_]+")
_LONE_CAPITAL = re.compile(r"^\s*[A-ZÁÉÍÓÚÑ]\s*$")
_LONE_BULLET = re.compile(r"^\s*[•●▪◦‣∙]\s*$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_ORPHAN_LIST_NUMBER = re.compile(r"^\s*\d{1,2}\.\s*$")
# A photo caption opens by saying how to read the photo, or carries the photo's credit.
_CAPTION_START = re.compile(r"^\s*\(?(De izquierda a derecha|De izq\. a der\.|From left to right|Left to right"
                            r"|Da esquerda para a direita)\b", re.I)
_PHOTO_CREDIT = re.compile(r"\b(Foto|Fotos|Fotografía|Photo|Photos|Photograph|Photo credit|Crédito fotográfico)"
                           r"\s*:\s*\S+", re.I)
_URL_LINE = re.compile(r"^\s*(https?://|www\.)\S+\s*$")
_GLUED_FOOTNOTE = re.compile(r"^(\(?[^\W\d_]{2,}\)?|[^\W\d_]*\))(\d{1,2})([.,;:)]*)$")
# A marker set after the full stop or comma it follows ("default.5", "total.2"): only after a word of three
# letters or more that is not an abbreviation, whose number it would be ("art.5", "núm.3").
_MARKER_AFTER_STOP = re.compile(r"^([^\W\d_]{3,}[.,;]|[^\W\d_]{2,}\)[.,;]?)(\d{1,2})$")
_NUMBERED_ABBREVIATIONS = {"art", "arts", "num", "núm", "nos", "pag", "pág", "págs", "cap", "fracc", "inc", "lit",
                           "párr", "parr", "vol", "sec", "fig", "tab", "ec", "eq", "num", "pp", "no"}
_FOOTNOTE_START = re.compile(r"^\s*(\d{1,2})(?!\d)\s*(?=[A-ZÁÉÍÓÚÑ«“\"(¿¡])(.*\S)\s*$")
_TERMINAL = (".", ":", ";", "!", "?", "»", "”", '"')
_CONNECTORS = {"a", "al", "con", "de", "del", "e", "el", "en", "la", "las", "lo", "los", "o", "para",
               "por", "que", "se", "sobre", "su", "sus", "u", "un", "una", "y", "entre", "como"}


@dataclass
class Paragraph:
    """A cleaned paragraph and where it came from."""

    text: str
    page: int | None = None
    dropcap: bool = False  # began with a repaired drop capital: in these reports, a section opener
    speaker: bool = False  # a drop-capped speaker line ("María Moita, Directora Regional ...")
    # what the paragraph is when it is not body text: "caption" (a photo's), "delegation" (of an attendance
    # list, ingest.attendance), "footnote" (until clean_pages attaches it to the paragraph citing it)
    role: str = ""
    label: str = ""  # a delegation's country or organisation; a footnote's number
    country: str = ""  # a delegation's member country (canonical name), "" for an organisation
    cites: list[int] = field(default_factory=list)  # footnote numbers its markers cite, markers removed
    notes: list[str] = field(default_factory=list)  # the footnotes it cites, their text without the number


class FootnoteState:
    """The footnote markers a document has cited so far and not yet resolved, carried from page to page.

    A line "N text" is a footnote only when marker N was cited before it and N follows the last footnote
    (one number may have been missed): a numbered list, a table row or a wrapped line that opens with a
    number ("13 de esta Ley, ...") is not one. Numbering that starts again at 1 (per chapter) is not followed:
    those footnotes stay in the text where they are printed, as before.
    """

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.last_cited = 0
        self.last_footnote = 0

    def cite(self, number: int) -> None:
        if number < 1:
            return  # 'x0' is a subscript, never a footnote
        self.pending.add(number)
        self.last_cited = max(self.last_cited, number)

    def footnote_start(self, line: str) -> tuple[int, str] | None:
        """Gives (number, text) when the line opens a footnote, else None; an opened footnote is resolved."""
        match = _FOOTNOTE_START.match(line)
        if not match:
            return None
        number = int(match.group(1))
        if number not in self.pending or not self.last_footnote < number <= self.last_footnote + 2:
            return None
        self.pending.discard(number)
        self.last_footnote = number
        return number, match.group(2)


def vocabulary(text: str) -> Counter:
    """Return the counts of the words (letters only, case kept) of a text."""
    return Counter(_LETTERS.findall(text))


def has_drop_caps(text: str) -> bool:
    """Return True when the text holds lone capital-letter lines, the trace of split drop capitals."""
    return sum(1 for line in text.splitlines() if _LONE_CAPITAL.match(line)) >= 2


def is_url(text: str) -> bool:
    """Return True when every line of the text is a URL."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(_URL_LINE.match(line) for line in lines)


def is_list_item(text: str) -> bool:
    """Return True for a list line: a bullet item or a 'Name | Country' practice."""
    stripped = text.strip()
    return (stripped.startswith(("•", "- ", "– ")) or " | " in stripped or stripped.endswith(" |")
            or bool(re.match(r"^o [A-ZÁÉÍÓÚ]", stripped)))  # 'o' is the sub-bullet glyph of Word lists


def is_finished(text: str) -> bool:
    """Return True when a paragraph ends like a complete sentence, list item, heading or URL."""
    stripped = text.rstrip()
    return (stripped.endswith(_TERMINAL) or is_list_item(stripped) or is_url(stripped)
            or stripped.isupper() or stripped.startswith("#"))


@dataclass
class _Block:
    """A run of lines that make one paragraph, and what it is."""

    lines: list[str]
    role: str = ""  # "", "caption" or "footnote"
    number: int = 0  # a footnote's number
    cites: list[int] = field(default_factory=list)  # footnote numbers set on their own line inside it


def split_blocks(text: str) -> list[list[str]]:
    """Return the runs of non-blank lines of body text; removed noise lines also end a run (captions and
    footnotes, which read_blocks keeps apart, are left out)."""
    return [block.lines for block in read_blocks(text) if not block.role]


def read_blocks(text: str, notes: FootnoteState | None = None) -> list[_Block]:
    """Return the blocks of a page: body paragraphs, photo captions and footnotes, in reading order."""
    notes = notes or FootnoteState()
    blocks: list[_Block] = []
    current = _Block([])

    def close() -> None:
        nonlocal current
        if current.lines:
            blocks.append(current)
        current = _Block([])

    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if current.lines and not current.role and _is_footnote_marker(lines, i, notes):
            number = int(line)  # a footnote number set on its own line inside a sentence: keep the paragraph
            current.cites.append(number)
            notes.cite(number)
            i += 1
            continue
        caption = 0 if _is_running_header(line) else _caption_length(lines, i)
        if caption:
            close()
            blocks.append(_Block([part.strip() for part in lines[i:i + caption]], "caption"))
            i += caption
            continue
        if is_noise_line(line) or _is_photo_credit(line) or not line.strip():
            close()  # a removed line is where the extractor jumped (column, figure): the paragraph ends here
            i += 1
            continue
        footnote = notes.footnote_start(line)
        if footnote:
            close()
            current = _Block([footnote[1]], "footnote", footnote[0])
            i += 1
            continue
        if current.lines and _starts_new_paragraph(current.lines[-1], line, first=len(current.lines) == 1):
            close()
        if not current.role:
            for number in footnote_markers(line):
                notes.cite(number)
        current.lines.append(line)
        i += 1
    close()
    return blocks


def _is_footnote_marker(lines: list[str], i: int, notes: FootnoteState) -> bool:
    """Return True for a lone 1-2 digit line right after text: with text right after it too, or numbered
    next after the last marker cited (a marker at the end of a paragraph)."""
    match = re.match(r"^\s*(\d{1,2})\s*$", lines[i])
    if not match or i == 0 or not lines[i - 1].strip():
        return False
    if int(match.group(1)) == notes.last_cited + 1:
        return True
    return (i < len(lines) - 1 and bool(lines[i + 1].strip())
            and not re.match(r"^\s*\d{1,2}\.?\s*$", lines[i + 1]))


def is_noise_line(line: str) -> bool:
    """Return True for lines that carry no text: drop-cap letters, lone bullets, page numbers."""
    return bool(_LONE_CAPITAL.match(line) or _LONE_BULLET.match(line) or _PAGE_NUMBER.match(line)
                or _ORPHAN_LIST_NUMBER.match(line) or _is_running_header(line))


def _is_running_header(line: str) -> bool:
    """Return True for a running header such as 'V Reunión Plenaria CRM-CSM · Bogotá, octubre 2024 · Foto: OIM.'."""
    return line.count("·") >= 2 and len(line) < 120


def _caption_length(lines: list[str], i: int) -> int:
    """Return how many lines from i form a photo caption, or 0: 'De izquierda a derecha: ...' up to its
    'Foto: ...' credit (within four lines), or one short line that names people before its credit."""
    if _CAPTION_START.match(lines[i]):
        for j in range(i, min(i + 4, len(lines))):
            if _PHOTO_CREDIT.search(lines[j]):
                return j - i + 1
        return 0
    credit = _PHOTO_CREDIT.search(lines[i])
    return 1 if credit and len(lines[i]) < 200 and len(lines[i][:credit.start()].split()) >= 2 else 0


def _is_photo_credit(line: str) -> bool:
    """Return True for a photo's credit alone on its line ('Foto: OIM.'): nothing to keep."""
    credit = _PHOTO_CREDIT.search(line)
    return bool(credit) and len(line) < 200 and len(line[:credit.start()].split()) < 2


def _starts_new_paragraph(previous: str, line: str, *, first: bool = False) -> bool:
    """Return True when a line inside a block begins a new paragraph rather than continuing one."""
    prev, cur = previous.strip(), line.strip()
    if first and len(prev.split()) <= 4 and not prev.endswith(_TERMINAL + (",",)) and cur[:1].isupper() \
            and prev[:1].isupper() and prev.split()[-1].lower() not in _CONNECTORS:
        return True  # a short title line such as 'Comunicado Conjunto' above its text
    if cur.startswith(("•", "#")) or re.match(r"^\d{1,2}\.\s", cur) or re.match(r"^[a-z]\.\s", cur):
        return True
    if " | " in prev or prev.endswith(" |"):
        return True  # a practice line is complete; the next one is another practice
    if line[:1].isspace() and cur[:1].islower() and prev.endswith("."):
        return True  # the extractor indents the line where a drop capital was cut off
    if re.match(r"^\d{1,2}\s+[A-ZÁÉÍÓÚ]", cur) and prev.endswith((".", ")")):
        return True  # a footnote after the text it annotates
    if _is_heading_line(prev) != _is_heading_line(cur):
        return True
    return False


def _is_heading_line(line: str) -> bool:
    """Return True for a line set in capitals (a heading or label), which never soft-wraps into prose."""
    line = re.sub(r"^\s*[ivx]{1,4}\.\s", "", line)  # 'iii. ANTECEDENTES': the numeral is lowercase
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.85


def repair_drop_cap(first_line: str, vocab: Counter, n_lines: int) -> tuple[str, bool]:
    """Return the line with its cut-off capital restored ('os Mecanismos' -> 'Los Mecanismos') and whether it changed.

    The capital is the one that turns the lowercase fragment into the word most used elsewhere in the
    document. A fragment that is itself a word ('a') is only repaired in a block of at most three
    lines, the height of a drop capital.
    """
    stripped = first_line.lstrip()
    match = re.match(r"([a-záéíóúñü]+)(?=[\s,\-]|$)", stripped)
    if not match:
        return first_line, False
    fragment = match.group(1)
    if fragment in vocab and n_lines > 3:
        return first_line, False
    best, best_count = None, 0
    for capital in "ABCDEFGHIJKLMNOPQRSTUVWXYZÁÉÍÓÚÑ":
        count = vocab.get(capital + fragment, 0)
        if count > best_count:
            best, best_count = capital + fragment, count
    if best is None:
        return first_line, False
    return best + stripped[len(fragment):], True


def unglue_footnote_markers(text: str) -> str:
    """Return the text with footnote numbers glued to words removed ('CSM1.' -> 'CSM.')."""
    return _unglue(text)[0]


def footnote_markers(text: str) -> list[int]:
    """Return the footnote numbers glued to the words of a text ('observadoras2' -> [2]), in order."""
    return _unglue(text)[1]


def _unglue(text: str) -> tuple[str, list[int]]:
    """Return the text without the footnote numbers glued to its words, and those numbers."""
    numbers: list[int] = []

    def fix(token: str) -> str:
        if "/" in token or "%" in token or "-" in token:
            return token  # URLs and codes such as 'COVID-19' keep their digits
        match = _GLUED_FOOTNOTE.match(token)
        if match:
            numbers.append(int(match.group(2)))
            return match.group(1) + match.group(3)
        match = _MARKER_AFTER_STOP.match(token)
        if match and fold_word(match.group(1)) not in _NUMBERED_ABBREVIATIONS:
            numbers.append(int(match.group(2)))
            return match.group(1)
        return token

    return " ".join(fix(token) for token in text.split(" ")), numbers


def fold_word(token: str) -> str:
    """Return a token's letters in lower case ('Art.' -> 'art')."""
    return "".join(_LETTERS.findall(token)).lower()


def join_wrapped_lines(lines: list[str], vocab: Counter) -> str:
    """Return the lines of one paragraph joined, undoing line-end hyphenation only where it was a wrap."""
    text = ""
    for line in (line.strip() for line in lines):
        if not text:
            text = line
        elif text.endswith("-") and len(text) > 1 and text[-2].isalnum():
            head = re.search(r"([^\W\d_]+)-$", text)
            tail = re.match(r"[^\W\d_]+", line)
            if head and tail and (head.group(1) + tail.group(0)) in vocab:
                text = text[:-1] + line  # a word cut by the line end: 'pro-' + 'grama'
            else:
                text += line  # a real hyphen: 'técnico-político', 'Pro-Tempore', '2024-2028'
        elif line[:1] in ",.;:)":
            text += line
        else:
            text += " " + line
    return re.sub(r"\s{2,}", " ", text)


def dedupe_urls(lines: list[str]) -> list[str]:
    """Return the lines with a URL repeated on the next line dropped."""
    kept: list[str] = []
    for line in lines:
        if kept and _URL_LINE.match(line) and line.strip() == kept[-1].strip():
            continue
        kept.append(line)
    return kept


def clean_page(text: str, vocab: Counter, *, page: int | None = None,
               drop_caps: bool = False, notes: FootnoteState | None = None) -> list[Paragraph]:
    """Return the cleaned paragraphs of one page of extracted text: body paragraphs, photo captions
    (role "caption") and footnotes (role "footnote", label their number), in reading order.

    notes carries the footnote markers cited on earlier pages; a page read alone starts afresh.
    """
    paragraphs: list[Paragraph] = []
    for block in read_blocks(text, notes):
        lines = dedupe_urls(block.lines)
        if block.role:
            body = join_wrapped_lines(lines, vocab).strip()
            if body:
                label = str(block.number) if block.role == "footnote" else ""
                paragraphs.append(Paragraph(body, page, role=block.role, label=label))
            continue
        dropcap = False
        if drop_caps:
            lines[0], dropcap = repair_drop_cap(lines[0], vocab, len(lines))
        cites = list(block.cites)
        if is_url("\n".join(lines)):
            body = "\n".join(line.strip() for line in lines)
        else:
            body, glued = _unglue(join_wrapped_lines(lines, vocab))
            cites += glued
        if body.strip():
            paragraphs.append(Paragraph(body.strip(), page, dropcap, dropcap and _is_speaker_line(lines),
                                        cites=cites))
    return paragraphs


def attach_footnotes(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Return the paragraphs with each footnote attached to the nearest paragraph before it that cites it
    (its text added to that paragraph's notes); a footnote nothing cites stays where it is, as printed."""
    out: list[Paragraph] = []
    for para in paragraphs:
        if para.role != "footnote":
            out.append(para)
            continue
        number = int(para.label)
        target = next((p for p in reversed(out) if number in p.cites), None)
        if target is None:
            out.append(replace(para, text=f"{number} {para.text}", role="", label=""))
            continue
        target.cites.remove(number)
        target.notes.append(para.text)
    return out


def _is_speaker_line(block: list[str]) -> bool:
    """Return True for 'Name Surname, Title ...' set as a drop-capped line without a full stop."""
    text = " ".join(line.strip() for line in block)
    name = text.split(",", 1)[0]
    words = name.split()
    return ("," in text and "." not in text and 1 <= len(words) <= 4
            and all(w[:1].isupper() for w in words))


def clean_pages(pages_text: list[tuple[int | None, str]]) -> list[Paragraph]:
    """Return the cleaned paragraphs of a whole document, given (page number, text) pairs.

    Page furniture (running headers, footers) is removed before this, once, by ingest.kinds.cut_document.
    An attendance list becomes one paragraph per delegation (role "delegation"); footnotes are attached to
    the paragraphs that cite them.
    """
    from ingest.attendance import split_attendance

    whole = "\n".join(text for _, text in pages_text)
    vocab = vocabulary(whole)
    drop_caps = has_drop_caps(whole)
    notes = FootnoteState()
    paragraphs: list[Paragraph] = []
    for number, piece in split_attendance(pages_text):
        if isinstance(piece, str):
            paragraphs += clean_page(piece, vocab, page=number, drop_caps=drop_caps, notes=notes)
        else:
            paragraphs.append(Paragraph(piece.text(), piece.page, role="delegation", label=piece.name,
                                        country=piece.country))
    return attach_footnotes(paragraphs)


def join_continuations(paragraphs: list[Paragraph], *, window: int = 12,
                       is_barrier: Callable[[str], object] | None = None) -> list[Paragraph]:
    """Return the paragraphs with pieces cut by a column or page break rejoined.

    A piece that starts in lowercase continues an earlier unfinished paragraph: two-column text is
    read out of order, so among the unfinished paragraphs of the last `window` the one whose last
    word most often precedes the piece's first word in the document wins, the nearest on a tie. A
    piece right after an unfinished paragraph continues it when that paragraph ends mid-phrase or
    is a drop-capped opener (always cut after its third line), or when it completes a wrapped
    'Name | Country' practice. Paragraphs for which is_barrier is true (headings) are never joined.
    Captions and delegations (a role) stay where they are and are looked through: a sentence cut by a
    photo's caption is rejoined around it.
    """
    barrier = is_barrier or (lambda text: False)
    bigrams = Counter(pair for p in paragraphs for pair in _word_pairs(p.text))
    out: list[Paragraph] = []
    body: list[int] = []  # indices in out of the body paragraphs, the only ones joined
    for para in paragraphs:
        if para.role:
            out.append(replace(para))
            continue
        view = [out[i] for i in body]
        target = None if barrier(para.text) else _continuation_target(view, para, window, bigrams, barrier)
        if target is None:
            body.append(len(out))
            out.append(replace(para, cites=list(para.cites), notes=list(para.notes)))
        else:
            joined = view[target]
            joined.text = joined.text + ("" if joined.text.endswith("-") else " ") + para.text
            joined.cites += para.cites
            joined.notes += para.notes
    return out


def _word_pairs(text: str) -> list[tuple[str, str]]:
    """Return the consecutive lowercase word pairs of a text."""
    words = [w.lower() for w in _LETTERS.findall(text)]
    return list(zip(words, words[1:]))


def _continuation_target(out: list[Paragraph], para: Paragraph, window: int, bigrams: Counter,
                         barrier: Callable[[str], object]) -> int | None:
    """Return the index in out that para continues, or None when it starts a paragraph."""
    text = para.text
    if not out or para.dropcap or is_url(text) or text.startswith(("•", "#")) or _is_heading_line(text):
        return None
    previous = out[-1]
    if not is_finished(previous.text) and not _is_heading_line(previous.text) and not barrier(previous.text):
        words = previous.text.split()
        first_word = text.split()[0].lower().strip(",.;:") if text.split() else ""
        last_word = (_LETTERS.findall(previous.text)[-1:] or [""])[0].lower()
        # 'entre la' + 'CRM y la CSM' is a page break; 'gratitud al' + 'La OIM lanzó' is the other column
        mid_phrase = (words[-1].lower() in _CONNECTORS or previous.text.endswith(",")) \
            and bigrams.get((last_word, first_word), 0) > 0
        cut_opener = previous.dropcap and not previous.speaker
        wraps_practice = " | " in text and " | " not in previous.text
        cut_title = previous.speaker and len(text.split()) <= 6  # 'Presidencia' / 'Pro-Témpore de la CRM'
        if wraps_practice or re.match(r"^\d{4}\b", text) \
                or ((mid_phrase or cut_opener or cut_title) and re.match(r"^[A-ZÁÉÍÓÚÑ]", text)):
            return len(out) - 1
    if not re.match(r"^[a-záéíóúñü]{2,}|^[aeyou] [a-záéíóúñü]", text):
        return None
    first = text.split()[0].lower().strip(",.;:")
    best, best_score = None, -1
    for index in range(len(out) - 1, max(-1, len(out) - 1 - window), -1):
        candidate = out[index]
        if _is_heading_line(candidate.text) or candidate.text.startswith("#") or barrier(candidate.text):
            break
        if (candidate.speaker and index < len(out) - 1) or is_finished(candidate.text):
            continue  # a speaker's name line is a title, never the first half of a sentence
        last = _LETTERS.findall(candidate.text)[-1:] or [""]
        score = bigrams.get((last[0].lower(), first), 0)
        if score > best_score:
            best, best_score = index, score
    return best
