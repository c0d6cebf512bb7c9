"""The page's words in Spanish and English, and display names for the values the filters take."""
from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"  # the reports are in Spanish, and so are most of their readers

TEXT: dict[str, dict[str, str]] = {
    "title": {"es": "Puente", "en": "Puente"},
    "subtitle": {
        "es": "Busque en los informes de las Reuniones Plenarias CRM-CSM sobre migración: "
              "pregunte en español o en inglés y obtenga los pasajes que responden, con su cita.",
        "en": "Search the reports of the CRM-CSM joint plenaries on migration: ask in Spanish or English "
              "and get the passages that answer, each with its citation.",
    },
    "interface_language": {"es": "Idioma de la interfaz", "en": "Interface language"},
    "tab_search": {"es": "Buscar", "en": "Search"},
    "tab_compare": {"es": "Comparar plenarias", "en": "Compare plenaries"},
    "query": {"es": "Pregunta", "en": "Question"},
    "query_placeholder": {
        "es": "Escriba una pregunta o unas palabras, en español o en inglés",
        "en": "Type a question or a few words, in Spanish or English",
    },
    "search_button": {"es": "Buscar", "en": "Search"},
    "examples": {"es": "Ejemplos (en ambos idiomas)", "en": "Examples (in both languages)"},
    "filters": {"es": "Filtros", "en": "Filters"},
    "filter_plenary": {"es": "Plenaria", "en": "Plenary"},
    "filter_year": {"es": "Año", "en": "Year"},
    "filter_part": {"es": "Sesión o parte", "en": "Session or part"},
    "filter_country": {"es": "País mencionado", "en": "Country mentioned"},
    "filter_doc_type": {"es": "Tipo de documento", "en": "Document type"},
    "filter_any": {"es": "Todas (deje vacío)", "en": "All (leave empty)"},
    "k": {"es": "Número de pasajes", "en": "Number of passages"},
    "help_title": {"es": "Ayuda", "en": "Help"},
    "help": {
        "es": "- Pregunte en **español o en inglés**, sea cual sea el idioma de la interfaz: la búsqueda "
              "compara significados, no solo palabras.\n"
              "- Cada resultado cita el **informe, la plenaria (número, ciudad, año), la sección y la página** "
              "(los informes incluidos son texto extraído sin paginación).\n"
              "- La frase que mejor responde aparece **resaltada**; el número gris es la similitud semántica "
              "(0 a 1).\n"
              "- Los **filtros** vacíos no restringen nada; puede elegir varios valores.\n"
              "- Descargue los resultados en **CSV o JSON** con sus citas completas. La dirección de la "
              "página se actualiza tras cada búsqueda: cópiela para compartir la consulta y sus filtros.",
        "en": "- Ask in **Spanish or English**, whatever the interface language: the search compares "
              "meanings, not just words.\n"
              "- Each result cites the **report, the plenary (number, city, year), the section and the page** "
              "(the bundled reports are extracted text with no pagination).\n"
              "- The sentence that best answers is **highlighted**; the grey number is the semantic "
              "similarity (0 to 1).\n"
              "- Empty **filters** restrict nothing; you can pick several values.\n"
              "- Download the results as **CSV or JSON** with full citations. The page address is updated "
              "after each search: copy it to share the query and its filters.",
    },
    "export_csv": {"es": "Descargar CSV", "en": "Download CSV"},
    "export_json": {"es": "Descargar JSON", "en": "Download JSON"},
    "no_results": {
        "es": "Sin resultados: ningún pasaje cumple estos filtros. Quite alguno y vuelva a buscar.",
        "en": "No results: no passage matches these filters. Remove one and search again.",
    },
    "weak_match": {
        "es": "Ningún pasaje responde bien a esta pregunta. Estos son los más cercanos; "
              "pruebe con otras palabras o quite filtros.",
        "en": "No passage answers this question well. These are the closest ones; "
              "try other words or remove filters.",
    },
    "unknown_terms": {
        "es": "Ningún pasaje menciona: {terms}.",
        "en": "No passage mentions: {terms}.",
    },
    "count": {"es": "{n} pasajes para «{query}»", "en": "{n} passages for “{query}”"},
    "count_one": {"es": "1 pasaje para «{query}»", "en": "1 passage for “{query}”"},
    "empty_query": {
        "es": "Escriba una pregunta o unas palabras antes de buscar.",
        "en": "Type a question or a few words before searching.",
    },
    "too_long": {
        "es": "La pregunta tiene {n} caracteres; el límite es {limit}. Acórtela y vuelva a buscar.",
        "en": "The question is {n} characters long; the limit is {limit}. Shorten it and search again.",
    },
    "search_failed": {"es": "No se pudo buscar: {reason}", "en": "The search failed: {reason}"},
    "plenary": {"es": "{plenary} Plenaria", "en": "{plenary} Plenary"},
    "section": {"es": "Sección", "en": "Section"},
    "page": {"es": "p. {page}", "en": "p. {page}"},
    "unpaginated": {"es": "sin paginación", "en": "unpaginated"},
    "source": {"es": "Fuente", "en": "Source"},
    "similarity": {"es": "similitud", "en": "similarity"},
    "score": {"es": "puntuación", "en": "score"},
    "compare_topic": {"es": "Tema", "en": "Topic"},
    "compare_placeholder": {
        "es": "Un tema para comparar, p. ej. alertas tempranas, regularización",
        "en": "A topic to compare, e.g. early warning, regularisation",
    },
    "compare_button": {"es": "Comparar", "en": "Compare"},
    "compare_left": {"es": "Plenaria A", "en": "Plenary A"},
    "compare_right": {"es": "Plenaria B", "en": "Plenary B"},
    "compare_k": {"es": "Pasajes por plenaria", "en": "Passages per plenary"},
    "compare_help": {
        "es": "Los mejores pasajes de cada plenaria sobre un mismo tema, lado a lado.",
        "en": "The best passages of each plenary on one topic, side by side.",
    },
    "compare_pick": {"es": "Elija una plenaria.", "en": "Pick a plenary."},
    "doc_report": {"es": "Informe", "en": "Report"},
    "doc_linked": {"es": "Documento vinculado", "en": "Linked document"},
}

# Parts of a report as ingest names them ("session 3", "roadmap 1", ...), shown in the reader's language.
_PART_WORDS = {
    "session": {"es": "Sesión", "en": "Session"},
    "roadmap": {"es": "Hoja de ruta", "en": "Roadmap"},
    "annex": {"es": "Anexo", "en": "Annex"},
}
_PARTS = {
    "introductory session": {"es": "Sesión introductoria", "en": "Introductory session"},
    "annexes": {"es": "Anexos", "en": "Annexes"},
    "opening": {"es": "Apertura", "en": "Opening"},
    "conclusions": {"es": "Conclusiones", "en": "Conclusions"},
    "communique": {"es": "Comunicado conjunto", "en": "Joint communiqué"},
    "campaign": {"es": "Campaña", "en": "Campaign"},
    "note": {"es": "Nota", "en": "Note"},
    "introduction": {"es": "Introducción", "en": "Introduction"},
    "front matter": {"es": "Portada", "en": "Front matter"},
}

# Member countries of the CRM and the CSM: the filter holds them folded ("panama"); people read them so.
_COUNTRIES = {
    "Belice": "Belize", "Canadá": "Canada", "Costa Rica": "Costa Rica", "El Salvador": "El Salvador",
    "Estados Unidos": "United States", "Guatemala": "Guatemala", "Honduras": "Honduras",
    "México": "Mexico", "Nicaragua": "Nicaragua", "Panamá": "Panama",
    "República Dominicana": "Dominican Republic", "Argentina": "Argentina", "Bolivia": "Bolivia",
    "Brasil": "Brazil", "Chile": "Chile", "Colombia": "Colombia", "Ecuador": "Ecuador", "Guyana": "Guyana",
    "Paraguay": "Paraguay", "Perú": "Peru", "Surinam": "Suriname", "Uruguay": "Uruguay",
    "Venezuela": "Venezuela",
}

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def t(key: str, lang: str, **values) -> str:
    """Gives the text for key in the interface language, with {placeholders} filled in."""
    text = TEXT[key][normalise_language(lang)]
    return text.format(**values) if values else text


def normalise_language(value: str | None) -> str:
    """Gives "es" or "en" for a language tag such as "en-GB", "es-419" or "EN"; Spanish when unknown."""
    primary = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def choose_language(url_lang: str | None, browser_lang: str | None, accept_language: str | None) -> str:
    """Gives the interface language: the URL's ?lang= first, then the browser's, then its Accept-Language."""
    for candidate in (url_lang, browser_lang, (accept_language or "").split(",")[0]):
        primary = (candidate or "").strip().lower().split("-")[0].split(";")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_COUNTRY_BY_KEY = {_fold(es): (es, en) for es, en in _COUNTRIES.items()}


def roman_value(numeral: str) -> int:
    """Gives the value of a Roman numeral such as "IV" (0 when it is not one), to order plenaries."""
    total, previous = 0, 0
    for ch in reversed(numeral.strip().lower()):
        if ch not in _ROMAN:
            return 0
        value = _ROMAN[ch]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def facet_label(field: str, value: str, lang: str) -> str:
    """Gives how a filter value (as the searcher knows it, folded) is shown to a reader."""
    lang = normalise_language(lang)
    if field == "plenary":
        return value.upper()
    if field == "country":
        names = _COUNTRY_BY_KEY.get(value)
        return (names[0] if lang == "es" else names[1]) if names else value.title()
    if field == "doc_type":
        return t(f"doc_{value}", lang) if f"doc_{value}" in TEXT else value
    if field == "part":
        return part_label(value, lang)
    return value


def is_named_part(part: str) -> bool:
    """Gives True for the parts ingest names (sessions, roadmaps, conclusions...), not a folded heading."""
    return part in _PARTS or re.fullmatch(r"(session|roadmap|annex) \d+", part) is not None


def part_label(part: str, lang: str) -> str:
    """Gives a report part ("session 3", "conclusions") in the reader's language."""
    if part in _PARTS:
        return _PARTS[part][normalise_language(lang)]
    match = re.fullmatch(r"(session|roadmap|annex) (\d+)", part)
    if match:
        return f"{_PART_WORDS[match.group(1)][normalise_language(lang)]} {match.group(2)}"
    return part[:1].upper() + part[1:]


def facet_sort_key(field: str, value: str):
    """Gives the order filter values are listed in: plenaries and sessions by number, the rest by name."""
    if field == "plenary":
        return (roman_value(value), value)
    numbers = re.findall(r"\d+", value)
    return (re.sub(r"\d+", "", value), int(numbers[0]) if numbers else 0, value)
