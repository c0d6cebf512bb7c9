"""Retrieval quality on real documents that are not the reports: a regression guard, not a timing.

The full figures come from `python -m bench.quality` (three collections, ~10 minutes to build); here a
small index of two real PDFs from ../shared/realpdfs keeps the suite short: Mexico's nationality
regulation (tuning set) and Mexico's refugee law (blind set, read once after the last change; its floors
were set from that reading). A passage on the answer's page counts as a hit.
"""
from __future__ import annotations

import pytest

from search.evaluate import answers, evaluate, load_queries
from tests.conftest import DEV_QUERIES
from tests.test_kinds import REAL_PDFS

DOCUMENTS = ("rep-es-mx-reglamento-ley-nacionalidad", "rep-es-mx-ley-refugiados-asilo-politico")
SETS = {"docs_tune.jsonl": DOCUMENTS[0], "laws_blind.jsonl": DOCUMENTS[1]}
# Measured on this two-document index with the pipeline as submitted (14 and 28 questions: hit@5 0.929 and
# 0.821, MRR@10 0.764 and 0.612); the guard sits a margin below, since a set this small moves in big steps.
FLOORS = {
    "docs_tune.jsonl": {"hit5": 0.85, "mrr10": 0.70},
    "laws_blind.jsonl": {"hit5": 0.75, "mrr10": 0.55},
}

pytestmark = pytest.mark.skipif(not REAL_PDFS.is_dir(), reason="../shared/realpdfs is not beside the project")


@pytest.fixture(scope="module")
def documents_searcher(tmp_path_factory, embedder):
    from index.pipeline import build_from_paths
    from search.searcher import Searcher

    index_dir = tmp_path_factory.mktemp("documents-index")
    build_from_paths([REAL_PDFS / f"{name}.pdf" for name in DOCUMENTS], index_dir, embedder=embedder, progress=False)
    return Searcher.open(index_dir, embedder=embedder)


def _queries(name: str) -> list[dict]:
    return [q for q in load_queries(DEV_QUERIES.parent / name) if q["doc"] == SETS[name]]


@pytest.fixture(scope="module")
def results(documents_searcher):
    return {name: evaluate(documents_searcher, _queries(name)) for name in SETS}


@pytest.mark.parametrize("query_set", sorted(FLOORS))
def test_questions_about_a_law_find_its_answer(results, query_set):
    final = results[query_set]["hybrid"]["all"]
    for metric, floor in FLOORS[query_set].items():
        assert getattr(final, metric) >= floor, f"{query_set}: {metric}={getattr(final, metric):.3f} < {floor}"


@pytest.mark.parametrize("query_set", sorted(FLOORS))
def test_english_questions_about_a_spanish_law_find_its_answer_too(results, query_set):
    final = results[query_set]["hybrid"]
    assert final["en"].hit5 >= final["es"].hit5 - 0.15  # measured: English 0.14 behind to 0.07 ahead


def test_the_answering_hit_of_a_law_carries_its_article_and_page(documents_searcher):
    found = 0
    for q in _queries("laws_blind.jsonl"):
        hit = next((h for h in documents_searcher.search(q["query"], k=5) if answers(h, q)), None)
        if hit is not None:
            found += 1
            assert hit.article and hit.page, hit.citation()
            assert f"art. {hit.article}" in hit.citation()
    assert found


def test_a_question_naming_the_country_is_scoped_to_its_laws(documents_searcher):
    results = documents_searcher.search("¿Qué dice la ley de refugiados de México sobre la protección complementaria?")
    assert results.scope.countries == ["México"]
    assert results[0].country == "México"


def test_a_country_where_the_asker_is_going_does_not_make_a_law_question_unanswered(documents_searcher):
    # the refugee law never names Canada; the question is still about what it provides
    results = documents_searcher.search("Si me voy a vivir a Canadá, ¿pierdo mi condición de refugiado en México?",
                                        k=5)
    assert results.unmentioned == [] and results[0].doc_id
