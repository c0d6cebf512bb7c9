"""English words the glossary lacks, mapped onto the reports' own Spanish words by a multilingual encoder."""
from __future__ import annotations

from dataclasses import replace

import pytest

from search.evaluate import is_hit
from search.glossary import Glossary
from search.wordmap import WordMap

SPANISH = [
    "Se retiraron 9.000 toneladas de residuos de la selva.",
    "Los sindicatos y los empleadores firmaron un acuerdo.",
    "Las personas retornadas reciben apoyo para su reintegración.",
]


@pytest.fixture(scope="module")
def wordmap():
    return WordMap.from_texts(SPANISH)


def test_an_english_word_finds_its_spanish_translation_among_the_corpus_words(wordmap):
    assert wordmap.spanish_for(["tons", "unions", "employers", "signed"]) == ["toneladas", "sindicatos", "empleadores", "firmaron"]


def test_english_the_reports_quote_does_not_answer_for_spanish():
    quoted = WordMap.from_texts(SPANISH + ["Youth Employment Programme for the young people of the region."])
    assert "youth" not in quoted.words and "employment" not in quoted.words
    assert "toneladas" in quoted.words


def test_a_word_with_no_counterpart_in_the_corpus_gets_nothing(wordmap):
    assert wordmap.spanish_for(["volcano", "guitar"]) == [None, None]


def test_the_glossary_fills_its_gaps_in_query_order_and_leaves_names_alone(wordmap):
    glossary = Glossary.parse("agreement\tacuerdo\n")
    translation = glossary.translate("Did the unions of Chile sign the agreement?", wordmap.spanish_for)
    assert translation.groups == (("sindicatos",), ("acuerdo",), ("Chile",))
    assert glossary.translate("Did the unions sign the agreement?").groups == (("acuerdo",),)


def test_an_english_question_puts_its_answer_first_only_with_the_word_map(searcher):
    query = "Ibero-American network of prosecutors specialised in trafficking (REDTRAM)"
    gold = ["red iberoamericana de fiscales especializados"]
    assert is_hit(searcher.search(query, k=1)[0].text, gold)
    without = type(searcher)(searcher.data, searcher.embedder, replace(searcher.ranking, word_similarity_en=0.0))
    assert not is_hit(without.search(query, k=1)[0].text, gold)
