"""Shareable state: a search and its filters read from the page address, and written back after a search."""
from __future__ import annotations

from dataclasses import dataclass, field

# The filters the Search tab shows, in the order its search event and UPDATE_URL_JS take them.
FILTERS = ("plenary", "year", "part", "country", "doc_type")
DEFAULT_K = 5
MAX_K = 20


@dataclass
class SharedSearch:
    """What a page address (?q=...&plenary=IV&lang=en) asks the Search tab to show."""

    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    k: int = DEFAULT_K
    lang: str | None = None


def read_shared_search(params, known: dict[str, list[str]]) -> SharedSearch:
    """Gives the search a page address describes; filter values the index does not know are dropped.

    params is the request's query parameters (a starlette QueryParams, or any mapping of str to str);
    a filter may repeat (plenary=IV&plenary=V) or list values with commas (plenary=IV,V); values are
    matched to known ones without regard to case or accents.
    """
    from search.lexical import fold

    def values(name: str) -> list[str]:
        raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
        return [v.strip() for item in raw for v in item.split(",") if v.strip()]

    filters = {}
    for name in FILTERS:
        by_key = {fold(v): v for v in known.get(name, [])}
        chosen = [by_key[fold(v)] for v in values(name) if fold(v) in by_key]
        if chosen:
            filters[name] = list(dict.fromkeys(chosen))
    try:
        k = min(max(int(params.get("k") or DEFAULT_K), 1), MAX_K)
    except ValueError:
        k = DEFAULT_K
    return SharedSearch(query=(params.get("q") or "").strip(), filters=filters, k=k,
                        lang=params.get("lang") or None)


# Runs in the browser on page load: hands the browser's language to the server (read with gr.Request).
BROWSER_LANGUAGE_JS = "() => [navigator.language || (navigator.languages || [''])[0] || '']"

# Runs in the browser after a search: writes the query, filters and language into the address bar, so that
# copying the address shares the search. Arguments arrive in the order of the event's inputs.
UPDATE_URL_JS = """
(query, plenary, year, part, country, doc_type, k, lang) => {
  const params = new URLSearchParams();
  if (query && query.trim()) params.set("q", query.trim());
  const filters = {plenary, year, part, country, doc_type};
  for (const [name, chosen] of Object.entries(filters)) {
    for (const value of [].concat(chosen || [])) params.append(name, value);
  }
  if (k && Number(k) !== %d) params.set("k", String(k));
  if (lang) params.set("lang", lang);
  const url = new URL(window.location.href);
  url.search = params.toString();
  window.history.replaceState(null, "", url.toString());
  return [];
}
""" % DEFAULT_K
