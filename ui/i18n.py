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
    "scope": {"es": "Lo que nombra la pregunta (desmarque para buscar sin ello)",
              "en": "What the question names (untick to search without it)"},
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
              "- Los resultados van **del más cercano al menos cercano** a la pregunta (n.º 1, 2, 3…); la "
              "frase que mejor responde aparece **resaltada**.\n"
              "- Los **filtros** vacíos no restringen nada; puede elegir varios valores.\n"
              "- **Leer en contexto** abre el pasaje entre los que lo preceden y lo siguen; **Citar** da la cita "
              "en APA y en Chicago; **Copiar el enlace** copia una dirección que abre ese pasaje.\n"
              "- Descargue los resultados en **CSV o JSON** con sus citas completas, o en **RIS o BibTeX** para "
              "Zotero y otros gestores de referencias. La dirección de la página se actualiza tras cada búsqueda, "
              "comparación o filtro de prácticas: cópiela para compartir lo que ve.",
        "en": "- Ask in **Spanish or English**, whatever the interface language: the search compares "
              "meanings, not just words.\n"
              "- Each result cites the **report, the plenary (number, city, year), the section and the page** "
              "(the bundled reports are extracted text with no pagination).\n"
              "- Results run **from the closest to the question to the least close** (no. 1, 2, 3…); the "
              "sentence that best answers is **highlighted**.\n"
              "- Empty **filters** restrict nothing; you can pick several values.\n"
              "- **Read in context** opens the passage between those before and after it; **Cite** gives its "
              "citation in APA and Chicago; **Copy link** copies an address that opens that passage.\n"
              "- Download the results as **CSV or JSON** with full citations, or as **RIS or BibTeX** for Zotero "
              "and other reference managers. The page address is updated after each search, comparison or "
              "practices filter: copy it to share what you see.",
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
    "unmentioned": {
        "es": "Los pasajes más cercanos no mencionan a: {names}.",
        "en": "The closest passages do not mention: {names}.",
    },
    "absent": {
        "es": "Los informes no tratan de: {names}.",
        "en": "The reports do not cover: {names}.",
    },
    "no_practices": {
        "es": "Los informes no recogen ninguna buena práctica de: {names}.",
        "en": "The reports list no good practice for: {names}.",
    },
    "practices_found": {
        "es": "Buenas prácticas, políticas y herramientas que los informes recogen para esta pregunta",
        "en": "Good practices, policies and tools the reports list for this question",
    },
    "to_passage": {"es": "ver el pasaje", "en": "see the passage"},
    "count": {"es": "{n} pasajes para «{query}»", "en": "{n} passages for “{query}”"},
    "count_one": {"es": "1 pasaje para «{query}»", "en": "1 passage for “{query}”"},
    "with_filters": {"es": ", con los filtros {filters}", "en": ", with the filters {filters}"},
    "rank": {"es": "Resultado", "en": "Result"},
    "rank_of": {"es": "de {n}", "en": "of {n}"},
    "links_folded": {"es": "{n} enlaces citados", "en": "{n} links cited"},
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
    "article": {"es": "art. {article}", "en": "art. {article}"},
    "unpaginated": {"es": "sin paginación", "en": "unpaginated"},
    "ocr": {"es": "texto reconocido por OCR", "en": "text recognised by OCR"},
    "ocr_title": {"es": "Página escaneada: el texto se leyó de la imagen y puede contener errores de lectura.",
                  "en": "Scanned page: the text was read from the image and may contain misreadings."},
    "role_caption": {"es": "Pie de foto", "en": "Photo caption"},
    "role_delegation": {"es": "Delegación (lista de asistencia)", "en": "Delegation (attendance list)"},
    "source": {"es": "Fuente", "en": "Source"},
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
    "doc_law": {"es": "Ley, decreto o reglamento", "en": "Law, decree or regulation"},
    "older_index": {
        "es": "Los resultados vienen de una versión anterior del índice: la más reciente no se pudo abrir. "
              "Puede que falten los documentos añadidos en último lugar.",
        "en": "Results come from an earlier version of the index: the latest one could not be opened. "
              "The most recently added documents may be missing.",
    },
    "details": {"es": "Detalle", "en": "Details"},
    # a card's actions, and the dialogs they open (ui/context.py, ui/page_script.py)
    "read_context": {"es": "Leer en contexto", "en": "Read in context"},
    "cite": {"es": "Citar", "en": "Cite"},
    "copy_link": {"es": "Copiar el enlace", "en": "Copy link"},
    "open_pdf_page": {"es": "Abrir el PDF en la p. {page}", "en": "Open the PDF at p. {page}"},
    "open_pdf": {"es": "Abrir el PDF", "en": "Open the PDF"},
    "open_source": {"es": "Abrir el documento", "en": "Open the document"},
    "new_tab": {"es": "(se abre en otra pestaña)", "en": "(opens in a new tab)"},
    "context_title": {"es": "El pasaje en su contexto", "en": "The passage in context"},
    "cite_title": {"es": "Citar este pasaje", "en": "Cite this passage"},
    "close": {"es": "Cerrar", "en": "Close"},
    "this_passage": {"es": "Pasaje citado", "en": "The passage cited"},
    "copy_style": {"es": "Copiar la cita {style}", "en": "Copy the {style} citation"},
    "copied": {"es": "Copiado", "en": "Copied"},
    "link_copied": {"es": "Enlace copiado al portapapeles.", "en": "Link copied to the clipboard."},
    "citation_copied": {"es": "Cita copiada al portapapeles.", "en": "Citation copied to the clipboard."},
    "copy_failed": {"es": "No se pudo copiar: selecciónelo y cópielo a mano.",
                    "en": "Could not copy: select it and copy it by hand."},
    "loading": {"es": "Cargando…", "en": "Loading…"},
    "passage_missing": {"es": "Ese pasaje no está en el índice (puede que haya cambiado desde que se compartió "
                              "el enlace).",
                        "en": "That passage is not in the index (it may have changed since the link was shared)."},
    "passage_failed": {"es": "No se pudo abrir el pasaje; vuelva a intentarlo.",
                       "en": "The passage could not be opened; try again."},
    "cite_managers": {"es": "Para Zotero u otro gestor de referencias, descargue los resultados en RIS o BibTeX.",
                      "en": "For Zotero or another reference manager, download the results as RIS or BibTeX."},
    "export_ris": {"es": "Descargar RIS", "en": "Download RIS"},
    "export_bibtex": {"es": "Descargar BibTeX", "en": "Download BibTeX"},
    # Practices tab
    "tab_practices": {"es": "Buenas prácticas", "en": "Good practices"},
    "practices_help": {
        "es": "Las buenas prácticas, políticas y herramientas que los países compartieron en cada sesión. "
              "Filtre por país, plenaria o sesión, o busque un tema por su significado; "
              "en una pantalla ancha, pulse un encabezado para ordenar la tabla.",
        "en": "The good practices, policies and tools countries shared in each session. "
              "Filter by country, plenary or session, or search a topic by meaning; "
              "on a wide screen, click a heading to sort the table.",
    },
    "practices_topic": {"es": "Tema (búsqueda por significado)", "en": "Topic (search by meaning)"},
    "practices_placeholder": {
        "es": "p. ej. alertas tempranas, asistencia consular, trabajadores temporales",
        "en": "e.g. early warning, consular assistance, temporary workers",
    },
    "practices_button": {"es": "Buscar prácticas", "en": "Find practices"},
    "practices_country": {"es": "País", "en": "Country"},
    "practices_session": {"es": "Sesión", "en": "Session"},
    "practices_count": {"es": "{n} prácticas", "en": "{n} practices"},
    "practices_count_one": {"es": "1 práctica", "en": "1 practice"},
    "practices_count_topic": {
        "es": "{n} prácticas más cercanas a «{query}», la más cercana primero",
        "en": "{n} practices closest to “{query}”, closest first",
    },
    "practices_none": {
        "es": "Ninguna práctica cumple estos filtros. Quite alguno.",
        "en": "No practice matches these filters. Remove one.",
    },
    "practices_missing": {
        "es": "Este índice no tiene registros de buenas prácticas; reconstrúyalo con `python -m ingest`.",
        "en": "This index has no good-practice records; rebuild it with `python -m ingest`.",
    },
    "col_practice": {"es": "Práctica", "en": "Practice"},
    "col_countries": {"es": "Países", "en": "Countries"},
    "col_organisations": {"es": "Organizaciones", "en": "Organisations"},
    "col_plenary": {"es": "Plenaria", "en": "Plenary"},
    "col_year": {"es": "Año", "en": "Year"},
    "col_session": {"es": "Sesión", "en": "Session"},
    "col_page": {"es": "Página", "en": "Page"},
    "col_rank": {"es": "N.º", "en": "No."},
    # Practices at a glance (ui/practices_chart.py)
    "chart_label": {"es": "Prácticas por país y plenaria", "en": "Practices by country and plenary"},
    "chart_axis": {"es": "Prácticas", "en": "Practices"},
    "chart_legend": {"es": "Plenaria", "en": "Plenary"},
    "chart_no_plenary": {"es": "Sin plenaria", "en": "No plenary"},
    "chart_total": {"es": "Total", "en": "Total"},
    "chart_summary": {
        "es": "Prácticas en la tabla: {records}; países que las comparten: {countries}; los que más: {top}.",
        "en": "Practices in the table: {records}; countries sharing them: {countries}; those sharing most: {top}.",
    },
    "chart_without_country": {
        "es": "Sin país, solo organizaciones: {n}.",
        "en": "With no country, organisations only: {n}.",
    },
    "chart_hint": {
        "es": "Pulse una barra, o un país de los datos del gráfico, para filtrar la tabla.",
        "en": "Click a bar, or a country in the chart's data, to filter the table.",
    },
    "chart_clear": {"es": "Quitar el filtro del gráfico: {what}", "en": "Remove the chart's filter: {what}"},
    "chart_data": {"es": "Datos del gráfico", "en": "Chart data"},
    "chart_data_caption": {
        "es": "Prácticas por país y plenaria (una práctica de varios países cuenta para cada uno). "
              "Pulse un país o una cifra para filtrar la tabla.",
        "en": "Practices by country and plenary (a practice shared by several countries counts for each). "
              "Click a country or a number to filter the table.",
    },
    "chart_cell": {"es": "{n}: prácticas de {country}, {plenary}", "en": "{n}: practices of {country}, {plenary}"},
    # Admin tab
    "tab_admin": {"es": "Administración", "en": "Administration"},
    "admin_help": {
        "es": "Para quienes mantienen Puente: suba un informe (PDF, TXT o HTML) con sus datos; se guarda en el "
              "corpus y se reindexa. Sus pasajes se pueden buscar en cuanto termina.",
        "en": "For Puente's maintainers: upload a report (PDF, TXT or HTML) with its details; it is saved into "
              "the corpus and re-indexed. Its passages are searchable as soon as this finishes.",
    },
    "admin_password": {"es": "Contraseña de administración", "en": "Administration password"},
    "admin_sign_in": {"es": "Entrar", "en": "Sign in"},
    "admin_signed_in": {"es": "Sesión iniciada: puede subir documentos durante una hora.",
                        "en": "Signed in: you can upload documents for an hour."},
    "admin_bad_password": {"es": "Contraseña incorrecta.", "en": "Wrong password."},
    "admin_locked": {"es": "Demasiadas contraseñas incorrectas desde esta dirección; inténtelo más tarde.",
                     "en": "Too many wrong passwords from this address; try again later."},
    "admin_sign_in_failed": {"es": "No se pudo entrar: {reason}", "en": "Could not sign in: {reason}"},
    "admin_not_signed_in": {"es": "Entre primero con la contraseña de administración. No se ha guardado nada.",
                            "en": "Sign in with the administration password first. Nothing was saved."},
    "admin_file": {"es": "Documento (PDF, TXT o HTML, hasta {mb} MB)", "en": "Document (PDF, TXT or HTML, up to {mb} MB)"},
    "admin_title": {"es": "Título", "en": "Title"},
    "admin_plenary": {"es": "Plenaria (número romano, p. ej. VI)", "en": "Plenary (Roman numeral, e.g. VI)"},
    "admin_year": {"es": "Año", "en": "Year"},
    "admin_city": {"es": "Ciudad", "en": "City"},
    "admin_dates": {"es": "Fechas (AAAA-MM-DD/AAAA-MM-DD)", "en": "Dates (YYYY-MM-DD/YYYY-MM-DD)"},
    "admin_language": {"es": "Idioma del documento", "en": "Document language"},
    "admin_doc_type": {"es": "Tipo de documento", "en": "Document type"},
    "admin_source": {"es": "Fuente (dirección o editor)", "en": "Source (address or publisher)"},
    "admin_button": {"es": "Añadir e indexar", "en": "Add and index"},
    "admin_wrong_password": {"es": "Contraseña incorrecta. No se ha guardado nada.",
                             "en": "Wrong password. Nothing was saved."},
    "admin_saving": {"es": "Guardando el documento", "en": "Saving the document"},
    "admin_indexing": {"es": "Indexando el corpus", "en": "Indexing the corpus"},
    "admin_waiting": {"es": "Poniendo en servicio el nuevo índice", "en": "Bringing the new index live"},
    "admin_done": {
        "es": "«{title}» se ha añadido al corpus como {path} y ya se puede buscar.",
        "en": "“{title}” was added to the corpus as {path} and is now searchable.",
    },
    "admin_not_live": {
        "es": "«{title}» se añadió y se indexó, pero la página aún no sirve el índice nuevo: {reason}",
        "en": "“{title}” was added and indexed, but the page does not serve the new index yet: {reason}",
    },
    "admin_failed": {"es": "No se pudo añadir el documento: {reason}", "en": "The document could not be added: {reason}"},
    "admin_not_indexed": {
        "es": "El documento se guardó pero no se pudo indexar, así que se retiró del corpus: {reason}",
        "en": "The document was saved but could not be indexed, so it was taken out of the corpus again: {reason}",
    },
    "admin_index_failed": {
        "es": "El documento está en el corpus, pero la indexación falló: {reason} "
              "Se indexará en la próxima ejecución de `python -m ingest`.",
        "en": "The document is in the corpus, but indexing failed: {reason} "
              "It will be indexed by the next run of `python -m ingest`.",
    },
    "upload_missing": {"es": "Elija un archivo.", "en": "Choose a file."},
    "upload_type": {"es": "Solo se aceptan archivos {types}; «{name}» no lo es.",
                    "en": "Only {types} files are accepted; “{name}” is not one."},
    "upload_name": {"es": "«{name}» no sirve como nombre de archivo: renómbrelo con letras o cifras.",
                    "en": "“{name}” is no usable file name: rename it with letters or digits."},
    "upload_too_big": {"es": "El archivo ocupa {size} MB; el límite es {limit} MB.",
                       "en": "The file is {size} MB; the limit is {limit} MB."},
    "upload_exists": {"es": "Ya hay un documento {name} en el corpus: cambie el nombre del archivo.",
                      "en": "The corpus already holds a document {name}: rename the file."},
    "upload_not_pdf": {"es": "«{name}» no es un PDF válido.", "en": "“{name}” is not a valid PDF."},
    "upload_unreadable": {"es": "No se pudo leer el archivo: {reason}", "en": "The file could not be read: {reason}"},
    "upload_no_text": {"es": "El archivo no tiene texto que extraer (¿es un escaneo?).",
                       "en": "The file has no text to extract (is it a scan?)."},
    "upload_manifest": {"es": "No se pudo actualizar el manifiesto del corpus: {reason}",
                        "en": "The corpus manifest could not be updated: {reason}"},
    "meta_title": {"es": "Falta el título.", "en": "The title is missing."},
    "meta_plenary": {"es": "La plenaria debe ser un número romano (p. ej. VI); «{value}» no lo es.",
                     "en": "The plenary must be a Roman numeral (e.g. VI); “{value}” is not."},
    "meta_year": {"es": "El año debe estar entre {low} y {high}; «{value}» no lo está.",
                  "en": "The year must lie between {low} and {high}; “{value}” does not."},
    "meta_dates": {"es": "Las fechas deben ser AAAA-MM-DD o AAAA-MM-DD/AAAA-MM-DD; «{value}» no lo es.",
                   "en": "Dates must read YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD; “{value}” does not."},
    "meta_choice": {"es": "Valor no válido para {field}: «{value}».", "en": "Not a valid {field}: “{value}”."},
    "meta_too_long": {"es": "El campo {field} es demasiado largo (máximo {limit} caracteres).",
                      "en": "The field {field} is too long (at most {limit} characters)."},
    "lang_es": {"es": "Español", "en": "Spanish"},
    "lang_en": {"es": "Inglés", "en": "English"},
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
    if field == "plenary":  # "iv", "4" -> "IV": as the reports write it, however it was typed
        from search.filters import canonical_plenary

        return str(canonical_plenary(value)).upper()
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


def country_label(name: str, lang: str) -> str:
    """Gives a member country's name ("Panamá", as records hold it) in the reader's language ("Panama")."""
    return facet_label("country", _fold(name), lang) if _fold(name) in _COUNTRY_BY_KEY else name
