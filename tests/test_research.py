"""Researchers' questions: lists answered with the good-practice records in scope, questions across plenaries
shown both plenaries, and the meeting a question names by its host country."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from ingest.records import DocumentMeta
from search.intent import read_intent
from search.scope import ScopeReader
from tests.conftest import PROJECT_ROOT


@pytest.mark.parametrize("query, style, practices", [
    ("What did Costa Rica share as good practices at the 2024 plenary?", "list", True),
    ("¿Qué países compartieron prácticas sobre desplazamiento por el clima en la reunión de Bogotá?", "list", True),
    ("¿Qué instrumentos y campañas contra la trata se compartieron en 2023?", "list", True),
    ("Which international organisations attended the 2024 plenary as observers?", "list", False),
    ("¿Cómo cambió el enfoque de la migración laboral entre la plenaria de 2023 y la de 2024?", "cross-plenary", False),
    ("What did both plenaries say about climate displacement?", "cross-plenary", False),
    ("¿Qué es el Proceso de Quito?", "single", False),
    ("What did Panama say about the Darién?", "single", False),
    ("alerta temprana", "single", False),
    # what a country shared or contributed at a meeting, or the things named before what was done with them
    ("¿Qué aportó Costa Rica en la plenaria de 2024?", "list", True),
    ("Tools and policies against human trafficking shared at the 4th plenary", "list", True),
    ("Proyectos anunciados por Canadá en la reunión de Bogotá", "list", True),
    ("Requisitos para la residencia temporal", "single", False),
])
def test_a_question_is_read_as_a_list_across_plenaries_or_a_single_answer(query, style, practices):
    intent = read_intent(query)
    assert intent.style == style
    assert intent.wants_practices == practices


@pytest.mark.parametrize("query, each", [
    ("Which country led each of the thematic sessions of the 5th plenary?", True),
    ("Países que dirigieron las sesiones de la IV Plenaria en Ciudad de Panamá", True),
    ("¿Qué se dijo en la sesión 3 sobre trata?", False),
    ("What happened in the sessions on trafficking?", False),
])
def test_a_question_about_every_session_is_told_apart(query, each):
    assert read_intent(query).each_session is each


def test_a_question_about_every_session_gets_one_passage_from_each(searcher):
    results = searcher.search("¿Qué país lideró cada una de las sesiones temáticas de la V Plenaria?", k=6)
    sections = [(hit.doc_id, hit.section) for hit in results]
    assert len(results) == 6 and len(set(sections)) == 6


@pytest.mark.parametrize("query, parts", [
    ("¿Qué se compartió en la sesión 3 de la plenaria de Bogotá?", ["session 3"]),
    ("What was shared in the third session of the 2024 plenary?", ["session 3"]),
    ("¿Cuál es el objetivo de la hoja de ruta 2?", ["roadmap 2"]),
    ("¿Qué temas trataron las sesiones de la V Plenaria?", []),
])
def test_a_numbered_session_or_roadmap_is_read_as_scope(query, parts):
    from search.lexical import fold
    from search.scope import parts_named

    assert parts_named(" ".join(re.findall(r"[a-z0-9]+", fold(query)))) == parts


def test_a_session_named_scopes_the_records_and_raises_its_passages_and_can_be_removed(searcher):
    results = searcher.search("¿Qué buenas prácticas se compartieron en la sesión 3 de la plenaria de Bogotá?", k=5)
    assert "session 3" in results.scope.named()
    assert results.practices and {m.record.session for m in results.practices} == {"session 3"}
    assert {m.record.doc_id for m in results.practices} == {"V-2024"}
    assert results[0].part == "session 3"
    wide = searcher.search("¿Qué buenas prácticas se compartieron en la sesión 3 de la plenaria de Bogotá?", k=5,
                           without_scope=["session 3"])
    assert "session 3" not in wide.scope.named() and len({m.record.session for m in wide.practices}) > 1


def test_two_plenaries_named_make_a_question_cross_plenary_whatever_its_words():
    assert read_intent("Compare the 2023 and 2024 plenaries on labour migration", plenaries_named=2).across_plenaries


PLENARIES = {
    "IV-2023": DocumentMeta(doc_id="IV-2023", title="Informe IV", plenary="IV", year=2023,
                            city="Ciudad de Panamá, Panamá"),
    "V-2024": DocumentMeta(doc_id="V-2024", title="Informe V", plenary="V", year=2024, city="Bogotá, Colombia"),
}


@pytest.mark.parametrize("query, named", [
    ("Lista las prácticas que recoge el informe de la plenaria de Panamá", ["Ciudad de Panamá, Panamá"]),
    ("the Panama meeting's gaps on trafficking", ["Ciudad de Panamá, Panamá"]),
    ("What did Panama say about the Darién?", ["Panamá"]),
    ("¿Qué compartió Costa Rica en la reunión de Bogotá?", ["Costa Rica", "Bogotá, Colombia"]),
])
def test_a_meeting_named_by_its_host_country_is_that_plenary_not_the_countrys_words(query, named):
    reader = ScopeReader(PLENARIES, countries={"Panamá", "Costa Rica", "Colombia"})
    assert reader.read(query).named() == named


def test_a_list_question_gets_the_records_in_its_scope_above_the_passages_that_list_them(searcher):
    results = searcher.search("What did Costa Rica share as good practices at the 2024 plenary?", k=5)
    assert set(results.scope.named()) >= {"Costa Rica", "2024"}
    assert results.practices and all("Costa Rica" in p.record.countries and p.record.plenary == "V"
                                     for p in results.practices)
    listing = {p.chunk_id for p in results.practices}
    assert {h.chunk_id for h in results[:3]} & listing  # a passage that lists them is among the first three
    assert all(p.chunk_id.startswith("V-2024:") for p in results.practices)


def test_removing_the_year_widens_a_list_to_both_plenaries(searcher):
    query = "¿Qué buenas prácticas compartió Costa Rica en la plenaria de 2024?"
    narrow = searcher.search(query, k=5)
    wide = searcher.search(query, k=5, without_scope=["2024"])
    assert {p.record.plenary for p in narrow.practices} == {"V"}
    assert {p.record.plenary for p in wide.practices} == {"IV", "V"}


def test_a_question_across_plenaries_shows_both_in_its_first_five(searcher):
    hits = searcher.search("¿Cómo abordaron ambas plenarias la migración y el cambio climático?", k=5)
    assert {h.plenary for h in hits} == {"IV", "V"}


def test_a_single_fact_question_gets_no_records(searcher):
    assert searcher.search("¿Qué propuso Chile sobre alertas tempranas?", k=3).practices == []


def test_search_cli_json_gives_the_records_beside_the_hits(real_index):
    result = subprocess.run([sys.executable, "-m", "search", "--index", str(real_index), "--json", "-k", "3",
                             "¿Qué países compartieron prácticas sobre desplazamiento por el clima?"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["practices"] and len(answer["hits"]) == 3
    names = " ".join(p["name"] for p in answer["practices"])
    assert "Desplazamiento por Cambio Climático" in names
    assert all(p["chunk_id"] and p["countries"] is not None for p in answer["practices"])


def test_a_plenary_no_report_is_of_and_no_passage_names_is_said_plainly(searcher):
    results = searcher.search("¿Cuándo y en qué ciudad se celebrará la XV Reunión Plenaria CRM-CSM?", k=3)
    assert results.no_good_match and results.scope.absent == ["XV Plenaria"]
    assert len(results) == 3  # the nearest passages are still shown, marked as such


def test_an_earlier_plenary_the_reports_speak_of_is_not_absent(searcher):
    assert searcher.search("¿Dónde se realizó la primera plenaria conjunta CRM-CSM?", k=1).scope.absent == []


def test_practices_of_a_country_the_reports_list_none_for_are_not_invented(searcher):
    results = searcher.search("¿Qué buenas prácticas compartió Paraguay en la plenaria de Bogotá?", k=3)
    assert results.practices == [] and results.no_practices and results.no_good_match


@pytest.mark.parametrize("query, names", [
    ("¿Aparece el plan venezolano Vuelta a la Patria en las dos plenarias?", ["Vuelta a la Patria"]),
    ("Soy nicaragüense y estoy en Costa Rica; ¿puedo pedir asilo?", ["Costa Rica"]),
    ("Estudio en Santiago de los Caballeros, ¿puedo trabajar?", ["Santiago de los Caballeros"]),
    ("What did the INM and Panama say in 2023? Costa Rica and Panama, H-2A visas",
     ["INM", "Panama", "2023", "Costa Rica", "Panama", "H-2A"]),
])
def test_a_question_names_are_read_whole_and_a_sentence_opening_word_is_not_one(query, names):
    from search.lexical import names_in

    assert names_in(query) == names


def test_a_plenary_named_with_the_conferences_between_number_and_word_is_read(searcher):
    results = searcher.search("When and in which city will the sixth CRM-CSM joint plenary take place?", k=3)
    assert results.scope.absent and results.no_good_match


def test_a_country_the_closest_passages_never_name_is_said_plainly_and_the_passages_still_follow(searcher):
    from ui.render import results_html

    results = searcher.search("What strategy did Nicaragua present to lower the cost of sending remittances?", k=3)
    assert results.no_good_match and results.unmentioned == ["Nicaragua"] and len(results) == 3
    page = results_html(list(results), "en", query="q", no_good_match=True, unmentioned=results.unmentioned)
    assert "The closest passages do not mention: Nicaragua." in page and page.count('class="pc-card') >= 3
    spanish = searcher.search("¿Qué propuso Paraguay sobre el reconocimiento de títulos profesionales de las personas "
                              "migrantes?", k=3)
    assert spanish.no_good_match and spanish.unmentioned == ["Paraguay"]


@pytest.mark.parametrize("query, country", [
    ("¿Qué propuso Cuba sobre la protección de las personas migrantes en tránsito?", "Cuba"),
    ("What did the delegation of Jamaica share on labour migration?", "Jamaica"),
])
def test_a_country_no_passage_names_is_said_plainly(searcher, query, country):
    # not a member: the gazetteer of members does not know it, the world's list of countries does
    from ui.render import results_html

    results = searcher.search(query, k=3)
    assert results.no_good_match and results.unmentioned == [country] and len(results) == 3
    page = results_html(list(results), "es", query=query, no_good_match=True, unmentioned=results.unmentioned,
                        unknown_terms=results.unknown_terms)
    assert page.count(country) >= 1 and "no mencionan" not in page  # said once: no passage at all names it
    assert f"Ningún pasaje menciona: {country}" in page


def test_a_count_or_a_year_in_a_name_is_not_taken_for_a_law_number():
    from search.searcher import identifying_numbers

    assert identifying_numbers("Ley 21.325, Decreto 1350, Ley 285-04") == {"21325", "1350", "285"}
    assert identifying_numbers("COP28, the 3Ps, January-July 2023, 2016-2022, mid-2023") == set()


def test_a_name_holding_a_known_country_is_unknown_when_its_other_words_are(searcher):
    # "Argentina" is in the reports, law 25.871 is not: the question names something they lack
    assert searcher.unknown_terms("¿Qué establece la Ley de Migraciones 25.871 de Argentina?") == [
        "Ley de Migraciones 25.871 de Argentina"]
    assert searcher.unknown_terms("What did Argentina and Mexico say?") == []


@pytest.mark.parametrize("query", ["¿Qué establece el Decreto 1350 sobre la residencia temporal de venezolanos?",
                                   "What does Chile's Law 21.325 say about temporary residence?"])
def test_a_numbered_name_no_passage_holds_is_not_answered_whatever_the_score(searcher, query):
    results = searcher.search(query, k=3)
    assert results.no_good_match and results.unknown_terms and len(results) == 3


@pytest.mark.parametrize("query, country, place", [
    ("Tengo asilo en México y me ofrecen residencia en Canadá; ¿lo pierdo?", "Canadá", True),
    ("Do nationals of Latin American countries, Spain or Portugal wait less?", "Portugal", True),
    ("Do nationals of Latin American countries, Spain or Portugal wait less?", "Spain", True),
    ("¿Qué requisitos pide España para el arraigo social?", "España", False),
    ("What was Cuba's position on irregular migration?", "Cuba", False),
    ("¿Qué dijo la delegación de Cuba sobre el tránsito?", "Cuba", False),
])
def test_a_country_named_as_a_place_is_told_from_one_that_acts(query, country, place):
    from search.intent import names_as_place

    assert names_as_place(query, country) is place


@pytest.mark.parametrize("query", ["What did Panama say about the Darién?",
                                   "¿Qué propuso Chile sobre alertas tempranas?"])
def test_a_country_question_the_reports_answer_is_not_flagged(searcher, query):
    results = searcher.search(query, k=5)
    assert not results.no_good_match and results.unmentioned == []


def test_a_year_in_a_practices_question_is_the_meeting_of_that_year(searcher):
    results = searcher.search("¿Qué buenas prácticas compartió Costa Rica en 2024?", k=5)
    assert results.scope.years == [2024] and results.practices
    assert {m.record.doc_id for m in results.practices} == {"V-2024"}
    assert all("Costa Rica" in m.record.countries for m in results.practices)
