"""Search over the real reports with the real model: the answers a delegate expects, with citations."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from search.searcher import FilterError, SearchError
from tests.conftest import PROJECT_ROOT

SESSION_3 = "SESIÓN 3: TRÁNSITO, DOCUMENTOS DE VIAJE Y ALERTAS TEMPRANAS"


def _is_chile_sat(hit) -> bool:
    return hit.doc_id == "V-2024" and "Sistema de Alerta" in hit.text and "Chile" in hit.text


@pytest.mark.parametrize("query", [
    "¿Qué propuso Chile sobre alertas tempranas?",
    "What did Chile propose about early warning systems?",
])
def test_chilean_early_warning_passage_is_in_the_top_3_with_its_section(searcher, query):
    hits = searcher.search(query, k=3)
    chile = [h for h in hits if _is_chile_sat(h)]
    assert chile, [h.text[:80] for h in hits]
    assert chile[0].section == SESSION_3
    assert chile[0].title and chile[0].plenary == "V" and chile[0].year == 2024


def test_hits_carry_a_highlight_taken_from_the_passage(searcher):
    hit = searcher.search("Sistema de Alerta Temprana propuesto por Chile", k=1)[0]
    assert hit.highlight and hit.highlight in hit.text


def test_a_line_of_web_addresses_is_never_the_highlight(searcher):
    from search.searcher import is_readable_sentence

    assert not is_readable_sentence("https://www.acnur.org/que-hacemos/ciudades-solidarias\nhttps://oim.int/x")
    assert is_readable_sentence("Chile presentó su Sistema de Alerta Temprana (https://www.onemi.gov.cl).")
    # asked with the very words of an address, a passage ending in a list of them still highlights prose
    hits = searcher.search("https://www.acnur.org diarioelsalvador.com serviciomigraciones.cl", k=10)
    with_links = [hit for hit in hits if "https://" in hit.text]
    assert with_links
    assert all(is_readable_sentence(hit.highlight) for hit in with_links if hit.highlight)


def test_english_question_about_darien_finds_panama_report(searcher):
    hits = searcher.search("What did Panama say about the Darién?", k=5)
    assert any("Darién" in h.text for h in hits[:3])


def test_filter_by_plenary_returns_only_that_plenary(searcher):
    unfiltered = searcher.search("trata de personas", k=20)
    assert {h.plenary for h in unfiltered} == {"IV", "V"}
    filtered = searcher.search("trata de personas", k=20, plenary="IV")
    assert filtered and {h.plenary for h in filtered} == {"IV"}


def test_unknown_filter_value_lists_the_known_ones(searcher):
    with pytest.raises(FilterError, match="known values: iv, v"):
        searcher.search("migración", plenary="IX")


def test_empty_and_overlong_queries_get_a_clear_error(searcher):
    with pytest.raises(SearchError, match="empty"):
        searcher.search("   ")
    with pytest.raises(SearchError, match="limit"):
        searcher.search("migración " * 200)


def _run(*args, **kwargs):
    return subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300, **kwargs)


def test_search_cli_json_gives_one_object_per_query_with_citations(real_index, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("alertas tempranas Chile\n\nWhat did Panama say about the Darién?\n", encoding="utf-8")
    result = _run("-m", "search", "--index", str(real_index), "-k", "2", "--json", "--queries", str(queries))
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["query"] for o in objects] == ["alertas tempranas Chile", "What did Panama say about the Darién?"]
    hit = objects[0]["hits"][0]
    assert set(hit) >= {"text", "score", "doc_id", "title", "plenary", "year", "section", "page", "source",
                        "highlight"}
    assert len(objects[1]["hits"]) == 2


def test_search_cli_without_index_says_how_to_build_one(tmp_path):
    result = _run("-m", "search", "--index", str(tmp_path / "none"), "migración")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: No index at")
    assert "python -m ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_index_written_before_bm25_was_saved_searches_the_same(searcher):
    from dataclasses import replace

    older = type(searcher)(replace(searcher.data, lexical=None, acronyms=None), searcher.embedder)
    for query in ("CIPRAT", "¿Qué es el SAT de Chile?", "Darién campaign"):
        assert [h.chunk_id for h in older.search(query, k=3)] == [h.chunk_id for h in searcher.search(query, k=3)]
