"""The JSON API beside the page, called as a script would with the standard library, from a real `python app.py`
on loopback (tests.served; the real index of the bundled reports plus a two-page PDF): hits with citations,
a passage with its neighbours, practice records, filters as people type them, one-sentence JSON errors, the
OpenAPI description, and the document file route with path-traversal attempts."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

from tests.conftest import API_PDF_DOC, API_PDF_TOPIC

SPANISH_QUERY = "¿Qué propuso Chile sobre alertas tempranas?"


def q(text: str) -> str:
    return urllib.parse.quote(text)


def search(client, query: str, **params):
    extra = "".join(f"&{name}={q(str(value))}" for name, value in params.items())
    return client.get(f"/api/search?q={q(query)}{extra}")


def assert_one_sentence_error(answer, status: int) -> str:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and body["error"].endswith(".")
    return body["error"]


def test_a_search_gives_hits_with_citations_and_the_practices_they_list(api_app):
    answer = search(api_app.client(), SPANISH_QUERY, k=3)
    assert answer.status == 200
    body = answer.json()
    assert body["query"] == SPANISH_QUERY and body["no_good_match"] is False and "countries" in body["scope"]
    assert len(body["hits"]) == 3
    chile = next(h for h in body["hits"] if "Sistema de Alerta Temprana" in h["text"] and "Chile" in h["text"])
    assert chile["chunk_id"].startswith("V-2024:") and chile["plenary"] == "V" and chile["year"] == 2024
    assert chile["city"] == "Bogotá, Colombia" and chile["section"].startswith("SESIÓN 3")
    assert chile["citation"].startswith("Informe de la V Reunión Plenaria CRM-CSM · V Plenaria (Bogotá, Colombia, 2024)")
    assert chile["highlight"] in chile["text"] and chile["score"] > 0
    assert {"article", "page", "source", "url", "title", "doc_id"} <= set(chile)
    assert chile["url"] is None  # the bundled reports are text layers: no PDF is served for them
    listed = {(p["name"], tuple(p["countries"])) for p in body["practices"]}
    assert ("Sistema de Alerta Temprana", ("Chile",)) in listed
    assert all(p["citation"] for p in body["practices"])


def test_a_hit_on_a_pdf_links_to_the_pdf_at_its_page_and_the_file_is_served(api_app):
    client = api_app.client()
    hit = search(client, API_PDF_TOPIC, k=1).json()["hits"][0]
    assert hit["doc_id"] == API_PDF_DOC and hit["page"] == 2
    assert hit["url"] == f"{api_app.url}api/documents/{API_PDF_DOC}/file#page=2"
    answer = client.get(urllib.parse.urlsplit(hit["url"]).path)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.body == (api_app.corpus_dir / "informe-api-prueba.pdf").read_bytes()


@pytest.mark.parametrize("path", [
    "/api/documents/..%2F..%2F..%2Fetc%2Fpasswd/file",
    "/api/documents/%2e%2e/file",
    "/api/documents/../../../../etc/passwd",
    "/api/documents/V-2024/../../../../etc/passwd/file",
    "/api/documents/manifest.json/file",
    "/api/documents/fuera/file",  # a PDF in the corpus folder that is a link to a file outside it
    "/api/documents/V-2024/file",  # a document without a PDF: its text file is not served either
    "/api/documents/",
    "/api/documents",
])
def test_the_file_route_serves_nothing_outside_the_corpus_pdfs(api_app, path):
    answer = api_app.client().get(path)
    assert answer.status == 404, (path, answer.body[:200])
    assert answer.headers["content-type"].startswith("application/json")
    assert set(answer.json()) == {"error"}  # no file, no listing: one sentence


def test_the_linked_pdf_outside_the_corpus_is_indexed_but_not_served(api_app):
    hits = search(api_app.client(), "un archivo fuera del corpus", k=3).json()["hits"]
    outside = [h for h in hits if h["doc_id"] == "fuera"]
    assert outside and outside[0]["url"] is None


def test_filters_take_what_people_type(api_app):
    client = api_app.client()
    by_plenary = [search(client, "cooperación regional", k=5, plenary=value).json()
                  for value in ("IV", "iv", "4")]
    assert by_plenary[0]["hits"] and by_plenary[0] == by_plenary[1] == by_plenary[2]
    assert {h["plenary"] for h in by_plenary[0]["hits"]} == {"IV"}
    both = search(client, "cooperación regional", k=10, plenary="IV,V").json()
    repeated = client.get(f"/api/search?q={q('cooperación regional')}&k=10&plenary=IV&plenary=V").json()
    assert both == repeated and {h["plenary"] for h in both["hits"]} == {"IV", "V"}
    chile = [search(client, "alerta temprana", k=3, country=value).json() for value in ("Chile", "chile", "CHILE")]
    assert chile[0]["hits"] and chile[0] == chile[1] == chile[2]
    assert search(client, "alerta temprana", k=3, session="Sesión 3", lang="es").json()["hits"]


def test_a_bad_filter_or_parameter_is_a_400_with_one_sentence_and_no_traceback(api_app):
    client = api_app.client()
    message = assert_one_sentence_error(search(client, "alerta temprana", plenary="XX"), 400)
    assert "plenary" in message and "known values" in message
    assert "q" in assert_one_sentence_error(client.get("/api/search"), 400)
    assert "k" in assert_one_sentence_error(search(client, "alerta", k=0), 400)
    assert "whole number" in assert_one_sentence_error(search(client, "alerta", k="diez"), 400)
    assert "1000" in assert_one_sentence_error(search(api_app.client(), "a" * 1001), 400)  # a full burst's cost
    assert assert_one_sentence_error(client.get("/api/practices?plenary=XX"), 400)
    assert assert_one_sentence_error(client.get("/api/nothing-here"), 404)
    assert "Traceback" not in api_app.log()


def test_a_passage_comes_with_its_neighbours_and_its_citation(api_app):
    client = api_app.client()
    hit = search(client, SPANISH_QUERY, k=1).json()["hits"][0]
    answer = client.get(f"/api/passages/{q(hit['chunk_id'])}?context=2")
    assert answer.status == 200
    passage = answer.json()
    assert passage["chunk_id"] == hit["chunk_id"] and passage["text"] == hit["text"]
    assert passage["citation"] == hit["citation"] and passage["score"] is None
    doc, number = hit["chunk_id"].rsplit(":", 1)
    expected_before = [f"{doc}:{n:04d}" for n in range(int(number) - 2, int(number)) if n >= 0]
    assert [p["chunk_id"] for p in passage["before"]] == expected_before
    assert [p["chunk_id"] for p in passage["after"]] == [f"{doc}:{int(number) + 1:04d}", f"{doc}:{int(number) + 2:04d}"]
    assert all(p["citation"] and p["doc_id"] == doc for p in passage["before"] + passage["after"])
    first = client.get(f"/api/passages/{q(doc + ':0000')}").json()
    assert first["before"] == [] and len(first["after"]) == 1


def test_an_unknown_passage_is_a_404_with_one_sentence(api_app):
    message = assert_one_sentence_error(api_app.client().get("/api/passages/V-2024:9999"), 404)
    assert "V-2024:9999" in message


def test_practices_filter_and_rank_by_meaning(api_app):
    client = api_app.client()
    chile = client.get("/api/practices?country=Chile").json()
    assert chile["practices"] and all("Chile" in p["countries"] for p in chile["practices"])
    assert client.get("/api/practices?country=chile").json() == chile
    iv = client.get(f"/api/practices?plenary=iv&country={q('Chile,Panamá')}").json()["practices"]
    assert iv and all(p["plenary"] == "IV" and {"Chile", "Panamá"} & set(p["countries"]) for p in iv)
    ranked = client.get(f"/api/practices?q={q('consular assistance')}&k=3").json()
    assert ranked["query"] == "consular assistance" and len(ranked["practices"]) == 3
    scores = [p["score"] for p in ranked["practices"]]
    assert scores == sorted(scores, reverse=True) and all(p["citation"] for p in ranked["practices"])


def test_the_openapi_description_lists_the_routes_and_the_docs_page_needs_nothing_from_elsewhere(api_app):
    client = api_app.client()
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/passages/{chunk_id}", "/api/practices", "/api/documents/{doc_id}/file"} <= set(spec["paths"])
    parameters = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "k", "plenary", "year", "session", "country", "doc_type", "lang"} <= parameters
    assert "Hit" in spec["components"]["schemas"] and "citation" in spec["components"]["schemas"]["Hit"]["properties"]
    docs = client.get("/docs")
    assert docs.status == 200 and b"swagger-ui" in docs.body
    assert b"https://" not in docs.body.replace(b"https://fastapi", b"")  # its script and style are served here
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").status == 200


def test_a_script_with_the_standard_library_alone_gets_hits(api_app):
    # the README's three lines
    url = api_app.url + "api/search?" + urllib.parse.urlencode({"q": "alertas tempranas", "k": 3})
    hits = json.load(urllib.request.urlopen(url))["hits"]
    assert len(hits) == 3 and all(h["citation"] for h in hits)
