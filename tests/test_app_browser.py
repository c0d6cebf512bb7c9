"""The web page end to end: `python app.py` in a subprocess, driven in Debian's headless Chromium.

Two app processes per module, to keep the run within a few minutes:
- the delegates' page over a copy of the session's real index (so nothing is rebuilt) and a copy of corpus/,
  with an admin password set: the Admin tab's upload writes into these copies only, and adds a document
  about a topic (community gardens in Tarija) no other test asks about, so the tests do not depend on order;
- a page without an admin password over a one-file index whose text and practice list hold markup, for the
  escaping tests and the absent Admin tab.
Accessibility: npm's axe-core (tests/js/, installed by scripts/setup.sh --test) is injected into the page and
must find no serious or critical WCAG 2.1 A/AA violation. Screenshots land in test-artifacts/screenshots/.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE = PROJECT_ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STARTUP_SECONDS = 240  # loading the model on a busy two-core machine
RESULT_MS = 60_000

SPANISH_QUERY = "¿Qué propuso Chile sobre alertas tempranas?"
ENGLISH_QUERY = "What did Panama say about the Darién?"
MARKUP = '<img src=x onerror="window.__puenteOwned = 1; alert(1)">'
MARKUP_HEADING = "INFORME DE PRUEBA <b>SOBRE</b> MOVILIDAD LABORAL"  # becomes the title and the section
# a practice record's name, with HTML and Markdown in it
MARKUP_PRACTICE = 'Programa **Mover** <svg onload="window.__puenteOwned = 2"> [ventanilla](javascript:alert(2)) de empleo'
MARKUP_REPORT = (
    MARKUP_HEADING + "\n\n"
    "Los países acordaron fortalecer la movilidad laboral regional y los programas de migración laboral "
    "temporal para trabajadores agrícolas. " + MARKUP + " Este texto de prueba contiene marcado que "
    "nunca debe interpretarse como HTML en la página.\n\n"
    "Las delegaciones destacaron la cooperación entre ministerios de trabajo y servicios de empleo para "
    "reconocer las competencias de las personas trabajadoras migrantes.\n\n"
    "Buenas prácticas, políticas y herramientas compartidas durante la sesión:\n\n"
    + MARKUP_PRACTICE + " | Chile\n"
)
ADMIN_PASSWORD = "puente-test-admin-7f3c9a"
UPLOAD_TITLE = "Informe de la VI Reunión Plenaria CRM-CSM (prueba)"
UPLOAD_TOPIC = "huertos comunitarios para familias migrantes retornadas en Tarija"

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
def running_app(index_dir: Path, log_path: Path, **settings: str):
    """Gives the address of `python app.py` serving index_dir; stops the process afterwards.

    settings are more environment variables (PUENTE_CORPUS, PUENTE_ADMIN_PASSWORD); without them the app
    runs with no admin password, whatever the environment of the test run says.
    """
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "PUENTE_ADMIN_PASSWORD"}
    env.update({"PUENTE_INDEX": str(index_dir), "GRADIO_SERVER_PORT": str(port), "HF_HUB_OFFLINE": "1",
                "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1",
                # one scripted browser searches faster than a person: the rate limit is tested in test_hardening
                "PUENTE_SEARCHES_PER_MINUTE": "600", **settings})
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
def served(real_index, tmp_path_factory):
    """The page over copies of the real index and of corpus/, with an admin password: its url and folders."""
    copies = tmp_path_factory.mktemp("served")
    index_dir, corpus_dir = copies / "index", copies / "corpus"
    shutil.copytree(real_index, index_dir, ignore=shutil.ignore_patterns(".lock"))
    shutil.copytree(PROJECT_ROOT / "corpus", corpus_dir)
    with running_app(index_dir, copies / "app.log", PUENTE_CORPUS=str(corpus_dir),
                     PUENTE_ADMIN_PASSWORD=ADMIN_PASSWORD) as url:
        yield SimpleNamespace(url=url, index_dir=index_dir, corpus_dir=corpus_dir)


@pytest.fixture(scope="module")
def app_url(served):
    """The page over the real index of the bundled reports."""
    return served.url


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
    before = results_run(page)
    page.fill("#query textarea", query)
    page.click("#search-button")
    wait_for_new_results(page, before)


def results_run(page) -> str:
    return page.evaluate("() => document.querySelector('#results .pc-results')?.dataset.run ?? ''")


def wait_for_new_results(page, before: str) -> None:
    page.wait_for_function(
        "(before) => { const r = document.querySelector('#results .pc-results');"
        " return r && r.dataset.run !== before; }", arg=before, timeout=RESULT_MS)


def cards(page):
    return page.locator("#results .pc-card")


def in_view(page, selector: str) -> bool:
    """Gives True when the element's top lies inside the window (what a reader sees without scrolling)."""
    return page.evaluate("(s) => { const box = document.querySelector(s).getBoundingClientRect();"
                         " return box.top >= 0 && box.top < window.innerHeight - 40; }", selector)


def serious_violations(page) -> list[str]:
    """Runs axe-core (WCAG 2.1 A and AA) on the page as it is now; gives its serious and critical findings."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `bash scripts/setup.sh --test`")
    # Gradio fades an area in while it is being filled: judge colours once every transition has ended
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')",
                           timeout=10_000)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(r"""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.help} -- ` + v.nodes.slice(0, 5).map((n) => n.target.join(" ")
            + " " + (n.failureSummary || "").replace(/\s+/g, " ")).join(" | "));
    }""", WCAG_TAGS)
    return found


def card_with(page, text: str):
    """Gives the first result card whose text contains text (fails the test when there is none)."""
    matching = cards(page).filter(has_text=text)
    assert matching.count() >= 1, f"no result card contains {text!r}; cards: {cards(page).all_inner_texts()}"
    return matching.first


def download(page, button_id: str) -> Path:
    """Clicks an export button and gives the path of the file the browser downloaded."""
    with page.expect_download() as downloaded:
        page.click(f"#{button_id}")
    return Path(downloaded.value.path())


def choose(page, dropdown_id: str, option: str) -> None:
    page.click(f"#{dropdown_id} input")
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
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
    # the rank, in order, is the only measure shown: no raw similarity out of rank order
    shown = cards(page).count()
    ranks = page.eval_on_selector_all("#results .pc-rank", "rs => rs.map(r => r.textContent.trim())")
    assert ranks == [f"Resultado {n} de {shown}" for n in range(1, shown + 1)]
    assert "similitud" not in page.inner_text("#results").lower()
    shoot(page, "search-es-desktop")


def test_on_a_phone_the_first_result_comes_into_view_after_a_search(app_url, open_page):
    page = open_page(app_url, viewport=PHONE, locale="en-US")
    assert not in_view(page, "#results")  # below the fold: without help nothing would seem to happen
    page.click("#search-button")  # nothing typed: the notice must be in sight
    expect(page.locator("#results [role=alert]")).to_contain_text("Type a question")
    assert in_view(page, "#results [role=alert]")
    shoot(page, "phone-empty-query-error", full_page=False)
    page.evaluate("() => window.scrollTo(0, 0)")
    before = results_run(page)
    page.fill("#query textarea", ENGLISH_QUERY)
    page.press("#query textarea", "Enter")  # the phone keyboard's "go"
    wait_for_new_results(page, before)
    expect(cards(page).first).to_be_visible()
    page.wait_for_function("() => { const c = document.querySelector('#results .pc-card');"
                           " const box = c.getBoundingClientRect(); return box.top >= 0 && box.top < innerHeight - 40; }",
                           timeout=10_000)
    # the focus moved to the results (which also closes the on-screen keyboard) and the count was announced
    assert page.evaluate("() => document.activeElement.classList.contains('pc-results')")
    expect(page.locator("#pc-status")).to_contain_text("passages for")
    shoot(page, "phone-first-result-in-view", full_page=False)
    card = card_with(page, "Darién")
    assert card.locator(".pc-title").inner_text().startswith("Informe de la")
    plenary = card.locator(".pc-plenary").inner_text()
    assert "Plenary" in plenary and ("2023" in plenary or "2024" in plenary)
    assert "unpaginated" in card.locator(".pc-where").inner_text()
    # Usable at phone width: nothing sticks out sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "search-en-phone")


def test_a_question_naming_a_plenary_shows_it_as_a_chip_and_unticking_it_searches_again(app_url, open_page):
    page = open_page(app_url)
    search(page, "¿Qué se dijo en la reunión de Bogotá sobre la movilidad por el clima?")
    chip = page.locator("#scope label").filter(has_text="Bogotá")
    expect(chip).to_be_visible()
    assert chip.locator("input").is_checked()
    assert plenaries_cited(page)[0] == "V"  # the Bogotá plenary is the V
    shoot(page, "scope-chip-desktop")
    before = page.evaluate("() => document.querySelector('#results .pc-results').dataset.run")
    chip.click()
    page.wait_for_function("(before) => document.querySelector('#results .pc-results').dataset.run !== before",
                           arg=before, timeout=RESULT_MS)
    chip = page.locator("#scope label").filter(has_text="Bogotá")
    expect(chip).to_be_visible()  # still there, unticked, to be ticked again
    assert not chip.locator("input").is_checked()


def test_a_list_question_shows_the_records_first_and_unticking_the_year_widens_them(app_url, open_page):
    page = open_page(app_url, locale="en-US")
    search(page, "What did Costa Rica share as good practices at the 2024 plenary?")
    table = page.locator("#results .pc-practices")
    expect(table).to_be_visible()
    order = page.evaluate("() => [...document.querySelectorAll('#results .pc-results > *')].map(e => e.className)")
    assert order.index("pc-practices") < order.index("pc-card")  # the records come before the passages
    rows = table.locator("tbody tr")
    plenaries = rows.locator("td:nth-child(4)").all_inner_texts()
    assert plenaries and all(p.startswith("V (2024)") for p in plenaries)
    assert all("Costa Rica" in c for c in rows.locator("td:nth-child(2)").all_inner_texts())
    for label in ("Costa Rica", "2024"):
        expect(page.locator("#scope label").filter(has_text=label)).to_be_visible()
    shoot(page, "list-question-records-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "list-question-records-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    before = results_run(page)
    page.locator("#scope label").filter(has_text="2024").click()
    wait_for_new_results(page, before)
    plenaries = page.locator("#results .pc-practices tbody tr td:nth-child(4)").all_inner_texts()
    assert {p.split()[0] for p in plenaries} == {"IV", "V"}  # both plenaries once the year is taken out
    shoot(page, "list-question-widened-desktop")


def test_a_plenary_filter_picked_by_keyboard_reruns_the_search_and_is_named(app_url, open_page):
    page = open_page(app_url)
    search(page, "Darién")
    assert set(plenaries_cited(page)) == {"IV", "V"}  # both reports speak of the Darién
    page.click("#filters")
    before = results_run(page)
    page.click("#filter-plenary input")
    page.keyboard.type("V")  # "IV" contains it too, and comes first in the list
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.locator("#filter-plenary .token")).to_have_text(["V"])
    wait_for_new_results(page, before)  # no need to press Search again
    assert cards(page).count() >= 1 and set(plenaries_cited(page)) == {"V"}
    for text in cards(page).locator(".pc-plenary").all_inner_texts():
        assert "V Plenaria" in text and "2024" in text
    expect(page.locator("#results .pc-count")).to_contain_text("con los filtros Plenaria: V")
    page.wait_for_function("() => window.location.search.includes('plenary=')", timeout=10_000)
    assert "plenary=v" in current_url(page).lower()
    exported = json.loads(download(page, "export-json").read_text(encoding="utf-8"))
    # the filter as the index keys it (folded: "v"), and only passages of that plenary
    assert {name: [v.upper() for v in values] for name, values in exported["filters"].items()} == {"plenary": ["V"]}
    assert {h["plenary"] for h in exported["hits"]} == {"V"}
    shoot(page, "filter-v-by-keyboard-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "filter-v-by-keyboard-phone")


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
    page.wait_for_function("() => window.location.search.includes('lang=en')", timeout=10_000)
    assert "lang=en" in current_url(page)
    # the page says it is English now, Gradio's own words follow, and the Spanish passages still say Spanish
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("footer")).to_contain_text("Use via API")
    assert set(page.eval_on_selector_all("#results .pc-text", "ts => ts.map(t => t.lang)")) == {"es"}
    page.get_by_test_id("Español-radio-label").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("footer")).to_contain_text("Usar vía API")
    expect(page.locator("#search-button")).to_have_text("Buscar")
    expect(page.get_by_role("tab", name="Comparar plenarias", exact=True)).to_have_count(1)


def test_the_browser_language_chooses_the_interface_language(app_url, open_page):
    expect(open_page(app_url, locale="en-GB").locator("#search-button")).to_have_text("Search")
    expect(open_page(app_url, locale="es-419").locator("#search-button")).to_have_text("Buscar")


def test_the_page_declares_the_interface_language_whatever_the_browser_speaks(app_url, open_page):
    french = open_page(app_url, locale="fr-FR")  # a language the page does not have: Spanish
    expect(french.locator("#search-button")).to_have_text("Buscar")
    expect(french.locator("html")).to_have_attribute("lang", "es")
    expect(french.locator("footer")).to_contain_text("Usar vía API")  # Gradio's words too, not French ones
    english_browser = open_page(app_url + "?lang=es", locale="en-US")
    expect(english_browser.locator("html")).to_have_attribute("lang", "es")
    english = open_page(app_url + "?lang=en", locale="es-ES")
    expect(english.locator("html")).to_have_attribute("lang", "en")
    search(english, "¿Qué propuso Chile sobre alertas tempranas?")
    # the Spanish report's words inside the English page are marked as Spanish, and examples by their language
    assert set(english.eval_on_selector_all("#results .pc-text, #results .pc-title", "es => es.map(e => e.lang)")) \
        == {"es"}
    assert english.locator("#examples button[lang=en]").count() >= 1
    assert english.locator("#examples button[lang=es]").count() >= 1
    # after a search Gradio's status line says it is done, in words, not "common.complete"
    status = english.eval_on_selector_all(".sr-only[role=status]", "rs => rs.map(r => r.textContent).join(' ')")
    assert "common." not in status


def test_export_downloads_the_results_shown_with_their_citations(app_url, open_page):
    page = open_page(app_url)
    expect(page.locator("#export-csv")).to_be_hidden()  # nothing to export yet
    search(page, ENGLISH_QUERY)
    search(page, SPANISH_QUERY)  # the files hold what is shown now, not an earlier search
    shown = cards(page).count()
    expect(page.locator("#export-json")).to_be_visible()
    rows = list(csv.DictReader(io.StringIO(download(page, "export-csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == shown
    assert any("Sistema de Alerta Temprana" in row["text"] for row in rows)
    assert all(row["citation"].startswith("Informe de la") and "Plenaria" in row["citation"] for row in rows)
    exported = json.loads(download(page, "export-json").read_text(encoding="utf-8"))
    assert exported["query"] == SPANISH_QUERY
    assert [hit["rank"] for hit in exported["hits"]] == list(range(1, shown + 1))
    assert all("sin paginación" in hit["citation"] for hit in exported["hits"])
    search(page, "migración " * 101)  # a notice instead of results: nothing to export
    expect(page.locator("#export-csv")).to_be_hidden()
    expect(page.locator("#export-json")).to_be_hidden()


def test_a_shared_address_reopens_the_query_with_its_filters(app_url, open_page):
    page = open_page(app_url)
    search(page, "campaña de comunicación")
    # the address is rewritten by a script that runs just after the results are drawn
    page.wait_for_function("() => window.location.search.includes('q=')", timeout=10_000)
    assert "q=campa%C3%B1a+de+comunicaci%C3%B3n" in current_url(page)  # the address was updated
    query = urllib.parse.urlencode({"q": ENGLISH_QUERY, "plenary": "IV", "lang": "en"})
    shared = open_page(f"{app_url}?{query}")
    expect(shared.locator("#query textarea")).to_have_value(ENGLISH_QUERY)
    expect(shared.locator("#search-button")).to_have_text("Search")
    assert cards(shared).count() >= 1 and set(plenaries_cited(shared)) == {"IV"}
    card_with(shared, "Darién")
    # the filters it applies are named, and the panel holding them is open
    expect(shared.locator("#results .pc-count")).to_contain_text("with the filters Plenary: IV")
    expect(shared.locator("#filter-plenary")).to_be_visible()
    expect(shared.locator("#filter-plenary .token")).to_have_text(["IV"])


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


def compare_plenaries(page, side: str) -> list[str]:
    return page.eval_on_selector_all(f"#compare-{side} .pc-card", "cs => cs.map(c => c.dataset.plenary)")


def test_compare_shows_two_plenaries_side_by_side_exports_them_and_shares_them(app_url, open_page):
    page = open_page(app_url)
    page.get_by_role("tab", name="Comparar plenarias").click()
    page.fill("#compare-topic textarea", "campaña sobre el Darién")
    page.click("#compare-button")
    page.wait_for_selector("#compare-right .pc-card", timeout=RESULT_MS)
    assert set(compare_plenaries(page, "left")) == {"IV"} and set(compare_plenaries(page, "right")) == {"V"}
    boxes = [page.locator(f"#compare-{side}").bounding_box() for side in ("left", "right")]
    assert boxes[0]["x"] < boxes[1]["x"] and abs(boxes[0]["y"] - boxes[1]["y"]) < 5  # side by side
    # web addresses in the passages are links named by their site, never raw text nor the highlight
    texts = page.eval_on_selector_all("#compare-columns .pc-text", "ts => ts.map(t => t.innerText)")
    assert not [t for t in texts if "https://" in t or "http://" in t]
    marks = page.eval_on_selector_all("#compare-columns mark", "ms => ms.map(m => m.innerText)")
    assert marks and not [m for m in marks if m.strip().startswith(("http", "www."))]
    shoot(page, "compare-desktop")
    # the comparison is in the address, and can be downloaded with both columns
    page.wait_for_function("() => window.location.search.includes('tab=compare')", timeout=10_000)
    address = current_url(page)
    assert "a=" in address and "b=" in address and "q=campa" in address
    rows = list(csv.DictReader(io.StringIO(download(page, "compare-csv").read_text(encoding="utf-8-sig"))))
    assert {row["column"] for row in rows} == {"A", "B"}
    assert {row["plenary"] for row in rows if row["column"] == "A"} == {"IV"}
    assert {row["plenary"] for row in rows if row["column"] == "B"} == {"V"}
    # and for a reference manager: one record per passage shown, left column first, each citing its plenary
    shown = [page.eval_on_selector_all(f"#compare-{side} .pc-card", """cs => cs.map(c =>
                 [c.dataset.chunk, c.querySelector(".pc-title").innerText])""") for side in ("left", "right")]
    rispy = pytest.importorskip("rispy")
    records = rispy.loads(download(page, "compare-ris").read_text(encoding="utf-8"))
    assert [[r["id"], r["title"]] for r in records] == shown[0] + shown[1]
    assert [r["secondary_title"] for r in records] == ["IV Plenaria"] * len(shown[0]) + ["V Plenaria"] * len(shown[1])
    assert all(r["notes"][0].startswith(f"{r['title']} · {r['secondary_title']} (") for r in records)
    database = pytest.importorskip("pybtex.database")
    entries = database.parse_string(download(page, "compare-bib").read_text(encoding="utf-8"), "bibtex").entries
    assert [entry.fields["howpublished"].split(",")[0] for entry in entries.values()] == [
        r["secondary_title"] for r in records]
    page.set_viewport_size(PHONE)  # on a phone the columns stack, nothing sticks out sideways
    boxes = [page.locator(f"#compare-{side}").bounding_box() for side in ("left", "right")]
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "compare-phone")

    shared = open_page(address.replace("lang=es", "lang=en"), viewport=PHONE)
    expect(shared.get_by_role("tab", name="Compare plenaries", exact=True)).to_have_attribute("aria-selected", "true")
    expect(shared.locator("#compare-topic textarea")).to_have_value("campaña sobre el Darién")
    shared.wait_for_selector("#compare-right .pc-card", timeout=RESULT_MS)
    assert set(compare_plenaries(shared, "left")) == {"IV"} and set(compare_plenaries(shared, "right")) == {"V"}
    shoot(shared, "compare-shared-address-phone")


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


# -- the Practices tab ---------------------------------------------------------------------------------------

def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def practices_run(page) -> str:
    return page.evaluate("() => document.querySelector('#practices-count .pc-practices-count')?.dataset.run ?? ''")


def wait_for_new_practices(page, before: str) -> None:
    page.wait_for_function(
        "(before) => { const c = document.querySelector('#practices-count .pc-practices-count');"
        " return c && c.dataset.run !== before; }", arg=before, timeout=RESULT_MS)


def practices_count(page) -> int:
    return int(page.get_attribute("#practices-count .pc-practices-count", "data-count"))


def practice_rows(page) -> list[list[str]]:
    """Gives the cells of the table rows on screen (the table draws only the rows in view)."""
    return page.eval_on_selector_all(
        "#practices-table [role=row].virtual-row",
        "rows => rows.map(r => Array.from(r.querySelectorAll('[role=gridcell]')).map(c => c.innerText.trim()))")


def test_the_practices_table_filters_by_country_and_exports_the_records(app_url, open_page):
    page = open_page(app_url)
    open_tab(page, "Buenas prácticas")
    total = practices_count(page)
    assert total > 50  # both reports list their practices
    before = practices_run(page)
    choose(page, "practices-country", "Chile")
    wait_for_new_practices(page, before)
    chilean = practices_count(page)
    assert 0 < chilean < total
    expect(page.locator("#practices-count")).to_contain_text(f"{chilean} prácticas")
    assert page.get_attribute("#practices-table [role=grid]", "aria-rowcount") == str(chilean + 1)
    rows = practice_rows(page)
    assert rows and all("Chile" in row[1] for row in rows)
    assert "Sistema de Alerta Temprana" in [row[0] for row in rows]
    shoot(page, "practices-chile-desktop")

    exported = list(csv.DictReader(io.StringIO(download(page, "practices-csv").read_text(encoding="utf-8-sig"))))
    assert len(exported) == chilean
    assert all("Chile" in row["countries"].split("; ") for row in exported)
    assert "Sistema de Alerta Temprana" in [row["name"] for row in exported]
    assert all("Plenaria" in row["citation"] for row in exported)
    document = json.loads(download(page, "practices-json").read_text(encoding="utf-8"))
    assert document["filters"] == {"country": ["Chile"]} and len(document["practices"]) == chilean

    # a topic ranks the filtered records by meaning, in either language; the rank, not a score, is shown
    page.fill("#practices-topic textarea", "early warning")
    before = practices_run(page)
    page.click("#practices-button")
    wait_for_new_practices(page, before)
    assert practice_rows(page)[0][0] == "Sistema de Alerta Temprana"
    assert all("Chile" in row[1] for row in practice_rows(page))
    assert [row[-1] for row in practice_rows(page)][:3] == ["1", "2", "3"]

    # the view is in the address; opened on a phone, it shows the same records as cards, not as a table
    page.wait_for_function("() => window.location.search.includes('tab=practices')", timeout=10_000)
    address = current_url(page)
    assert "country=Chile" in address and "q=early+warning" in address
    phone = open_page(address, viewport=PHONE)
    expect(phone.get_by_role("tab", name="Buenas prácticas", exact=True)).to_have_attribute("aria-selected", "true")
    expect(phone.locator("#practices-count")).to_contain_text("early warning")
    expect(phone.locator("#practices-table")).to_be_hidden()
    names = phone.locator("#practices-cards .pc-practice h3")
    expect(names.first).to_have_text("Sistema de Alerta Temprana")
    assert names.count() == practices_count(phone)
    assert "Chile" in phone.locator("#practices-cards .pc-practice").first.inner_text()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "practices-cards-phone")


def test_practice_names_holding_markup_are_shown_as_text(markup_app_url, open_page):
    page = open_page(markup_app_url)
    open_tab(page, "Buenas prácticas")
    expect(page.locator("#practices-count")).to_contain_text("1 práctica")
    assert practice_rows(page)[0][0] == MARKUP_PRACTICE
    assert page.locator("#practices-table svg[onload], #practices-table strong, #practices-table a").count() == 0
    assert page.evaluate("() => window.__puenteOwned") is None
    assert page.dialogs == []
    shoot(page, "practices-markup-as-text")


# -- accessibility -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, viewport", [("es", DESKTOP), ("en", DESKTOP), ("es", PHONE), ("en", PHONE)],
                         ids=["es-desktop", "en-desktop", "es-phone", "en-phone"])
def test_axe_finds_no_serious_accessibility_violation(app_url, open_page, lang, viewport):
    """The landing page, a results page, Compare and Good practices: no serious or critical WCAG 2.1 A/AA finding."""
    width = "desktop" if viewport is DESKTOP else "phone"
    page = open_page(f"{app_url}?lang={lang}", viewport=viewport)
    found = {"landing": serious_violations(page)}
    shoot(page, f"axe-{lang}-{width}-landing")
    search(page, SPANISH_QUERY if lang == "es" else ENGLISH_QUERY)
    found["results"] = serious_violations(page)
    shoot(page, f"axe-{lang}-{width}-results")
    open_tab(page, "Comparar plenarias" if lang == "es" else "Compare plenaries")
    page.fill("#compare-topic textarea", "alertas tempranas")
    page.click("#compare-button")
    page.wait_for_selector("#compare-right .pc-card", timeout=RESULT_MS)
    found["compare"] = serious_violations(page)
    shoot(page, f"axe-{lang}-{width}-compare")
    open_tab(page, "Buenas prácticas" if lang == "es" else "Good practices")
    expect(page.locator("#practices-count .pc-count")).to_be_visible()
    found["practices"] = serious_violations(page)
    shoot(page, f"axe-{lang}-{width}-practices")
    assert found == {"landing": [], "results": [], "compare": [], "practices": []}


def focus_ring(page, selector: str) -> str:
    """Gives the outline drawn around the focused element (or the box it sits in), e.g. "3px solid"."""
    return page.evaluate("""(s) => {
        const el = document.querySelector(s);
        for (const box of [el, el.closest("label"), el.closest(".wrap-inner")?.parentElement]) {
            if (!box) continue;
            const style = getComputedStyle(box);
            if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
                return style.outlineWidth + " " + style.outlineStyle;
        }
        return "";
    }""", selector)


def test_the_keyboard_focus_is_always_visible(app_url, open_page):
    page = open_page(app_url)
    page.focus("#pc-lang input[value=en]")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached by keyboard: the language radios
    assert page.evaluate("() => document.activeElement.type") == "radio"
    assert focus_ring(page, "#pc-lang input:focus")
    for selector in ("#query textarea", "#search-button"):
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert focus_ring(page, selector), selector
    page.click("#filters")
    page.focus("#filter-plenary input")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focus_ring(page, "#filter-plenary input")
    shoot(page, "focus-ring-dropdown", full_page=False)
    page.keyboard.press("Escape")  # close the list of choices
    page.get_by_role("tab", name="Buscar", exact=True).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focus_ring(page, "#tab-search-button")
    phone = open_page(app_url, viewport=PHONE)
    phone.focus("#query textarea")
    assert focus_ring(phone, "#query textarea")
    shoot(phone, "focus-ring-question-phone", full_page=False)


# -- the Admin tab -----------------------------------------------------------------------------------------

def two_page_pdf(path: Path) -> Path:
    """Writes a two-page report whose second page alone speaks of community gardens in Tarija."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "INFORME DE LA VI REUNIÓN PLENARIA DE PRUEBA\n\n" + " ".join(
        ["Las delegaciones se reunieron para revisar el plan de trabajo regional y aprobar la agenda."] * 3))
    pdf.add_page()
    pdf.multi_cell(0, 6, "SESIÓN 1: HUERTOS COMUNITARIOS\n\n" + " ".join(
        [f"Bolivia presentó un programa piloto de {UPLOAD_TOPIC}, con semillas y formación agrícola."] * 3))
    pdf.output(str(path))
    return path


def sign_in(page, password: str):
    """Signs in on the Admin tab; gives the notice that says whether it worked."""
    page.fill("#admin-password input", password)
    page.click("#admin-sign-in")
    notice = page.locator("#admin-session .pc-admin-session")
    notice.wait_for(timeout=30_000)
    return notice


def fill_admin_form(page, password: str, document: Path, **fields: str) -> None:
    notice = sign_in(page, password)
    assert notice.get_attribute("data-kind") == "done", notice.inner_text()
    page.set_input_files("#admin-file input[type=file]", str(document))
    # the name is drawn as stem and extension in separate elements; the stem shows the upload is done
    expect(page.locator("#admin-file")).to_contain_text(document.stem)
    for name, value in fields.items():
        page.fill(f"#admin-{name} input, #admin-{name} textarea", value)


def admin_result(page):
    """Waits for the outcome of an upload and gives it."""
    result = page.locator("#admin-result .pc-admin-result")
    result.wait_for(timeout=180_000)
    return result


def corpus_state(corpus_dir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(corpus_dir.iterdir())}


def test_an_uploaded_pdf_is_saved_indexed_and_searchable_with_its_page(served, open_page, tmp_path):
    pdf = two_page_pdf(tmp_path / "Informe VI Plenaria (prueba).pdf")
    page = open_page(served.url)
    open_tab(page, "Administración")
    fill_admin_form(page, ADMIN_PASSWORD, pdf, title=UPLOAD_TITLE, plenary="VI", year="2025", city="Lima, Perú",
                    dates="2025-10-09/2025-10-10", source="https://example.org/vi-plenaria.pdf")
    page.click("#admin-button")
    result = admin_result(page)
    assert result.get_attribute("data-kind") == "done", result.inner_text()
    expect(result).to_contain_text("informe-vi-plenaria-prueba.pdf")
    expect(result).to_contain_text("added 1, replaced 0, removed 0, unchanged 2")  # only the new PDF embedded
    shoot(page, "admin-upload-done")
    assert (served.corpus_dir / "informe-vi-plenaria-prueba.pdf").read_bytes() == pdf.read_bytes()
    entry = json.loads((served.corpus_dir / "manifest.json").read_text(encoding="utf-8"))["documents"][-1]
    assert entry == {"doc_id": "informe-vi-plenaria-prueba", "path": "informe-vi-plenaria-prueba.pdf",
                     "title": UPLOAD_TITLE, "plenary": "VI", "year": 2025, "city": "Lima, Perú",
                     "dates": "2025-10-09/2025-10-10", "language": "es", "doc_type": "report",
                     "source": "https://example.org/vi-plenaria.pdf"}

    open_tab(page, "Buscar")  # right away: no restart, no wait
    search(page, "¿Qué programa de huertos comunitarios presentó Bolivia en Tarija?")
    card = card_with(page, "Tarija")
    assert card.locator(".pc-title").inner_text() == UPLOAD_TITLE
    assert "VI Plenaria · Lima, Perú · 2025" in card.locator(".pc-plenary").inner_text()
    assert card.locator(".pc-where").inner_text().endswith("p. 2")
    shoot(page, "admin-upload-searchable")


def test_a_wrong_admin_password_signs_nobody_in_and_nothing_is_saved(served, open_page, tmp_path):
    before = corpus_state(served.corpus_dir)
    page = open_page(served.url, locale="en-US")
    open_tab(page, "Administration")
    notice = sign_in(page, "not-" + ADMIN_PASSWORD)
    assert notice.get_attribute("data-kind") == "error"
    expect(notice).to_contain_text("Wrong password.")
    page.fill("#admin-title input, #admin-title textarea", "Intruso")
    page.click("#admin-button")
    result = admin_result(page)
    assert result.get_attribute("data-kind") == "error"
    expect(result).to_contain_text("Sign in with the administration password first. Nothing was saved.")
    assert corpus_state(served.corpus_dir) == before
    shoot(page, "admin-wrong-password")


def _read_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def call_event_directly(url: str, fn_index: int, data: list) -> dict:
    """Calls an event the way a script would, bypassing the page: gives the completed message."""
    session = "direct-call-test"
    body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": session}).encode()
    request = urllib.request.Request(url + "gradio_api/queue/join", data=body,
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()
    with urllib.request.urlopen(f"{url}gradio_api/queue/data?session_hash={session}", timeout=60) as stream:
        for line in stream:
            message = json.loads(line.decode()[len("data: "):]) if line.startswith(b"data: ") else {}
            if message.get("msg") == "process_completed":
                return message
    pytest.fail("the event never completed")


def test_the_admin_event_is_not_in_the_api_and_a_direct_call_without_signing_in_is_refused(served):
    assert set(_read_json(served.url + "gradio_api/info")["named_endpoints"]) == {"/search", "/compare",
                                                                                 "/practices"}
    config = _read_json(served.url + "config")
    elem_ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    fn_index, dependency = next((i, d) for i, d in enumerate(config["dependencies"])
                                if any(elem_ids.get(target) == "admin-button" for target, _ in d["targets"]))
    assert dependency["api_visibility"] == "private"
    before = corpus_state(served.corpus_dir)
    data = [None, "Intruso", "", None, "", "", "es", "report", "", "en"]
    message = call_event_directly(served.url, fn_index, data)
    assert "Sign in with the administration password first" in json.dumps(message["output"])
    assert corpus_state(served.corpus_dir) == before


def test_without_an_admin_password_there_is_no_admin_tab(markup_app_url, open_page):
    page = open_page(markup_app_url)
    expect(page.get_by_role("tab", name="Buenas prácticas", exact=True)).to_have_count(1)
    expect(page.get_by_role("tab", name="Administración", exact=True)).to_have_count(0)
    components = _read_json(markup_app_url + "config")["components"]
    assert not [c for c in components if str(c.get("props", {}).get("elem_id") or "").startswith("admin-")]


# -- following the index folder -------------------------------------------------------------------------------

def _point_current_at(index_dir: Path, name: str) -> None:
    staging = index_dir / "CURRENT.test-tmp"
    staging.write_text(name, encoding="utf-8")
    os.replace(staging, index_dir / "CURRENT")


def test_a_live_generation_that_cannot_be_opened_gives_way_to_the_older_one_with_a_banner(served, open_page):
    live_name = (served.index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    broken = served.index_dir / "gen-999999"
    broken.mkdir()  # a generation without its manifest, as a crashed copy could leave
    page = open_page(served.url)
    banner = page.locator("#pc-banner .pc-banner")
    try:
        _point_current_at(served.index_dir, broken.name)
        time.sleep(2.5)  # the searcher looks at CURRENT every 2 s
        search(page, SPANISH_QUERY)
        card_with(page, "Sistema de Alerta Temprana")  # still answered, from the previous good generation
        expect(banner).to_contain_text("versión anterior del índice")
        shoot(page, "older-index-banner")
    finally:
        _point_current_at(served.index_dir, live_name)
        shutil.rmtree(broken)
    time.sleep(2.5)
    search(page, SPANISH_QUERY)
    expect(banner).to_have_count(0)
