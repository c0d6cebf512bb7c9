"""The page's pure helpers (ui/): highlighting, escaping, exports, shared addresses, the practices table, the
older-index banner and the Admin tab's corpus writing. No browser, no model: these run in a second or two."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from ingest.practices import PracticeRecord
from search.practices import PracticeMatch
from search.records import Hit
from ui.admin import (AdminSettings, UploadError, add_to_corpus, manifest_entry, password_matches,
                      read_corpus_manifest, remove_from_corpus, safe_file_name)
from ui.export import write_compare_exports, write_exports, write_practice_exports
from ui.i18n import choose_language, country_label, normalise_language
from ui.page import PageContext
from ui.passage import find_sentence, link_name, passage_html
from ui.practices_tab import PracticesShown, draw_cards, draw_count, find_practices, practice_rows
from ui.render import card_html, source_html
from ui.search_tab import Shown, draw
from ui.share import (COMPARE_K, DEFAULT_K, MAX_K, read_shared_compare, read_shared_practices, read_shared_search,
                      shared_tab)

MARKUP = '<img src=x onerror="alert(1)">'


def hit(**fields) -> Hit:
    values = dict(text="Chile presentó su Sistema de Alerta Temprana.", score=0.9, doc_id="V-2024",
                  title="Informe de la V Reunión Plenaria CRM-CSM", plenary="V", year=2024, section="SESIÓN 3",
                  page=None, source="", highlight="", city="Bogotá, Colombia", part="session 3", similarity=0.88)
    return Hit(**{**values, **fields})


def practice(name="Sistema de Alerta Temprana", countries=("Chile",), **fields) -> PracticeRecord:
    values = dict(organisations=[], session="session 3", plenary="V", year=2024, doc_id="V-2024",
                  section="SESIÓN 3", page=None, source_line=f"{name} | Chile", holder="Chile",
                  practice_id="V-2024:p001")
    return PracticeRecord(name=name, countries=list(countries), **{**values, **fields})


# -- highlighting ---------------------------------------------------------------------------------------

def test_the_best_sentence_is_found_whatever_the_whitespace_between_its_words():
    text = "Primera frase.  La segunda\nfrase responde   bien. Tercera."
    start, end = find_sentence(text, "La segunda frase responde bien.")
    assert text[start:end] == "La segunda\nfrase responde   bien."
    assert find_sentence(text, "Una frase que no está.") is None
    assert find_sentence(text, "   ") is None


def test_the_highlighted_passage_marks_one_sentence_and_escapes_the_rest():
    text = f"Antes {MARKUP}. La respuesta <b>clave</b>. Después & más."
    html = passage_html(text, "La respuesta <b>clave</b>.")
    assert html.count("<mark>") == 1
    assert "<mark>La respuesta &lt;b&gt;clave&lt;/b&gt;.</mark>" in html
    assert "<img" not in html and "&lt;img" in html and "&amp; más" in html
    assert passage_html(text, "no está") == passage_html(text, "")  # no highlight: just escaped text
    assert "<mark>" not in passage_html(text, "")


# -- web addresses in passages ------------------------------------------------------------------------------

WALL = ("• Centro Intégrate | OIM Colombia (iom.int)\n"
        "https://serviciomigraciones.cl/wp-content/uploads/2023/07/PNM-VERSION-EJECUTIVA.pdf\n"
        "https://cidoc.ambiente.gob.sv/documentos/politica-nacional-del-medio-ambiente/\n"
        "https://www.acnur.org/que-hacemos/ciudades-solidarias")


def test_a_wall_of_addresses_folds_into_one_line_of_named_links():
    html = passage_html(WALL, "", "es")
    assert html.count("<details") == 1 and "<summary>3 enlaces citados</summary>" in html
    assert html.count("<a ") == 3 and "https://" not in html.split("<details")[0]
    assert ">serviciomigraciones.cl/…/PNM-VERSION-EJECUTIVA.pdf</a>" in html
    assert 'href="https://www.acnur.org/que-hacemos/ciudades-solidarias"' in html
    assert "<summary>3 links cited</summary>" in passage_html(WALL, "", "en")


def test_an_address_inside_a_sentence_becomes_a_link_and_the_mark_never_cuts_it():
    text = "Véase el portal www.sica.int/ca4. Chile presentó su plan (https://x.cl/plan?a=1&b=\"2\")."
    html = passage_html(text, "Chile presentó su plan (https://x.cl/plan?a=1&b=", "es")
    assert '<a href="https://www.sica.int/ca4"' in html and ">sica.int/ca4</a>." in html  # the full stop stays text
    assert html.count("<mark>") == 1 and html.index("<mark>") < html.index('href="https://x.cl/plan') < \
        html.index("</mark>")
    assert "&quot;" in html and '"2"' not in html  # a quote in an address stays escaped
    assert link_name("https://www.oas.org/") == "oas.org"
    assert link_name("https://a.org/" + "x" * 80 + ".pdf").endswith("…") and len(link_name("https://a.org/" + "x" * 80)) < 60


# -- escaping -------------------------------------------------------------------------------------------

def test_a_card_shows_markup_from_a_report_as_text():
    card = card_html(1, hit(text=f"Texto {MARKUP}", title=f"Título {MARKUP}", section="<script>x</script>",
                            doc_id='V"><script>', source=MARKUP), "es")
    assert "<img" not in card and "<script>" not in card
    assert card.count("&lt;img") == 3  # text, title, source
    assert 'data-doc="V&quot;&gt;&lt;script&gt;"' in card


def test_a_card_shows_its_rank_and_marks_the_documents_words_with_their_language():
    card = card_html(2, hit(similarity=0.87), "en", total=5, doc_lang="es")
    assert "Result 2 of 5" in card.replace('<span class="pc-sr">', "").replace("</span>", "").replace("  ", " ")
    assert "0.87" not in card and "similarity" not in card.lower()
    assert '<div class="pc-text" lang="es">' in card and '<div class="pc-title" lang="es">' in card
    assert 'Section: <span lang="es">SESIÓN 3</span>' in card


def test_the_count_line_names_the_active_filters():
    shown = Shown("Darién", [hit()], {"plenary": ["iv", "v"], "country": ["panama"]})
    assert "1 pasaje para «Darién», con los filtros Plenaria: IV, V; País mencionado: Panamá" in draw(shown, "es")
    assert "with the filters Plenary: IV, V; Country mentioned: Panama" in draw(shown, "en")
    assert "filtros" not in draw(Shown("Darién", [hit()]), "es")
    assert "con los filtros Plenaria: IV" in draw(Shown("Darién", [], {"plenary": ["iv"]}), "es")  # none found


def test_only_plain_web_addresses_become_links():
    assert source_html("https://crmsv.org/informe.pdf").startswith('<a href="https://crmsv.org/informe.pdf"')
    assert 'rel="noopener noreferrer nofollow"' in source_html("http://example.org/x")
    for not_a_link in ("javascript:alert(1)", 'https://x.org/" onmouseover="alert(1)', "OIM, 2024"):
        assert "<a " not in source_html(not_a_link)
    assert source_html('https://x.org/" onmouseover="alert(1)') == 'https://x.org/&quot; onmouseover=&quot;alert(1)'


# -- exports ----------------------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:  # newline="": a \r in a cell stays a \r
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])
def test_exported_csv_cells_never_start_a_spreadsheet_formula(tmp_path, dangerous):
    csv_path, json_path = write_exports([hit(text=dangerous, section=dangerous)], "q", {}, tmp_path)
    row = read_csv(csv_path)[0]
    assert row["text"] == "'" + dangerous and row["section"] == "'" + dangerous
    assert json.loads(json_path.read_text(encoding="utf-8"))["hits"][0]["text"] == dangerous  # JSON keeps it


def test_a_comparison_exports_both_columns_each_ranked_within_itself(tmp_path):
    columns = [("IV", [hit(plenary="IV"), hit(plenary="IV", page=3)]), ("V", [hit()])]
    csv_path, json_path = write_compare_exports(columns, "campaña Darién", tmp_path)
    rows = read_csv(csv_path)
    assert [(r["column"], r["rank"], r["plenary"]) for r in rows] == [("A", "1", "IV"), ("A", "2", "IV"),
                                                                      ("B", "1", "V")]
    assert csv_path.name == "puente-compare-campaña-Darién.csv"
    exported = json.loads(json_path.read_text(encoding="utf-8"))
    assert exported["filters"] == {"plenary": ["IV", "V"]} and exported["query"] == "campaña Darién"


def test_practice_exports_hold_every_record_with_its_citation_and_guard_formulas(tmp_path):
    matches = [PracticeMatch(practice()), PracticeMatch(practice("=cmd|' /C calc'!A0", ["Chile", "Perú"]))]
    csv_path, json_path = write_practice_exports(matches, "", {"country": ["Chile"]}, tmp_path)
    rows = read_csv(csv_path)
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert rows[0]["name"] == "Sistema de Alerta Temprana"
    assert rows[0]["citation"] == "V Plenaria (2024) · SESIÓN 3 · sin paginación"
    assert rows[1]["name"].startswith("'=") and rows[1]["countries"] == "Chile; Perú"
    exported = json.loads(json_path.read_text(encoding="utf-8"))
    assert exported["filters"] == {"country": ["Chile"]}
    assert exported["practices"][1]["countries"] == ["Chile", "Perú"]
    assert csv_path.name == "puente-practices.csv"


def test_an_export_is_written_on_request_in_the_format_asked_with_what_is_shown(tmp_path, monkeypatch):
    from ui import export
    from ui.practices_tab import PracticesShown, practices_export_file
    from ui.search_tab import Shown, export_file

    monkeypatch.setattr(export, "_EXPORT_DIR", tmp_path)
    shown = Shown("alertas tempranas", [hit(), hit(text="Panamá habló del Darién.", page=4)], {"plenary": ["V"]})
    json_path = Path(export_file(shown, "json"))
    assert json_path.name == "puente-alertas-tempranas.json" and not json_path.with_suffix(".csv").exists()
    exported = json.loads(json_path.read_text(encoding="utf-8"))
    assert exported["query"] == "alertas tempranas" and exported["filters"] == {"plenary": ["V"]}
    assert [h["rank"] for h in exported["hits"]] == [1, 2] and exported["hits"][1]["page"] == 4
    rows = read_csv(export_file(shown, "csv"))
    assert [r["citation"] for r in rows] == [hit().citation(), hit(page=4).citation()]
    # nothing shown, or only a notice: nothing to export
    assert export_file(None, "csv") is None
    assert export_file(Shown("x", message=("empty_query", {})), "json") is None
    practices = PracticesShown("", {"country": ["Chile"]}, [PracticeMatch(practice())])
    assert read_csv(practices_export_file(practices, "csv"))[0]["name"] == "Sistema de Alerta Temprana"
    assert practices_export_file(PracticesShown(message=("practices_none", {})), "json") is None
    with pytest.raises(ValueError):
        export.write_exports([hit()], "q", {}, tmp_path, formats=("xlsx",))


# -- shared addresses -----------------------------------------------------------------------------------

class Params(dict):
    """A query string with repeated keys, as starlette's QueryParams gives it."""

    def __init__(self, pairs):
        super().__init__(pairs)
        self.pairs = pairs

    def getlist(self, key):
        return [v for k, v in self.pairs if k == key]


KNOWN = {"plenary": ["IV", "V"], "country": ["panama", "chile"], "part": ["session 3"]}


def test_a_shared_address_gives_the_query_and_the_filters_the_index_knows():
    params = Params([("q", "  alertas  "), ("plenary", "iv"), ("plenary", "V,VII"), ("country", "Panamá"),
                     ("part", "Session 3"), ("k", "7"), ("lang", "en")])
    shared = read_shared_search(params, KNOWN)
    assert shared.query == "alertas"
    assert shared.filters == {"plenary": ["IV", "V"], "country": ["panama"], "part": ["session 3"]}
    assert shared.k == 7 and shared.lang == "en"


@pytest.mark.parametrize("k, expected", [("0", 1), ("999", MAX_K), ("abc", DEFAULT_K), ("", DEFAULT_K)])
def test_a_shared_address_keeps_the_number_of_passages_within_bounds(k, expected):
    assert read_shared_search({"q": "x", "k": k}, KNOWN).k == expected


def test_a_shared_address_names_the_tab_and_the_compare_or_practices_view():
    assert shared_tab({}) == "search" and shared_tab({"tab": "Compare"}) == "compare"
    assert shared_tab({"tab": "admin"}) == "search"  # the Admin tab is never opened by an address
    compare = read_shared_compare({"q": " Darién ", "a": "iv", "b": "VII", "k": "99"}, ["IV", "V"])
    assert compare.topic == "Darién" and compare.plenaries == ("IV", None) and compare.k == 8
    assert read_shared_compare({}, ["IV"]).k == COMPARE_K
    practices = read_shared_practices(Params([("q", "early warning"), ("country", "chile,Perú"),
                                              ("session", "Session 3"), ("plenary", "X")]),
                                      {"country": ["Chile", "Perú"], "part": ["session 3"], "plenary": ["IV"]})
    assert practices.topic == "early warning"
    assert practices.filters == {"country": ["Chile", "Perú"], "part": ["session 3"]}


def test_a_shared_address_without_a_query_asks_for_nothing():
    shared = read_shared_search({"plenary": "<script>"}, KNOWN)
    assert shared.query == "" and shared.filters == {}


@pytest.mark.parametrize("url, browser, header, expected", [
    ("en", "es-ES", "es", "en"), (None, "en-GB", "es", "en"), (None, "", "en-US,en;q=0.9", "en"),
    ("fr", "de", "pt-BR", "es"), ("<b>", None, None, "es")])
def test_the_interface_language_comes_from_the_address_then_the_browser(url, browser, header, expected):
    assert choose_language(url, browser, header) == expected


def test_language_tags_are_normalised():
    assert [normalise_language(v) for v in ("EN_gb", "es-419", "", None, "zz")] == ["en", "es", "es", "es", "es"]


# -- the practices table ----------------------------------------------------------------------------------

def test_practice_rows_are_plain_text_in_the_interface_language():
    record = practice(f"**Programa** {MARKUP}", ["Panamá", "Perú"], organisations=["OIM"], page=4,
                      session="introductory session")
    headers, rows, datatypes = practice_rows([PracticeMatch(record), PracticeMatch(practice())], "en")
    assert headers == ["Practice", "Countries", "Organisations", "Plenary", "Year", "Session", "Page"]
    assert rows[0] == [f"**Programa** {MARKUP}", "Panama, Peru", "OIM", "V", 2024, "Introductory session", "4"]
    assert rows[1][-1] == "unpaginated"
    assert set(datatypes) == {"str", "number"} and "markdown" not in datatypes and "html" not in datatypes
    headers, rows, _ = practice_rows([PracticeMatch(practice(), score=0.83), PracticeMatch(practice(), score=0.9)],
                                     "es")
    assert headers[0] == "Práctica" and headers[-1] == "N.º" and [row[-1] for row in rows] == [1, 2]
    assert rows[0][1] == "Chile" and rows[0][5] == "Sesión 3"


def test_practice_cards_are_escaped_and_carry_their_documents_language():
    shown = PracticesShown(matches=[PracticeMatch(practice(f"Programa {MARKUP}", ["Panamá"]))],
                           languages={"V-2024": "es"})
    html = draw_cards(shown, "en")
    assert "<img" not in html and "&lt;img" in html
    assert '<h3 class="pc-practice-name" lang="es">' in html and "<dt>Countries</dt><dd>Panama</dd>" in html
    assert 'data-count="1"' in html and draw_cards(None, "es").count("pc-practice\"") == 0


def test_country_labels_follow_the_interface_language():
    assert country_label("Panamá", "en") == "Panama" and country_label("Panamá", "es") == "Panamá"
    assert country_label("Atlantis", "en") == "Atlantis"


def test_the_count_line_escapes_the_topic():
    from ui.practices_tab import PracticesShown

    shown = PracticesShown(query=MARKUP, matches=[PracticeMatch(practice(), 0.8)])
    html = draw_count(shown, "es")
    assert "<img" not in html and "&lt;img" in html and 'data-count="1"' in html
    assert "1 práctica" in draw_count(PracticesShown(matches=[PracticeMatch(practice())]), "es")


def test_practices_are_filtered_and_an_index_without_them_says_so():
    class Finder:
        practices = [practice()]

        def find(self, query, *, k=None, **filters):
            assert filters == {"country": ["Chile"]}  # empty filters are not passed on
            return [PracticeMatch(self.practices[0])]

    shown = find_practices(Finder(), "  ", {"country": ["Chile"], "plenary": [], "part": None})
    assert shown.query == "" and len(shown.matches) == 1 and shown.message is None
    empty = SimpleNamespace(practices=[])
    assert find_practices(empty, "", {}).message == ("practices_missing", {})


# -- the page's shared context --------------------------------------------------------------------------

class FakeLive:
    """Looks like search.live.LiveSearcher: current() gives the searcher of the generation served now."""

    def __init__(self, data, notice=None):
        self.data, self.notice, self.embedder = data, notice, None

    def current(self):
        return SimpleNamespace(data=self.data, embedder=self.embedder)


def generation(*names):
    return SimpleNamespace(practices=[practice(n) for n in names], practice_vectors=np.eye(len(names)))


def test_the_practice_finder_follows_the_generation_the_searcher_serves():
    live = FakeLive(generation("A"))
    page = PageContext(searcher=live, lang=None)
    first = page.practice_finder()
    assert page.practice_finder() is first  # same generation: not rebuilt
    live.data = generation("A", "B")  # a re-index went live
    assert [m.record.name for m in page.practice_finder().find()] == ["A", "B"]


def test_the_banner_appears_only_when_an_older_generation_is_served_and_escapes_the_reason():
    page = PageContext(searcher=FakeLive(generation("A")), lang=None)
    assert page.notice_html("es") == ""
    page.searcher.notice = f"The live index could not be opened ({MARKUP}); serving gen-000001."
    html = page.notice_html("en")
    assert "earlier version of the index" in html and "&lt;img" in html and "<img" not in html
    assert "versión anterior" in page.notice_html("es")
    fixed = PageContext(searcher=SimpleNamespace(data=None), lang=None)  # a plain Searcher: no banner
    assert fixed.notice_html("es") == ""


# -- the Admin tab's corpus writing ---------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("Informe VI Plenaria (2025).PDF", "informe-vi-plenaria-2025.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\Windows\\informe.html", "informe.html"),
    ("/abs/path/Reunión Plenaria – Bogotá.txt", "reunion-plenaria-bogota.txt"),
    ("..hidden.htm", "hidden.htm"),
])
def test_upload_names_are_made_safe(name, expected):
    assert safe_file_name(name) == expected


@pytest.mark.parametrize("name, key", [("informe.exe", "upload_type"), ("manifest.json", "upload_type"),
                                       ("informe", "upload_type"), ("../.pdf", "upload_name"),
                                       ("¿¿¿.pdf", "upload_name")])
def test_unusable_upload_names_are_refused(name, key):
    with pytest.raises(UploadError) as refused:
        safe_file_name(name)
    assert refused.value.key == key


def test_the_password_must_match_exactly():
    assert password_matches("correct horse", "correct horse")
    assert not password_matches("correct hors", "correct horse")
    assert not password_matches("", "correct horse") and not password_matches(None, "correct horse")
    assert password_matches("contraseña", "contraseña")  # not ASCII: compared as UTF-8 bytes


def test_the_admin_tab_exists_only_with_a_password(monkeypatch, tmp_path):
    monkeypatch.delenv("PUENTE_ADMIN_PASSWORD", raising=False)
    assert AdminSettings.from_environment(tmp_path) is None
    monkeypatch.setenv("PUENTE_ADMIN_PASSWORD", "")
    assert AdminSettings.from_environment(tmp_path) is None
    monkeypatch.setenv("PUENTE_ADMIN_PASSWORD", "s3cret-enough-pass")
    assert AdminSettings.from_environment(tmp_path).corpus_dir == tmp_path


def test_a_manifest_entry_is_checked_and_leaves_out_empty_fields():
    entry = manifest_entry("vi-2025", "vi-2025.pdf", title=" Informe VI ", plenary="vi", year=2025.0,
                           city="Lima, Perú", dates="2025-10-09/2025-10-10", language="es", doc_type="report")
    assert entry == {"doc_id": "vi-2025", "path": "vi-2025.pdf", "title": "Informe VI", "plenary": "VI",
                     "year": 2025, "city": "Lima, Perú", "dates": "2025-10-09/2025-10-10", "language": "es",
                     "doc_type": "report"}
    for bad, key in ((dict(title=" "), "meta_title"), (dict(title="T", plenary="6"), "meta_plenary"),
                     (dict(title="T", plenary="VX!"), "meta_plenary"), (dict(title="T", year=1850), "meta_year"),
                     (dict(title="T", year="dos mil"), "meta_year"), (dict(title="T", year=2025.5), "meta_year"),
                     (dict(title="T", dates="9 de octubre"), "meta_dates"),
                     (dict(title="T", language="xx"), "meta_choice"), (dict(title="T", doc_type="memo"), "meta_choice"),
                     (dict(title="T" * 301), "meta_too_long")):
        with pytest.raises(UploadError) as refused:
            manifest_entry("d", "d.pdf", **bad)
        assert refused.value.key == key, bad


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "informe-iv.txt").write_text("Informe IV.\n", encoding="utf-8")
    manifest = {"format": 1, "documents": [{"doc_id": "IV-2023", "path": "informe-iv.txt", "title": "IV"}]}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def upload(tmp_path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "uploads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_an_upload_is_saved_under_a_safe_name_and_appended_to_the_manifest(corpus, tmp_path):
    source = upload(tmp_path, "x.txt", "SESIÓN 1\n\nLos países hablaron de huertos comunitarios.\n")
    added = add_to_corpus(corpus, source, "../Informe VI (2025).txt", {"title": "Informe VI", "year": 2025})
    assert added.path == corpus.resolve() / "informe-vi-2025.txt"
    assert added.path.read_bytes() == source.read_bytes()
    documents = read_corpus_manifest(corpus)["documents"]
    assert [d["doc_id"] for d in documents] == ["IV-2023", "informe-vi-2025"]
    assert documents[1]["path"] == "informe-vi-2025.txt" and documents[1]["year"] == 2025
    assert sorted(p.name for p in corpus.iterdir()) == ["informe-iv.txt", "informe-vi-2025.txt", "manifest.json"]
    remove_from_corpus(corpus, added)
    assert [d["doc_id"] for d in read_corpus_manifest(corpus)["documents"]] == ["IV-2023"]
    assert not added.path.exists()


@pytest.mark.parametrize("name, content, key", [
    ("informe-iv.txt", "otro texto", "upload_exists"),  # a file the corpus has
    ("informe-iv.html", "<p>otro</p>", "upload_exists"),  # same stem, so the same doc_id
    ("IV-2023.txt", "otro texto", "upload_exists"),  # a doc_id the manifest has (case folded)
    ("falso.pdf", "no soy un PDF", "upload_not_pdf"),
    ("roto.pdf", b"%PDF-1.4\n garbage without any page", "upload_unreadable"),
    ("vacio.txt", "   \n\n", "upload_no_text"),
])
def test_a_refused_upload_leaves_the_corpus_untouched(corpus, tmp_path, name, content, key):
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    with pytest.raises(UploadError) as refused:
        add_to_corpus(corpus, upload(tmp_path, name, content), name, {"title": "T"})
    assert refused.value.key == key
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before  # no staging file left either


def test_an_upload_over_the_size_limit_is_refused(corpus, tmp_path):
    big = upload(tmp_path, "grande.txt", "a" * (1024 * 1024 + 1))
    with pytest.raises(UploadError) as refused:
        add_to_corpus(corpus, big, "grande.txt", {"title": "T"}, max_mb=1)
    assert refused.value.key == "upload_too_big" and refused.value.values["limit"] == 1


def test_a_corpus_without_a_manifest_gets_one(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    add_to_corpus(folder, upload(tmp_path, "a.txt", "Texto."), "a.txt", {"title": "A"})
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == {
        "format": 1, "documents": [{"doc_id": "a", "path": "a.txt", "title": "A", "language": "es",
                                    "doc_type": "report"}]}


def test_old_export_folders_are_removed_when_a_new_export_is_written(tmp_path):
    import os
    import time as _time

    from ui.export import write_exports

    old = tmp_path / "old-export"
    old.mkdir()
    (old / "puente-x.csv").write_text("rank\n", encoding="utf-8")
    long_ago = _time.time() - 2 * 3600
    os.utime(old, (long_ago, long_ago))
    csv_path, _ = write_exports([], "alertas", {}, directory=tmp_path)
    assert csv_path.exists() and not old.exists()


def test_a_session_in_the_scope_chips_is_named_in_the_readers_language():
    from ui.search_tab import Shown, scope_choices

    shown = Shown(query="¿Qué se compartió en la sesión 3?", scope=["session 3", "Costa Rica"], scope_off=["roadmap 2"])
    assert scope_choices(shown, {}, "es")["choices"] == [("Sesión 3", "session 3"), ("Costa Rica", "Costa Rica"),
                                                         ("Hoja de ruta 2", "roadmap 2")]
    assert scope_choices(shown, {}, "en")["choices"][0] == ("Session 3", "session 3")
