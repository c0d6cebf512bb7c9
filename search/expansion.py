"""Query-side acronym expansion: "SAT" -> "Sistema de Alerta Temprana", learnt from the reports themselves.

Reports define an acronym once ("Sistema de Alerta Temprana (SAT)") and then use it bare; a delegate may
type either form, in either language. Expanding the acronyms of a query with their definitions lets the
dense retriever see the meaning and the lexical one match both spellings.
"""
from __future__ import annotations

from index.acronyms import ACRONYM, KNOWN_DEFINITIONS, learn_acronyms  # noqa: F401  (re-exported)

# Cross-language pairs the reports cannot teach: the English acronym a delegate types for the Spanish one.
ENGLISH_TO_SPANISH = {
    "IOM": "OIM", "UNHCR": "ACNUR", "ILO": "OIT", "ICRC": "CICR", "UNODC": "ONUDD", "UNDP": "PNUD",
    "OAS": "OEA", "GCM": "PMM", "RCM": "CRM", "SACM": "CSM", "EWS": "SAT", "PTP": "PPT", "TPS": "EPT",
}


class AcronymExpander:
    """Expands the acronyms of a query with their definitions (and English acronyms with Spanish ones)."""

    def __init__(self, definitions: dict[str, str]):
        self.definitions = definitions

    def expand(self, query: str) -> str:
        """Gives the query with "(definition)" after each acronym it knows; unchanged if none."""
        additions = []
        for acronym in dict.fromkeys(ACRONYM.findall(query)):
            spanish = ENGLISH_TO_SPANISH.get(acronym)
            if spanish and spanish not in query:
                additions.append(spanish)
            definition = self.definitions.get(acronym) or (spanish and self.definitions.get(spanish))
            if definition and definition.lower() not in query.lower():
                additions.append(definition)
        if not additions:
            return query
        return f"{query} ({'; '.join(additions)})"
