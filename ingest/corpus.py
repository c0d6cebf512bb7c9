"""Finding the documents of a corpus, attaching their metadata, and ingesting them into passages."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.errors import IngestError
from ingest.readers import SUPPORTED_SUFFIXES, html_title, pdf_title, read_pages
from ingest.records import Chunk, DocumentMeta

MANIFEST_NAME = "manifest.json"
# Notes about a corpus rather than documents of it; skipped unless a manifest lists them.
_NOTE_STEMS = {"readme", "seeds", "changelog", "license", "notes"}


def load_manifest(corpus_dir: Path | str) -> dict[Path, DocumentMeta]:
    """Return the manifest's documents keyed by their resolved path; an empty dict when there is none."""
    corpus_dir = Path(corpus_dir)
    manifest_path = corpus_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        return {}
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = data["documents"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IngestError(f"{manifest_path}: not a readable manifest ({exc})") from exc
    metas: dict[Path, DocumentMeta] = {}
    for entry in entries:
        if "path" not in entry or "doc_id" not in entry:
            raise IngestError(f"{manifest_path}: every document needs 'doc_id' and 'path' ({entry})")
        meta = DocumentMeta.from_dict({"title": entry["doc_id"], **entry})
        meta.from_manifest = True
        metas[(corpus_dir / entry["path"]).resolve()] = meta
    return metas


def discover(paths: list[Path | str], *, read_meta=None) -> list[tuple[Path, DocumentMeta]]:
    """Return the documents found under the given files and folders, each with its metadata.

    The rule: a file is a document when a manifest.json in its folder or an ancestor folder (up to
    the folder given) lists it, or when its extension is supported (.pdf, .txt, .md, .html, .htm)
    and it is not a note about the corpus (README, SEEDS, CHANGELOG, LICENSE, NOTES, any case) nor
    inside a hidden folder. manifest.json itself is never a document. Metadata comes from the
    manifest entry (matched by path relative to the manifest's folder) or, without one, from the
    file: PDF title metadata, HTML <title> or first heading, else the file name; doc_id is the
    file stem and from_manifest is False. sha256 is always computed from the bytes. read_meta replaces
    meta_from_file for files no manifest lists (the ingest pipeline reads them in a worker process).
    """
    found: dict[Path, DocumentMeta] = {}
    for root in (Path(p) for p in paths):
        if not root.exists():
            raise IngestError(f"{root}: no such file or folder")
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            resolved = path.resolve()
            if resolved in found or path.name == MANIFEST_NAME:
                continue
            meta = _manifest_entry(path, stop=root if root.is_dir() else root.parent)
            if meta is None and not _is_document_file(path, root):
                continue
            meta = meta or (read_meta or meta_from_file)(path)
            meta.sha256 = sha256_of(path)
            found[resolved] = meta
    return sorted(found.items(), key=lambda item: item[1].doc_id)


def _is_document_file(path: Path, root: Path) -> bool:
    """Return True for a supported file that is not a corpus note nor hidden."""
    relative = path.relative_to(root) if root.is_dir() else Path(path.name)
    if any(part.startswith(".") for part in relative.parts):
        return False
    return path.suffix.lower() in SUPPORTED_SUFFIXES and path.stem.lower() not in _NOTE_STEMS


def _manifest_entry(path: Path, *, stop: Path) -> DocumentMeta | None:
    """Return the entry for path in the nearest manifest between its folder and stop, or None."""
    resolved = path.resolve()
    stop = stop.resolve()
    for folder in [resolved.parent, *resolved.parent.parents]:
        metas = load_manifest(folder)
        if resolved in metas:
            meta = metas[resolved]
            meta.path = resolved.relative_to(folder).as_posix()
            return meta
        if folder == stop:
            break
    return None


def meta_from_file(path: Path) -> DocumentMeta:
    """Return metadata read from the file itself, for documents no manifest lists."""
    title = None
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        title = pdf_title(path)
    elif suffix in {".html", ".htm"}:
        title = html_title(path.read_text(encoding="utf-8", errors="replace"))
    if not title and suffix in {".txt", ".md", ".html", ".htm"}:
        title = _first_heading(path)
    return DocumentMeta(doc_id=path.stem, title=title or file_name_title(path),
                        path=path.name, from_manifest=False)


def file_name_title(path: Path | str) -> str:
    """Gives the title a document gets from its file name when nothing better is known ('ley-285_04' -> 'ley 285 04')."""
    return Path(path).stem.replace("_", " ").replace("-", " ")


def _first_heading(path: Path) -> str | None:
    """Return the first Markdown heading, <h1>, or first non-empty line of a text file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^#{1,6}\s+(.+)$", text, re.M) or re.search(r"<h1[^>]*>(.*?)</h1>", text, re.I | re.S)
    if match:
        return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() or None
    if path.suffix.lower() in {".html", ".htm"}:
        return None
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line[:120] or None


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_document(path: Path | str, meta: DocumentMeta, **chunk_settings) -> list[Chunk]:
    """Return the passages of one document: read -> clean -> structure -> chunk."""
    return chunk_document(meta, read_pages(path), **chunk_settings)
