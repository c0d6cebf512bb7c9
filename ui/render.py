"""Result cards and messages as HTML. Every piece of report text is escaped: nothing from a report is markup."""
from __future__ import annotations

import itertools
import re
from html import escape

from ingest.gazetteer import country_in_english
from search.lexical import fold
from search.records import Hit
from ui.i18n import is_named_part, part_label, t

_runs = itertools.count(1)  # stamps each rendering so a browser (tests, bench) can tell new results from old


def find_sentence(text: str, sentence: str) -> tuple[int, int] | None:
    """Gives the (start, end) of sentence inside text, whatever the whitespace between its words; None if absent."""
    words = sentence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.span() if match else None


def passage_html(text: str, highlight: str) -> str:
    """Gives a passage as escaped HTML with its best-answering sentence inside <mark>."""
    span = find_sentence(text, highlight) if highlight else None
    if span is None:
        return escape(text)
    start, end = span
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


def source_html(source: str) -> str:
    """Gives a source as escaped text, or as a link when it is a plain http(s) address."""
    if re.fullmatch(r"https?://\S+", source.strip()):
        url = escape(source.strip())
        return f'<a href="{url}" target="_blank" rel="noopener noreferrer nofollow">{url}</a>'
    return escape(source)


def plenary_line(hit: Hit, lang: str) -> str:
    """Gives "V Plenaria · Bogotá, Colombia · 2024" (plain text, not escaped)."""
    parts = [t("plenary", lang, plenary=hit.plenary)] if hit.plenary else []
    parts += [str(x) for x in (hit.city, hit.year) if x]
    if not parts and hit.country:  # a law or agency report: whose it is
        parts.append(country_in_english(hit.country) if lang == "en" else hit.country)
    return " · ".join(parts)


def location_line(hit: Hit, lang: str) -> str:
    """Gives "Section: ... · Session 3 · p. 4", or for a law "art. 111 · Section: Título ... · p. 43" (plain text)."""
    parts = [t("article", lang, article=hit.article)] if hit.article else []
    parts += [f"{t('section', lang)}: {hit.section}"] if hit.section else []
    # ingest falls back to the folded heading for an unnamed part: the section already says it
    if hit.part and is_named_part(hit.part) and hit.part != "front matter" \
            and not _section_names_part(hit.section or "", hit.part):
        parts.append(part_label(hit.part, lang))
    parts.append(t("page", lang, page=hit.pages()) if hit.page is not None else t("unpaginated", lang))
    return " · ".join(parts)


def _section_names_part(section: str, part: str) -> bool:
    """Gives True when the section heading already says the part ("SESIÓN 6" for session 6)."""
    heading = fold(section)
    return any(fold(part_label(part, lang)) in heading for lang in ("es", "en"))


def card_html(rank: int, hit: Hit, lang: str) -> str:
    """Gives one result card: citation, passage with the best sentence marked, source, discreet score."""
    similarity = f"{hit.similarity:.2f}" if hit.similarity is not None else "–"
    score_title = f"{t('similarity', lang)} {similarity} · {t('score', lang)} {hit.score:.4f}"
    source = (f'<div class="pc-source">{escape(t("source", lang))}: {source_html(hit.source)}</div>'
              if hit.source else "")
    return (
        f'<article class="pc-card" data-rank="{rank}" data-doc="{escape(hit.doc_id)}" '
        f'data-plenary="{escape(hit.plenary or "")}">'
        f'<div class="pc-head"><span class="pc-rank">{rank}</span>'
        f'<div class="pc-cite"><div class="pc-title">{escape(hit.title)}</div>'
        f'<div class="pc-plenary">{escape(plenary_line(hit, lang))}</div></div>'
        f'<span class="pc-score" title="{escape(score_title)}">{escape(t("similarity", lang))} {similarity}</span>'
        f'</div>'
        f'<div class="pc-where">{escape(location_line(hit, lang))}{_ocr_mark(hit, lang)}</div>'
        f'<div class="pc-text">{passage_html(hit.text, hit.highlight)}</div>'
        f'{source}</article>'
    )


def _ocr_mark(hit: Hit, lang: str) -> str:
    """Gives the "text recognised by OCR" mark of a passage read from a scan ("" for a text layer)."""
    if not hit.ocr:
        return ""
    return (f' · <span class="pc-ocr" title="{escape(t("ocr_title", lang))}">'
            f'{escape(t("ocr", lang))}</span>')


def results_html(hits: list[Hit], lang: str, *, query: str = "", no_good_match: bool = False,
                 unknown_terms: list[str] = (), summary: bool = True) -> str:
    """Gives the results area: a count, the no-good-match or no-results notice, and the cards.

    no_good_match and unknown_terms are the searcher's verdict (search.searcher.Results): the best
    passage is unlikely to answer, and the names of the query no passage contains.
    """
    run = next(_runs)
    if not hits:
        return _wrap(run, 0, message_html(t("no_results", lang), kind="empty"))
    parts = []
    if summary:
        key = "count_one" if len(hits) == 1 else "count"
        parts.append(f'<div class="pc-count">{escape(t(key, lang, n=len(hits), query=query))}</div>')
    if no_good_match:
        notice = t("weak_match", lang)
        if unknown_terms:
            notice += " " + t("unknown_terms", lang, terms=", ".join(unknown_terms))
        parts.append(message_html(notice, kind="weak"))
    parts += [card_html(rank, hit, lang) for rank, hit in enumerate(hits, 1)]
    return _wrap(run, len(hits), "".join(parts))


def message_html(message: str, *, kind: str = "error") -> str:
    """Gives a notice (error, empty, weak, hint) as HTML, escaped."""
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="pc-msg pc-msg-{escape(kind)}"{role}>{escape(message)}</div>'


def error_html(message: str) -> str:
    """Gives the results area holding one error message."""
    return _wrap(next(_runs), 0, message_html(message, kind="error"))


def _wrap(run: int, count: int, inner: str) -> str:
    return f'<div class="pc-results" aria-live="polite" data-run="{run}" data-count="{count}">{inner}</div>'


CSS = """
.pc-results {display: flex; flex-direction: column; gap: 12px;}
.pc-count {font-size: 0.95em; color: var(--body-text-color-subdued);}
.pc-card {border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 14px 16px;
          background: var(--background-fill-primary); overflow-wrap: anywhere;}
.pc-head {display: flex; align-items: flex-start; gap: 10px;}
.pc-rank {flex: none; min-width: 1.8em; height: 1.8em; border-radius: 50%; text-align: center;
          line-height: 1.8em; font-weight: 600; font-size: 0.85em;
          background: var(--color-accent-soft); color: var(--color-accent);}
.pc-cite {flex: 1; min-width: 0;}
.pc-title {font-weight: 600; color: var(--body-text-color);}
.pc-plenary {font-size: 0.9em; color: var(--body-text-color-subdued);}
.pc-score {flex: none; font-size: 0.72em; color: var(--body-text-color-subdued); opacity: 0.8;
           white-space: nowrap;}
.pc-where {font-size: 0.85em; color: var(--body-text-color-subdued); margin: 6px 0 8px 0;}
.pc-ocr {font-style: italic;}
.pc-text {white-space: pre-line; line-height: 1.5;}
.pc-text mark {background: #fff1a8; color: inherit; padding: 0 2px; border-radius: 2px;}
.dark .pc-text mark {background: #6b5d00;}
.pc-source {font-size: 0.75em; color: var(--body-text-color-subdued); margin-top: 8px;}
.pc-msg {padding: 10px 14px; border-radius: 8px; border: 1px solid var(--border-color-primary);}
.pc-msg-error {border-color: #d9534f; color: #a12622;}
.pc-msg-weak {border-color: #e0b000; background: rgba(255, 220, 0, 0.08);}
.pc-msg-empty, .pc-msg-hint {color: var(--body-text-color-subdued); font-style: italic;}
.pc-msg-done {border-color: #2f8f46; color: #1d6b31;}
.dark .pc-msg-done {color: #7fd394;}
.pc-compare-head {font-weight: 600; margin-bottom: 4px;}
.pc-banner {font-size: 0.85em; padding: 6px 12px; border-radius: 8px; border: 1px solid #e0b000;
            background: rgba(255, 220, 0, 0.08); color: var(--body-text-color-subdued);}
.pc-banner details {display: inline;}
.pc-banner summary {display: inline; cursor: pointer; text-decoration: underline;}
.pc-summary {font-size: 0.8em; white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 8px;
             color: var(--body-text-color-subdued);}
#practices-exports {align-items: center;}
#practices-table {--font-mono: var(--font);}  /* the table holds prose, not code */
#practices-count .html-container, #admin-result .html-container, #pc-banner .html-container {padding: 0;}
#results .html-container, #compare-left .html-container, #compare-right .html-container {padding: 0;}
#pc-header {align-items: flex-start;}
#pc-header h1 {margin: 0 0 4px 0;}
#pc-lang {flex: none;}
#search-row, #compare-row, #practices-row {align-items: flex-end;}
#search-button, #compare-button, #practices-button {min-height: 46px; margin-bottom: 2px;}
@media (max-width: 640px) {
  #pc-header {flex-direction: column; gap: 8px;}
  #search-row, #compare-row, #practices-row {flex-direction: column; gap: 8px;}
  #search-row > *, #compare-row > *, #practices-row > * {width: 100%; min-width: 0 !important;}
  #pc-lang {width: 100%;}
  .pc-card {padding: 10px 12px;}
}
"""
