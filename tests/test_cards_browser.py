"""A result card's ways out, in Debian's headless Chromium: read the passage in context, follow its permalink, copy
its citation, open the PDF at the cited page, export RIS and BibTeX; and axe-core on the passage dialog.

The page is the session's `python app.py` of the API tests (tests/conftest.py `api_app`: the real index of the
bundled reports plus a two-page PDF in its corpus folder, doc_id API_PDF_DOC, its topic on page 2). The browser
may read and write the clipboard (granted per context). Screenshots land in test-artifacts/screenshots/.
"""
from __future__ import annotations

import dataclasses
import json
import re
import urllib.parse
import urllib.request

import pytest

from search.citation import apa, chicago
from search.records import Hit
from tests.conftest import API_PDF_DOC, API_PDF_TOPIC
from tests.test_app_browser import (DESKTOP, ENGLISH_QUERY, PHONE, RESULT_MS, SPANISH_QUERY, browser,  # noqa: F401
                                    card_with, cards, current_url, download, expect, search, serious_violations,
                                    shoot)

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, api_app):  # noqa: F811 - the browser fixture imported above
    """Gives a function that opens the page (plus a path such as "?passage=...") in a fresh browser context that
    may use the clipboard."""
    contexts = []

    def opener(path: str = "", *, viewport=DESKTOP, locale="es-ES"):
        context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=api_app.url.rstrip("/"))
        contexts.append(context)
        page = context.new_page()
        page.goto(api_app.url + path)
        page.wait_for_selector("body[data-puente-ready]", timeout=RESULT_MS)
        return page

    yield opener
    for context in contexts:
        context.close()


def passage_json(api_app, chunk_id: str, context: int = 2) -> dict:
    url = f"{api_app.url}api/passages/{urllib.parse.quote(chunk_id, safe='')}?context={context}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def as_hit(passage: dict) -> Hit:
    return Hit(**{f.name: passage[f.name] for f in dataclasses.fields(Hit)})


def words(text: str, n: int = 8) -> str:
    """Gives the first n words of a passage, whitespace folded (how a test finds it on screen)."""
    return " ".join(text.split()[:n])


def clipboard(page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


def dialog_title(page):
    return page.locator("#pc-dialog-title")


def current_passage(page):
    return page.locator("#pc-dialog #pc-context-current")


# -- read in context ---------------------------------------------------------------------------------------

def test_a_card_opens_its_passage_between_its_neighbours_and_escape_brings_the_reader_back(api_app, open_page):
    page = open_page()
    search(page, SPANISH_QUERY)
    shown = cards(page).count()
    card = card_with(page, "Sistema de Alerta Temprana")
    chunk = card.get_attribute("data-chunk")
    button = card.locator("[data-pc-action=context]")
    button.click()
    expect(current_passage(page)).to_be_focused(timeout=RESULT_MS)
    expect(dialog_title(page)).to_have_text("El pasaje en su contexto")
    expect(current_passage(page)).to_contain_text("Pasaje citado")
    # the passages before and after it in its document, in reading order, the cited one marked
    passage = passage_json(api_app, chunk)
    expected = [p["text"] for p in passage["before"]] + [passage["text"]] + [p["text"] for p in passage["after"]]
    shown_items = page.locator("#pc-dialog .pc-context-item").all_inner_texts()
    assert len(shown_items) == len(expected) >= 3
    assert all(words(text) in " ".join(item.split()) for text, item in zip(expected, shown_items))
    assert page.locator("#pc-dialog [aria-current=true]").count() == 1
    assert "passage=" + urllib.parse.quote(chunk, safe="") in current_url(page)  # the address opens it too
    shoot(page, "context-desktop", full_page=False)
    page.keyboard.press("Escape")
    expect(page.locator("#pc-dialog")).to_be_hidden()
    expect(button).to_be_focused()  # back where the reader was, the results untouched
    assert cards(page).count() == shown and "passage=" not in current_url(page)

    page.set_viewport_size(PHONE)  # by keyboard, on a phone
    button.focus()
    page.keyboard.press("Enter")
    expect(current_passage(page)).to_be_focused(timeout=RESULT_MS)
    box = page.locator("#pc-dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shoot(page, "context-phone", full_page=False)
    page.locator("#pc-dialog [data-pc-action=close]").click()
    expect(page.locator("#pc-dialog")).to_be_hidden()
    expect(button).to_be_focused()


def test_copy_link_gives_a_permalink_that_opens_the_passage_in_context(api_app, open_page):
    page = open_page(locale="en-US")
    search(page, ENGLISH_QUERY)
    card = cards(page).first
    chunk = card.get_attribute("data-chunk")
    copy = card.locator("[data-pc-action=link]")
    copy.click()
    expect(copy).to_have_attribute("data-copied", "1")
    expect(page.locator("#pc-status")).to_have_text("Link copied to the clipboard.")
    link = clipboard(page)
    assert link == f"{api_app.url}?passage={urllib.parse.quote(chunk, safe='')}"
    shoot(page, "permalink-copied-desktop", full_page=False)

    text = words(card.locator(".pc-text").inner_text())
    colleague = open_page(link.removeprefix(api_app.url), locale="en-GB")  # opened by whoever received it
    expect(current_passage(colleague)).to_be_focused(timeout=RESULT_MS)
    expect(dialog_title(colleague)).to_have_text("The passage in context")
    expect(current_passage(colleague)).to_contain_text("The passage cited")
    assert text in " ".join(current_passage(colleague).inner_text().split())
    shoot(colleague, "permalink-en-desktop", full_page=False)
    colleague.keyboard.press("Escape")
    expect(colleague.locator("#pc-dialog")).to_be_hidden()
    # a reload does not open it again (the dialog's close event, which drops it, comes just after Escape)
    colleague.wait_for_function("() => !window.location.search.includes('passage=')", timeout=RESULT_MS)

    phone = open_page(link.removeprefix(api_app.url), viewport=PHONE, locale="es-ES")  # in Spanish, on a phone
    expect(current_passage(phone)).to_be_focused(timeout=RESULT_MS)
    expect(dialog_title(phone)).to_have_text("El pasaje en su contexto")
    shoot(phone, "permalink-es-phone", full_page=False)

    gone = open_page("?passage=" + urllib.parse.quote("V-2024:9999", safe=""))  # a link the index no longer has
    expect(gone.locator("#pc-dialog .pc-msg")).to_contain_text("Ese pasaje no está en el índice", timeout=RESULT_MS)
    shoot(gone, "permalink-unknown-desktop", full_page=False)


# -- cite this ---------------------------------------------------------------------------------------------

def test_cite_gives_apa_and_chicago_in_the_interface_language_and_copies_them(api_app, open_page):
    page = open_page()
    search(page, SPANISH_QUERY)
    card = card_with(page, "Sistema de Alerta Temprana")
    chunk = card.get_attribute("data-chunk")
    cited = as_hit(passage_json(api_app, chunk, context=0))
    card.locator("[data-pc-action=cite]").click()
    expect(dialog_title(page)).to_have_text("Citar este pasaje")
    copy_apa = page.get_by_role("button", name="Copiar la cita APA")
    expect(copy_apa).to_be_focused(timeout=RESULT_MS)
    expect(page.locator("#pc-cite-apa")).to_have_text(apa(cited, "es").text())
    expect(page.locator("#pc-cite-chicago")).to_have_text(chicago(cited, "es").text())
    assert page.locator("#pc-cite-apa").inner_text().startswith(
        "Informe de la V Reunión Plenaria CRM-CSM (V Plenaria, Bogotá, Colombia). (2024). Sección «SESIÓN 3")
    assert page.locator("#pc-cite-apa i").inner_text() == "Informe de la V Reunión Plenaria CRM-CSM"
    copy_apa.click()
    expect(page.locator("#pc-dialog-status")).to_have_text("Cita copiada al portapapeles.")
    assert clipboard(page) == apa(cited, "es").text()
    shoot(page, "cite-es-desktop", full_page=False)
    page.keyboard.press("Escape")
    expect(card.locator("[data-pc-action=cite]")).to_be_focused()

    page.get_by_test_id("English-radio-label").click()  # the cards are redrawn in English, and so is the citation
    expect(page.locator("html")).to_have_attribute("lang", "en")
    card = cards(page).filter(has_text="Sistema de Alerta Temprana").first
    expect(card.locator("[data-pc-action=cite]")).to_have_text(re.compile("^Cite"))
    page.set_viewport_size(PHONE)
    card.locator("[data-pc-action=cite]").click()
    expect(dialog_title(page)).to_have_text("Cite this passage")
    expect(page.locator("#pc-cite-apa")).to_have_text(apa(cited, "en").text(), timeout=RESULT_MS)
    assert "(V Plenary, Bogotá, Colombia). (2024). Section “SESIÓN 3" in page.locator("#pc-cite-apa").inner_text()
    page.get_by_role("button", name="Copy the Chicago citation").click()
    expect(page.locator("#pc-dialog-status")).to_have_text("Citation copied to the clipboard.")
    assert clipboard(page) == chicago(cited, "en").text()
    shoot(page, "cite-en-phone", full_page=False)


def first_chunk(api_app) -> str:
    """Gives the chunk id of the best hit for SPANISH_QUERY, asked of the API."""
    return api_app.client().get(f"/api/search?q={urllib.parse.quote(SPANISH_QUERY)}&k=1").json()["hits"][0]["chunk_id"]


def test_the_context_view_of_a_permalink_offers_the_citation_too(api_app, open_page):
    page = open_page("?passage=" + urllib.parse.quote(first_chunk(api_app), safe=""))
    expect(current_passage(page)).to_be_focused(timeout=RESULT_MS)
    page.locator("#pc-dialog [data-pc-action=cite]").click()
    expect(page.locator("#pc-cite-chicago")).to_contain_text("(V Plenaria, ", timeout=RESULT_MS)
    expect(dialog_title(page)).to_have_text("Citar este pasaje")
    page.locator("#pc-dialog [data-pc-action=close]").click()
    expect(page.locator("#pc-dialog")).to_be_hidden()


# -- the source itself and the exports ----------------------------------------------------------------------

def test_a_card_on_a_pdf_opens_the_pdf_at_the_cited_page(api_app, open_page):
    page = open_page()
    search(page, API_PDF_TOPIC)
    card = page.locator(f'#results .pc-card[data-doc="{API_PDF_DOC}"]').first
    expect(card).to_be_visible()
    link = card.locator("a.pc-open")
    expect(link).to_contain_text("Abrir el PDF en la p. 2")
    assert link.get_attribute("href") == f"api/documents/{API_PDF_DOC}/file#page=2"
    assert link.get_attribute("target") == "_blank"
    href = link.evaluate("(a) => a.href")
    assert href == f"{api_app.url}api/documents/{API_PDF_DOC}/file#page=2"
    answer = page.request.get(href)  # what the browser fetches when the link is followed
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body() == (api_app.corpus_dir / "informe-api-prueba.pdf").read_bytes()
    shoot(page, "pdf-link-desktop")
    # the context view: page 1 before it, the same link
    card.locator("[data-pc-action=context]").click()
    expect(current_passage(page)).to_be_focused(timeout=RESULT_MS)
    expect(current_passage(page)).to_contain_text("p. 2")
    expect(page.locator("#pc-dialog .pc-context-item").first).to_contain_text("p. 1")
    assert page.locator("#pc-dialog a.pc-open").get_attribute("href") == f"api/documents/{API_PDF_DOC}/file#page=2"
    page.keyboard.press("Escape")

    ris = download(page, "export-ris").read_text(encoding="utf-8")
    assert ris.startswith("TY  - RPRT") and f"ID  - {card.get_attribute('data-chunk')}" in ris
    assert "TI  - Informe de prueba de la API" in ris and "SP  - 2" in ris
    bib = download(page, "export-bib").read_text(encoding="utf-8")
    assert bib.startswith("@misc{") and "title = {{Informe de prueba de la API}}" in bib
    database = pytest.importorskip("pybtex.database")
    assert len(database.parse_string(bib, "bibtex").entries) == cards(page).count()


# -- accessibility -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, viewport", [("es", DESKTOP), ("en", DESKTOP), ("es", PHONE), ("en", PHONE)],
                         ids=["es-desktop", "en-desktop", "es-phone", "en-phone"])
def test_axe_finds_no_serious_violation_in_the_passage_dialogs(api_app, open_page, lang, viewport):
    """The context view and the cite view, opened from a permalink: no serious or critical WCAG 2.1 A/AA finding."""
    width = "desktop" if viewport is DESKTOP else "phone"
    page = open_page(f"?passage={urllib.parse.quote(first_chunk(api_app), safe='')}&lang={lang}", viewport=viewport)
    expect(current_passage(page)).to_be_focused(timeout=RESULT_MS)
    found = {"context": serious_violations(page)}
    shoot(page, f"axe-{lang}-{width}-context", full_page=False)
    page.locator("#pc-dialog [data-pc-action=cite]").click()
    expect(page.locator("#pc-cite-apa")).to_be_visible(timeout=RESULT_MS)
    found["cite"] = serious_violations(page)
    shoot(page, f"axe-{lang}-{width}-cite", full_page=False)
    assert found == {"context": [], "cite": []}
