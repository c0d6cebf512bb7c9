"""The web page end to end: `python app.py` in a subprocess, driven in Debian's headless Chromium.

One app process per module over the session's real index (so it does not rebuild), and a second one over
a one-file index holding markup, for the escaping test. Screenshots land in test-artifacts/screenshots/.
"""
from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 240  # loading the model on a busy two-core machine
RESULT_MS = 60_000

SPANISH_QUERY = "¿Qué propuso Chile sobre alertas tempranas?"
ENGLISH_QUERY = "What did Panama say about the Darién?"
MARKUP = '<img src=x onerror="window.__puenteOwned = 1; alert(1)">'
MARKUP_HEADING = "INFORME DE PRUEBA <b>SOBRE</b> MOVILIDAD LABORAL"  # becomes the title and the section
MARKUP_REPORT = (
    MARKUP_HEADING + "\n\n"
    "Los países acordaron fortalecer la movilidad laboral regional y los programas de migración laboral "
    "temporal para trabajadores agrícolas. " + MARKUP + " Este texto de prueba contiene marcado que "
    "nunca debe interpretarse como HTML en la página.\n\n"
    "Las delegaciones destacaron la cooperación entre ministerios de trabajo y servicios de empleo para "
    "reconocer las competencias de las personas trabajadoras migrantes.\n"
)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
if not Path(CHROMIUM).exists():
    pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (scripts/setup.sh --test installs it)",
                allow_module_level=True)


# -- the app under test ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(index_dir: Path, log_path: Path):
    """Gives the address of `python app.py` serving index_dir; stops the process afterwards."""
    port = _free_port()
    env = {**os.environ, "PUENTE_INDEX": str(index_dir), "GRADIO_SERVER_PORT": str(port),
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"app.py did not serve {url} within {STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def app_url(real_index, tmp_path_factory):
    """The page over the real index of the bundled reports."""
    with running_app(real_index, tmp_path_factory.mktemp("app") / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def markup_app_url(embedder, tmp_path_factory):
    """The page over an index of one report whose text holds an <img onerror=...> tag."""
    from index.pipeline import build_from_paths

    reports = tmp_path_factory.mktemp("markup-reports")
    (reports / "informe-con-marcado.txt").write_text(MARKUP_REPORT, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("markup-index")
    build_from_paths([reports], index_dir, embedder=embedder, progress=False)
    with running_app(index_dir, tmp_path_factory.mktemp("markup-app") / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """Gives a function that opens a page in a fresh browser context (viewport, browser language)."""
    contexts = []

    def opener(url: str, *, viewport=DESKTOP, locale="es-ES"):
        context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []  # an alert() from report text would land here
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        page.wait_for_selector("body[data-puente-ready]", timeout=RESULT_MS)
        return page

    yield opener
    for context in contexts:
        context.close()


# -- what a reader does ----------------------------------------------------------------------------------

def search(page, query: str) -> None:
    """Types a query, presses Search and waits until the new results are on the page."""
    before = page.evaluate("() => document.querySelector('#results .pc-results')?.dataset.run ?? ''")
    page.fill("#query textarea", query)
    page.click("#search-button")
    page.wait_for_function(
        "(before) => { const r = document.querySelector('#results .pc-results');"
        " return r && r.dataset.run !== before; }", arg=before, timeout=RESULT_MS)


def cards(page):
    return page.locator("#results .pc-card")


def card_with(page, text: str):
    """Gives the first result card whose text contains text (fails the test when there is none)."""
    matching = cards(page).filter(has_text=text)
    assert matching.count() >= 1, f"no result card contains {text!r}; cards: {cards(page).all_inner_texts()}"
    return matching.first


def choose(page, dropdown_id: str, option: str) -> None:
    page.click(f"#{dropdown_id} input")
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def current_url(page) -> str:
    return page.evaluate("() => window.location.href")  # page.url misses history.replaceState


def plenaries_cited(page) -> list[str]:
    return page.eval_on_selector_all("#results .pc-card", "cards => cards.map(c => c.dataset.plenary)")


# -- the tests ---------------------------------------------------------------------------------------------

def test_spanish_question_shows_chiles_early_warning_passage_with_its_citation(app_url, open_page):
    page = open_page(app_url)
    search(page, SPANISH_QUERY)
    card = card_with(page, "Sistema de Alerta Temprana")
    citation = card.locator(".pc-cite").inner_text() + " " + card.locator(".pc-where").inner_text()
    for part in ("Informe de la V Reunión Plenaria CRM-CSM", "V Plenaria", "Bogotá", "2024", "sin paginación"):
        assert part in citation
    assert card.locator("mark").count() == 1  # the best-answering sentence is highlighted
    shoot(page, "search-es-desktop")


def test_english_question_shows_a_darien_passage_with_its_citation_on_a_phone(app_url, open_page):
    page = open_page(app_url, viewport=PHONE, locale="en-US")
    search(page, ENGLISH_QUERY)
    card = card_with(page, "Darién")
    assert card.locator(".pc-title").inner_text().startswith("Informe de la")
    plenary = card.locator(".pc-plenary").inner_text()
    assert "Plenary" in plenary and ("2023" in plenary or "2024" in plenary)
    assert "unpaginated" in card.locator(".pc-where").inner_text()
    # Usable at phone width: nothing sticks out sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "search-en-phone")


def test_plenary_filter_narrows_the_results_to_that_plenary(app_url, open_page):
    page = open_page(app_url)
    search(page, "Darién")
    assert set(plenaries_cited(page)) == {"IV", "V"}  # both reports speak of the Darién
    page.click("#filters")
    choose(page, "filter-plenary", "IV")
    search(page, "Darién")
    assert cards(page).count() >= 1
    assert set(plenaries_cited(page)) == {"IV"}
    for text in cards(page).locator(".pc-plenary").all_inner_texts():
        assert "IV Plenaria" in text and "2023" in text
    shoot(page, "filter-iv-desktop")


def test_switching_the_interface_language_changes_labels_and_results(app_url, open_page):
    page = open_page(app_url, locale="es-ES")
    assert page.inner_text("#search-button") == "Buscar"
    search(page, SPANISH_QUERY)
    assert "sin paginación" in cards(page).first.inner_text()
    page.get_by_test_id("English-radio-label").click()
    expect(page.locator("#search-button")).to_have_text("Search")
    expect(page.get_by_role("tab", name="Compare plenaries", exact=True)).to_have_count(1)
    expect(page.locator("#query").get_by_text("Question", exact=True)).to_have_count(1)
    expect(page.locator("#filters")).to_contain_text("Filters")
    expect(cards(page).first.locator(".pc-where")).to_contain_text("unpaginated")  # results redrawn
    assert "lang=en" in current_url(page)
    page.get_by_test_id("Español-radio-label").click()
    expect(page.locator("#search-button")).to_have_text("Buscar")
    expect(page.get_by_role("tab", name="Comparar plenarias", exact=True)).to_have_count(1)


def test_the_browser_language_chooses_the_interface_language(app_url, open_page):
    expect(open_page(app_url, locale="en-GB").locator("#search-button")).to_have_text("Search")
    expect(open_page(app_url, locale="es-419").locator("#search-button")).to_have_text("Buscar")


def test_export_downloads_the_results_with_their_citations(app_url, open_page):
    page = open_page(app_url)
    search(page, SPANISH_QUERY)
    shown = cards(page).count()
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == shown
    assert any("Sistema de Alerta Temprana" in row["text"] for row in rows)
    assert all(row["citation"].startswith("Informe de la") and "Plenaria" in row["citation"] for row in rows)
    with page.expect_download() as download:
        page.click("#export-json")
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["query"] == SPANISH_QUERY
    assert [hit["rank"] for hit in exported["hits"]] == list(range(1, shown + 1))
    assert all("sin paginación" in hit["citation"] for hit in exported["hits"])


def test_a_shared_address_reopens_the_query_with_its_filters(app_url, open_page):
    page = open_page(app_url)
    search(page, "campaña de comunicación")
    assert "q=campa%C3%B1a+de+comunicaci%C3%B3n" in current_url(page)  # the address was updated
    query = urllib.parse.urlencode({"q": ENGLISH_QUERY, "plenary": "IV", "lang": "en"})
    shared = open_page(f"{app_url}?{query}")
    expect(shared.locator("#query textarea")).to_have_value(ENGLISH_QUERY)
    expect(shared.locator("#search-button")).to_have_text("Search")
    assert cards(shared).count() >= 1 and set(plenaries_cited(shared)) == {"IV"}
    card_with(shared, "Darién")


def test_a_too_long_query_gets_a_clear_message(app_url, open_page):
    page = open_page(app_url, locale="en-US")
    search(page, "migración " * 101)
    message = page.locator("#results [role=alert]").inner_text()
    assert "limit is 1000" in message


def test_a_question_the_reports_do_not_answer_says_so(app_url, open_page):
    page = open_page(app_url)
    search(page, "What did Narnia propose about dragons?")
    notice = page.locator("#results .pc-msg-weak")
    expect(notice).to_contain_text("Ningún pasaje responde bien")
    expect(notice).to_contain_text("Narnia")  # the name no report mentions


def test_compare_shows_two_plenaries_side_by_side(app_url, open_page):
    page = open_page(app_url)
    page.get_by_role("tab", name="Comparar plenarias").click()
    page.fill("#compare-topic textarea", "campaña sobre el Darién")
    page.click("#compare-button")
    page.wait_for_selector("#compare-right .pc-card", timeout=RESULT_MS)
    left = page.eval_on_selector_all("#compare-left .pc-card", "cs => cs.map(c => c.dataset.plenary)")
    right = page.eval_on_selector_all("#compare-right .pc-card", "cs => cs.map(c => c.dataset.plenary)")
    assert set(left) == {"IV"} and set(right) == {"V"}
    boxes = [page.locator(f"#compare-{side}").bounding_box() for side in ("left", "right")]
    assert boxes[0]["x"] < boxes[1]["x"] and abs(boxes[0]["y"] - boxes[1]["y"]) < 5  # side by side
    shoot(page, "compare-desktop")
    page.set_viewport_size(PHONE)  # on a phone the columns stack, nothing sticks out sideways
    boxes = [page.locator(f"#compare-{side}").bounding_box() for side in ("left", "right")]
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "compare-phone")


def test_report_text_holding_markup_is_shown_as_text(markup_app_url, open_page):
    page = open_page(markup_app_url)
    search(page, "movilidad laboral de trabajadores agrícolas")
    card = card_with(page, "onerror")
    assert MARKUP in card.inner_text()
    assert MARKUP_HEADING in card.locator(".pc-title").inner_text()
    assert MARKUP_HEADING in card.locator(".pc-where").inner_text()
    assert page.locator("#results img, #results b").count() == 0
    assert page.evaluate("() => window.__puenteOwned") is None
    assert page.dialogs == []
    shoot(page, "markup-as-text")
