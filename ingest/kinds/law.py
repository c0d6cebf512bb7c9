"""Laws, decrees, regulations and guidelines: structured by their divisions, with the article as the unit.

A legal text is read as lines (page furniture already removed): division headings (Libro, Título,
Capítulo, Sección, Transitorios) set the path of what follows; an article heading ("Artículo 111.",
"ARTÍCULO 5.-", "Art. 56.-", "Artículo 10 Bis.", or an ordinal provision "DÉCIMO PRIMERO.") starts an
article. Passages never straddle articles: a long article is cut into pieces that each carry its
number, and very short consecutive articles of one division share a passage. When the article
numbers start again at 1 a new instrument begins (a law and its regulation printed in one booklet):
its title, the capitals heading printed before it, heads the division path, so the two stay apart.
Tables of contents (dot leaders) are skipped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.chunking import split_sentences, word_count
from ingest.clean import is_noise_line, join_wrapped_lines, vocabulary
from ingest.gazetteer import countries_named
from ingest.records import Chunk, DocumentMeta

_ORDINAL_WORDS = (r"(?:(?:D[ÉE]CIMO|VIG[ÉE]SIMO|TRIG[ÉE]SIMO|CUADRAG[ÉE]SIMO|QUINCUAG[ÉE]SIMO)\s*)?"
                  r"(?:PRIMERO|SEGUNDO|TERCERO|CUARTO|QUINTO|SEXTO|S[ÉE]PTIMO|OCTAVO|NOVENO)"
                  r"|D[ÉE]CIMO|UND[ÉE]CIMO|DUOD[ÉE]CIMO|VIG[ÉE]SIMO|TRIG[ÉE]SIMO|CUADRAG[ÉE]SIMO|QUINCUAG[ÉE]SIMO|[ÚU]NICO")
_SUFFIX = r"(?:\s*(?:bis|ter|qu[aá]ter|quinquies|sexies)\b)?"
# 'Artículo 111.', 'ARTÍCULO 5.-', 'Art. 56.-', 'Artículo 1o.', 'Artículo 10 Bis.': punctuation after the
# number tells a heading from a sentence that starts with 'Artículo 33 de esta Ley ...'
ARTICLE = re.compile(rf"^\s*(?:ART[ÍI]CULO|Art[íi]culo|Art\.)\s*(\d{{1,4}})(?:\s*[oº°])?({_SUFFIX})\s*(?:[.:]\s*-?|[-–])\s*",
                     re.I)
ORDINAL_ARTICLE = re.compile(rf"^\s*(?:(?:ART[ÍI]CULO|Art[íi]culo)\s+)?({_ORDINAL_WORDS})\s*(?:\.\s*-?|[-–])\s*",
                             re.I)
_LEVELS = {"libro": 0, "titulo": 1, "capitulo": 2, "seccion": 3, "unit": 4}
DIVISION = re.compile(r"^\s*(LIBRO|T[ÍI]TULO|CAP[ÍI]TULO|SECCI[ÓO]N|Libro|T[íi]tulo|Cap[íi]tulo|Secci[óo]n)\s+"
                      rf"([IVXLC]+|\d{{1,3}}|{_ORDINAL_WORDS}|Primero|Segundo|Tercero|Cuarto|Quinto|Sexto|S[ée]ptimo|"
                      r"Octavo|Noveno|D[ée]cimo|[ÚU]nico)\b\s*[.:\-–]?\s*(.*)$")
TRANSITIONAL = re.compile(r"^\s*(?:ART[ÍI]CULOS?\s+|DISPOSICI(?:ONES|ÓN)\s+)?TRANSITORI(?:OS|AS|O|A)\s*$", re.I)
_TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|(?:\.\s){4,})\s*\d{0,4}\s*$")
_INSTRUMENT = re.compile(r"^\s*(?:LEY|REGLAMENTO|DECRETO|C[ÓO]DIGO|LINEAMIENTOS|ACUERDO|RESOLUCI[ÓO]N|PROTOCOLO)\b")
_ENUMERATOR = re.compile(r"^\s*(?:[IVXL]{1,6}\.|[a-zñ]\)|[a-zñ]\.|\d{1,2}\.|\d{1,2}\)|[-•])\s")
_FOLD = str.maketrans("ÁÉÍÓÚáéíóú", "AEIOUaeiou")
MIN_ARTICLES = 8  # article headings a text needs to be read as a law


@dataclass
class Article:
    """One article (or the text before the first one) with the pages of its lines and where it sits."""

    label: str  # "111", "10 Bis", "Primero", "" for a preamble
    divisions: tuple[str, ...]
    lines: list[tuple[int | None, str]] = field(default_factory=list)


def _is_heading_text(line: str) -> bool:
    """Gives True for a line set in capitals (a division's title)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def article_label(line: str) -> str | None:
    """Gives the label of the article a line opens ('111', '10 Bis', 'Décimo primero'), or None."""
    match = ARTICLE.match(line)
    if match:
        return f"{match.group(1)} {match.group(2).strip().capitalize()}".strip()
    match = ORDINAL_ARTICLE.match(line)
    # 'Primero.', 'PRIMERO.' or 'Artículo primero.', never a sentence's 'primero.'
    if match and (match.group(1)[:1].isupper() or line.lstrip()[:3] in ("Art", "ART")):
        return " ".join(match.group(1).split()).capitalize()
    return None


def looks_like_law(text: str) -> bool:
    """Gives True when a text is laid out in articles: at least MIN_ARTICLES article headings, mostly rising."""
    numbers = [int(m.group(1)) for m in (ARTICLE.match(line) for line in text.splitlines()) if m]
    ordinals = sum(1 for line in text.splitlines() if ORDINAL_ARTICLE.match(line) and line.strip()[:2].isupper())
    if len(numbers) >= MIN_ARTICLES:
        rising = sum(b > a for a, b in zip(numbers, numbers[1:]))
        return rising >= 0.6 * (len(numbers) - 1)
    return ordinals >= MIN_ARTICLES


def read_articles(pages: list[tuple[int | None, str]]) -> list[Article]:
    """Gives a legal text's articles in order, each with its division path (instrument first when there are two)."""
    return _ArticleReader([(number, line) for number, text in pages for line in text.splitlines()]).read()


# 'Trámite 1 Visa de Visitante ...', 'Regla 2. ...': a capitalised word, a number, then a capitalised title
_NUMBERED_HEADING = re.compile(r"^\s*([A-ZÁÉÍÓÚ][a-záéíóúñ]{3,})\s+(\d{1,3})\.?\s+([A-ZÁÉÍÓÚ].*)$")
_NOT_UNIT_WORDS = {"articulo", "capitulo", "seccion", "titulo", "libro"}
MIN_UNITS = 3  # numbered headings 1, 2, 3 ... a word needs to count as a unit of the text


def unit_words(lines: list[str]) -> set[str]:
    """Gives the words that head numbered units of a text outside its articles ('Trámite 1', 'Trámite 2', ...):
    a capitalised word followed by a number and a title, on lines whose numbers count 1, 2, 3 ... upwards in
    the order they are printed. Dates ('Viernes 25 de julio'), references and single mentions never count."""
    seen: dict[str, list[int]] = {}
    for line in lines:
        match = _NUMBERED_HEADING.match(line)
        if match and match.group(1).translate(_FOLD).lower() not in _NOT_UNIT_WORDS:
            seen.setdefault(match.group(1), []).append(int(match.group(2)))
    words = set()
    for word, numbers in seen.items():
        expected = 1
        for number in numbers:
            if number == expected:
                expected += 1
        if expected - 1 >= MIN_UNITS:
            words.add(word)
    return words


class _ArticleReader:
    """Walks a legal text's lines once, keeping the division path, and opens an article at each heading."""

    def __init__(self, lines: list[tuple[int | None, str]]):
        self.lines = lines
        self.i = 0
        self.articles = [Article("", ())]
        self.path: list[str | None] = [None] * len(_LEVELS)
        self.instrument: str | None = None
        self.candidate: list[str] = []  # the last instrument heading seen: names an instrument starting after it
        self.first_title: list[str] = []  # the heading over the first instrument, named once a second starts
        self.switched_at: int | None = None  # where the second instrument starts
        self.last_number = 0  # the last article number outside the transitional articles (0: none yet)
        self.units = unit_words([line for _, line in lines])  # numbered units below the divisions (unit_words)
        self.last_unit = 0

    def read(self) -> list[Article]:
        while self.i < len(self.lines):
            page, line = self.lines[self.i]
            self.i += 1
            if not line.strip() or is_noise_line(line) or _TOC_LINE.search(line):
                continue
            division = DIVISION.match(line)
            label = article_label(line)
            if division and not ARTICLE.match(line):
                self._division(division)
            elif TRANSITIONAL.match(line):
                self.path = [None] * len(_LEVELS)
                self.path[1] = "Transitorios"
                self.articles.append(Article("", _path(self.instrument, self.path)))
            elif label is not None:
                self._article(label, page, line)
            elif self._is_unit_heading(line):
                self._unit(page, line)
            elif _INSTRUMENT.match(line) and _is_heading_text(line):
                self._instrument_heading(page, line)
            else:
                self.articles[-1].lines.append((page, line))
        if self.switched_at is not None and self.first_title:
            first = " ".join(self.first_title)
            for article in self.articles[:self.switched_at]:
                if article.label or article.divisions:
                    article.divisions = _path(first, list(article.divisions))
        return [a for a in self.articles if any(text.strip() for _, text in a.lines)]

    def _division(self, match: re.Match) -> None:
        level = _LEVELS[match.group(1).translate(_FOLD).lower()]
        title, self.i = _division_title(match, self.lines, self.i)
        if "Transitorios" in self.path:  # a division after the transitional articles: the body goes on
            self.path = [None] * len(_LEVELS)
        self.path[level:] = [title] + [None] * (len(_LEVELS) - level - 1)
        self.articles.append(Article("", _path(self.instrument, self.path)))

    def _is_unit_heading(self, line: str) -> bool:
        match = _NUMBERED_HEADING.match(line) if self.units else None
        return bool(match and match.group(1) in self.units and int(match.group(2)) in (1, self.last_unit + 1))

    def _unit(self, page: int | None, line: str) -> None:
        """Opens a numbered unit ('Trámite 3 Visa de residente temporal'): the lowest division, so its heading
        is the section of every passage of it and passages never straddle two units."""
        match = _NUMBERED_HEADING.match(line)
        self.last_unit = int(match.group(2))
        title = " ".join(match.group(3).split())[:160].rstrip(".: ")
        self.path[_LEVELS["unit"]] = f"{match.group(1)} {match.group(2)}. {title}"
        self.articles.append(Article("", _path(self.instrument, self.path)))

    def _article(self, label: str, page: int | None, line: str) -> None:
        number = int(label.split()[0]) if label[0].isdigit() else None
        transitional = "Transitorios" in self.path
        if number == 1 and self.last_number > 1 and (self.candidate or not transitional):
            # numbering starts again under a new title: a second instrument (a regulation after its law)
            self.instrument = " ".join(self.candidate) or "Segunda parte"
            self.path = [None] * len(_LEVELS)
            transitional = False
            if self.switched_at is None:
                self.switched_at = len(self.articles)
        if number is not None and not transitional:
            if not self.last_number:
                self.first_title = self.candidate
            self.last_number = number
        if transitional and number is None:
            label = f"Transitorio {label}"
        self.candidate = []
        self.articles.append(Article(label, _path(self.instrument, self.path), [(page, line)]))

    def _instrument_heading(self, page: int | None, line: str) -> None:
        """Keeps a capitals heading such as 'REGLAMENTO DE APLICACIÓN DE LA LEY ...' (with its next capitals lines)."""
        self.candidate = [line.strip()]
        while self.i < len(self.lines) and len(self.candidate) < 4:
            following = self.lines[self.i][1]
            if not _is_heading_text(following) or DIVISION.match(following) or article_label(following):
                break
            self.candidate.append(following.strip())
            self.i += 1
        self.articles[-1].lines.extend((page, text) for text in self.candidate)


def _division_title(match: re.Match, lines: list[tuple[int | None, str]], i: int) -> tuple[str, int]:
    """Gives a division heading with its title ('Capítulo I. De la no admisión') and the index after it.

    The title is the rest of the heading line, or else the lines after it: the first whatever its case
    ('Del procedimiento para ...'), further ones while they are capitals or finish a cut line.
    """
    numeral = match.group(2)
    roman = re.fullmatch(r"[IVXLC]+", numeral)
    name = f"{match.group(1).capitalize()} {numeral if roman else numeral.capitalize()}"
    title = match.group(3).strip()
    while not title and i < len(lines) and not lines[i][1].strip():
        i += 1
    taken = 0
    while not match.group(3).strip() and i < len(lines) and taken < 3:
        line = lines[i][1].strip()
        if (not line or DIVISION.match(line) or article_label(line) or TRANSITIONAL.match(line)
                or _ENUMERATOR.match(line) or len(line) > 160):
            break
        continues = title.endswith("-") or title.split()[-1:] and title.split()[-1].lower() in _JOINERS
        if taken and not (_is_heading_text(line) or continues):
            break
        title = (title[:-1] + line) if title.endswith("-") else f"{title} {line}".strip()
        taken += 1
        i += 1
    title = " ".join(title.split()).rstrip(".:")
    return (f"{name}. {title.capitalize() if title.isupper() else title}" if title else name), i


_JOINERS = {"de", "del", "la", "las", "los", "y", "e", "en", "para", "por", "a", "al", "o", "u", "con", "sobre"}


def title_case(text: str) -> str:
    """Gives a title set in capitals as Spanish writes it ('LEY GENERAL DE MIGRACIÓN' -> 'Ley General de
    Migración'); a title already in mixed case is kept as printed."""
    text = " ".join(text.split())
    first, _, rest = text.partition(" ")
    if first.isupper() and len(first) > 1 and not rest.isupper():  # 'LINEAMIENTOS Generales para ...'
        return f"{first.capitalize()} {rest}".strip()
    if not text.isupper():
        return text
    words = text.lower().split()
    return " ".join(w if i and w in _JOINERS | _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


_SMALL_WORDS = {"que", "el", "les", "lo", "no."}


def law_title(pages: list[tuple[int | None, str]], furniture: set[str] = frozenset()) -> str:
    """Gives the title a legal text prints on its first page ('LEY DE MIGRACIÓN', 'LINEAMIENTOS Generales para
    la expedición de visas ...'), or "" when none: the first line that names an instrument, with the lines
    that finish it (never a running header's: furniture holds their ingest.furniture.line_key)."""
    from ingest.furniture import line_key

    lines = [line.strip() for _, text in pages[:2] for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if not re.match(r"^(?:LEY|REGLAMENTO|DECRETO|C[ÓO]DIGO|LINEAMIENTOS|ACUERDO|PROTOCOLO)\b", line) \
                or ARTICLE.match(line) or DIVISION.match(line):
            continue
        title = [line]
        for nxt in lines[i + 1:i + 5]:
            previous = title[-1]
            unfinished = previous.endswith("-") or previous.split()[-1].lower() in _JOINERS
            if ARTICLE.match(nxt) or DIVISION.match(nxt) or line_key(nxt) in furniture \
                    or not (unfinished or _is_heading_text(nxt) and _is_heading_text(previous)):
                break
            title.append(nxt)
        return title_case(" ".join(title)).rstrip(". ")[:200]
    return ""


def _path(instrument: str | None, path: list[str | None]) -> tuple[str, ...]:
    head = (title_case(instrument),) if instrument else ()
    return head + tuple(p for p in path if p)


def _paragraphs(lines: list[str], vocab) -> list[str]:
    """Gives an article's lines joined into paragraphs; enumerated fractions ('I.', 'a)') start their own."""
    blocks: list[list[str]] = []
    for line in lines:
        if not blocks or _ENUMERATOR.match(line) or blocks[-1][-1].rstrip().endswith(":"):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return [join_wrapped_lines(block, vocab).strip() for block in blocks if "".join(block).strip()]


@dataclass
class _Piece:
    text: str
    pages: list[int | None]
    labels: list[str]
    divisions: tuple[str, ...]
    whole: bool = True  # a whole article, not one piece of a long one
    context: str = ""  # what a later piece of a long article carries from before it (lead_ins)


LEAD_IN_WORDS = 25  # words of an article's opening or of a list's lead-in carried into a later piece
MAX_LEAD_INS = 2  # the nearest levels of nested lists a piece carries


def _enumerator_kind(paragraph: str) -> str:
    """Gives the kind of list marker a paragraph starts with: 'I.' roman, 'a)'/'a.' letter, '1.' digit,
    '-' bullet, or '' for none."""
    match = _ENUMERATOR.match(paragraph)
    if not match:
        return ""
    marker = match.group(0).strip()
    if marker[0].isdigit():
        return "digit"
    if marker[0] in "-•":
        return "bullet"
    return "roman" if marker[:-1].isupper() else "letter"


def _shortened(text: str, words: int = LEAD_IN_WORDS) -> str:
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + " …"


def lead_ins(paragraphs: list[str], first: int, label: str) -> str:
    """Gives what a piece starting at paragraph `first` of a long article needs from before it to be read on
    its own: the article's opening and the lead-ins of the lists it sits in ('III. Presentar los documentos
    que acrediten alguno de los siguientes supuestos:' › 'b. Solvencia económica:'), each shortened.

    A lead-in is the nearest earlier paragraph ending with a colon whose list marker is of another kind than
    the ones below it (a sibling item of the same kind is not a lead-in); the nearest MAX_LEAD_INS are kept."""
    kinds = {_enumerator_kind(paragraphs[first])}
    found = []
    for k in range(first - 1, 0 if label else -1, -1):  # an article's paragraph 0 is its opening, below
        paragraph = paragraphs[k]
        kind = _enumerator_kind(paragraph)
        if paragraph.rstrip().endswith(":") and kind not in kinds:
            found.append(_shortened(paragraph))
            kinds.add(kind)
            if not kind or len(found) == MAX_LEAD_INS:  # a lead-in without a marker opens the article's list
                break
    opening = [_shortened(paragraphs[0])] if label else []
    return " › ".join(opening + found[::-1])


def _article_pieces(article: Article, vocab, target_words: int, max_words: int) -> list[_Piece]:
    """Gives an article as one piece, or cut at paragraphs and sentences with its number carried into each
    (and in the piece's context, the article's opening and the lead-ins of its lists: lead_ins)."""
    by_line = [(page, text) for page, text in article.lines if text.strip()]
    paragraphs = _paragraphs([text for _, text in by_line], vocab)
    pages = [page for page, _ in by_line]
    whole = "\n".join(paragraphs)
    if word_count(whole) <= max_words:
        return [_Piece(whole, pages, [article.label], article.divisions)]
    # a long article: pieces of it never share a passage with another article
    units = [(k, part) for k, para in enumerate(paragraphs) for part in _sentence_windows(para, target_words)]
    page_of = _page_locator(by_line)
    pieces: list[_Piece] = []
    current: list[tuple[int, str]] = []
    for unit in units + [None]:
        if unit is None or (current and word_count(" ".join(t for _, t in current + [unit])) > target_words):
            texts = [t for _, t in current]
            text = "\n".join(texts)
            context = ""
            if pieces:
                context = lead_ins(paragraphs, current[0][0], article.label)
                if article.label:
                    text = f"Artículo {article.label} (continuación)\n{text}"
            pieces.append(_Piece(text, page_of(texts), [article.label], article.divisions, whole=False,
                                 context=context))
            current = []
        if unit is not None:
            current.append(unit)
    return pieces


def _sentence_windows(paragraph: str, target_words: int) -> list[str]:
    """Gives a paragraph cut at sentence ends into parts of about target_words (a long sentence stays whole
    unless it is over twice that, then it is cut every target_words words)."""
    out: list[str] = []
    for sentence in split_sentences(paragraph):
        words = sentence.split()
        if len(words) > 2 * target_words:
            out.extend(" ".join(words[i:i + target_words]) for i in range(0, len(words), target_words))
        elif out and word_count(out[-1]) + len(words) <= target_words // 2:
            out[-1] += " " + sentence
        else:
            out.append(sentence)
    return out


def _page_locator(by_line: list[tuple[int | None, str]]):
    """Gives a function from a piece's units, in order, to the first and last page they were printed on.

    The article's words are laid end to end with the page of each; a unit is found by its first and
    last words, searching on from where the previous unit was found (a word rejoined across a line
    break is not found: the unit then keeps the page where the search stands).
    """
    words: list[str] = []
    pages: list[int | None] = []
    for page, text in by_line:
        for word in text.split():
            words.append(word)
            pages.append(page)
    cursor = 0

    def find(probe: list[str], start: int) -> int | None:
        n = len(probe)
        for i in range(start, len(words) - n + 1):
            if words[i:i + n] == probe:
                return i
        return None

    def pages_of(units: list[str]) -> list[int | None]:
        nonlocal cursor
        found = []
        for unit in units:
            unit_words = unit.split()
            first = find(unit_words[:3], cursor)
            if first is not None:
                cursor = first
            found.append(pages[min(cursor, len(pages) - 1)] if pages else None)
            # the unit's end is about its length further on (a rejoined hyphenation makes it a word shorter)
            last = find(unit_words[-3:], max(cursor, cursor + len(unit_words) - 8))
            if last is not None:
                cursor = last + min(2, len(unit_words) - 1)
            found.append(pages[min(cursor, len(pages) - 1)] if pages else None)
        known = [p for p in found if p is not None]
        return [min(known), max(known)] if known else [None]

    return pages_of


def _merge_short(pieces: list[_Piece], target_words: int, short_words: int) -> list[_Piece]:
    """Gives pieces where runs of short whole articles of one division share a passage, up to target_words."""
    out: list[_Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (last and last.divisions == piece.divisions and all(last.labels) and all(piece.labels)
                and last.whole and piece.whole
                and word_count(piece.text) < short_words and word_count(last.text) < target_words
                and word_count(last.text) + word_count(piece.text) <= target_words
                and (len(last.labels) > 1 or word_count(last.text) < short_words)):
            last.text += "\n" + piece.text
            last.pages += piece.pages
            last.labels += piece.labels
            continue
        out.append(_Piece(piece.text, list(piece.pages), list(piece.labels), piece.divisions, piece.whole,
                          piece.context))
    return out


def _label_span(labels: list[str]) -> str | None:
    labels = [label for label in labels if label]
    if not labels:
        return None
    return labels[0] if len(labels) == 1 or labels[0] == labels[-1] else f"{labels[0]}–{labels[-1]}"


def chunk_law(meta: DocumentMeta, pages: list[tuple[int | None, str]], *, target_words: int = 120,
              max_words: int = 200, overlap_sentences: int = 1, short_words: int = 40) -> list[Chunk]:
    """Gives the passages of a legal text: one per article, long articles cut, short neighbours shared.

    overlap_sentences is accepted for the common chunking signature; articles are cut without overlap,
    since each piece carries its article number.
    """
    vocab = vocabulary("\n".join(text for _, text in pages))
    articles = read_articles(pages)
    pieces = [piece for article in articles for piece in _article_pieces(article, vocab, target_words, max_words)]
    chunks: list[Chunk] = []
    for piece in _merge_short(pieces, target_words, short_words):
        text = piece.text.strip()
        if not text:
            continue
        known_pages = [p for p in piece.pages if p is not None]
        first, last = (min(known_pages), max(known_pages)) if known_pages else (None, None)
        article = _label_span(piece.labels)
        chunks.append(Chunk(
            chunk_id=f"{meta.doc_id}:{len(chunks):04d}", doc_id=meta.doc_id, text=text,
            section=" › ".join(piece.divisions) or None, page=first,
            page_end=last if last != first else None,
            part=piece.divisions[0] if piece.divisions else "preamble",
            countries=countries_named(text), article=article, context=piece.context or None))
    return chunks
