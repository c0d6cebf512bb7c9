"""The one gazetteer: member countries of the CRM and the CSM, and the organisations the reports name.

Countries are matched on folded text (lowercase, no accents), so "Panamá", "PANAMA" and "Panama" are
one country; each has a canonical Spanish name ("Panamá"), the name the index stores and shows.
Organisations have a canonical Spanish acronym ("OIM") and their names and acronyms in both
languages ("IOM", "International Organization for Migration"). Acronyms are matched with their
capitals ("OIM", not the "oim" of a URL; "CAN", not the English verb); names are matched folded.

Demonyms ("chilenos", "peruano") are not country names: a practice "for Venezuelans in Peru" does not
say which country shared it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


def fold(text: str) -> str:
    """Return text lowercased without accents (the form every name is matched in)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def strip_accents(text: str) -> str:
    """Return text without accents, case kept (the form acronyms are matched in)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Canonical Spanish name -> spellings, folded; a space after a dot is optional ("ee. uu" is also "ee.uu").
COUNTRIES: dict[str, tuple[str, ...]] = {
    # CRM members
    "Belice": ("belice", "belize"),
    "Canadá": ("canada",),
    "Costa Rica": ("costa rica",),
    "El Salvador": ("el salvador",),
    "Estados Unidos": ("estados unidos de america", "estados unidos", "united states of america", "united states",
                       "ee. uu", "ee uu", "eeuu"),
    "Guatemala": ("guatemala",),
    "Honduras": ("honduras",),
    "México": ("estados unidos mexicanos", "mexico", "mejico"),
    "Nicaragua": ("nicaragua",),
    "Panamá": ("panama",),
    "República Dominicana": ("republica dominicana", "rep. dominicana", "dominican republic"),
    # CSM members
    "Argentina": ("argentina",),
    "Bolivia": ("bolivia",),
    "Brasil": ("brasil", "brazil"),
    "Chile": ("chile",),
    "Colombia": ("colombia",),
    "Ecuador": ("ecuador",),
    "Guyana": ("guyana",),
    "Paraguay": ("paraguay",),
    "Perú": ("peru",),
    "Surinam": ("surinam", "suriname"),
    "Uruguay": ("uruguay",),
    "Venezuela": ("venezuela",),
}
CRM_MEMBERS = ("Belice", "Canadá", "Costa Rica", "El Salvador", "Estados Unidos", "Guatemala", "Honduras",
               "México", "Nicaragua", "Panamá", "República Dominicana")
CSM_MEMBERS = ("Argentina", "Bolivia", "Brasil", "Chile", "Colombia", "Ecuador", "Guyana", "Paraguay", "Perú",
               "Surinam", "Uruguay", "Venezuela")
ENGLISH_NAMES = {
    "Belice": "Belize", "Canadá": "Canada", "Costa Rica": "Costa Rica", "El Salvador": "El Salvador",
    "Estados Unidos": "United States", "Guatemala": "Guatemala", "Honduras": "Honduras", "México": "Mexico",
    "Nicaragua": "Nicaragua", "Panamá": "Panama", "República Dominicana": "Dominican Republic",
    "Argentina": "Argentina", "Bolivia": "Bolivia", "Brasil": "Brazil", "Chile": "Chile", "Colombia": "Colombia",
    "Ecuador": "Ecuador", "Guyana": "Guyana", "Paraguay": "Paraguay", "Perú": "Peru", "Surinam": "Suriname",
    "Uruguay": "Uruguay", "Venezuela": "Venezuela",
}
# Acronyms matched with their capitals only: folded, "usa" is also the Spanish verb.
COUNTRY_ACRONYMS: dict[str, tuple[str, ...]] = {"Estados Unidos": ("USA", "U.S.A.", "U.S.", "EUA", "E.U.A."),
                                                 "República Dominicana": ("RD", "R.D.", "R. D.", "Rep. Dom.")}
# ISO 3166-1 codes (alpha-2 = the country's internet domain, alpha-3). Too short to be read in running text
# ("SR" is also "señor", "CAN" the Andean Community): only a holder made of codes alone ("| GT / SV / HN")
# and the domain of a government site are read with them.
COUNTRY_CODES: dict[str, tuple[str, str]] = {
    "Belice": ("BZ", "BLZ"), "Canadá": ("CA", "CAN"), "Costa Rica": ("CR", "CRI"), "El Salvador": ("SV", "SLV"),
    "Estados Unidos": ("US", "USA"), "Guatemala": ("GT", "GTM"), "Honduras": ("HN", "HND"), "México": ("MX", "MEX"),
    "Nicaragua": ("NI", "NIC"), "Panamá": ("PA", "PAN"), "República Dominicana": ("DO", "DOM"),
    "Argentina": ("AR", "ARG"), "Bolivia": ("BO", "BOL"), "Brasil": ("BR", "BRA"), "Chile": ("CL", "CHL"),
    "Colombia": ("CO", "COL"), "Ecuador": ("EC", "ECU"), "Guyana": ("GY", "GUY"), "Paraguay": ("PY", "PRY"),
    "Perú": ("PE", "PER"), "Surinam": ("SR", "SUR"), "Uruguay": ("UY", "URY"), "Venezuela": ("VE", "VEN"),
}
# The second-level labels governments publish under ("migracion.gob.pa", "gov.br", "gub.uy", "go.cr", "gc.ca").
_GOVERNMENT_LABELS = {"gob", "gov", "gub", "go", "gc", "gouv", "mil"}
# What a country's people and things are called (folded word starts, both languages): "la ley mexicana",
# "Dominican law". Not country names for practices (see above); a question's scope reads them.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "Belice": ("belicen", "belizean"), "Canadá": ("canadiens", "canadian"), "Costa Rica": ("costarricens", "costa rican"),
    "El Salvador": ("salvadoren", "salvadoran"), "Estados Unidos": ("estadounidens",),
    "Guatemala": ("guatemaltec", "guatemalan"), "Honduras": ("hondure", "honduran"), "México": ("mexican",),
    "Nicaragua": ("nicaraguens", "nicaraguan"), "Panamá": ("panamen", "panamanian"),
    "República Dominicana": ("dominican",), "Argentina": ("argentin",), "Bolivia": ("bolivian",),
    "Brasil": ("brasilen", "brazilian"), "Chile": ("chilen",), "Colombia": ("colombian",),
    "Ecuador": ("ecuatorian", "ecuadorian"), "Guyana": ("guyanes",), "Paraguay": ("paraguay",),
    "Perú": ("peruan", "peruvian"), "Surinam": ("surinames",), "Uruguay": ("uruguay",), "Venezuela": ("venezolan", "venezuelan"),
}
# US states and cities that carry a member's name without being it.
_NOT_THE_COUNTRY = r"(?<!nuevo )(?<!new )"
# "Estados Unidos Mexicanos" is Mexico's official name, not the United States.
_NOT_ANOTHER_COUNTRY = r"(?!\s+mexicanos)"


@dataclass(frozen=True)
class Organisation:
    """An organisation the reports name: canonical (Spanish) acronym, names and acronyms in both languages."""

    key: str  # canonical acronym, Spanish: "OIM"
    name_es: str
    name_en: str
    acronyms: tuple[str, ...] = ()  # matched with their capitals; key included
    names: tuple[str, ...] = ()  # further spellings of the name, matched folded
    kind: str = "international"  # "international", "regional process", "regional bloc", "civil society"

    @property
    def label(self) -> str:
        """Return 'OIM (IOM)': the Spanish acronym with the English one when it differs."""
        english = [a for a in self.acronyms if a != self.key]
        return f"{self.key} ({english[0]})" if english else self.key


ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation("OIM", "Organización Internacional para las Migraciones", "International Organization for Migration",
                 ("OIM", "IOM"), ("organizacion internacional para las migraciones",
                                  "international organisation for migration")),
    Organisation("ACNUR", "Alto Comisionado de las Naciones Unidas para los Refugiados",
                 "Office of the United Nations High Commissioner for Refugees", ("ACNUR", "UNHCR"),
                 ("agencia de la onu para los refugiados", "un refugee agency",
                  "united nations high commissioner for refugees")),
    Organisation("OIT", "Organización Internacional del Trabajo", "International Labour Organization",
                 ("OIT", "ILO"), ("international labor organization", "international labour organisation")),
    Organisation("UNICEF", "Fondo de las Naciones Unidas para la Infancia", "United Nations Children's Fund",
                 ("UNICEF",), ("united nations childrens fund",)),
    Organisation("OEA", "Organización de los Estados Americanos", "Organization of American States",
                 ("OEA", "OAS"), ("organizacion de estados americanos", "organisation of american states")),
    Organisation("CICR", "Comité Internacional de la Cruz Roja", "International Committee of the Red Cross",
                 ("CICR", "ICRC")),
    Organisation("ONUDD", "Oficina de las Naciones Unidas contra la Droga y el Delito",
                 "United Nations Office on Drugs and Crime", ("ONUDD", "UNODC")),
    Organisation("PNUD", "Programa de las Naciones Unidas para el Desarrollo", "United Nations Development Programme",
                 ("PNUD", "UNDP"), ("united nations development program",)),
    Organisation("UNFPA", "Fondo de Población de las Naciones Unidas", "United Nations Population Fund",
                 ("UNFPA",)),
    Organisation("ONU Mujeres", "ONU Mujeres", "UN Women", (), ("onu mujeres", "un women")),
    Organisation("RNUM", "Red de las Naciones Unidas sobre Migración", "United Nations Network on Migration",
                 ("RNUM", "UNNM"), ("red de las naciones unidas sobre la migracion", "un network on migration")),
    Organisation("CEPAL", "Comisión Económica para América Latina y el Caribe",
                 "Economic Commission for Latin America and the Caribbean", ("CEPAL", "ECLAC")),
    Organisation("BID", "Banco Interamericano de Desarrollo", "Inter-American Development Bank", ("BID", "IDB")),
    Organisation("Banco Mundial", "Banco Mundial", "World Bank", (), ("banco mundial", "world bank")),
    Organisation("INTERPOL", "Organización Internacional de Policía Criminal",
                 "International Criminal Police Organization", ("INTERPOL",), ("interpol",)),
    Organisation("SEGIB", "Secretaría General Iberoamericana", "Ibero-American General Secretariat", ("SEGIB",)),
    Organisation("SELA", "Sistema Económico Latinoamericano y del Caribe",
                 "Latin American and Caribbean Economic System", ("SELA",)),
    Organisation("WOCCU", "Consejo Mundial de Cooperativas de Ahorro y Crédito", "World Council of Credit Unions",
                 ("WOCCU",), ("consejo mundial de cooperativas",)),
    Organisation("CRM", "Conferencia Regional sobre Migración", "Regional Conference on Migration", ("CRM", "RCM"),
                 ("conferencia regional sobre migraciones",), "regional process"),
    Organisation("CSM", "Conferencia Suramericana sobre Migraciones", "South American Conference on Migration",
                 ("CSM", "SACM"), ("conferencia sudamericana sobre migraciones",
                                   "south american conference on migrations", "south american conference"),
                 "regional process"),
    Organisation("RROCM", "Red Regional de Organizaciones Civiles para las Migraciones",
                 "Regional Network of Civil Society Organizations for Migration", ("RROCM", "RNCOM"),
                 ("red regional de organizaciones civiles sobre migracion",
                  "regional network of civil organizations for migration"), "civil society"),
    Organisation("SICA", "Sistema de la Integración Centroamericana", "Central American Integration System",
                 ("SICA",), (), "regional bloc"),
    Organisation("MERCOSUR", "Mercado Común del Sur", "Southern Common Market", ("MERCOSUR", "MERCOSUL"),
                 ("mercosur", "mercosul"), "regional bloc"),
    Organisation("CAN", "Comunidad Andina", "Andean Community", ("CAN",), (), "regional bloc"),
    Organisation("Alianza del Pacífico", "Alianza del Pacífico", "Pacific Alliance", (), (), "regional bloc"),
)
_ORGANISATION_BY_KEY = {org.key: org for org in ORGANISATIONS}

# National bodies that the lists of practices name instead of their country ("Plan Vuelta a la Patria -
# MPPRE"): the practice was shared by that country.
NATIONAL_BODIES: dict[str, str] = {
    "MPPRE": "Venezuela",  # Ministerio del Poder Popular para Relaciones Exteriores
    "SENAFRONT": "Panamá",  # Servicio Nacional de Fronteras
    "CONATT": "Costa Rica",  # Coalición Nacional contra el Tráfico Ilícito de Migrantes y la Trata de Personas
    "CIPRAT": "Colombia",  # Comisión Intersectorial para la Respuesta Rápida a las Alertas Tempranas
    "CICEST": "Honduras",  # Comisión Interinstitucional contra la Explotación Sexual Comercial y Trata
}


def _spelling_pattern(spelling: str) -> str:
    """Return a regex for a folded spelling: any run of spaces, none needed after a dot."""
    parts = []
    for index, char in enumerate(spelling):
        if char == " ":
            parts.append(r"\s*" if spelling[index - 1:index] == "." else r"\s+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _word_regex(alternatives: list[str], *, flags: int = 0) -> re.Pattern:
    return re.compile(r"(?<![\w.])(?:" + "|".join(alternatives) + r")(?![\w])", flags)


_COUNTRY_PATTERNS = [
    (name, _word_regex([_NOT_THE_COUNTRY + _spelling_pattern(s) + _NOT_ANOTHER_COUNTRY for s in spellings]),
     _word_regex([re.escape(a) for a in COUNTRY_ACRONYMS[name]]) if name in COUNTRY_ACRONYMS else None)
    for name, spellings in COUNTRIES.items()
]
_ORGANISATION_PATTERNS = [
    (org.key,
     _word_regex([re.escape(a) for a in org.acronyms]) if org.acronyms else None,
     _word_regex([_spelling_pattern(fold(n)) for n in (org.name_es, org.name_en, *org.names)]))
    for org in ORGANISATIONS
]
_BODY_PATTERNS = [(body, country, _word_regex([re.escape(body)])) for body, country in NATIONAL_BODIES.items()]


def countries_named(text: str, *, text_order: bool = False) -> list[str]:
    """Return the member countries a text names, canonical Spanish names in gazetteer order.

    With text_order, in the order the text first names them ("Guatemala /El Salvador" keeps Guatemala first).
    """
    folded, plain = fold(text), strip_accents(text)
    found: list[tuple[int, str]] = []
    for name, pattern, acronyms in _COUNTRY_PATTERNS:
        # fold() and strip_accents() keep letters in place (bar ligatures), so positions compare
        match = pattern.search(folded) or (acronyms.search(plain) if acronyms is not None else None)
        if match:
            found.append((match.start(), name))
    if text_order:
        found.sort(key=lambda pair: pair[0])
    return [name for _, name in found]


def countries_coded(text: str) -> list[str]:
    """Return the countries of a text made of country codes alone ("GT / SV / HN", "CRI; PAN"), in text order.

    Anything but codes and separators (",", ";", "/", "-", "y", "and", "&") gives [], so a code is never
    read inside running text.
    """
    by_code = {code: name for name, codes in COUNTRY_CODES.items() for code in codes}
    tokens = [t for t in re.split(r"\s*(?:[,;/&\-]|\by\b|\band\b)\s*", text.strip()) if t]
    if not tokens or any(t not in by_code for t in tokens):
        return []
    return list(dict.fromkeys(by_code[t] for t in tokens))


def country_of_site(url: str) -> str | None:
    """Return the member country whose government publishes at a web address, None for any other site.

    A government's domain is a government label before the country's code ("www.migracion.gob.pa",
    "www.gov.br", "www.gub.uy", "municotobrus.go.cr", "cic.gc.ca"), or ".gov" for the United States;
    a newspaper, a university or an international organisation in the country ("diario.com.sv",
    "observatorio.ac.cr", "colombia.iom.int") is not its government.
    """
    host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/")[0].split(":")[0].rstrip(".")
    labels = host.split(".")
    if labels[-1] in ("gov", "mil"):
        return "Estados Unidos"
    if len(labels) < 2 or labels[-2] not in _GOVERNMENT_LABELS:
        return None
    by_domain = {codes[0].lower(): name for name, codes in COUNTRY_CODES.items()}
    return by_domain.get(labels[-1])


def countries_meant(text: str) -> list[str]:
    """Return the countries a text names or qualifies ("mexicana", "Dominican", "RD"), canonical names."""
    named = countries_named(text)
    folded = " ".join(fold(text).split())
    for name, starts in DEMONYMS.items():
        if name not in named and any(re.search(r"(?<![a-z])" + re.escape(start), folded) for start in starts):
            named.append(name)
    return [name for name in COUNTRIES if name in named]


def main_country(text: str, *, min_mentions: int = 5, min_share: float = 0.5) -> str:
    """Return the country a document is about (whose law or report it is), or "" when no one country leads.

    The country named most often wins when it is named at least min_mentions times and makes up at
    least min_share of all country mentions: a Mexican law names Mexico throughout, a regional report
    names many countries and has none.
    """
    folded = fold(text)
    counts = {name: len(pattern.findall(folded)) for name, pattern, _ in _COUNTRY_PATTERNS}
    total = sum(counts.values())
    name, top = max(counts.items(), key=lambda item: item[1])
    return name if top >= min_mentions and top >= min_share * total else ""


def countries_of_bodies(text: str) -> list[str]:
    """Return the countries whose national bodies a text names by acronym ('MPPRE' -> 'Venezuela')."""
    plain = strip_accents(text)
    found = [country for _, country, pattern in _BODY_PATTERNS if pattern.search(plain)]
    return [name for name in COUNTRIES if name in found]


def organisations_named(text: str) -> list[str]:
    """Return the canonical acronyms of the organisations a text names, in gazetteer order."""
    plain, folded = strip_accents(text), fold(text)
    return [key for key, acronyms, names in _ORGANISATION_PATTERNS
            if (acronyms is not None and acronyms.search(plain)) or names.search(folded)]


def organisation_name_spans(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, canonical acronym) for each organisation a text names in full, in text order.

    Names of two words or more, not acronyms or one-word names ("Mercosur", which any language spells
    alike); positions are those of text (folding keeps letters in place).
    """
    folded = fold(text)
    found = sorted((match.start(), match.end(), key) for key, _, names in _ORGANISATION_PATTERNS
                   for match in names.finditer(folded) if " " in match.group(0).strip())
    spans: list[tuple[int, int, str]] = []
    for start, end, key in found:
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, key))
    return spans


def canonical_country(value: str) -> str | None:
    """Return the canonical Spanish name of a country given in Spanish or English, with or without accents.

    The whole value must be the country ("panama", "Panamá", "PANAMA", "Dominican Republic",
    "EE. UU."); None when it is not a member country.
    """
    folded = " ".join(fold(value).split()).strip(".")
    if not folded:
        return None
    for name, pattern, _ in _COUNTRY_PATTERNS:
        if pattern.fullmatch(folded):
            return name
    upper = folded.upper().replace(" ", "")
    for name, acronyms in COUNTRY_ACRONYMS.items():
        if upper in {a.rstrip(".") for a in acronyms} | {"US"}:
            return name
    named = countries_named(value)
    # "República de Panamá", "the Republic of Chile": a short phrase naming one country is that country
    return named[0] if len(named) == 1 and len(folded.split()) <= 5 else None


def canonical_organisation(value: str) -> str | None:
    """Return the canonical acronym of an organisation given by acronym or name in either language."""
    stripped = strip_accents(value).strip()
    for org in ORGANISATIONS:
        if stripped.upper() in org.acronyms or fold(stripped) in {fold(n) for n in
                                                                   (org.key, org.name_es, org.name_en, *org.names)}:
            return org.key
    return None


def organisation(key: str) -> Organisation:
    """Return the organisation with a canonical acronym; KeyError for an unknown one."""
    return _ORGANISATION_BY_KEY[key]


def country_in_english(name: str) -> str:
    """Return the English name of a canonical (Spanish) country name."""
    return ENGLISH_NAMES.get(name, name)


# Country names that are also everyday names of something else in the questions' capitals (a US state, a
# first name, a Spanish city): never read as countries by world_country.
_WORLD_NAMES_NOT_COUNTRIES = {"georgia", "jersey", "jordan", "chad", "granada", "guernsey", "niger", "man"}


@lru_cache(maxsize=1)
def _world_names() -> dict[str, str]:
    """Gives every country of ISO 3166-1 (pycountry) by its folded English and Spanish names, short and common
    ("Bolivia" for "Bolivia, Plurinational State of"), -> its Spanish name."""
    import gettext

    import pycountry

    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True).gettext
    names: dict[str, str] = {}
    for country in pycountry.countries:
        in_spanish = spanish(country.name).split(",")[0].strip()
        for name in (country.name, getattr(country, "common_name", ""), spanish(country.name)):
            for form in {name, name.split(",")[0]}:
                key = " ".join(fold(form).split())
                if key and key not in _WORLD_NAMES_NOT_COUNTRIES:
                    names.setdefault(key, in_spanish)
    return names


def world_country(name: str) -> str | None:
    """Return the Spanish name of the country of the world a name is ("Cuba", "Spain", "Haití"; any member too),
    None for anything else."""
    return _world_names().get(" ".join(fold(name).split()))
