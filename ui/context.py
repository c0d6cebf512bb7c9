"""A passage's two views in the page's dialog, as HTML fragments: the passage in context (the passages before and
after it in its document, itself marked) and its citation in APA and Chicago with buttons to copy them.

The site serves them at /page/passage (server/page_routes.py); the page's script shows them in a dialog
(ui/page_script.py). Every piece of report text is escaped, as on the cards.
"""
from __future__ import annotations

from html import escape

from search.citation import apa, chicago
from search.passages import PassageInContext
from search.records import Hit
from ui.i18n import t
from ui.passage import passage_html
from ui.render import actions_html, location_html, plenary_line

CONTEXT_PASSAGES = 2  # passages shown on each side of the one cited


def context_html(found: PassageInContext, lang: str, *, doc_lang: str = "es", has_pdf: bool = False) -> str:
    """Gives the passage between its neighbours in reading order, itself marked as the one cited (focusable:
    the dialog moves the focus there), with its actions (cite, copy link, open the document)."""
    passage = found.passage
    doc_lang = escape(doc_lang or "es")
    items = [_item(hit, lang, doc_lang) for hit in found.before]
    items.append(f'<li class="pc-context-item pc-context-current" id="pc-context-current" tabindex="-1" '
                 f'aria-current="true"><div class="pc-context-label">{escape(t("this_passage", lang))}</div>'
                 f'{_body(passage, lang, doc_lang)}</li>')
    items += [_item(hit, lang, doc_lang) for hit in found.after]
    plenary = plenary_line(passage, lang)
    return (f'<div class="pc-context" data-chunk="{escape(passage.chunk_id)}">'
            f'<p class="pc-context-doc"><span class="pc-title" lang="{doc_lang}">{escape(passage.title)}</span>'
            f'{" · " + escape(plenary) if plenary else ""}</p>'
            f'<ol class="pc-context-list">{"".join(items)}</ol>'
            f'{actions_html(passage, lang, has_pdf=has_pdf, context=False)}</div>')


def _item(hit: Hit, lang: str, doc_lang: str) -> str:
    return f'<li class="pc-context-item">{_body(hit, lang, doc_lang)}</li>'


def _body(hit: Hit, lang: str, doc_lang: str) -> str:
    return (f'<div class="pc-where">{location_html(hit, lang, doc_lang)}</div>'
            f'<div class="pc-text" lang="{doc_lang}">{passage_html(hit.text, hit.highlight, lang)}</div>')


def cite_html(hit: Hit, lang: str, *, doc_lang: str = "es") -> str:
    """Gives the passage's citation in APA and in Chicago, in the interface language, each with a copy button,
    and a pointer to the RIS and BibTeX exports."""
    blocks = []
    for style, citation in (("APA", apa(hit, lang)), ("Chicago", chicago(hit, lang))):
        key = style.lower()
        blocks.append(f'<section class="pc-citation-block" aria-labelledby="pc-cite-{key}-h">'
                      f'<h3 id="pc-cite-{key}-h">{escape(style)}</h3>'
                      f'<p class="pc-citation" id="pc-cite-{key}">{citation.html(doc_lang or "es")}</p>'
                      f'<button type="button" class="pc-action" data-pc-action="copy" data-copy="pc-cite-{key}">'
                      f'{escape(t("copy_style", lang, style=style))}</button></section>')
    return (f'<div class="pc-cite-view" data-chunk="{escape(hit.chunk_id)}">{"".join(blocks)}'
            f'<p class="pc-cite-hint">{escape(t("cite_managers", lang))}</p></div>')
