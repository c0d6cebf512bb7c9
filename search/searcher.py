"""The Searcher: opens an index and answers a query with cited passages, dense and lexical evidence fused."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from pathlib import Path

import numpy as np

from index import store
from index.build import law_titles, passage_texts
from ingest.gazetteer import world_country
from search.filters import canonical_value
from search.filters import field_name as filter_field
from search.expansion import AcronymExpander, learn_acronyms
from search.glossary import default_glossary
from search.wordmap import LazyWordMap
from search.intent import Intent, names_as_place, read_intent
from search.lexical import LexicalIndex, analyse, detect_language, fold, language_neutral_terms, names_in, stemmer
from search.scope import Scope, ScopeReader
from search.query import MAX_QUERY_CHARS, QueryError, clean_query
from search.records import Hit, PracticeMatch

FILTER_FIELDS = ("plenary", "year", "doc_id", "part", "country", "doc_type", "language")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MIN_HIGHLIGHT_LETTERS = 20  # a "sentence" with fewer letters besides its web addresses is a list of links


def is_readable_sentence(sentence: str) -> bool:
    """Gives False for a sentence that is mostly web addresses: never the sentence to highlight."""
    words = _WEB_ADDRESS.sub(" ", sentence)
    return len(re.sub(r"[^\w]|[\d_]", "", words)) >= _MIN_HIGHLIGHT_LETTERS


class SearchError(Exception):
    """A query the searcher cannot answer as asked; the message says why in one sentence."""


class FilterError(SearchError):
    pass


def checked_query(query: str | None) -> str:
    """Gives the query cleaned by search.query.clean_query; raises SearchError saying what is wrong with it."""
    try:
        return clean_query(query)
    except QueryError as exc:
        raise SearchError(str(exc)) from None


@dataclass(frozen=True)
class RankingSettings:
    """How the evidence combines; tuned with `python -m search.evaluate` (see the README's figures).

    score = (1 - sentence_weight) * cos(query, passage) + sentence_weight * max cos(query, sentence)
            + lexical_weight[language] * BM25 / max BM25
    The best sentence carries the answer in a long passage. BM25 breaks ties: with 0.1 for Spanish (the
    weight chosen on the reports) a question's everyday words matched many articles of a law and pushed the
    answering one down; 0.03 for both languages is as good or better on the reports (hit@5 es 0.955 ->
    0.965, MRR 0.870 -> 0.880; en 0.980 -> 0.975, 0.881 -> 0.884) and on the policy documents of the
    tuning set (es 0.800 -> 0.844, 0.686 -> 0.692; en 0.822 -> 0.844, 0.687 -> 0.711).
    """

    sentence_weight: float = 0.5
    lexical_weight_es: float = 0.03
    lexical_weight_en: float = 0.03
    # English queries: BM25 runs over the glossary's Spanish terms (every alternative) and the query's
    # names, and the embedded query carries the first Spanish term of each English phrase in brackets.
    translate_en: bool = True
    # English words the glossary lacks get the reports' closest Spanish word (search.wordmap), when
    # the cross-lingual encoder is this close; 0 switches the word map off.
    word_similarity_en: float = 0.8
    dense_with_translation: bool = True
    candidates: int = 200  # passages taken from each retriever before re-ranking
    # "No good match" when the best meaning score is under a threshold, higher when the query names
    # something (a place, an acronym, a number) that no passage contains. Cross-language scores run
    # lower, so each language has its own; calibrated on tests/data/negatives.jsonl against the
    # answerable queries (python -m search.evaluate ... --negatives).
    # Calibrated (python -m bench.no_match) on unanswerable and answerable questions of three collections: the
    # reports, the tuning documents and three laws, for at most 5% of answerable questions flagged in each, and the
    # blind report sets 6-9 kept at or under the 4.5% they had (unanswerable flagged: reports 0.39 -> 0.51, tuning
    # documents 0.20 -> 0.45, laws 0.27 -> 0.42).
    weak_below_es: float = 0.84
    weak_below_en: float = 0.83
    weak_with_unknown_name_below_es: float = 0.87
    weak_with_unknown_name_below_en: float = 0.85
    # a question about a country none of its nearest this many passages mentions (text, section, title) is unanswered
    country_in_nearest: int = 5
    duplicate_overlap: float = 0.9  # word overlap above which a lower-ranked passage is a repeat
    # Passages of the documents a question names (its country's law, "la reunión de Bogotá", "Ley de
    # Migración": search.scope) gain this much. Chosen, not tuned: on the new-document tuning set (one
    # country's documents) 0, 0.03 and 0.06 give the same figures; the report sets gain a little.
    scope_boost: float = 0.03
    # A question asking for a list ("¿Qué países compartieron prácticas sobre ...?", search.intent) is answered
    # with the good-practice records in its scope closest to it: those within list_margin of the closest, at
    # most list_size; the passages that list them gain practice_boost (on tests/data/research_dev.jsonl, 60 list
    # questions: hit@1 0.35 -> 0.55). A question across plenaries sees each plenary in its first five. Choosing
    # passages for coverage instead (maximal marginal relevance, or a per-section penalty) gained at most 0.04
    # item recall there and cost the blind report sets' list questions their answers: not used.
    list_margin: float = 0.03
    list_size: int = 20
    practice_boost: float = 0.03
    # Bounds on what one query may cost: a 1,000-character question of made-up words took 0.45 s of CPU against
    # ~20 ms for a normal one (512 tokens embedded, ~150 words through the word map). The embedded query keeps
    # its first words up to this many tokens (the longest question of the query sets in tests/data takes 68;
    # ~0.4 ms of CPU a token), and the word map encodes at most this many words it has not met before (~2 ms
    # each; those questions have at most 10 the glossary lacks). The worst query then costs a few normal ones.
    max_query_tokens: int = 96
    max_new_words_en: int = 12


def identifying_numbers(text: str) -> set[str]:
    """Gives the numbers of a text that identify something, a law's or a decree's ("Ley 21.325", "Decreto 1350"):
    three digits or more, separators dropped; a year (1900-2099) and a small count ("COP 28", "3P") are not."""
    numbers = {re.sub(r"[.,]", "", n) for n in re.findall(r"\d+(?:[.,]\d{3})*", text)}
    return {n.lstrip("0") for n in numbers if len(n) >= 3 and not (len(n) == 4 and n[:2] in ("19", "20"))}


def fit_to_tokens(text: str, embedder, max_tokens: int) -> str:
    """Gives the text, or its longest prefix of whole words that the embedder reads in at most max_tokens tokens."""
    if embedder.count_tokens([text])[0] <= max_tokens:
        return text
    words = text.split()
    low, high = 1, len(words)  # search the longest prefix that fits: a few tokenizer calls
    while low < high:
        middle = (low + high + 1) // 2
        if embedder.count_tokens([" ".join(words[:middle])])[0] <= max_tokens:
            low = middle
        else:
            high = middle - 1
    return " ".join(words[:low])


def top_ids(scores: np.ndarray, n: int) -> np.ndarray:
    """Gives the ids of the n highest scores, best first, without sorting all of them."""
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, n)[:n]
    return part[np.argsort(-scores[part], kind="stable")]


@lru_cache(maxsize=4096)
def _countries_in_heading(section: str, title: str) -> frozenset[str]:
    """Gives the countries a passage's section heading and document title name (few distinct ones: cached)."""
    from ingest.gazetteer import countries_named

    return frozenset(countries_named(f"{section} {title}"))


class Results(list):
    """The hits of a query, best first, and what the searcher concluded about them."""

    def __init__(self, hits=(), *, no_good_match: bool = False, language: str = "es", unknown_terms=(),
                 scope=None, best_meaning: float | None = None, practices=(), intent: Intent = Intent(),
                 no_practices: bool = False, unmentioned=()):
        super().__init__(hits)
        # countries the question is about that none of its nearest passages mentions ("What did Paraguay propose
        # on ...?" answered by passages on the topic that never name Paraguay): reason enough for no_good_match
        self.unmentioned = list(unmentioned)
        # a list question about practices whose scope holds no record ("What did Mexico share at the 2024
        # plenary?" when the reports list none): with scope.absent, reason enough for no_good_match
        self.no_practices = no_practices
        self.practices = list(practices)  # PracticeMatch: the records that answer a list question, closest first
        self.intent = intent  # what kind of answer the question wants (search.intent)
        self.best_meaning = best_meaning  # the best passage's meaning score, what "no good match" is judged on
        self.scope = scope if scope is not None else Scope()  # what the question named (search.scope)
        self.no_good_match = no_good_match  # True when the best passage is unlikely to answer the query
        self.language = language
        self.unknown_terms = list(unknown_terms)  # names/acronyms of the query that no passage contains


class Searcher:
    """Answers queries over one index generation; safe to share between threads for reading."""

    def __init__(self, data: store.IndexData, embedder, ranking: RankingSettings = RankingSettings()):
        self.data = data
        self.embedder = embedder
        self.ranking = ranking
        # Saved at ingest; built here only for generations written before they were.
        self.lexical = data.lexical or LexicalIndex.build(passage_texts(data.chunks,
                                                                        law_titles(data.documents.values())))
        self.expander = AcronymExpander(data.acronyms if data.acronyms is not None
                                        else learn_acronyms([c.text for c in data.chunks]))
        self._facets = self._build_facets()
        self._wordmap = LazyWordMap([c.text for c in data.chunks])
        named = {c for chunk in data.chunks for c in chunk.countries} | {c for r in data.practices for c in r.countries}
        self._scope = ScopeReader(data.documents, stem=stemmer("spanish").stemWords, countries=named,
                                  texts=[c.text for c in data.chunks], parts={c.part for c in data.chunks if c.part})
        self._practice_chunk = self._passages_of_practices()
        self._doc_number = {doc_id: n for n, doc_id in enumerate(dict.fromkeys(c.doc_id for c in data.chunks))}
        self._doc_of = np.asarray([self._doc_number[c.doc_id] for c in data.chunks], dtype=np.int64)

    @classmethod
    def open(cls, index_dir: Path | str, *, embedder=None, model: str | None = None) -> "Searcher":
        """Gives a searcher over the live generation of an index, with the model that built it."""
        return cls.from_generation(store.live_generation(Path(index_dir)), embedder=embedder, model=model)

    @classmethod
    def from_generation(cls, generation: Path, *, embedder=None, model: str | None = None) -> "Searcher":
        """Gives a searcher over one given generation folder (checked against its manifest)."""
        manifest = store.read_manifest(generation)
        if embedder is None:
            from index.embedder import load_embedder

            embedder = load_embedder(model or manifest.model["name"])
        store.check_model(manifest, embedder.info, generation)
        return cls(store.load_generation(generation), embedder)

    # -- filters -----------------------------------------------------------------------------------

    def _chunk_values(self, chunk) -> dict[str, set[str]]:
        doc = self.data.documents.get(chunk.doc_id)
        return {
            "plenary": {str(doc.plenary)} if doc and doc.plenary else set(),
            "year": {str(doc.year)} if doc and doc.year else set(),
            "doc_id": {chunk.doc_id},
            "part": {chunk.part} if chunk.part else set(),
            "country": {fold(c) for c in chunk.countries},
            "doc_type": {doc.doc_type, doc.kind} - {""} if doc else set(),
            "language": {doc.language} if doc else set(),
        }

    def _build_facets(self) -> dict[str, dict[str, np.ndarray]]:
        """Gives, per filter field and folded value, the ids of the passages that have it."""
        facets: dict[str, dict[str, list[int]]] = {f: {} for f in FILTER_FIELDS}
        for i, chunk in enumerate(self.data.chunks):
            for field_name, values in self._chunk_values(chunk).items():
                for value in values:
                    facets[field_name].setdefault(fold(value), []).append(i)
        return {f: {v: np.asarray(ids, dtype=np.int64) for v, ids in vals.items()}
                for f, vals in facets.items()}

    def facet_values(self, field_name: str) -> list[str]:
        """Gives the values a filter field takes in this index, sorted."""
        return sorted(self._facets[field_name])

    def _allowed_ids(self, filters: dict) -> np.ndarray | None:
        """Gives the passage ids that satisfy every filter (None when there is no filter).

        "session" is another name for "part"; values are canonicalised first (session=3 is part
        "session 3", country="Panama" is "Panamá", plenary=4 is "IV"), see search.filters.
        """
        allowed = None
        for name, wanted in filters.items():
            if wanted is None or wanted == "" or wanted == []:
                continue
            field_name = filter_field(name)
            if field_name not in FILTER_FIELDS:
                raise FilterError(f"Unknown filter {name!r}; known filters: {', '.join(FILTER_FIELDS)}, session.")
            values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
            ids = []
            for value in values:
                key = fold(canonical_value(field_name, value)).strip()
                if key not in self._facets[field_name]:
                    known = ", ".join(self.facet_values(field_name)) or "none"
                    raise FilterError(f"No passage has {name}={value!r}; known values: {known}.")
                ids.append(self._facets[field_name][key])
            field_ids = np.unique(np.concatenate(ids))
            allowed = field_ids if allowed is None else np.intersect1d(allowed, field_ids)
        return allowed

    # -- retrieval ---------------------------------------------------------------------------------

    def _dense(self, query_vector: np.ndarray, n: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        selector = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            selector = faiss.IDSelectorBatch(allowed)
        n = min(n, self.data.faiss_index.ntotal)
        params = store.search_parameters(self.data.faiss_index, n, selector)  # HNSW: search >= n deep
        scores, ids = self.data.faiss_index.search(query_vector[None, :], n, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def _lexical_scores(self, terms: list[str], allowed: np.ndarray | None) -> np.ndarray:
        scores = self.lexical.scores(terms)
        if allowed is not None:
            mask = np.zeros(scores.shape, dtype=bool)
            mask[allowed] = True
            scores = np.where(mask, scores, 0.0)
        return scores

    def _sentence_max(self, ids: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
        """Gives, for each passage id, the cosine of its sentence closest to the query."""
        offsets = self.data.sentence_offsets
        ids = np.asarray(ids, dtype=np.int64)
        starts, lengths = offsets[ids], offsets[ids + 1] - offsets[ids]
        best = np.full(len(ids), -1.0, dtype=np.float32)
        firsts = np.cumsum(lengths) - lengths  # where each passage's sentences start among the rows taken
        rows = np.repeat(starts - firsts, lengths) + np.arange(int(lengths.sum()))
        if rows.size:  # one product for all candidates, then each passage's maximum
            has = lengths > 0
            best[has] = np.maximum.reduceat(self.data.sentence_vectors[rows] @ query_vector, firsts[has])
        return best

    def unknown_terms(self, query: str, language: str | None = None) -> list[str]:
        """Gives the names, acronyms and numbers of a query that no passage contains ("Costa Rica" as one name;
        a country by any of its names: "Mexico", "mexicano")."""
        from ingest.gazetteer import countries_meant

        english = (language or detect_language(query)) == "en"
        unknown = []
        for name in names_in(query):
            # a country by its canonical name, the name's other words as they are: "Ley de Migraciones 25.871 de
            # Argentina" is known only if "25.871" is
            world = world_country(name)
            countries = countries_meant(name) or ([world] if world else [])
            rest = [word for word in name.split() if not countries_meant(word)] if not world else []
            spelled = " ".join(rest + countries)
            if self._numbers_missing(name):  # "21.325" is not "21" and "325" anywhere
                unknown.append(name)
                continue
            if self.lexical.knows(analyse(spelled)):
                continue
            # an English name the passages write in Spanish ("Human Mobility Observatory"): known by its glossary terms
            spanish = default_glossary().translate(name).text if english else ""
            if not (spanish and self.lexical.knows(analyse(spanish))):
                unknown.append(name)
        return unknown

    def search(self, query: str, k: int = 10, *, mode: str = "hybrid", without_scope=(), **filters) -> Results:
        """Gives the k passages that best answer the query, best first, each with its citation.

        The result is a list of Hit with `.no_good_match` set when the best passage is unlikely to
        answer, and `.scope` saying what the question named (search.scope). mode "dense" or "lexical"
        ranks with one retriever alone (for evaluation); without_scope lists named values (Scope.named)
        the user removed; filters are field=value (or a list of values), see FILTER_FIELDS.
        """
        if mode not in ("hybrid", "dense", "lexical"):  # dense and lexical: the baselines, for evaluation
            raise SearchError(f"Unknown search mode {mode!r}; use hybrid, dense or lexical.")
        query = checked_query(query)
        allowed = self._allowed_ids(filters)
        settings = self.ranking
        language = detect_language(query)
        expanded = self.expander.expand(query)
        n = max(settings.candidates, k)
        if mode == "lexical":
            # Lexical alone sees the whole query, as a keyword search engine would.
            lexical = self._lexical_scores(analyse(expanded), allowed)
            order = [int(i) for i in top_ids(lexical, k) if lexical[i] > 0]
            query_vector = self.embedder.encode_queries([expanded], show_progress=False)[0]
            return Results([self._hit(i, query_vector, float(lexical[i])) for i in order], language=language)

        if mode == "dense":  # the plain dense baseline: passage vectors only
            settings = replace(settings, sentence_weight=0.0, lexical_weight_es=0.0, lexical_weight_en=0.0,
                               translate_en=False)
        lexical_text = expanded
        dense_text = expanded
        spanish_gloss = ""
        if language == "en":
            lexical_text = " ".join(language_neutral_terms(expanded))
            if settings.translate_en:
                wordmap = self._wordmap.get() if settings.word_similarity_en else None
                lookup = (partial(wordmap.spanish_for, min_similarity=settings.word_similarity_en,
                                  max_new=settings.max_new_words_en) if wordmap else None)
                translation = default_glossary().translate(expanded, lookup)
                spanish_gloss = translation.text
                lexical_text = f"{lexical_text} {translation.text}"
                if settings.dense_with_translation and translation.groups:
                    dense_text = f"{expanded} ({translation.gloss})"
        dense_text = fit_to_tokens(dense_text, self.embedder, settings.max_query_tokens)
        query_vector = self.embedder.encode_queries([dense_text], show_progress=False)[0]
        dense_ids, _ = self._dense(query_vector, n, allowed)
        terms = analyse(lexical_text)
        weight = settings.lexical_weight_es if language == "es" else settings.lexical_weight_en
        lexical = self._lexical_scores(terms, allowed) if weight else None
        candidates = dense_ids
        if lexical is not None and lexical.max() > 0:
            lexical_top = top_ids(lexical, n)
            candidates = np.union1d(dense_ids, lexical_top[lexical[lexical_top] > 0])
        if len(candidates) == 0:
            return Results(language=language)
        meaning = self._meaning(candidates, query_vector, settings)
        score = meaning.copy()
        if lexical is not None and lexical.max() > 0:
            score += weight * lexical[candidates] / lexical.max()
        # practices are shared at meetings: "¿Qué compartió Costa Rica en 2024?" asks about the 2024 plenary
        intent = read_intent(query)
        scope = self._scope.read(query, extra=spanish_gloss, ignore=without_scope, of_meetings=intent.wants_practices)
        if scope.doc_ids and len(scope.doc_ids) < len(self.data.documents) and settings.scope_boost:
            in_scope = np.isin(self._doc_of[candidates], [self._doc_number.get(d, -1) for d in scope.doc_ids])
            score += settings.scope_boost * in_scope
        if scope.parts and settings.scope_boost:  # "la sesión 3": its passages gain as a named document's do
            score += settings.scope_boost * np.array([self.data.chunks[i].part in scope.parts
                                                      for i in candidates.tolist()])
        plenaries = {self.data.documents[d].plenary for d in scope.doc_ids if self.data.documents[d].plenary}
        if len(plenaries) >= 2:  # two plenaries named make it a question across them, whatever its words
            intent = read_intent(query, plenaries_named=len(plenaries))
        practices = []
        if intent.wants_practices and mode == "hybrid":
            practices = self._matching_practices(query_vector, scope, allowed)
            listing = [self._practice_chunk[p.record.practice_id] for p in practices
                       if p.record.practice_id in self._practice_chunk]
            score += settings.practice_boost * np.isin(candidates, listing)
        order = candidates[np.argsort(-score)]
        by_id = dict(zip(candidates.tolist(), score.tolist()))
        if intent.each_session and mode == "hybrid":
            best = self._one_per_section(order, k)
        elif intent.across_plenaries and mode == "hybrid":
            best = self._both_plenaries(order, k)
        else:
            best = self._without_repeats(order, k)
        unknown = self.unknown_terms(query, language)
        top_meaning = float(meaning.max())
        if language == "es":
            floor, floor_unknown = settings.weak_below_es, settings.weak_with_unknown_name_below_es
        else:
            floor, floor_unknown = settings.weak_below_en, settings.weak_with_unknown_name_below_en
        weak = top_meaning < floor or (bool(unknown) and top_meaning < floor_unknown)
        # a name with a number no passage holds ("Ley 21.325", "Decreto 1350"): asked for, not here, at any score
        weak = weak or any(self._numbers_missing(name) for name in unknown)
        many = settings.country_in_nearest
        nearest = best if len(best) >= many else self._without_repeats(order, many)
        in_records = {c for match in practices for c in match.record.countries}
        unmentioned = self._unmentioned([c for c in scope.countries if c not in in_records], nearest[:many])
        # a country of the world that no passage names ("¿Qué dijo Cuba ...?"): nothing here says what it did
        # one it names as a place ("asilo en Canadá") may be only where the asker is: not reason enough
        unmentioned += [name for name in unknown if world_country(name) and not names_as_place(query, name)]
        # a list of practices whose scope (a country, a plenary) holds no record: the reports list none
        no_practices = bool(intent.wants_practices and not practices and self.data.practices and scope)
        return Results([self._hit(i, query_vector, by_id[i]) for i in best],
                       no_good_match=weak or bool(scope.absent) or no_practices or bool(unmentioned),
                       language=language,
                       unknown_terms=unknown, scope=scope, best_meaning=top_meaning, practices=practices,
                       intent=intent, no_practices=no_practices, unmentioned=unmentioned)

    @cached_property
    def _numbers(self) -> set[str]:
        """Gives the identifying numbers (identifying_numbers) the passages hold."""
        return set().union(*(identifying_numbers(chunk.text) for chunk in self.data.chunks))

    def _numbers_missing(self, name: str) -> set[str]:
        """Gives the identifying numbers of a name that no passage holds."""
        return identifying_numbers(name) - self._numbers

    def _unmentioned(self, countries: list[str], ids: list[int]) -> list[str]:
        """Gives the countries that none of the passages ids names, in its text (Chunk.countries, read at ingest),
        section or title, or is of."""
        if not countries or not ids:
            return []
        named = set()
        for i in ids:
            chunk = self.data.chunks[i]
            doc = self.data.documents.get(chunk.doc_id)
            named |= set(chunk.countries) | _countries_in_heading(chunk.section or "", doc.title if doc else "")
            if doc is not None and doc.country:
                named.add(doc.country)
        return [c for c in countries if c not in named]

    # -- list questions ------------------------------------------------------------------------------

    def _passages_of_practices(self) -> dict[str, int]:
        """Gives practice_id -> the id of the passage that lists the record: the one ingest stored with it
        (ingest.practices.link_passages), else, for an index built before records kept it, one of its document
        holding its words."""
        by_doc: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.data.chunks):
            by_doc.setdefault(chunk.doc_id, []).append(i)
        position = {chunk.chunk_id: i for i, chunk in enumerate(self.data.chunks)}
        found = {}
        for record in self.data.practices:
            if record.chunk_id in position:
                found[record.practice_id] = position[record.chunk_id]
                continue
            probe = " ".join(fold(record.source_line or record.name).split()[:8])
            ids = by_doc.get(record.doc_id, [])
            same_page = [i for i in ids if self.data.chunks[i].page == record.page]
            for i in same_page + ids:
                if probe and probe in " ".join(fold(self.data.chunks[i].text).split()):
                    found[record.practice_id] = i
                    break
            else:
                if same_page:
                    found[record.practice_id] = same_page[0]
        return found

    def _matching_practices(self, query_vector: np.ndarray, scope: Scope, allowed: np.ndarray | None) -> list:
        """Gives the good-practice records that answer a list question: in its scope (the countries and plenaries
        it names, the user's filters) and within list_margin of the closest in meaning."""
        records, vectors = self.data.practices, self.data.practice_vectors
        if not records or vectors is None:
            return []
        keep = np.ones(len(records), dtype=bool)
        if scope.countries:
            wanted = set(scope.countries)
            keep &= np.array([bool(wanted & set(r.countries)) for r in records])
        plenary_docs = {d for d in scope.doc_ids if self.data.documents[d].plenary}
        if plenary_docs:
            keep &= np.array([r.doc_id in plenary_docs for r in records])
        if scope.parts:
            keep &= np.array([r.session in scope.parts for r in records])
        if allowed is not None:
            allowed_set = set(allowed.tolist())
            keep &= np.array([self._practice_chunk.get(r.practice_id, -1) in allowed_set for r in records])
        ids = np.flatnonzero(keep)
        if not len(ids):
            return []
        similarity = vectors[ids] @ query_vector
        order = np.argsort(-similarity, kind="stable")[: self.ranking.list_size]
        best = float(similarity[order[0]])
        return [PracticeMatch(records[ids[j]], round(float(similarity[j]), 4),
                              self.data.chunks[self._practice_chunk[records[ids[j]].practice_id]].chunk_id
                              if records[ids[j]].practice_id in self._practice_chunk else "")
                for j in order if similarity[j] >= best - self.ranking.list_margin]

    def _both_plenaries(self, order: np.ndarray, k: int) -> list[int]:
        """Gives the first k ids of a ranking (repeats skipped) with every plenary among them in the first five:
        a question across plenaries sees each side."""
        chosen = self._without_repeats(order, k)
        shown = {self._plenary_of(i) for i in chosen[:5]}
        for i in order.tolist():  # the best passage of each plenary missing from the first five takes fifth place
            plenary = self._plenary_of(i)
            if plenary and plenary not in shown and len(chosen) >= 5 and i not in chosen[:5]:
                chosen = [c for c in chosen if c != i]
                chosen.insert(4, i)
                chosen = chosen[:k]
                shown = {self._plenary_of(c) for c in chosen[:5]}
        return chosen

    def _one_per_section(self, order: np.ndarray, k: int) -> list[int]:
        """Gives the first k ids of a ranking (repeats skipped) with the best passage of each section first, in
        ranking order, then the others: a question about every session gets an answer from each."""
        ranked = self._without_repeats(order, min(len(order), 100))
        seen, firsts, rest = set(), [], []
        for i in ranked:
            section = (self.data.chunks[i].doc_id, self.data.chunks[i].section)
            (rest if section in seen else firsts).append(i)
            seen.add(section)
        return (firsts + rest)[:k]

    def _plenary_of(self, i: int) -> str | None:
        doc = self.data.documents.get(self.data.chunks[i].doc_id)
        return doc.plenary if doc else None

    def _meaning(self, ids: np.ndarray, query_vector: np.ndarray, settings: RankingSettings) -> np.ndarray:
        """Gives the meaning score of passages: their own cosine and their best sentence's, mixed."""
        return ((1 - settings.sentence_weight) * (self.data.vectors[ids] @ query_vector)
                + settings.sentence_weight * self._sentence_max(ids, query_vector))

    def warm_up(self) -> None:
        """Runs a query in each language, so that the first real search pays no one-time cost (the fast
        query encoder is built on the first query; the glossary and the word map on the first English one)."""
        for query in ("alerta temprana", "early warning"):
            self.search(query, k=1)

    def _without_repeats(self, order: np.ndarray, k: int) -> list[int]:
        """Gives the first k ids of a ranking, skipping passages that repeat a better-ranked one."""
        kept: list[int] = []
        kept_words: list[set[str]] = []
        for i in order.tolist():
            words = set(self.data.chunks[i].text.lower().split())
            if any(len(words & other) / max(1, min(len(words), len(other))) > self.ranking.duplicate_overlap
                   for other in kept_words):
                continue
            kept.append(i)
            kept_words.append(words)
            if len(kept) == k:
                break
        return kept

    def _highlight(self, i: int, query_vector: np.ndarray) -> str:
        start, end = self.data.sentence_offsets[i], self.data.sentence_offsets[i + 1]
        sentences = self.data.sentences[i]
        if end <= start:
            return ""
        scores = self.data.sentence_vectors[start:end] @ query_vector
        for j in np.argsort(-scores, kind="stable"):  # the best sentence, unless it is mostly web addresses
            if is_readable_sentence(sentences[j]):
                return sentences[j]
        return ""

    def _hit(self, i: int, query_vector: np.ndarray, score: float) -> Hit:
        chunk = self.data.chunks[i]
        similarity = float(self.data.vectors[i] @ query_vector)
        return Hit.from_chunk(chunk, self.data.documents.get(chunk.doc_id), score=round(float(score), 6),
                              highlight=self._highlight(i, query_vector), similarity=round(similarity, 4))
