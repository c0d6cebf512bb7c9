"""python -m bench.ingest_bench FOLDER: where ingest time goes on a folder of documents (figures only).

Reads every document the way `python -m ingest` does (discover, then each file in the isolated worker:
read, OCR of scanned pages, clean, cut), then embeds the passages and their sentences the way
index.build does (same texts, same batch size), timing each stage; nothing is written to an index.
Prints one line per file (passages, pages read by OCR, or the refusal) and the stage totals with texts/s.

    .venv/bin/python -m bench.ingest_bench ../shared/realpdfs
    .venv/bin/python -m bench.ingest_bench ../shared/realpdfs --suffix .pdf --max-passages 500 \
        --outcomes var/realpdfs-outcomes.txt
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.tables import table


@dataclass
class FileOutcome:
    """What reading one file gave: passages (and how many came from OCR) or the refusal's reason."""

    name: str
    seconds: float
    passages: int = 0
    ocr_passages: int = 0
    refusal: str = ""

    def result(self) -> str:
        if self.refusal:
            return f"refused: {self.refusal}"
        ocr = f" ({self.ocr_passages} from OCR)" if self.ocr_passages else ""
        return f"{self.passages} passage{'' if self.passages == 1 else 's'}{ocr}"


def read_folder(folder: Path, limits=None, suffix: str = "") -> tuple[list[FileOutcome], list, list, float]:
    """Gives each file's outcome, the documents read (meta, chunks), the metas, and the wall time of reading.

    suffix (".pdf") keeps only the files whose name ends so; "" reads every document ingest would.
    """
    from ingest.corpus import discover
    from ingest.errors import IngestError
    from ingest.isolation import DocumentParser
    from index.pipeline import DEFAULT_CHUNKING

    started = time.perf_counter()
    outcomes, documents = [], []
    with DocumentParser(limits) as parser:
        found = [(path, meta) for path, meta in discover([folder], read_meta=parser.read_meta)
                 if path.name.lower().endswith(suffix.lower())]
        for path, meta in found:
            began = time.perf_counter()
            try:
                parsed = parser.parse(path, meta, dict(DEFAULT_CHUNKING))
            except IngestError as exc:
                outcomes.append(FileOutcome(path.name, time.perf_counter() - began,
                                            refusal=getattr(exc, "reason", str(exc))))
                continue
            outcomes.append(FileOutcome(path.name, time.perf_counter() - began, len(parsed.chunks),
                                        sum(chunk.ocr for chunk in parsed.chunks)))
            documents.append((meta, parsed.chunks))
    return outcomes, documents, [meta for meta, _ in documents], time.perf_counter() - started


def embed_stages(documents: list, embedder, max_passages: int | None, batch_size: int = 32) -> list[list]:
    """Gives table rows (stage, texts, seconds, texts/s) for embedding passages, then their sentences."""
    from index.build import law_titles, passage_texts, split_sentences

    chunks = [chunk for _, doc_chunks in documents for chunk in doc_chunks][:max_passages]
    texts = passage_texts(chunks, law_titles(meta for meta, _ in documents))
    sentences = [s for chunk in chunks for s in split_sentences(chunk.text)]
    rows = []
    for stage, batch in (("embed passages", texts), ("embed sentences", sentences)):
        began = time.perf_counter()
        embedder.encode_passages(batch, batch_size=batch_size, show_progress=False)
        seconds = time.perf_counter() - began
        rows.append([stage, len(batch), seconds, len(batch) / seconds if seconds else float("nan")])
    return rows


def outcome_table(outcomes: list[FileOutcome]) -> str:
    """Gives the per-file table: file, read time, passages or the refusal."""
    rows = [[o.name, o.seconds, o.result()] for o in sorted(outcomes, key=lambda o: o.name)]
    refused = sum(1 for o in outcomes if o.refusal)
    return table("files", ["file", "read s", "passages or refusal"], rows,
                 note=f"{len(outcomes) - refused} read, {refused} refused")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of documents (PDFs, texts) to read")
    parser.add_argument("--model", default=None, help="embedding model (default: Puente's offline default)")
    parser.add_argument("--max-passages", type=int, default=None,
                        help="embed only the first N passages (and their sentences): a quicker estimate")
    parser.add_argument("--suffix", default="", help="read only files ending so, e.g. .pdf (default: every "
                                                      "document ingest would read)")
    parser.add_argument("--no-embed", action="store_true", help="measure reading only")
    parser.add_argument("--outcomes", type=Path, default=None, help="also write the per-file table here")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2

    outcomes, documents, _, read_seconds = read_folder(args.folder, suffix=args.suffix)
    per_file = outcome_table(outcomes)
    print(per_file)
    if args.outcomes:
        args.outcomes.parent.mkdir(parents=True, exist_ok=True)
        args.outcomes.write_text(per_file, encoding="utf-8")
    passages = sum(o.passages for o in outcomes)
    rows = [["read (worker: read, OCR, clean, cut)", passages, read_seconds, passages / read_seconds]]
    if not args.no_embed and documents:
        from index.embedder import load_embedder

        began = time.perf_counter()
        embedder = load_embedder(args.model)
        load_seconds = time.perf_counter() - began
        rows += embed_stages(documents, embedder, args.max_passages)
        note = f"model load {load_seconds:.1f} s (not counted above)"
        if args.max_passages:
            note += f"; embedding measured on the first {args.max_passages} of {passages} passages"
    else:
        note = "embedding not measured (--no-embed)"
    embedded = [r for r in rows[1:]]
    if embedded:
        n = sum(r[1] for r in embedded)
        seconds = sum(r[2] for r in embedded)
        rows.append(["embed, all texts", n, seconds, n / seconds if seconds else float("nan")])
    print(table(f"ingest stages on {args.folder}", ["stage", "texts", "seconds", "texts/s"], rows, note=note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
