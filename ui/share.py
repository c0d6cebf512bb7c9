"""Shareable state: what a tab shows, read from the page address and written back after each search.

The address describes the tab on screen: the Search tab by default (?q=...&plenary=IV&lang=en), Compare
with tab=compare (?tab=compare&q=Darién&a=IV&b=V), Good practices with tab=practices
(?tab=practices&q=early+warning&country=Chile&session=session+3).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The filters the Search tab shows, in the order its search event and UPDATE_URL_JS take them.
FILTERS = ("plenary", "year", "part", "country", "doc_type")
DEFAULT_K = 5
MAX_K = 20
TABS = ("search", "compare", "practices")  # the tabs an address can open (the Admin tab is never shared)
COMPARE_K = 3  # passages per plenary in Compare
MAX_COMPARE_K = 8
PRACTICE_FILTERS = {"country": "country", "plenary": "plenary", "session": "part"}  # address name -> finder's


def shared_tab(params) -> str:
    """Gives the tab a page address opens ("search" unless tab= names another shareable one)."""
    tab = (params.get("tab") or "").strip().lower()
    return tab if tab in TABS else "search"


@dataclass
class SharedCompare:
    """What an address with tab=compare asks Compare to show."""

    topic: str = ""
    plenaries: tuple[str | None, str | None] = (None, None)
    k: int = COMPARE_K


def read_shared_compare(params, plenaries: list[str]) -> SharedCompare:
    """Gives the comparison an address describes (?tab=compare&q=...&a=IV&b=V&k=3); unknown plenaries are dropped."""
    from search.lexical import fold

    by_key = {fold(v): v for v in plenaries}
    sides = tuple(by_key.get(fold((params.get(side) or "").strip())) for side in ("a", "b"))
    return SharedCompare((params.get("q") or "").strip(), sides, _bounded(params.get("k"), COMPARE_K, MAX_COMPARE_K))


@dataclass
class SharedPractices:
    """What an address with tab=practices asks the Good practices tab to show."""

    topic: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # by the finder's filter names


def read_shared_practices(params, known: dict[str, list[str]]) -> SharedPractices:
    """Gives the practices view an address describes (?tab=practices&q=...&country=Chile&session=...).

    known holds the values the practice records take, by the finder's filter names (country, plenary, part).
    """
    filters = {finder_name: _known_values(params, address_name, known.get(finder_name, []))
               for address_name, finder_name in PRACTICE_FILTERS.items()}
    return SharedPractices((params.get("q") or "").strip(), {k: v for k, v in filters.items() if v})


def _known_values(params, name: str, known: list[str]) -> list[str]:
    """Gives the values of a repeated or comma-separated parameter that match known ones (case and accents aside)."""
    from search.lexical import fold

    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    by_key = {fold(v): v for v in known}
    chosen = [by_key[fold(v.strip())] for item in raw for v in item.split(",") if fold(v.strip()) in by_key]
    return list(dict.fromkeys(chosen))


def _bounded(value, default: int, high: int) -> int:
    try:
        return min(max(int(value or default), 1), high)
    except ValueError:
        return default


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
    filters = {name: _known_values(params, name, known.get(name, [])) for name in FILTERS}
    return SharedSearch(query=(params.get("q") or "").strip(), filters={k: v for k, v in filters.items() if v},
                        k=_bounded(params.get("k"), DEFAULT_K, MAX_K), lang=params.get("lang") or None)


# Runs in the browser after a search: writes the query, filters and language into the address bar, so that
# copying the address shares the search. Arguments arrive in the order of the event's inputs.
_WRITE_ADDRESS = """
  // not before the page has read the address it was opened with (Gradio selects a tab as it mounts)
  if (!document.body.dataset.puenteReady) return [];
  const params = new URLSearchParams();
  if (tab) params.set("tab", tab);
  if (query && query.trim()) params.set("q", query.trim());
  for (const [name, chosen] of Object.entries(filters)) {
    for (const value of [].concat(chosen ?? [])) if (value !== null && value !== "") params.append(name, value);
  }
  if (k && Number(k) !== defaultK) params.set("k", String(k));
  if (lang) params.set("lang", lang);
  const url = new URL(window.location.href);
  url.search = params.toString();
  window.history.replaceState(null, "", url.toString());
  return [];
"""
UPDATE_URL_JS = """
(query, plenary, year, part, country, doc_type, k, lang) => {
  const tab = null, defaultK = %d, filters = {plenary, year, part, country, doc_type};
%s}
""" % (DEFAULT_K, _WRITE_ADDRESS)
COMPARE_URL_JS = """
(query, a, b, k, lang) => {
  const tab = "compare", defaultK = %d, filters = {a, b};
%s}
""" % (COMPARE_K, _WRITE_ADDRESS)
PRACTICES_URL_JS = """
(query, country, plenary, session, lang) => {
  const tab = "practices", defaultK = null, k = null, filters = {country, plenary, session};
%s}
""" % _WRITE_ADDRESS
