"""python -m bench.ingest_bench FOLDER: where ingest time goes on a folder of documents (figures only).

Reads every document the way `python -m ingest` does (discover, then each file in the isolated worker:
read, OCR of scanned pages, clean, cut), then embeds the passages and their sentences the way
index.build does (same texts, same batch size, each distinct text once), timing each stage; nothing is
written to an index. Prints one row per file (outcome, pages, passages, the reason of a refusal or a
warning), the count of each outcome, and the stage totals with texts/s.

    .venv/bin/python -m bench.ingest_bench ../shared/realpdfs --suffix .pdf
    .venv/bin/python -m bench.ingest_bench ../shared/realpdfs --suffix .pdf --compare 150 --outcomes var/outcomes.txt

--group-by characters embeds as Puente did before (sentence-transformers' own batching, by length in
characters); --compare N times both ways on the same N passages (spread over the folder) and their
sentences, in this one process, alternating, and prints the ratio and how far apart the vectors are.
The padded-token table needs no timing at all: it counts the tokens the model runs with each batching.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.tables import table

READ = "read"
NO_WORDS = "read, no words"  # opened, but no words on any page even by OCR: indexed without passages
REFUSED = "refused"
GROUPINGS = ("tokens", "characters")


@dataclass
class FileOutcome:
    """What reading one file gave: passages (and how many came from OCR), a warning, or the refusal."""

    name: str
    seconds: float
    outcome: str = READ
    pages: int | None = None  # None: not known (refused, or not paginated)
    passages: int = 0
    ocr_passages: int = 0
    ocr_pages: int = 0
    reason: str = ""  # the refusal's reason, or the warnings of a document that was read

    def passages_cell(self) -> str:
        return f"{self.passages} ({self.ocr_passages} OCR)" if self.ocr_passages else str(self.passages)


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
                outcomes.append(FileOutcome(path.name, time.perf_counter() - began, REFUSED,
                                            reason=getattr(exc, "reason", str(exc))))
                continue
            outcomes.append(FileOutcome(path.name, time.perf_counter() - began,
                                        READ if parsed.chunks else NO_WORDS, parsed.pages or None,
                                        len(parsed.chunks), sum(chunk.ocr for chunk in parsed.chunks),
                                        parsed.ocr_pages, "; ".join(parsed.warnings)))
            documents.append((meta, parsed.chunks))
    return outcomes, documents, [meta for meta, _ in documents], time.perf_counter() - started


def _texts(documents: list, max_passages: int | None = None, spread: int | None = None) -> tuple[list, list]:
    """Gives the embedding texts of the passages (the first max_passages, or spread of them taken evenly
    over the folder) and their sentences, as index.build makes them."""
    from index.build import law_titles, passage_texts, split_sentences

    chunks = [chunk for _, doc_chunks in documents for chunk in doc_chunks]
    if spread:
        chunks = chunks[::max(1, len(chunks) // spread)][:spread]
    chunks = chunks[:max_passages]
    texts = passage_texts(chunks, law_titles(meta for meta, _ in documents))
    return texts, [s for chunk in chunks for s in split_sentences(chunk.text)]


def _encoder(embedder, batch_size: int, group_by: str):
    return lambda texts: embedder.encode_passages(texts, batch_size=batch_size, show_progress=False,
                                                  group_by=group_by)


def embed_stages(documents: list, embedder, max_passages: int | None, batch_size: int = 32,
                 group_by: str = "tokens") -> list[list]:
    """Gives table rows (stage, texts, distinct texts embedded, seconds, texts/s) for embedding the passages,
    then the sentences not already embedded, as index.build does (one vector per distinct text)."""
    from index.build import embed_missing

    texts, sentences = _texts(documents, max_passages)
    encode, known, rows = _encoder(embedder, batch_size, group_by), {}, []
    for stage, batch in (("embed passages", texts), ("embed sentences", sentences)):
        began = time.perf_counter()
        embedded = embed_missing(batch, known, encode)
        seconds = time.perf_counter() - began
        rows.append([stage, len(batch), embedded, seconds, len(batch) / seconds if seconds else float("nan")])
    return rows


def padding_rows(documents: list, embedder, batch_size: int = 32) -> list[list]:
    """Gives rows (batching, tokens in the texts, tokens the model runs, ratio) for the distinct texts of a
    folder: the work each batching costs, whatever else the machine is doing."""
    from index.embedder import length_batches

    texts, sentences = _texts(documents)
    distinct = list(dict.fromkeys(texts + sentences))
    cap = embedder.info.max_tokens
    tokens = [min(n, cap) for n in embedder.count_tokens(distinct)]
    by_characters = sorted(range(len(distinct)), key=lambda i: -len(distinct[i]))  # sentence-transformers'
    rows = []
    for name, batches in (("by characters (before)", [by_characters[i:i + batch_size]
                                                      for i in range(0, len(distinct), batch_size)]),
                          ("by tokens (now)", length_batches(tokens, batch_size))):
        padded = sum(max(tokens[i] for i in batch) * len(batch) for batch in batches)
        rows.append([name, sum(tokens), padded, padded / max(1, sum(tokens))])
    return rows


def compare(documents: list, embedder, n: int, rounds: int = 3, batch_size: int = 32) -> str:
    """Gives a table timing, in this process and alternately, the embedding of the same n passages (spread
    over the folder) and their sentences as the previous build did (sentence-transformers' batching by
    characters, passages then sentences, each kind's repeats once) and as index.build does now."""
    import numpy as np

    from index.build import embed_missing, vectors_of

    texts, sentences = _texts(documents, spread=n)
    everything = texts + sentences
    dim = embedder.info.dimension

    def before():
        encode = _encoder(embedder, batch_size, "characters")
        passages, known = {}, {}
        embedded = embed_missing(texts, passages, encode) + embed_missing(sentences, known, encode)
        return embedded, np.concatenate([vectors_of(texts, passages, dim), vectors_of(sentences, known, dim)])

    def now():
        known = {}
        embedded = embed_missing(everything, known, _encoder(embedder, batch_size, "tokens"))
        return embedded, vectors_of(everything, known, dim)

    embedder.encode_passages(texts[:4], show_progress=False)  # warm up
    seconds: dict[str, list[float]] = {"before": [], "now": []}
    cpu: dict[str, list[float]] = {"before": [], "now": []}  # steadier than wall time on a shared machine
    vectors, embedded = {}, {}
    for _ in range(rounds):
        for name, run in (("before", before), ("now", now)):
            began, began_cpu = time.perf_counter(), time.process_time()
            embedded[name], vectors[name] = run()
            seconds[name].append(time.perf_counter() - began)
            cpu[name].append(time.process_time() - began_cpu)
    best = {name: min(times) for name, times in seconds.items()}
    best_cpu = {name: min(times) for name, times in cpu.items()}
    rows = [[f"{name}: {how}", len(everything), embedded[name], best[name], best_cpu[name],
             len(everything) / best[name]]
            for name, how in (("before", "sentence-transformers' batching by characters, per kind"),
                              ("now", "index.build: by tokens, one call, each text once"))]
    cosine = (vectors["before"] * vectors["now"]).sum(axis=1)
    note = (f"same process, alternating, best of {rounds}: now takes {best['now'] / best['before']:.2f} of the "
            f"time before ({best['before'] / best['now']:.2f}x faster), {best_cpu['now'] / best_cpu['before']:.2f} "
            f"of its processor time; all runs (wall s): "
            + ", ".join(f"{k} {' '.join(f'{s:.1f}' for s in v)}" for k, v in seconds.items())
            + f"\nvectors: largest difference {np.abs(vectors['before'] - vectors['now']).max():.1e}, "
              f"lowest cosine {cosine.min():.7f} ({len(everything)} texts)")
    return table(f"embedding {len(texts)} passages spread over the folder, and their {len(sentences)} sentences",
                 ["how", "texts", "embedded", "seconds", "CPU s", "texts/s"], rows, note=note)


def outcome_table(outcomes: list[FileOutcome]) -> str:
    """Gives the per-file table (file, outcome, pages, passages, OCR pages, read time, reason), then the
    count of each outcome."""
    rows = [[o.name, o.outcome, o.pages, o.passages_cell(), o.ocr_pages or "", o.seconds, o.reason]
            for o in sorted(outcomes, key=lambda o: o.name)]
    counts = {kind: sum(o.outcome == kind for o in outcomes) for kind in (READ, NO_WORDS, REFUSED)}
    note = (f"{len(outcomes)} files: " + ", ".join(f"{n} {kind}" for kind, n in counts.items())
            + f"; {sum(o.passages for o in outcomes)} passages")
    return table("files", ["file", "outcome", "pages", "passages", "OCR pages", "read s", "reason or warning"],
                 rows, note=note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of documents (PDFs, texts) to read")
    parser.add_argument("--model", default=None, help="embedding model (default: Puente's offline default)")
    parser.add_argument("--max-passages", type=int, default=None,
                        help="embed only the first N passages (and their sentences): a quicker estimate")
    parser.add_argument("--suffix", default="", help="read only files ending so, e.g. .pdf (default: every "
                                                      "document ingest would read)")
    parser.add_argument("--no-embed", action="store_true", help="measure reading only")
    parser.add_argument("--group-by", choices=GROUPINGS, default="tokens",
                        help="how texts are batched: tokens (Puente now) or characters (sentence-transformers' "
                             "own, as before)")
    parser.add_argument("--compare", type=int, metavar="N", default=0,
                        help="also time both batchings on N passages and their sentences, in this process "
                             "(with --no-embed, only that)")
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
    rows = [["read (worker: read, OCR, clean, cut)", passages, None, read_seconds, passages / read_seconds]]
    extra, note = [], "embedding not measured (--no-embed)"
    if passages and (args.compare or not args.no_embed):
        from index.embedder import load_embedder

        began = time.perf_counter()
        embedder = load_embedder(args.model)
        load_seconds = time.perf_counter() - began
        if not args.no_embed:
            rows += embed_stages(documents, embedder, args.max_passages, group_by=args.group_by)
            note = f"batched by {args.group_by}; model load {load_seconds:.1f} s (not counted above)"
            if args.max_passages:
                note += f"; embedding measured on the first {args.max_passages} of {passages} passages"
        extra.append(table("tokens the model runs over the distinct texts (batches of 32, padding included)",
                           ["batching", "tokens", "padded tokens", "ratio"], padding_rows(documents, embedder)))
        if args.compare:
            extra.append(compare(documents, embedder, args.compare))
    embedded = rows[1:]
    if embedded:
        n = sum(r[1] for r in embedded)
        seconds = sum(r[3] for r in embedded)
        rows.append(["embed, all texts", n, sum(r[2] for r in embedded), seconds,
                     n / seconds if seconds else float("nan")])
    print(table(f"ingest stages on {args.folder}", ["stage", "texts", "embedded", "seconds", "texts/s"], rows,
                note=note))
    for block in extra:
        print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
