"""Result cards and messages as HTML. Every piece of report text is escaped: nothing from a report is markup.

Report text carries the language of its document (lang="es" inside the English page, and the reverse), so a
screen reader reads it with the right voice.
"""
from __future__ import annotations

import itertools
from html import escape

from ingest.gazetteer import country_in_english
from search.lexical import fold
from search.citation import web_address
from search.records import Hit
from search.sources import document_link
from ui.i18n import is_named_part, part_label, t
from ui.passage import passage_html, role_mark

_runs = itertools.count(1)  # stamps each rendering so a browser (tests, bench) can tell new results from old


def source_html(source: str) -> str:
    """Gives a source as escaped text, or as a link when it is a plain http(s) address."""
    url = web_address(source)
    if url:
        url = escape(url)
        return f'<a href="{url}" target="_blank" rel="noopener noreferrer nofollow">{url}</a>'
    return escape(source)


def plenary_line(hit: Hit, lang: str) -> str:
    """Gives "V Plenaria · Bogotá, Colombia · 2024" (plain text, not escaped)."""
    parts = [t("plenary", lang, plenary=hit.plenary)] if hit.plenary else []
    parts += [str(x) for x in (hit.city, hit.year) if x]
    if not parts and hit.country:  # a law or agency report: whose it is
        parts.append(country_in_english(hit.country) if lang == "en" else hit.country)
    return " · ".join(parts)


def location_html(hit: Hit, lang: str, doc_lang: str) -> str:
    """Gives the location line as escaped HTML, the section's own words marked with the document's language."""
    return " · ".join(escape(label) + (f'<span lang="{escape(doc_lang)}">{escape(text)}</span>' if own
                                       else escape(text))
                      for label, text, own in _location_parts(hit, lang))


def _location_parts(hit: Hit, lang: str) -> list[tuple[str, str, bool]]:
    """Gives the location line's parts as (label, text, text is the document's own words)."""
    parts = [("", t("article", lang, article=hit.article), False)] if hit.article else []
    parts += [(f"{t('section', lang)}: ", hit.section, True)] if hit.section else []
    # ingest falls back to the folded heading for an unnamed part: the section already says it
    if hit.part and is_named_part(hit.part) and hit.part != "front matter" \
            and not _section_names_part(hit.section or "", hit.part):
        parts.append(("", part_label(hit.part, lang), False))
    parts.append(("", t("page", lang, page=hit.pages()) if hit.page is not None else t("unpaginated", lang), False))
    return parts


def _section_names_part(section: str, part: str) -> bool:
    """Gives True when the section heading already says the part ("SESIÓN 6" for session 6)."""
    heading = fold(section)
    return any(fold(part_label(part, lang)) in heading for lang in ("es", "en"))


def card_html(rank: int, hit: Hit, lang: str, *, total: int | None = None, doc_lang: str = "es",
              has_pdf: bool = False) -> str:
    """Gives one result card: its rank, citation, passage with the best sentence marked, source, and actions.

    The rank is the only measure shown: a raw similarity is not in rank order (the ranking adds the best
    sentence and the words) and reads as a confidence it is not. doc_lang is the document's language; has_pdf
    says the app serves the document's original PDF (the card links to it at the passage's page).
    """
    source = (f'<div class="pc-source">{escape(t("source", lang))}: {source_html(hit.source)}</div>'
              if hit.source else "")
    of_total = f'<span class="pc-sr"> {escape(t("rank_of", lang, n=total))}</span>' if total else ""
    doc_lang = escape(doc_lang or "es")
    return (
        f'<article class="pc-card" id="{escape(_card_id(hit.chunk_id))}" data-rank="{rank}" data-doc="{escape(hit.doc_id)}" '
        f'data-chunk="{escape(hit.chunk_id)}" data-plenary="{escape(hit.plenary or "")}">'
        f'<div class="pc-head"><span class="pc-rank"><span class="pc-sr">{escape(t("rank", lang))} </span>'
        f'{rank}{of_total}</span>'
        f'<div class="pc-cite"><div class="pc-title" lang="{doc_lang}">{escape(hit.title)}</div>'
        f'<div class="pc-plenary">{escape(plenary_line(hit, lang))}</div></div>'
        f'</div>'
        f'<div class="pc-where">{location_html(hit, lang, doc_lang)}{_ocr_mark(hit, lang)}{role_mark(hit.role, lang)}</div>'
        f'<div class="pc-text" lang="{doc_lang}">{passage_html(hit.text, hit.highlight, lang)}</div>'
        f'{source}{actions_html(hit, lang, has_pdf=has_pdf, which=t("rank", lang) + f" {rank}")}</article>'
    )


def actions_html(hit: Hit, lang: str, *, has_pdf: bool = False, which: str = "", context: bool = True) -> str:
    """Gives a passage's actions: read it in context, cite it, copy its permanent link, open its document (its
    PDF at the passage's page when the app serves it, else its source when a web address).

    The buttons act through the page's script (ui/page_script.py, by their data-pc-action); which ("Resultado
    3") names the group of buttons, so that a screen reader tells which card's they are. context=False leaves
    out "read in context" (the context view itself).
    """
    buttons = [("context", "read_context", ' aria-haspopup="dialog"')] if context else []
    buttons += [("cite", "cite", ' aria-haspopup="dialog"'), ("link", "copy_link", "")]
    parts = [f'<button type="button" class="pc-action" data-pc-action="{action}"{extra}>'
             f'{escape(t(key, lang))}</button>' for action, key, extra in buttons]
    link = document_link(hit, has_pdf=has_pdf)
    if link:
        label = (t("open_pdf_page", lang, page=hit.page) if has_pdf and hit.page else
                 t("open_pdf", lang) if has_pdf else t("open_source", lang))
        parts.append(f'<a class="pc-action pc-open" href="{escape(link)}" target="_blank" rel="noopener noreferrer">'
                     f'{escape(label)}<span class="pc-sr"> {escape(t("new_tab", lang))}</span></a>')
    # one group per card, named by its rank: a screen reader says which card's buttons these are
    group = f' role="group" aria-label="{escape(which)}"' if which else ""
    return f'<div class="pc-actions"{group}>{"".join(parts)}</div>'


def _ocr_mark(hit: Hit, lang: str) -> str:
    """Gives the "text recognised by OCR" mark of a passage read from a scan ("" for a text layer)."""
    if not hit.ocr:
        return ""
    return (f' · <span class="pc-ocr" title="{escape(t("ocr_title", lang))}">'
            f'{escape(t("ocr", lang))}</span>')


def practices_html(practices: list, lang: str, shown_ids: set[str]) -> str:
    """Gives the good-practice records that answer a list question as a compact table above the passages:
    practice, countries, session, plenary, page; a record whose passage is among the cards links to it."""
    heads = "".join(f'<th scope="col">{escape(t(key, lang))}</th>'
                    for key in ("col_practice", "col_countries", "col_session", "col_plenary", "col_page"))
    rows = []
    for match in practices:
        record = match.record
        countries = [country_in_english(c) if lang == "en" else c for c in record.countries]
        who = ", ".join(countries + record.organisations) or record.holder or "—"
        name = escape(record.name)
        if match.chunk_id in shown_ids:
            name += f' <a class="pc-to-passage" href="#{escape(_card_id(match.chunk_id))}">{escape(t("to_passage", lang))}</a>'
        plenary = f"{record.plenary} ({record.year})" if record.plenary else record.doc_id
        cells = [(t("col_practice", lang), name, ' lang="es"'), (t("col_countries", lang), escape(who), ""),
                 (t("col_session", lang), escape(part_label(record.session, lang) if record.session else "—"), ""),
                 (t("col_plenary", lang), escape(plenary), ""),
                 (t("col_page", lang), escape(str(record.page) if record.page is not None else "—"), "")]
        rows.append("<tr>" + "".join(f'<td data-label="{escape(label)}"{lang_attr}>{value}</td>'
                                     for label, value, lang_attr in cells) + "</tr>")
    return (f'<section class="pc-practices" aria-label="{escape(t("practices_found", lang))}">'
            f'<div class="pc-practices-title">{escape(t("practices_found", lang))}</div>'
            f'<table><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _card_id(chunk_id: str) -> str:
    return "card-" + "".join(c if c.isalnum() else "-" for c in chunk_id)


def results_html(hits: list[Hit], lang: str, *, query: str = "", no_good_match: bool = False,
                 unknown_terms: list[str] = (), summary: bool = True, filters: str = "",
                 languages: dict[str, str] | None = None, practices: list = (), absent: list[str] = (),
                 no_practices: list[str] = (), unmentioned: list[str] = (),
                 pdfs: set[str] = frozenset()) -> str:
    """Gives the results area: a count naming the query and the active filters, the no-good-match or
    no-results notice, and the cards.

    no_good_match and unknown_terms are the searcher's verdict (search.searcher.Results): the best
    passage is unlikely to answer, and the names of the query no passage contains. filters is the active
    filters as a reader reads them ("Plenaria: IV"); languages gives each document's language by doc_id.
    practices are the records that answer a list question (search.records.PracticeMatch), shown above the
    cards; absent what the question names that the reports do not cover ("VI Plenaria"); no_practices the
    scope of a practices question for which the reports list none; pdfs the documents whose original PDF the
    app serves (each card then links to it at its page).
    """
    run = next(_runs)
    with_filters = t("with_filters", lang, filters=filters) if filters else ""
    if not hits:
        return _wrap(run, 0, message_html(t("no_results", lang) + with_filters, kind="empty"))
    parts = []
    if summary:
        key = "count_one" if len(hits) == 1 else "count"
        parts.append(f'<div class="pc-count">{escape(t(key, lang, n=len(hits), query=query) + with_filters)}</div>')
    if no_good_match:
        notice = t("weak_match", lang)
        if absent:
            notice += " " + t("absent", lang, names=", ".join(absent))
        if no_practices:
            notice += " " + t("no_practices", lang, names=", ".join(no_practices))
        # a name no passage at all holds is said once, by the stronger sentence below
        unmentioned = [name for name in unmentioned if name not in unknown_terms]
        if unmentioned:
            notice += " " + t("unmentioned", lang, names=", ".join(unmentioned))
        if unknown_terms:
            notice += " " + t("unknown_terms", lang, terms=", ".join(unknown_terms))
        parts.append(message_html(notice, kind="weak"))
    if practices:
        parts.append(practices_html(list(practices), lang, {hit.chunk_id for hit in hits}))
    languages = languages or {}
    parts += [card_html(rank, hit, lang, total=len(hits), doc_lang=languages.get(hit.doc_id, "es"),
                        has_pdf=hit.doc_id in pdfs)
              for rank, hit in enumerate(hits, 1)]
    return _wrap(run, len(hits), "".join(parts))


def message_html(message: str, *, kind: str = "error") -> str:
    """Gives a notice (error, empty, weak, hint) as HTML, escaped."""
    role = ' role="alert"' if kind == "error" else ""
    return f'<div class="pc-msg pc-msg-{escape(kind)}"{role}>{escape(message)}</div>'


def error_html(message: str) -> str:
    """Gives the results area holding one error message."""
    return _wrap(next(_runs), 0, message_html(message, kind="error"))


def _wrap(run: int, count: int, inner: str) -> str:
    # tabindex -1: on a phone the page moves the focus here once results arrive; the page's status line, not
    # this area, announces them (ui/page_script.py): a live region this size would read every card aloud
    return (f'<div class="pc-results" tabindex="-1" data-run="{run}" data-count="{count}">'
            f'{inner}</div>')


CSS = """
.pc-sr {position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
        clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;}
.pc-results {display: flex; flex-direction: column; gap: 12px; scroll-margin-top: 8px;}
.pc-results:focus {outline: none;}  /* focused by the page on a phone, to read from; not a control */
.pc-count {font-size: 0.95em; color: var(--body-text-color-subdued); scroll-margin-top: 8px;}
.pc-practices {border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 14px;
                background: var(--background-fill-secondary);}
.pc-practices-title {font-weight: 600; margin-bottom: 6px; color: var(--body-text-color);}
.pc-practices table {width: 100%; border-collapse: collapse; font-size: 0.92em;}
.pc-practices th, .pc-practices td {text-align: left; vertical-align: top; padding: 4px 6px;
                                   border-top: 1px solid var(--border-color-primary); color: var(--body-text-color);}
.pc-practices th {border-top: none; font-weight: 600;}
.pc-to-passage {white-space: nowrap; font-size: 0.9em;}
@media (max-width: 640px) {  /* a phone: each record a small block, each value with its column's name */
  .pc-practices thead {position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0);}
  .pc-practices tr {display: block; padding: 6px 0; border-top: 1px solid var(--border-color-primary);}
  .pc-practices td {display: block; border: none; padding: 1px 0;}
  .pc-practices td:not(:first-child)::before {content: attr(data-label) ": "; font-weight: 600;}
}
.pc-card {border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 14px 16px;
          background: var(--background-fill-primary); overflow-wrap: anywhere; scroll-margin-top: 8px;}
.pc-head {display: flex; align-items: flex-start; gap: 10px;}
.pc-rank {flex: none; min-width: 1.8em; height: 1.8em; border-radius: 50%; text-align: center;
          line-height: 1.8em; font-weight: 600; font-size: 0.85em; background: #dbeafe; color: #1e40af;}
.dark .pc-rank {background: #1e3a8a; color: #dbeafe;}
.pc-cite {flex: 1; min-width: 0;}
.pc-title {font-weight: 600; color: var(--body-text-color);}
.pc-plenary {font-size: 0.9em; color: var(--body-text-color-subdued);}
.pc-where {font-size: 0.85em; color: var(--body-text-color-subdued); margin: 6px 0 8px 0;}
.pc-ocr {font-style: italic;}
.pc-text {white-space: pre-line; line-height: 1.5;}
.pc-text mark {background: #fff1a8; color: inherit; padding: 0 2px; border-radius: 2px;}
.dark .pc-text mark {background: #6b5d00;}
.pc-text a, .pc-source a {color: #1d4ed8; text-decoration: underline;}
.dark .pc-text a, .dark .pc-source a {color: #93c5fd;}
.pc-links {display: block; margin: 4px 0; white-space: pre-line;}
.pc-links summary {cursor: pointer; color: #1d4ed8; width: fit-content;}
.dark .pc-links summary {color: #93c5fd;}
.pc-source {font-size: 0.8em; color: var(--body-text-color-subdued); margin-top: 8px;}
/* a card's actions (read in context, cite, copy link, open the PDF), and the passage dialog they open */
.pc-actions {display: flex; flex-wrap: wrap; gap: 6px 8px; margin-top: 10px;}
.pc-action {font: inherit; font-size: 0.85em; line-height: 1.4; padding: 4px 10px; border-radius: 6px; cursor: pointer;
            border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
            color: var(--body-text-color); text-decoration: none;}
.pc-action:hover {border-color: #1d4ed8;}
a.pc-action {color: #1d4ed8;}
.dark a.pc-action {color: #93c5fd;}
.pc-action[data-copied] {border-color: #2f8f46;}
.pc-dialog {width: min(760px, calc(100vw - 24px)); max-height: calc(100vh - 48px); padding: 0; border-radius: 10px;
            border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
            color: var(--body-text-color); overflow: hidden;}
.pc-dialog[open] {display: flex; flex-direction: column;}
.pc-dialog::backdrop {background: rgba(15, 23, 42, 0.55);}
.pc-dialog-head {display: flex; align-items: center; gap: 10px; padding: 10px 16px;
                 border-bottom: 1px solid var(--border-color-primary);}
.pc-dialog-head h2 {flex: 1; margin: 0; font-size: 1.1em; font-weight: 600;}
.pc-dialog-body {overflow-y: auto; padding: 12px 16px 16px; overflow-wrap: anywhere;}
.pc-context-doc {margin: 0 0 8px; font-size: 0.95em;}
.pc-context-list {list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px;}
.pc-context-item {padding: 8px 12px; border-left: 3px solid var(--border-color-primary);}
.pc-context-current {border-left: 5px solid #1d4ed8; background: #eff6ff; border-radius: 0 8px 8px 0;
                     scroll-margin: 40px;}
.dark .pc-context-current {background: #172554; border-left-color: #93c5fd;}
.pc-context-current:focus {outline: 3px solid #1d4ed8; outline-offset: 2px;}
.pc-context-label {font-weight: 600; font-size: 0.85em; color: #1e40af;}
.dark .pc-context-label {color: #bfdbfe;}
.pc-context-item .pc-where {margin: 2px 0 4px;}
.pc-citation-block h3 {font-size: 1em; font-weight: 600; margin: 4px 0;}
.pc-citation {margin: 0 0 6px; line-height: 1.5; user-select: all;}
.pc-cite-hint {font-size: 0.85em; color: var(--body-text-color-subdued); margin: 12px 0 0;}
@media (max-width: 640px) {
  .pc-dialog {width: calc(100vw - 8px); max-width: none; max-height: calc(100vh - 16px);}
  .pc-dialog-body {padding: 10px 12px 14px;}
}
.pc-msg {padding: 10px 14px; border-radius: 8px; border: 1px solid var(--border-color-primary);
         scroll-margin-top: 8px;}
.pc-msg-error {border-color: #d9534f; color: #a12622;}
.dark .pc-msg-error {color: #fca5a5;}
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
/* the practices as cards: what a phone shows instead of the table */
#practices-cards {display: none !important;}
.pc-practices {display: flex; flex-direction: column; gap: 10px;}
.pc-practice {border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
              overflow-wrap: anywhere; scroll-margin-top: 8px;}
.pc-practice h3 {font-size: 1em; font-weight: 600; margin: 0 0 6px 0;}
.pc-practice dl {display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0;
                 font-size: 0.9em;}
.pc-practice dl > div {display: contents;}
.pc-practice dt {color: var(--body-text-color-subdued);}
.pc-practice dd {margin: 0;}
/* the selected tab: blue-700 on white, 6.7:1 (Gradio's blue-500 gives 3.7:1) */
#pc-tabs [role=tab].selected {color: #1d4ed8;}
.dark #pc-tabs [role=tab].selected {color: #93c5fd;}
/* a visible focus ring on everything a keyboard reaches (no :is() lists: Gradio's CSS scoping splits at their
   commas) */
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, textarea:focus-visible,
select:focus-visible, [role=tab]:focus-visible, [role=option]:focus-visible, [tabindex="0"]:focus-visible,
label:has(> input[type=radio]:focus-visible), label:has(> input[type=checkbox]:focus-visible),
.wrap:has(> .wrap-inner input[role=combobox]:focus-visible) {outline: 3px solid #1d4ed8 !important; outline-offset: 2px;}
.dark a:focus-visible, .dark button:focus-visible, .dark summary:focus-visible, .dark input:focus-visible,
.dark textarea:focus-visible, .dark select:focus-visible, .dark [role=tab]:focus-visible,
.dark [role=option]:focus-visible, .dark [tabindex="0"]:focus-visible, .dark label:has(> input:focus-visible),
.dark .wrap:has(> .wrap-inner input[role=combobox]:focus-visible) {outline-color: #93c5fd !important;}
/* the box around a filter's text field has the ring (specific enough to beat the scoped rule above) */
.wrap > .wrap-inner > .secondary-wrap > input[role=combobox]:focus-visible {outline: none !important;}
#practices-exports {align-items: center;}
#practices-table {--font-mono: var(--font);}  /* the table holds prose, not code */
#practices-count .html-container, #admin-result .html-container, #pc-banner .html-container {padding: 0;}
#results .html-container, #compare-left .html-container, #compare-right .html-container {padding: 0;}
#practices-cards .html-container {padding: 0;}
#results, #compare-columns {scroll-margin-top: 8px;}
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
  #practices-table {display: none !important;}
  #practices-cards {display: block !important;}
}
"""
