"""Attendance lists: a numbered table of participants ("No País Nombre Cargo Institución") read as delegations.

A PDF's text layer flattens such a table into lines: "23 Guatemala Geovani René Castillo", "Polanco",
"Viceministro de Relaciones Exteriores Ministerio de Relaciones Exteriores", the next row "24 Guatemala ...".
Cut like prose it becomes passages of forty names that answer nothing. Here its rows are found by their
numbering (1, 2, 3 ... without gaps, across pages) and grouped by what opens them (the country or
organisation column), so each delegation becomes one record: who came for that country, in what post.

What makes a run of numbered lines an attendance list, and not a numbered list or a table of figures:
- at least MIN_ROWS rows, numbered consecutively from 1;
- a column header naming a name column ("Nombre", "Name") or a title that says attendance
  ("asistencia", "participantes", "attendance", "participants") within a few lines before the first row;
- most rows hold words, not figures, after their number.
Nothing here knows one report's countries or layout: the delegation is the text the rows begin with that
they share with their neighbours (the country or organisation column), a member country of the gazetteer,
or a leading acronym.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.gazetteer import countries_named, fold

MIN_ROWS = 5
_LOOK_BACK = 8  # non-blank lines before the first row where the header or title must be
_MAX_LAST_ROW_LINES = 8  # the last row ends after this many lines, at two blank lines or at prose
_MAX_ROW_LINES = 25  # rows further apart than this (a page break included) are not one table
_ROW = re.compile(r"^\s*(\d{1,3})\s+(?=[^\W\d_])(.*\S)\s*$")
_COLUMN_WORDS = {"no", "no.", "n°", "nº", "#", "pais", "country", "nombre", "nombres", "name", "names",
                 "apellidos", "surname", "cargo", "position", "title", "post", "institucion", "institution",
                 "organizacion", "organization", "organisation", "entidad", "delegacion", "delegation",
                 "correo", "email", "e-mail", "pays", "nom", "fonction"}
_NAME_COLUMNS = {"nombre", "nombres", "name", "names", "nom"}
_ATTENDANCE_TITLE = re.compile(r"\b(asistencia|asistentes|participantes|attendance|attendees|participants"
                               r"|delegaciones|delegations|lista de participantes|list of participants)\b")
# A line inside the table that names the group of the rows after it ("Participantes de la CRM",
# "Participantes Organismos Observadores", "Observers").
_GROUP = re.compile(r"^\s*(participantes|participants|delegaciones|delegations|observadores|observers"
                    r"|organismos|organizaciones|organizations|organisations|invitados|guests|sociedad civil"
                    r"|civil society|estados miembros|pa[ií]ses miembros|member states|member countries)\b", re.I)
_ACRONYM = re.compile(r"^[A-ZÁÉÍÓÚÑ0-9&/.\-–]{2,}$")


@dataclass
class Delegation:
    """The participants a list gives for one country or organisation."""

    name: str  # the delegation as the list prints it ("Costa Rica", "Estado Plurinacional de Bolivia", "ACNUR")
    country: str = ""  # its member country (canonical Spanish name), "" for an organisation
    group: str = ""  # the heading of its part of the list ("Participantes de la CRM"), "" when none
    members: list[str] = field(default_factory=list)  # one row each, as printed, cells joined by ", "
    page: int | None = None  # page of its first row

    def text(self) -> str:
        """Gives the delegation as a passage reads it: a title line, then one member a line."""
        title = f"{self.name} — {self.group}" if self.group else self.name
        return "\n".join([title] + [f"• {member}" for member in self.members])


@dataclass
class _Row:
    number: int
    index: int  # position of its first line in the document's lines
    lines: list[str] = field(default_factory=list)  # its text lines (the first without its number)
    group: str = ""
    end: int = 0  # index after its last line


def split_attendance(pages: list[tuple[int | None, str]]) -> list[tuple[int | None, str | Delegation]]:
    """Gives the document as pieces in reading order: (page, text) for ordinary text and (page, Delegation)
    where an attendance list's delegation starts; the list's lines are taken out of the text.

    A document without an attendance list comes back as its pages, one piece each.
    """
    lines = [(number, line) for number, text in pages for line in text.splitlines()]
    tables = [rows for rows in _numbered_runs(lines) if _is_attendance(rows, lines)]
    if not tables:
        return [(number, text) for number, text in pages]
    taken: dict[int, Delegation | None] = {}  # line index -> the delegation placed there (None: line removed)
    for rows in tables:
        start = _table_start(rows, lines)
        _close_last_row(rows[-1], lines)
        for index in range(start, rows[-1].end):
            taken[index] = None
        for delegation, first in _delegations(rows, lines, start):
            taken[first] = delegation
    pieces: list[tuple[int | None, str | Delegation]] = []
    buffer: list[str] = []
    page = lines[0][0] if lines else None
    for index, (number, line) in enumerate(lines):
        if number != page or index in taken:
            if buffer:
                pieces.append((page, "\n".join(buffer)))
            buffer, page = [], number
        if index in taken:
            if taken[index] is not None:
                pieces.append((number, taken[index]))
            continue
        buffer.append(line)
    if buffer:
        pieces.append((page, "\n".join(buffer)))
    return pieces


def _numbered_runs(lines: list[tuple[int | None, str]]) -> list[list[_Row]]:
    """Gives the runs of lines numbered 1, 2, 3 ... (each row with the lines up to the next)."""
    runs: list[list[_Row]] = []
    run: list[_Row] = []
    for index, (_, line) in enumerate(lines):
        match = _ROW.match(line)
        number = int(match.group(1)) if match else None
        if number is not None and run and number == run[-1].number + 1 and index - run[-1].index <= _MAX_ROW_LINES:
            run[-1].end = index
            run.append(_Row(number, index, [match.group(2)]))
        elif number == 1:
            if len(run) >= MIN_ROWS:
                runs.append(run)
            run = [_Row(1, index, [match.group(2)])]
        elif run and index - run[-1].index <= _MAX_ROW_LINES:
            run[-1].lines.append(line)
        elif run:  # the numbering stopped: what follows is not this table's
            if len(run) >= MIN_ROWS:
                runs.append(run)
            run = []
    if len(run) >= MIN_ROWS:
        runs.append(run)
    return runs


def _is_attendance(rows: list[_Row], lines: list[tuple[int | None, str]]) -> bool:
    """Tells whether a numbered run is a list of people: a header or title says so and the rows hold words."""
    before = [line for _, line in lines[max(0, rows[0].index - 40):rows[0].index] if line.strip()][-_LOOK_BACK:]
    said = any(_is_header(line) or _ATTENDANCE_TITLE.search(fold(line)) for line in before)
    wordy = sum(_holds_words(row.lines[0]) for row in rows) >= 0.8 * len(rows)
    return said and wordy


def _is_header(line: str) -> bool:
    """Tells whether a line is a table's column header with a name column ("No País Nombre Cargo Institución")."""
    words = set(fold(line).split())
    return len(words & _COLUMN_WORDS) >= 3 and bool(words & _NAME_COLUMNS)


def _holds_words(text: str) -> bool:
    """Tells whether a row's first line is mostly words (names, posts), not figures."""
    tokens = text.split()
    figures = sum(bool(re.search(r"\d", token)) for token in tokens)
    return len(tokens) >= 2 and figures <= 0.2 * len(tokens)


def _table_start(rows: list[_Row], lines: list[tuple[int | None, str]]) -> int:
    """Gives the index of the table's first line: the header and group lines just before row 1 belong to it;
    the group line found there is given to the first row."""
    start = rows[0].index
    index = start - 1
    while index >= 0 and start - index <= _LOOK_BACK:
        line = lines[index][1]
        if line.strip() and not (_is_header(line) or _GROUP.match(line)):
            break
        if _GROUP.match(line) and not rows[0].group:
            rows[0].group = " ".join(line.split())
        if line.strip():
            start = index
        index -= 1
    return start


def _close_last_row(row: _Row, lines: list[tuple[int | None, str]]) -> None:
    """Ends the last row where the table does: two blank lines, a line of prose, or a capitals title."""
    kept, blanks = [row.lines[0]], 0
    index = row.index + 1
    while index < len(lines) and index - row.index < _MAX_LAST_ROW_LINES:
        line = lines[index][1]
        blanks = blanks + 1 if not line.strip() else 0
        words = line.split()
        if blanks >= 2 or len(words) > 12 or (len(words) >= 3 and line.strip().isupper()):
            break
        kept.append(line)
        index += 1
    while kept and not kept[-1].strip():
        kept.pop()
        index -= 1
    row.lines, row.end = kept, row.index + len(kept)


def _delegations(rows: list[_Row], lines, start: int) -> list[tuple[Delegation, int]]:
    """Gives the table's delegations, in the order they first appear, each with the line index of its first row."""
    group = rows[0].group
    keyed: dict[str, tuple[Delegation, int]] = {}
    texts = [_row_text(row) for row in rows]
    for position, row in enumerate(rows):
        members, labels = _cells(row.lines)
        name = _key(texts, position)
        key = re.sub(r"[\W_]+", " ", fold(name)).strip()
        member = ", ".join(members)
        if key not in keyed:
            named = countries_named(name)
            delegation = Delegation(name, named[0] if len(named) == 1 else "", group, [], lines[row.index][0])
            keyed[key] = (delegation, start if position == 0 else row.index)
        keyed[key][0].members.append(member)
        if labels:  # a group line after this row names the rows that follow
            group = labels[-1]
    return list(keyed.values())


def _row_text(row: _Row) -> str:
    """Gives a row's words in one line, dashes closed up ("OIM – SE CRM" -> "OIM-SE CRM")."""
    text = " ".join(" ".join(line.split()) for line in row.lines
                    if line.strip() and not _GROUP.match(line) and not _is_header(line))
    return re.sub(r"\s*[–-]\s*", "-", text)


def _cells(lines: list[str]) -> tuple[list[str], list[str]]:
    """Gives a row's cells (lines split at blank lines and wide gaps, wrapped lines joined) and the group lines
    printed after it."""
    cells: list[str] = []
    current: list[str] = []
    labels: list[str] = []
    for line in lines + [""]:
        if _GROUP.match(line) or _is_header(line):
            if _GROUP.match(line):
                labels.append(" ".join(line.split()))
            line = ""
        parts = [part for part in re.split(r"\s{2,}", line.strip()) if part]
        if not parts:
            if current:
                cells.append(" ".join(current))
                current = []
            continue
        current.append(parts[0])
        for part in parts[1:]:
            cells.append(" ".join(current))
            current = [part]
    return [cell for cell in cells if cell], labels


def _key(texts: list[str], position: int) -> str:
    """Gives the delegation a row belongs to: the words it opens with that a neighbouring row opens with too,
    else a member country it opens with, else its leading acronym, else its first word."""
    text = texts[position]
    shared = [_shared_start(text, texts[other]) for other in (position - 1, position + 1)
              if 0 <= other < len(texts)]
    shared = [words for words in shared if words]
    if shared:
        return min(shared, key=len)
    words = text.split()
    for count in range(1, min(5, len(words)) + 1):  # "Guyana", "Estado Plurinacional de Bolivia"
        named = countries_named(" ".join(words[:count]))
        if named and len(countries_named(" ".join(words[:count + 1]))) == len(named):
            return " ".join(words[:count])
    acronym = []
    for word in words[:3]:
        if not _ACRONYM.match(word):
            break
        acronym.append(word)
    return " ".join(acronym) or (words[0] if words else "")


def _shared_start(a: str, b: str) -> str:
    """Gives the words two rows open with in common, stopped before a person's name that both happen to share:
    a member country ends the delegation's name."""
    shared = []
    for x, y in zip(a.split(), b.split()):
        if x != y:
            break
        shared.append(x)
        if countries_named(" ".join(shared)):
            break
    return " ".join(shared)
