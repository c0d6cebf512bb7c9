"""Pure functions that repair the damage PDF text extraction leaves in report text.

The flow for one page is: split into blocks at blank lines -> drop noise lines (captions, running
headers, lone bullets, drop-cap letters, page numbers) -> repair drop capitals -> join soft-wrapped
lines into paragraphs. Paragraphs broken by a column or page break are rejoined later, within a
section, by `join_continuations`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

_LETTERS = re.compile(r"[^\W\d_]+")
_LONE_CAPITAL = re.compile(r"^\s*[A-ZÁÉÍÓÚÑ]\s*$")
_LONE_BULLET = re.compile(r"^\s*[•●▪◦‣∙]\s*$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_ORPHAN_LIST_NUMBER = re.compile(r"^\s*\d{1,2}\.\s*$")
_CAPTION_START = re.compile(r"^\s*De izquierda a derecha\b", re.I)
_PHOTO_CREDIT = re.compile(r"\bFoto:\s*\S+", re.I)
_URL_LINE = re.compile(r"^\s*(https?://|www\.)\S+\s*$")
_GLUED_FOOTNOTE = re.compile(r"^(\(?[^\W\d_]{2,}\)?|[^\W\d_]*\))(\d{1,2})([.,;:)]*)$")
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


def split_blocks(text: str) -> list[list[str]]:
    """Return the runs of non-blank lines; removed noise lines also end a run."""
    blocks: list[list[str]] = []
    current: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        skip = _caption_length(lines, i)
        if current and _is_footnote_marker(lines, i):
            i += 1  # a footnote number set on its own line inside a sentence: drop it, keep the paragraph
            continue
        if skip or is_noise_line(line) or not line.strip():
            # a removed line is where the extractor jumped (column, figure): the paragraph ends here
            if current:
                blocks.append(current)
                current = []
            i += max(skip, 1)
            continue
        if current and _starts_new_paragraph(current[-1], line, first=len(current) == 1):
            blocks.append(current)
            current = []
        current.append(line)
        i += 1
    if current:
        blocks.append(current)
    return blocks


def _is_footnote_marker(lines: list[str], i: int) -> bool:
    """Return True for a lone 1-2 digit line with text right before and after it."""
    return (bool(re.match(r"^\s*\d{1,2}\s*$", lines[i])) and 0 < i < len(lines) - 1
            and bool(lines[i - 1].strip()) and bool(lines[i + 1].strip())
            and not re.match(r"^\s*\d{1,2}\.?\s*$", lines[i + 1]))


def is_noise_line(line: str) -> bool:
    """Return True for lines that carry no text: drop-cap letters, lone bullets, page numbers."""
    return bool(_LONE_CAPITAL.match(line) or _LONE_BULLET.match(line) or _PAGE_NUMBER.match(line)
                or _ORPHAN_LIST_NUMBER.match(line) or _is_running_header(line))


def _is_running_header(line: str) -> bool:
    """Return True for a running header such as 'V Reunión Plenaria CRM-CSM · Bogotá, octubre 2024 · Foto: OIM.'."""
    return line.count("·") >= 2 and len(line) < 120


def _caption_length(lines: list[str], i: int) -> int:
    """Return how many lines from i form a photo caption ending in 'Foto: ...', or 0."""
    if _CAPTION_START.match(lines[i]):
        for j in range(i, min(i + 4, len(lines))):
            if _PHOTO_CREDIT.search(lines[j]):
                return j - i + 1
        return 0
    return 1 if _PHOTO_CREDIT.search(lines[i]) and len(lines[i]) < 200 else 0


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
    def fix(token: str) -> str:
        if "/" in token or "%" in token or "-" in token:
            return token  # URLs and codes such as 'COVID-19' keep their digits
        match = _GLUED_FOOTNOTE.match(token)
        return match.group(1) + match.group(3) if match else token

    return " ".join(fix(token) for token in text.split(" "))


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
               drop_caps: bool = False) -> list[Paragraph]:
    """Return the cleaned paragraphs of one page of extracted text."""
    paragraphs: list[Paragraph] = []
    for block in split_blocks(text):
        block = dedupe_urls(block)
        dropcap = False
        if drop_caps:
            block[0], dropcap = repair_drop_cap(block[0], vocab, len(block))
        if is_url("\n".join(block)):
            body = "\n".join(line.strip() for line in block)
        else:
            body = unglue_footnote_markers(join_wrapped_lines(block, vocab))
        if body.strip():
            paragraphs.append(Paragraph(body.strip(), page, dropcap, dropcap and _is_speaker_line(block)))
    return paragraphs


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
    """
    whole = "\n".join(text for _, text in pages_text)
    vocab = vocabulary(whole)
    drop_caps = has_drop_caps(whole)
    return [p for number, text in pages_text
            for p in clean_page(text, vocab, page=number, drop_caps=drop_caps)]


def join_continuations(paragraphs: list[Paragraph], *, window: int = 12,
                       is_barrier: Callable[[str], object] | None = None) -> list[Paragraph]:
    """Return the paragraphs with pieces cut by a column or page break rejoined.

    A piece that starts in lowercase continues an earlier unfinished paragraph: two-column text is
    read out of order, so among the unfinished paragraphs of the last `window` the one whose last
    word most often precedes the piece's first word in the document wins, the nearest on a tie. A
    piece right after an unfinished paragraph continues it when that paragraph ends mid-phrase or
    is a drop-capped opener (always cut after its third line), or when it completes a wrapped
    'Name | Country' practice. Paragraphs for which is_barrier is true (headings) are never joined.
    """
    barrier = is_barrier or (lambda text: False)
    bigrams = Counter(pair for p in paragraphs for pair in _word_pairs(p.text))
    out: list[Paragraph] = []
    for para in paragraphs:
        target = None if barrier(para.text) else _continuation_target(out, para, window, bigrams, barrier)
        if target is None:
            out.append(Paragraph(para.text, para.page, para.dropcap, para.speaker))
        else:
            joined = out[target].text
            out[target].text = joined + ("" if joined.endswith("-") else " ") + para.text
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
