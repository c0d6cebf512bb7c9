"""The English -> Spanish glossary that gives English queries lexical evidence over Spanish reports."""
from __future__ import annotations

from dataclasses import replace

import pytest

from search.evaluate import is_hit
from search.glossary import Glossary, default_glossary
from search.searcher import RankingSettings

TINY = """
# a comment
warning\talerta; alertas
early warning system\tsistema de alerta temprana
smuggler\ttraficantes
"""


def test_longest_phrase_wins_and_plurals_match():
    glossary = Glossary.parse(TINY)
    translation = glossary.translate("Early warning systems against smugglers")
    assert translation.groups == (("sistema de alerta temprana",), ("traficantes",))
    assert glossary.translate("a warning").spanish == ("alerta", "alertas")


def test_english_country_names_come_out_in_spanish():
    translation = Glossary.parse(TINY).translate("What did Brazil and the United States say?")
    assert "Brasil" in translation.spanish
    assert "Estados Unidos" in translation.spanish


def test_words_it_does_not_know_give_nothing():
    assert Glossary.parse(TINY).translate("What did they decide?").spanish == ()


def test_a_malformed_line_is_reported_with_its_number():
    with pytest.raises(ValueError, match="line 2"):
        Glossary.parse("warning\talerta\nno tab here")


def test_a_word_as_written_wins_over_another_entry_with_the_same_stem():
    glossary = Glossary.parse("use\tuso\nuseful\tútil\n")  # Snowball stems both to "use"
    assert glossary.translate("useful tools").spanish == ("útil",)
    assert glossary.translate("using algorithms").gloss == "uso"  # other forms: the stem, first entry first


def test_an_organisation_named_in_english_comes_out_as_its_spanish_name_and_acronym():
    translation = Glossary.parse(TINY).translate("thematic networks of the South American Conference on Migration")
    assert translation.groups == (("Conferencia Suramericana sobre Migraciones", "CSM"),)
    assert Glossary.parse(TINY).translate("Mercosur residence agreement").spanish == ()  # one word: any language


def test_an_english_question_naming_a_conference_in_full_finds_its_passage_first(searcher):
    hits = searcher.search("What thematic networks does the South American Conference on Migration run?", k=1)
    assert is_hit(hits[0].text, ["organizado en torno a seis redes"])


def test_the_bundled_glossary_covers_the_reports_core_terms():
    glossary = default_glossary()
    assert "trata de personas" in glossary.translate("human trafficking").spanish
    assert "desinformación" in glossary.translate("misinformation").spanish
    assert "hojas de ruta" in glossary.translate("roadmaps").spanish
    assert len(glossary.entries) > 500


@pytest.mark.parametrize("query, gold", [
    ("How much garbage do migrants leave behind when crossing the Darien?", ["9 000 toneladas de residuos"]),
    ("How should countries counter fake news and misinformation about migration?",
     ["contrarrestar la desinformacion y la propagacion", "estrategia de comunicacion regional que brinde"]),
])
def test_english_questions_put_the_answer_first_with_the_glossary(searcher, query, gold):
    assert is_hit(searcher.search(query, k=1)[0].text, gold)
    plain = replace(searcher.ranking, translate_en=False, lexical_weight_en=0.0)
    without = type(searcher)(searcher.data, searcher.embedder, plain)
    assert not is_hit(without.search(query, k=1)[0].text, gold)
