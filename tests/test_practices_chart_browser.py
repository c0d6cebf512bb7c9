"""Practices at a glance in Debian's headless Chromium: the chart on the Practices tab in Spanish and English, a
bar (or a number in its data table) filtering the table, its button putting the table back, its size on a phone
and desktop, and axe on each view. The app, the browser and the helpers are tests/test_app_browser.py's.
Screenshots: test-artifacts/screenshots/practices-chart-*.png.
"""
from __future__ import annotations

import re

import pytest

from tests.test_app_browser import (DESKTOP, PHONE, RESULT_MS, app_url, browser, current_url, expect,  # noqa: F401
                                    open_page, open_tab, practice_rows, practices_count, practices_run, served,
                                    serious_violations, shoot, wait_for_new_practices)

pytestmark = pytest.mark.browser

BARS = "#practices-chart svg .mark-rect path"


def open_chart(page, lang: str = "es") -> int:
    """Opens the Practices tab, waits for the chart's bars; gives the number of records in the table."""
    open_tab(page, "Buenas prácticas" if lang == "es" else "Good practices")
    page.wait_for_selector(BARS, timeout=RESULT_MS)
    return practices_count(page)


def bar_counts(page) -> dict[str, int]:
    """Gives what each bar segment says to a screen reader ("2: prácticas de Chile, plenaria V") -> its count."""
    labels = page.eval_on_selector_all(BARS, "bars => bars.map(b => b.getAttribute('aria-label'))")
    return {label.split(": ", 1)[1]: int(label.split(":")[0]) for label in labels}


def chart_title(page) -> str:
    return page.locator("#practices-chart svg .role-title-text text").first.text_content()


def until_chart_says(page, text: str) -> None:
    page.wait_for_function("(text) => document.querySelector('#practices-chart-text')?.innerText.includes(text)",
                           arg=text, timeout=RESULT_MS)


def test_a_bar_filters_the_table_to_its_country_and_plenary_and_the_button_puts_it_back(app_url, open_page):
    page = open_page(app_url)
    total = open_chart(page)
    assert chart_title(page) == "Prácticas por país y plenaria"
    expect(page.locator("#practices-chart-text")).to_contain_text(f"Prácticas en la tabla: {total};")
    segments = bar_counts(page)
    chilean_v = segments["prácticas de Chile, plenaria V"]
    assert chilean_v >= 1 and any("Panamá" in label for label in segments)
    assert serious_violations(page) == []
    page.locator("#practices-chart-text").scroll_into_view_if_needed()
    shoot(page, "practices-chart-desktop")

    # a click on Chile's V segment: the table holds Chile's records from the V plenary, and says so
    before = practices_run(page)
    page.locator(f'{BARS}[aria-label="{chilean_v}: prácticas de Chile, plenaria V"]').click()
    wait_for_new_practices(page, before)
    assert practices_count(page) == chilean_v < total
    rows = practice_rows(page)
    assert rows and all("Chile" in row[1] and row[3] == "V" for row in rows)
    expect(page.locator("#practices-country")).to_contain_text("Chile")
    clear = page.locator(".pc-chart-clear")
    expect(clear).to_have_text("Quitar el filtro del gráfico: Chile · V")
    page.wait_for_function("() => window.location.search.includes('country=Chile')", timeout=10_000)
    assert "plenary=V" in current_url(page)
    until_chart_says(page, f"Prácticas en la tabla: {chilean_v};")  # the chart follows the table
    assert serious_violations(page) == []
    shoot(page, "practices-chart-filtered-desktop")

    # the button puts every record back, and the filters with them
    before = practices_run(page)
    clear.click()
    wait_for_new_practices(page, before)
    assert practices_count(page) == total
    assert any("Chile" not in row[1] for row in practice_rows(page))
    expect(page.locator(".pc-chart-clear")).to_have_count(0)
    page.wait_for_function("() => !window.location.search.includes('country=')", timeout=10_000)

    # by keyboard: a country in the chart's data table filters to all its records, whatever the plenary
    page.locator(".pc-chart-data summary").click()
    country = page.locator(".pc-chart-data tbody th button", has_text=re.compile("^Chile$"))
    country.focus()
    before = practices_run(page)
    page.keyboard.press("Enter")
    wait_for_new_practices(page, before)
    chilean = practices_count(page)
    assert chilean == sum(n for label, n in segments.items() if label.startswith("prácticas de Chile,"))
    assert all("Chile" in row[1] for row in practice_rows(page))
    assert {row[3] for row in practice_rows(page)} == {"IV", "V"}
    expect(page.locator(".pc-chart-clear")).to_have_text("Quitar el filtro del gráfico: Chile")


def test_the_chart_speaks_english_follows_the_topic_and_fits_a_phone(app_url, open_page):
    page = open_page(f"{app_url}?lang=en", viewport=PHONE, locale="en-GB")
    total = open_chart(page, "en")
    assert chart_title(page) == "Practices by country and plenary"
    assert "practices of Panama, plenary IV" in bar_counts(page)
    expect(page.locator("#practices-chart-text")).to_contain_text(f"Practices in the table: {total};")
    width = page.evaluate("() => document.querySelector('#practices-chart svg').getBoundingClientRect().right")
    assert width <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_violations(page) == []
    page.locator("#practices-chart").scroll_into_view_if_needed()
    shoot(page, "practices-chart-phone", full_page=False)

    # a topic ranks the closest records: the chart counts those, not the whole list
    before = practices_run(page)
    page.fill("#practices-topic textarea", "early warning")
    page.click("#practices-button")
    wait_for_new_practices(page, before)
    shown = practices_count(page)
    assert shown < total
    until_chart_says(page, f"Practices in the table: {shown};")

    # switched to Spanish, the chart is redrawn in Spanish
    page.get_by_role("radio", name="Español").check()
    page.wait_for_function("() => document.querySelector('#practices-chart svg .role-title-text text')?.textContent"
                           " === 'Prácticas por país y plenaria'", timeout=RESULT_MS)
    until_chart_says(page, f"Prácticas en la tabla: {shown};")
