"""Adding a maintainer's upload to the corpus: password check, file name, metadata, manifest entry.

Pure functions over a corpus folder, so that they can be tested without a browser; the Admin tab
(ui/admin_tab.py) calls them and then runs the ingest. Every refusal is an UploadError carrying the
i18n key of its message, so that the page says it in the maintainer's language.
"""
from __future__ import annotations

import hmac
import json
import os
import re
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ingest.corpus import MANIFEST_NAME
from ui.i18n import roman_value

ALLOWED_SUFFIXES = (".pdf", ".txt", ".html", ".htm")
MAX_UPLOAD_MB = 50  # the largest published plenary report is a few MB
MAX_NAME_CHARS = 80
MAX_FIELD_CHARS = {"title": 300, "city": 120, "source": 500}
YEARS = (1990, 2100)  # the CRM met first in 1996, the CSM in 2000
DOC_LANGUAGES = ("es", "en")
DOC_TYPES = ("report", "linked")
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?:/\d{4}-\d{2}-\d{2})?")


class UploadError(Exception):
    """An upload refused: key names the message in ui.i18n.TEXT, values fill it in."""

    def __init__(self, key: str, **values):
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True)
class AdminSettings:
    """What the Admin tab needs: the password that unlocks it, the corpus it writes into, the size limit."""

    password: str
    corpus_dir: Path
    max_upload_mb: int = MAX_UPLOAD_MB
    # given a request's Cookie header, True when it carries a signed-in admin's session (server.admin_gate);
    # without it no upload is accepted
    signed_in: Callable[[str | None], bool] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_environment(cls, corpus_dir: Path) -> "AdminSettings | None":
        """Gives the settings when $PUENTE_ADMIN_PASSWORD is set (and not empty), else None: no Admin tab."""
        password = os.environ.get("PUENTE_ADMIN_PASSWORD", "")
        return cls(password=password, corpus_dir=Path(corpus_dir)) if password else None


@dataclass(frozen=True)
class AddedDocument:
    """A document written into the corpus: its file and its manifest entry."""

    path: Path
    entry: dict

    @property
    def doc_id(self) -> str:
        return self.entry["doc_id"]


def password_matches(given: str | None, expected: str) -> bool:
    """Gives True when the password given is the configured one; compared in constant time."""
    return hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))


def safe_file_name(name: str) -> str:
    """Gives a file name safe to write into the corpus: last path part only, ASCII, lower case, no dots first.

    "../../etc/Informe VI Plenaria (2025).PDF" gives "informe-vi-plenaria-2025.pdf". Raises UploadError for
    an unsupported extension or a name with nothing usable left.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    folded = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii").lower()
    stem, dot, suffix = folded.rpartition(".")
    suffix = f".{suffix}" if dot else ""
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError("upload_type", types=", ".join(ALLOWED_SUFFIXES), name=base)
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:MAX_NAME_CHARS].strip("-")
    if not stem:
        raise UploadError("upload_name", name=base)
    return stem + suffix


def manifest_entry(doc_id: str, path: str, *, title: str, plenary: str = "", year=None, city: str = "",
                   dates: str = "", language: str = "es", doc_type: str = "report", source: str = "") -> dict:
    """Gives the corpus manifest entry for a document (the format of corpus/manifest.json), checked.

    Empty optional fields are left out; raises UploadError naming the first field that is wrong.
    """
    title, plenary, city, dates, source = (str(v or "").strip() for v in (title, plenary, city, dates, source))
    if not title:
        raise UploadError("meta_title")
    for field_name, value in (("title", title), ("city", city), ("source", source)):
        if len(value) > MAX_FIELD_CHARS[field_name]:
            raise UploadError("meta_too_long", field=field_name, limit=MAX_FIELD_CHARS[field_name])
    if plenary and (roman_value(plenary) == 0 or not plenary.isalpha()):
        raise UploadError("meta_plenary", value=plenary)
    if dates and not _DATES.fullmatch(dates):
        raise UploadError("meta_dates", value=dates)
    if language not in DOC_LANGUAGES:
        raise UploadError("meta_choice", field="language", value=language)
    if doc_type not in DOC_TYPES:
        raise UploadError("meta_choice", field="doc_type", value=doc_type)
    entry = {"doc_id": doc_id, "path": path, "title": title}
    if plenary:
        entry["plenary"] = plenary.upper()
    if year not in (None, ""):
        entry["year"] = _year(year)
    entry.update({k: v for k, v in (("city", city), ("dates", dates)) if v})
    entry.update(language=language, doc_type=doc_type)
    if source:
        entry["source"] = source
    return entry


def _year(value) -> int:
    try:
        year = int(float(value))
    except (TypeError, ValueError, OverflowError):
        raise UploadError("meta_year", low=YEARS[0], high=YEARS[1], value=value) from None
    if not (YEARS[0] <= year <= YEARS[1]) or float(value) != year:
        raise UploadError("meta_year", low=YEARS[0], high=YEARS[1], value=value)
    return year


def check_upload(upload: Path, max_mb: int) -> None:
    """Raises UploadError unless the uploaded file is under the size limit and, for a PDF, looks like one."""
    upload = Path(upload)
    size = upload.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise UploadError("upload_too_big", size=f"{size / 1024 / 1024:.1f}", limit=max_mb)
    if upload.suffix.lower() == ".pdf":
        with open(upload, "rb") as handle:
            if b"%PDF-" not in handle.read(1024):  # the header may follow a few bytes of junk
                raise UploadError("upload_not_pdf", name=upload.name)


def check_readable(path: Path) -> None:
    """Raises UploadError unless ingest can read text from the file (a scanned PDF has none)."""
    from ingest.isolation import EMPTY, NO_TEXT_LAYER, DocumentParser, DocumentRejected, read_checked

    # An upload is untrusted: it is read in the worker process, under ingest's time and memory limits,
    # never inside the web server.
    try:
        with DocumentParser() as parser:
            parser.run(read_checked, path)
    except DocumentRejected as exc:
        if exc.kind in (EMPTY, NO_TEXT_LAYER):
            raise UploadError("upload_no_text") from exc
        raise UploadError("upload_unreadable", reason=exc.reason) from exc


def read_corpus_manifest(corpus_dir: Path) -> dict:
    """Gives corpus_dir/manifest.json as a dict ({"format": 1, "documents": []} when there is none)."""
    path = Path(corpus_dir) / MANIFEST_NAME
    if not path.exists():
        return {"format": 1, "documents": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("documents"), list):
            raise ValueError("no list of documents")
    except (OSError, ValueError, AttributeError) as exc:
        raise UploadError("upload_manifest", reason=f"{path}: {exc}") from exc
    return data


def write_corpus_manifest(corpus_dir: Path, data: dict) -> None:
    """Rewrites corpus_dir/manifest.json atomically: a reader sees the old file or the new, never half.

    The new file keeps the old one's permissions (a temporary file is made readable by its owner only);
    a first manifest is readable by all (0644), like the reports beside it.
    """
    path = Path(corpus_dir) / MANIFEST_NAME
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o644
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".manifest-",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise UploadError("upload_manifest", reason=str(exc)) from exc


def add_to_corpus(corpus_dir: Path, upload: Path, original_name: str, metadata: dict, *,
                  max_mb: int = MAX_UPLOAD_MB) -> AddedDocument:
    """Gives the document written into corpus_dir: the upload saved under a safe name, its entry appended
    to the manifest. Nothing is left behind when it is refused (UploadError).

    metadata holds the keyword arguments of manifest_entry (title, plenary, year, ...). The doc_id is the
    safe file name's stem; a file or doc_id the corpus already has is refused, never overwritten.
    """
    corpus_dir = Path(corpus_dir).resolve()
    name = safe_file_name(original_name)
    target = corpus_dir / name
    if target.parent != corpus_dir:  # safe_file_name already stripped folders; belt and braces
        raise UploadError("upload_name", name=original_name)
    doc_id = target.stem
    entry = manifest_entry(doc_id, name, **metadata)
    check_upload(Path(upload), max_mb)
    manifest = read_corpus_manifest(corpus_dir)
    taken_ids = {str(d.get("doc_id")).lower() for d in manifest["documents"]}
    taken_stems = {p.stem.lower() for p in corpus_dir.iterdir()}  # files without an entry take their stem
    if doc_id in taken_ids or doc_id in taken_stems:
        raise UploadError("upload_exists", name=name)
    # Copy under a hidden name first (ingest skips hidden files), check it, then link it into place:
    # os.link fails if the name was taken meanwhile, so nothing is ever overwritten.
    staging = corpus_dir / f".upload-{uuid.uuid4().hex}{target.suffix}"
    try:
        staging.write_bytes(Path(upload).read_bytes())
        check_readable(staging)
        try:
            os.link(staging, target)
        except FileExistsError:
            raise UploadError("upload_exists", name=name) from None
        except OSError:  # a file system without hard links: check, then rename (a race is unlikely here)
            if target.exists():
                raise UploadError("upload_exists", name=name) from None
            os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    try:
        manifest["documents"].append(entry)
        write_corpus_manifest(corpus_dir, manifest)
    except UploadError:
        target.unlink(missing_ok=True)
        raise
    return AddedDocument(target, entry)


def remove_from_corpus(corpus_dir: Path, added: AddedDocument) -> None:
    """Takes a document add_to_corpus wrote out again: its manifest entry, then its file."""
    manifest = read_corpus_manifest(corpus_dir)
    manifest["documents"] = [d for d in manifest["documents"] if d.get("doc_id") != added.doc_id]
    write_corpus_manifest(corpus_dir, manifest)
    added.path.unlink(missing_ok=True)
