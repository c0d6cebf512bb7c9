"""The links manifest: every URL the reports cite, where they cite it, and what fetching it gave.

Extraction works on the raw text layer (before cleaning), because cleaning joins and reflows lines
and a URL is only recoverable from the lines as the extractor left them. The text layer damages
URLs in three ways, all repaired here: a URL printed twice in a row (the PDF's visible text and its
hyperlink), a URL wrapped onto the next line, and sentence punctuation glued to its end.

Most URLs in these reports stand on lines of their own, in a block dumped at the end of a page,
after the list of good practices they document and often after the next session's heading. So
"the sentence that cites it" (and its session) is found by matching the rare words of the URL
(host and path) against the list items, then the prose, of its section and the one before; URLs
left unmatched between matched ones take the items left between, in order. Without any match it
is the lead-in ('...:') or the sentence just before. A URL inside a line of text gets its sentence.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from ingest.chunking import split_sentences
from ingest.errors import IngestError
from ingest.structure import fold, heading_title, normalise_title, part_label

LINKS_NAME = "links.json"
LINKS_FORMAT = 1
STATUSES = ("new", "ok", "dead", "refused", "too_large", "timeout", "bad_type")

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»“”‘’]+", re.I)
_SCHEME_INSIDE = re.compile(r"(?<=.)(?=https?://)", re.I)  # a doubled URL glued to itself
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~%/?#@!$&'()*+,;=:\[\]]+$")
_STRONG_CONTINUATION = re.compile(r"[/%=_&?#]|\.[A-Za-z0-9]{2,5}(?:$|[/?#])")
_TRAILING = ".,;:!?'\"»”’>]}"
_PART_OF_REPORT = re.compile(r"^(?:introductory session|session \d+|roadmap \d+|annex \d+|annexes|opening|"
                             r"conclusions|communique|campaign|note|introduction)$")
_HEADING_CONNECTORS = {"Y", "DE", "EN", "LA", "LAS", "LOS", "DEL", "E", "PARA", "SOBRE", "A", "AND", "OF"}
# Words of URLs that say nothing about what is linked.
_URL_NOISE = {"http", "https", "www", "index", "html", "aspx", "default", "files", "sites", "news",
              "noticias", "uploads", "content", "docs", "documents", "documentos", "source", "text",
              "personal", "layouts", "sourcedoc", "file", "action", "edit", "mobileredirect", "true",
              "articulo", "stories", "historias", "inicio", "fileadmin"}


@dataclass
class Link:
    """One URL cited by one report, with what the last fetch of it gave."""

    url: str
    doc_id: str  # the citing report
    session: str | None = None  # heading of the section citing it
    sentence: str = ""  # the sentence or line that cites it, whitespace collapsed
    first_seen: str = ""  # ISO date the manifest first listed it
    status: str = "new"  # one of STATUSES
    fetched_path: str | None = None  # relative to the folder of links.json
    content_type: str | None = None
    checked: str | None = None  # ISO datetime of the last fetch attempt

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Link":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class _Occurrence:
    url: str
    line: int  # index of the line the URL starts on
    inline: bool  # cited inside a line of text rather than standing alone
    raw: str = ""  # as printed, wrapped pieces joined
    section: int = -1  # index of the section it is printed in; -1 before the first heading


@dataclass
class _Paragraph:
    start: int
    end: int  # exclusive
    text: str
    section: int = -1
    kind: str = "text"  # "text", "item" (a bullet) or "heading"
    words: frozenset = frozenset()


def normalise_url(raw: str) -> str:
    """Return a URL with glued punctuation removed, scheme and host lowercased, bare 'www.' given http://."""
    url = raw.strip()
    while url and url[-1] in _TRAILING + ")":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # '(presentacion).pptx'-style parentheses belong to the URL
        url = url[:-1]
    if url.lower().startswith("www."):
        url = "http://" + url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))


def _continuation(url: str, next_line: str) -> str | None:
    """Return the first token of next_line when it obviously continues a URL wrapped at line end."""
    stripped = next_line.strip()
    if not stripped:
        return None
    token = stripped.split()[0]
    if not _URL_CHARS.match(token) or _URL.match(token):
        return None
    if token.rstrip(_TRAILING).isdigit() and not url.endswith("="):
        return None  # a page number under a URL
    if _STRONG_CONTINUATION.search(token.rstrip(_TRAILING)):
        return token
    starts_lower = token[:1].islower() or token[:1].isdigit()
    if url[-1] in "-_=&?%#~." and starts_lower:
        return token
    if url.endswith("/") and starts_lower and stripped == token:
        return token
    return None


def _occurrences(lines: list[str]) -> list[_Occurrence]:
    """Return the URLs of the text in order, wrapped ones rejoined, glued doubles split."""
    found: list[_Occurrence] = []
    skip = [0] * (len(lines) + 1)  # characters at the start of a line already used by a wrapped URL
    for i, line in enumerate(lines):
        for match in _URL.finditer(line, skip[i]):
            raw, j = match.group(0), i
            while match.end() == len(line.rstrip()) and j + 1 < len(lines):
                token = _continuation(raw, lines[j + 1])
                if token is None:
                    break
                j += 1
                raw += token
                skip[j] = len(lines[j]) - len(lines[j].lstrip()) + len(token)
                if lines[j].strip() != token:
                    break
            inline = len(_URL.sub("", line[skip[i]:]).split()) >= 3
            pieces = _SCHEME_INSIDE.split(raw)
            if len(set(pieces)) > 1:
                pieces = [raw]  # a URL quoting another (an archive link), not one printed twice
            for piece in pieces:
                url = normalise_url(piece)
                if urlsplit(url).netloc:
                    found.append(_Occurrence(url, i, inline, piece))
    return found


def _headings(lines: list[str]) -> dict[int, str]:
    """Return the lines that open a part of the report (session, conclusions, ...) and their headings."""
    headings: dict[int, str] = {}
    for i, line in enumerate(lines):
        title = heading_title(line)
        if title is None or not _PART_OF_REPORT.match(part_label(normalise_title(title))):
            continue
        following = next((ln.strip() for ln in lines[i + 1:i + 3] if ln.strip()), "")
        if title.split()[-1] in _HEADING_CONNECTORS and following.isupper():
            title = f"{title} {following}"  # a heading wrapped onto the next line
        headings[i] = normalise_title(title)
    return headings


def _paragraphs(lines: list[str], section_of) -> list[_Paragraph]:
    """Return the runs of text lines; blank lines, URL lines, bullets and headings end a run."""
    paragraphs: list[_Paragraph] = []
    current: list[int] = []

    def close(kind: str = "text") -> None:
        if current:
            text = re.sub(r"\s+", " ", " ".join(lines[k].strip() for k in current)).strip()
            kind = "item" if text.startswith(("•", "o ")) else kind
            paragraphs.append(_Paragraph(current[0], current[-1] + 1, text, section_of(current[0]), kind,
                                         frozenset(_words(text))))
            current.clear()

    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _URL.fullmatch(stripped):
            close()
        elif stripped.startswith("•"):
            close()
            current.append(i)
        elif heading_title(stripped):
            close()
            current.append(i)
            close("heading")
        else:
            current.append(i)
    close()
    return paragraphs


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", fold(text)) if len(w) >= 4 and not w.isdigit()}


@dataclass(frozen=True)
class _UrlWords:
    """The telling words of a URL: its path, query and fragment words, and its host's name labels."""

    path: frozenset
    host: frozenset  # 'observatoriotrata' from www.observatoriotrata.ac.cr: words glued together

    @classmethod
    def of(cls, url: str) -> "_UrlWords":
        parts = urlsplit(url)
        labels = parts.hostname.split(".")[:-1] if parts.hostname else []
        path = " ".join([unquote(parts.path), unquote(parts.query), unquote(parts.fragment)])
        return cls(frozenset(_words(path) - _URL_NOISE), frozenset(_words(" ".join(labels)) - _URL_NOISE))

    def matches(self, word: str) -> bool:
        """Return True when a text word shares a stem with a URL word, or is glued into a host label."""
        return any(_same_stem(u, word) for u in self.path | self.host) or (
            len(word) >= 5 and any(word in label for label in self.host))


def _same_stem(a: str, b: str) -> bool:
    """Return True when two words begin alike: 5 letters in common, or all of a 4-letter word."""
    short = min(len(a), len(b))
    return short >= 4 and a[:min(short, 5)] == b[:min(short, 5)]


def _matched_stems(url_words: _UrlWords, words: frozenset) -> set[str]:
    """Return the distinct stems of a paragraph's words that a URL's words match."""
    return {w[:5] for w in words if url_words.matches(w)}


def _stem_weights(paragraphs: list[_Paragraph]) -> dict[str, float]:
    """Return the inverse document frequency of each word stem over the paragraphs of a report."""
    counts: dict[str, int] = {}
    for p in paragraphs:
        for stem in {w[:5] for w in p.words}:
            counts[stem] = counts.get(stem, 0) + 1
    return {stem: math.log((1 + len(paragraphs)) / count) for stem, count in counts.items()}


def _best_match(occ: _Occurrence, candidates: list[_Paragraph], weights: dict[str, float]) -> _Paragraph | None:
    """Return the candidate sharing the rarest words with a URL (two words at least), nearest on a tie."""
    wanted = _UrlWords.of(occ.url)
    best, best_score = None, 0.0
    for p in sorted(candidates, key=lambda p: abs(p.start - occ.line)):
        stems = _matched_stems(wanted, p.words)
        score = sum(weights.get(stem, 0.0) for stem in stems) if len(stems) >= 2 else 0.0
        if score > best_score:
            best, best_score = p, score
    return best


def _match_block(block: list[_Occurrence], paragraphs: list[_Paragraph],
                 weights: dict[str, float]) -> dict[str, _Paragraph | None]:
    """Return the paragraph each URL of a block documents, or None.

    URL blocks are dumped where a page ends, after the list of practices they link and often after
    the next session's heading, so the list may sit in the previous section: both are searched.
    List items before the block come first; the items left between matched ones are handed out
    in order; then prose before the block, then items and prose after it.
    """
    first = block[0]
    near = [p for p in paragraphs if p.kind != "heading" and first.section - 1 <= p.section <= first.section]
    tiers = [[p for p in near if p.start < first.line and p.kind == kind] for kind in ("item", "text")]
    tiers += [[p for p in near if p.section == first.section and p.start > first.line and p.kind == kind]
              for kind in ("item", "text")]
    matches = {occ.url: _best_match(occ, tiers[0], weights) for occ in block}
    _fill_gaps(block, matches, paragraphs)
    for tier in tiers[1:]:
        for occ in block:
            if matches[occ.url] is None:
                matches[occ.url] = _best_match(occ, tier, weights)
    return matches


def _clean_sentence(text: str) -> str:
    """Return a sentence with its list bullet dropped and whitespace collapsed."""
    text = re.sub(r"^\s*(?:[•\-–]|o(?=\s))\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _sentence_for(url: str, paragraph: _Paragraph) -> str:
    """Return the sentence of a paragraph that shares most words with a URL."""
    wanted = _UrlWords.of(url)
    return _clean_sentence(max(split_sentences(paragraph.text),
                               key=lambda s: len(_matched_stems(wanted, frozenset(_words(s))))))


def _fill_gaps(block: list[_Occurrence], matches: dict[str, _Paragraph | None],
               paragraphs: list[_Paragraph]) -> None:
    """Give unmatched URLs the list items beside their matched neighbours, in order, where the counts agree.

    Between two matched URLs the items between theirs must be exactly as many as the URLs; before
    the first (after the last) matched URL the same number of items must precede (follow) its item.
    """
    index = {id(p): n for n, p in enumerate(paragraphs)}
    urls = list(dict.fromkeys(occ.url for occ in block))
    anchors = [n for n, url in enumerate(urls) if matches[url] is not None]
    if not anchors:
        return
    spans = [(None, anchors[0])] + list(zip(anchors, anchors[1:])) + [(anchors[-1], None)]
    for left, right in spans:
        missing = urls[(left + 1 if left is not None else 0):(right if right is not None else len(urls))]
        if not missing:
            continue
        if left is not None and right is not None:
            a, b = index[id(matches[urls[left]])], index[id(matches[urls[right]])]
            items = paragraphs[a + 1:b] if b - a - 1 == len(missing) else []
        elif right is not None:
            b = index[id(matches[urls[right]])]
            items = paragraphs[max(b - len(missing), 0):b]
        else:
            a = index[id(matches[urls[left]])]
            items = paragraphs[a + 1:a + 1 + len(missing)]
        if len(items) == len(missing) and all(p.kind == "item" for p in items):
            for url, item in zip(missing, items):
                matches[url] = item


def _nearby_sentence(line: int, section: int, lines: list[str], paragraphs: list[_Paragraph]) -> str:
    """Return the lead-in ('...:') or sentence just before a line in its section, else the one just after."""
    before = [p for p in paragraphs if p.section == section and p.end <= line and p.kind != "heading"]
    if before:
        last_line = lines[before[-1].end - 1].strip()
        if last_line.endswith(":"):
            return _clean_sentence(last_line)
        return _clean_sentence(split_sentences(before[-1].text)[-1])
    after = [p for p in paragraphs if p.section == section and p.start > line and p.kind != "heading"]
    return _clean_sentence(split_sentences(after[0].text)[0]) if after else ""


def _list_title(section: int, first_item: _Paragraph, paragraphs: list[_Paragraph]) -> str:
    """Return the title of the list an item belongs to (the text before it), a title wrapped in two rejoined."""
    before = [p for p in paragraphs if p.section == section and p.end <= first_item.start and p.kind != "item"]
    if not before:
        return first_item.text
    title = before[-1].text
    if len(before) > 1 and _capitals(title) and _capitals(before[-2].text) and before[-1].start - before[-2].end <= 2:
        title = f"{before[-2].text} {title}"  # 'BUENAS PRÁCTICAS ... PARA EL FORTALECIMIENTO' / 'DE CAPACIDADES ...'
    return _clean_sentence(title)


def _own_sentence(occ: _Occurrence, lines: list[str], paragraphs: list[_Paragraph]) -> str:
    """Return the sentence a URL printed inside text belongs to."""
    paragraph = next((p for p in paragraphs if p.start <= occ.line < p.end), None)
    sentences = split_sentences(paragraph.text if paragraph else lines[occ.line])
    printed = re.compile(r"\s*".join(map(re.escape, occ.raw)))  # the URL with the line breaks it was cut at
    sentence = next((s for s in sentences if printed.search(s)), sentences[0] if sentences else "")
    return _clean_sentence(printed.sub(lambda m: occ.raw, sentence))


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.85


def _blocks(occurrences: list[_Occurrence], lines: list[str]) -> list[list[_Occurrence]]:
    """Return the stand-alone URLs grouped into blocks of lines holding nothing but URLs."""
    blocks: list[list[_Occurrence]] = []
    for occ in occurrences:
        if occ.inline:
            continue
        previous = blocks[-1][-1] if blocks else None
        between = lines[previous.line + 1:occ.line] if previous else ["x"]
        if previous and all(not ln.strip() or _URL.fullmatch(ln.strip()) for ln in between):
            blocks[-1].append(occ)
        else:
            blocks.append([occ])
    return blocks


def extract_links(text: str, doc_id: str) -> list[Link]:
    """Return the URLs a report cites, once each in reading order, with their session and citing sentence."""
    lines = text.splitlines()
    headings = _headings(lines)
    starts = sorted(headings)

    def section_of(line: int) -> int:
        return sum(1 for h in starts if h <= line) - 1

    paragraphs = _paragraphs(lines, section_of)
    occurrences = _occurrences(lines)
    weights = _stem_weights(paragraphs)
    for occ in occurrences:
        occ.section = section_of(occ.line)
    cited: dict[int, tuple[int, str]] = {}  # id(occurrence) -> (section, sentence)
    for occ in occurrences:
        if occ.inline:
            cited[id(occ)] = (occ.section, _own_sentence(occ, lines, paragraphs))
    for block in _blocks(occurrences, lines):
        matches = _match_block(block, paragraphs, weights)
        matched = [p for p in matches.values() if p is not None]
        for occ in block:
            paragraph = matches[occ.url]
            if paragraph is not None:
                cited[id(occ)] = (paragraph.section, _sentence_for(occ.url, paragraph))
            elif matched:  # its neighbours found their list: it belongs to the same one
                first = min(matched, key=lambda p: p.start)
                cited[id(occ)] = (first.section, _list_title(first.section, first, paragraphs))
            else:
                cited[id(occ)] = (occ.section, _nearby_sentence(occ.line, occ.section, lines, paragraphs))
    links: dict[str, Link] = {}
    for occ in occurrences:
        if occ.url not in links:
            section, sentence = cited[id(occ)]
            links[occ.url] = Link(url=occ.url, doc_id=doc_id, sentence=sentence,
                                  session=headings[starts[section]] if section >= 0 else None)
    return list(links.values())


def links_path(corpus_dir: Path | str) -> Path:
    """Return where the links manifest of a corpus lives."""
    return Path(corpus_dir) / LINKS_NAME


def load_links(path: Path | str) -> list[Link]:
    """Return the links of a links manifest; an empty list when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Link.from_dict(entry) for entry in data["links"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"{path}: not a readable links manifest ({exc})") from exc


def save_links(path: Path | str, links: list[Link]) -> Path:
    """Return the path after writing the links manifest atomically (temp file + rename)."""
    path = Path(path)
    payload = {"format": LINKS_FORMAT, "links": [link.to_dict() for link in links]}
    write_json_atomic(path, payload)
    return path


def write_json_atomic(path: Path, payload: dict) -> None:
    """Write human-readable JSON so that readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, indent=2)
            out.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the manifest is shared like the corpus
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_texts(corpus_dir: Path | str) -> list[tuple[str, str]]:
    """Return (doc_id, text) for every report of the corpus (documents of doc_type 'report')."""
    from ingest.corpus import discover
    from ingest.readers import read_pages

    texts = []
    for path, meta in discover([Path(corpus_dir)]):
        if meta.doc_type == "report":
            texts.append((meta.doc_id, "\n\n".join(page.text for page in read_pages(path))))
    return texts


def merge_links(fresh: list[Link], previous: list[Link], today: str) -> list[Link]:
    """Return the fresh links carrying over first_seen and fetch results of those already listed."""
    known = {(link.doc_id, link.url): link for link in previous}
    merged = []
    for link in fresh:
        old = known.get((link.doc_id, link.url))
        if old is None:
            link.first_seen = today
        else:
            link.first_seen = old.first_seen or today
            link.status, link.fetched_path = old.status, old.fetched_path
            link.content_type, link.checked = old.content_type, old.checked
        merged.append(link)
    return merged


def refreshed_links(corpus_dir: Path | str, *, today: dt.date | None = None) -> list[Link]:
    """Return the links the reports cite now, merged with those already in corpus/links.json (nothing written).

    Links are ordered by report (doc_id) and then by first citation in the report. A URL already
    listed keeps its first_seen date and last fetch result; a URL no report cites any more is dropped.
    """
    fresh = [link for doc_id, text in sorted(report_texts(corpus_dir)) for link in extract_links(text, doc_id)]
    return merge_links(fresh, load_links(links_path(corpus_dir)), (today or dt.date.today()).isoformat())


def update_links_manifest(corpus_dir: Path | str, *, today: dt.date | None = None) -> Path:
    """Return the path of corpus/links.json after rewriting it from the reports' current text."""
    return save_links(links_path(corpus_dir), refreshed_links(corpus_dir, today=today))


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m ingest links [--corpus DIR]` rewrites corpus/links.json and prints a count per report."""
    from index.paths import DEFAULT_CORPUS_DIR  # the CLI edge may know the project layout

    parser = argparse.ArgumentParser(prog="python -m ingest links",
                                     description="List every URL the reports cite in corpus/links.json.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR, help="corpus folder")
    args = parser.parse_args(argv)
    try:
        path = update_links_manifest(args.corpus)
        links = load_links(path)
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts: dict[str, int] = {}
    for link in links:
        counts[link.doc_id] = counts.get(link.doc_id, 0) + 1
    for doc_id, count in counts.items():
        print(f"{doc_id}: {count} URLs")
    print(f"Wrote {len(links)} links to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
