"""What kind of answer a question wants: one fact, or a list (which countries, what practices), across plenaries.

A researcher's question "¿Qué países compartieron prácticas sobre desplazamiento por el clima?" or "What did
Costa Rica share as good practices at the 2024 plenary?" is answered by a list of items (the good-practice
records of search.practices, and passages that each add a different item), not by the single best
paragraph. "How did the plenaries' approach to ... change between 2023 and 2024?" needs both plenaries.
All of it is read from the wording alone, in Spanish and English; the plenaries a question names come
from search.scope.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.gazetteer import fold

# What the reports list as good practices, policies and tools, in both languages (folded).
_PRACTICE_NOUNS = (r"(?:practices?|practicas?|experiences|experiencias|tools|herramientas|polic(?:y|ies)|politicas|"
                   r"programs|programmes|programas|initiatives|iniciativas|instruments|instrumentos|campaigns|"
                   r"campanas|mechanisms|mecanismos|projects|proyectos|measures|medidas|strategies|estrategias|"
                   r"protocols|protocolos|plans|planes|systems|sistemas)")
_WHICH = r"(?:which|what|que|cuales|cuantos|cuantas|how many)"
# verbs and small words that end in "s" but make no plural: "what does", "qué es", "which was"
_NOT_PLURAL = {"does", "was", "has", "is", "es", "fue", "this", "its", "sus", "as", "us", "las", "los", "les",
               "mas", "plus", "pais", "status", "thus", "previous", "various", "diversas", "vs", "bus", "gas", "crisis",
               "tesis", "analysis", "analisis", "basis", "mes", "seis", "tres", "dos", "dios"}
_PLURAL_AFTER_WHICH = re.compile(rf"\b{_WHICH}\s+(?:[a-z]+\s+){{0,4}}?([a-z]{{3,}}s)\b")
_LIST_WORDS = re.compile(r"\b(?:list|enumerate|enumera|enumere|lista|listado|name all|todas? las|todos los|all the|"
                         r"quienes|who\s+(?:were|are))\b")
_SHARED = re.compile(r"\b(?:(?:what|que)\s+(?:did|do|has|have|ha|han)?\s*[a-z ]{0,40}?\b(?:share|shared|present|presented|"
                     r"propose|proposed|contribute|contributed|announce|announced|compartio|compartieron|presento|"
                     r"presentaron|propuso|propusieron|expuso|expusieron|destaco|destacaron|aporto|aportaron|anuncio|"
                     r"anunciaron)|who\s+(?:shared|presented|proposed|reported)|"
                     r"quien(?:es)?\s+(?:compartio|compartieron|presento|presentaron|propuso|propusieron))\b")
# A question about every session of a meeting ("which country led each session", "países que dirigieron las
# sesiones de la IV Plenaria") has one answer in each: its passages come one a session.
_EACH_SESSION = re.compile(r"\b(?:(?:each|every|cada|all|todas)\s+(?:(?:one|una|of|de|the|las)\s+)*"
                           r"(?:[a-z]+\s+)?(?:sessions?|sesion(?:es)?)|(?:the|las)\s+(?:[a-z]+\s+)?(?:sessions|sesiones)"
                           r"\s+(?:[a-z]+\s+)?(?:of|de|at|en|del)\s+(?:the|la|el)?\s*(?:[a-z0-9]+\s+){0,3}?"
                           r"(?:plenar\w*|meetings?|reunion|conferences?|conferencias?))\b")
# What a country shared or contributed at a meeting is what the reports list as its practices ("¿Qué compartió Costa
# Rica en 2024?"); what it proposed or presented on a topic is a delegate's question, answered by a paragraph.
_SHARED_BY = re.compile(r"\b(?:what|que)\s+(?:did|do|has|have|ha|han)?\s*[a-z ]{0,40}?\b(?:share|shared|contribute|"
                        r"contributed|compartio|compartieron|aporto|aportaron)\b")
# "Tools and policies against trafficking shared at the 4th plenary", "Proyectos anunciados por Canadá": the
# things, then what was done with them
_SHARED_THINGS = re.compile(rf"\b{_PRACTICE_NOUNS}\b(?:\s+[a-z0-9]+){{0,10}}?\s+(?:shared|presented|proposed|"
                            rf"announced|supported|attributed|compartid[oa]s|presentad[oa]s|propuest[oa]s|anunciad[oa]s|"
                            rf"apoyad[oa]s|atribuid[oa]s)\b")
_GOOD_PRACTICES = re.compile(rf"\b(?:good|best|buenas|mejores)\s+{_PRACTICE_NOUNS}\b|\b{_PRACTICE_NOUNS}\b")
# Questions that need the plenaries side by side: "both plenaries", "las dos reuniones", "between 2023 and 2024".
_PLENARY_NOUNS = r"(?:plenar\w*|meetings?|reuniones|reunion|conferences?|conferencias|years?|anos|editions?|ediciones|\d{4})"
_ACROSS = re.compile(rf"\b(?:(?:both|ambas|ambos|las dos|los dos|each|cada una? de las|across|between|entre)"
                     rf"(?:\s+(?:the|two|la|el|las|los|dos|ambas|joint|conjuntas?|crm|csm))*\s+{_PLENARY_NOUNS}|"
                     rf"(?:compare|comparar|compara|comparacion|comparison|change[ds]?|cambio|cambiaron|evolution|"
                     rf"evoluciono|evolucion)\b(?:\s+[a-z0-9]+){{0,5}}?\s+(?:between|entre|from|de|desde)\s+"
                     rf"(?:the\s+|la\s+|las\s+)?{_PLENARY_NOUNS})\b")


@dataclass(frozen=True)
class Intent:
    """How a question wants to be answered."""

    wants_list: bool = False  # several items: countries, practices, tools, sessions
    wants_practices: bool = False  # the items are good practices, policies or tools (search.practices records)
    across_plenaries: bool = False  # both plenaries side by side
    each_session: bool = False  # one answer per session: "which country led each session", "las sesiones de la IV"

    @property
    def style(self) -> str:
        return "cross-plenary" if self.across_plenaries else "list" if self.wants_list else "single"


def _asks_plural(folded: str) -> bool:
    """Gives True for "which countries", "qué temas", "what local-government practices": a which-word a few
    words before a plural noun."""
    return any(m.group(1) not in _NOT_PLURAL for m in _PLURAL_AFTER_WHICH.finditer(folded))


def read_intent(query: str, *, plenaries_named: int = 0) -> Intent:
    """Gives what a question asks for; plenaries_named is how many plenaries its scope names (two or more
    named plenaries make it a cross-plenary question whatever the wording)."""
    folded = " ".join(re.findall(r"[a-z0-9]+", fold(query)))
    across = bool(_ACROSS.search(folded)) or plenaries_named >= 2
    shared = bool(_SHARED.search(folded)) or bool(_SHARED_THINGS.search(folded))
    wants_list = across or shared or bool(_LIST_WORDS.search(folded)) or _asks_plural(folded)
    practices = (bool(_SHARED_BY.search(folded)) or bool(_SHARED_THINGS.search(folded))
                 or (bool(_GOOD_PRACTICES.search(folded)) and wants_list))
    return Intent(wants_list=wants_list, wants_practices=practices, across_plenaries=across,
                  each_session=bool(_EACH_SESSION.search(folded)))


# Words after which a country is where something happens or one of several ("asilo en Canadá", "to Italy",
# "Spain or Portugal"), not who acts; "la delegación de Cuba" and "the government of Cuba" act.
_PLACE_BEFORE = {"en", "a", "al", "de", "del", "desde", "hacia", "para", "por", "entre", "in", "to", "from", "at",
                 "of", "for", "into", "via", "o", "y", "u", "e", "or", "and", "ni"}
_ACTOR_BEFORE = ("delegacion de", "delegacion del", "gobierno de", "gobierno del", "delegation of", "government of")


def names_as_place(question: str, name: str) -> bool:
    """Tells whether a question names a country as a place or one of several ("me ofrecen residencia en Canadá",
    "Spain or Portugal"), rather than as the one that acts or owns ("¿Qué dijo Cuba?", "Cuba's position", "la
    delegación de Cuba"). False when the name is not in the question."""
    folded, wanted = " ".join(fold(question).split()), " ".join(fold(name).split())
    match = re.search(r"(?<![a-z0-9])" + re.escape(wanted) + r"(?![a-z0-9])", folded)
    if not match:
        return False
    before = folded[: match.start()].rstrip()
    if before.endswith(","):
        return True
    if before.endswith(_ACTOR_BEFORE):
        return False
    words = re.findall(r"[a-z]+", before)
    return bool(words) and words[-1] in _PLACE_BEFORE
