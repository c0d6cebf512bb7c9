"""A passage as HTML: its text escaped, its best sentence marked, its web addresses as links.

Reports cite their sources as bare addresses, sometimes a dozen in a row at the end of a list of practices;
shown raw they turn a card into a wall of URLs. An address becomes a link named by its site and file, and
two or more lines of nothing but addresses fold into one "N links" line a reader can open.
"""
from __future__ import annotations

import re
from html import escape
from urllib.parse import unquote, urlsplit

from ui.i18n import t

WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"»”"  # punctuation after an address belongs to the sentence
_BULLET = re.compile(r"^[\s•·\-–—*]*")
MIN_FOLDED_LINKS = 2  # lines of bare addresses in a row folded into one
_MAX_NAME = 36  # characters of an address's file name shown in its link


def find_sentence(text: str, sentence: str) -> tuple[int, int] | None:
    """Gives the (start, end) of sentence inside text, whatever the whitespace between its words; None if absent."""
    words = sentence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.span() if match else None


def web_addresses(text: str) -> list[tuple[int, int]]:
    """Gives the (start, end) of each web address in text, without the punctuation that follows it."""
    spans = []
    for match in WEB_ADDRESS.finditer(text):
        address = match.group(0)
        while address and (address[-1] in _TRAILING or (address[-1] == ")" and address.count("(") < address.count(")"))):
            address = address[:-1]
        if len(address) > len("www."):
            spans.append((match.start(), match.start() + len(address)))
    return spans


def link_name(address: str) -> str:
    """Gives how a link to an address reads: its site, and its file name when it has one ("oim.int/…/informe.pdf")."""
    parts = urlsplit(address if "://" in address else "https://" + address)
    site = parts.netloc.removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return site
    name = unquote(segments[-1])
    if len(name) > _MAX_NAME:
        name = name[:_MAX_NAME - 1] + "…"
    return f"{site}/{name}" if len(segments) == 1 else f"{site}/…/{name}"


def link_html(address: str) -> str:
    """Gives a link to a web address (escaped), opening in a new tab, read by its site and file name."""
    href = address if "://" in address else "https://" + address
    return (f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer nofollow" '
            f'title="{escape(address)}">{escape(link_name(address))}</a>')


def passage_html(text: str, highlight: str, lang: str = "es") -> str:
    """Gives a passage as escaped HTML with its best-answering sentence inside <mark> and its addresses as links.

    Runs of lines holding only addresses fold into a <details> element labelled in the interface language.
    """
    addresses = web_addresses(text)
    span = find_sentence(text, highlight) if highlight else None
    if span:  # a mark never cuts a link in two
        start, end = span
        for a, b in addresses:
            if a < start < b:
                start = a
            if a < end < b:
                end = b
        span = (start, end)
    parts, cursor = [], 0
    for run_start, run_end, run in _address_runs(text, addresses):
        parts.append(_text_html(text, cursor, run_start, span, addresses))
        links = "\n".join(link_html(text[a:b]) for a, b in run)
        summary = escape(t("links_folded", lang, n=len(run)))
        parts.append(f'<details class="pc-links"><summary>{summary}</summary>{links}</details>')
        cursor = run_end
    parts.append(_text_html(text, cursor, len(text), span, addresses))
    return "".join(parts)


def _address_runs(text: str, addresses: list[tuple[int, int]]):
    """Yields (start, end, addresses) for each run of MIN_FOLDED_LINKS or more lines holding one address and
    nothing else; start and end take in the line breaks around the run, which the folded block replaces."""
    by_start = dict(addresses)
    run: list[tuple[int, int]] = []
    run_bounds = None
    offset = 0
    for line in text.split("\n") + [None]:
        address = None
        if line is not None:
            lead = _BULLET.match(line).end()
            end = by_start.get(offset + lead)
            if end is not None and not line[end - offset:].strip():
                address = (offset + lead, end)
        if address:
            run.append(address)
            run_bounds = (run_bounds[0] if run_bounds else offset, offset + len(line))
        else:
            if len(run) >= MIN_FOLDED_LINKS:
                start, end = run_bounds
                yield max(start - 1, 0), min(end + 1, len(text)), run
            run, run_bounds = [], None
        if line is not None:
            offset += len(line) + 1


def _text_html(text: str, start: int, end: int, span, addresses) -> str:
    """Gives text[start:end] escaped, with its addresses as links and its part of the highlight in <mark>."""
    if start >= end:
        return ""
    if span is None or span[1] <= start or span[0] >= end:
        return _linked(text, start, end, addresses)
    a, b = max(span[0], start), min(span[1], end)
    return (_linked(text, start, a, addresses) + "<mark>" + _linked(text, a, b, addresses) + "</mark>"
            + _linked(text, b, end, addresses))


def _linked(text: str, start: int, end: int, addresses) -> str:
    parts, cursor = [], start
    for a, b in addresses:
        if a >= start and b <= end:
            parts += [escape(text[cursor:a]), link_html(text[a:b])]
            cursor = b
    parts.append(escape(text[cursor:end]))
    return "".join(parts)


def role_mark(role: str, lang: str) -> str:
    """Gives the label of a passage that is not body text (" · Pie de foto", " · Delegation (attendance list)"),
    "" for body text."""
    if role not in ("caption", "delegation"):
        return ""
    return f' · <span class="pc-role">{escape(t("role_" + role, lang))}</span>'
