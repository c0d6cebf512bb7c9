"""Plain aligned tables and the percentiles the benchmark prints (no assertions: figures only)."""
from __future__ import annotations

import statistics


def percentiles(values: list[float]) -> tuple[float, float]:
    """Gives the median and the 95th percentile (nearest rank, as bench.ui_latency) of some timings."""
    ordered = sorted(values)
    if not ordered:
        return float("nan"), float("nan")
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def megabytes(n_bytes: float) -> str:
    """Gives a byte count in MB (10^6) with one decimal, or in GB beyond 10 GB."""
    if n_bytes >= 10e9:
        return f"{n_bytes / 1e9:.1f} GB"
    return f"{n_bytes / 1e6:.1f} MB"


def table(title: str, headers: list[str], rows: list[list], note: str = "") -> str:
    """Gives a titled table with columns aligned (numbers right, text left) and an optional note below."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in rows) and rows for i in range(len(headers))]

    def line(row):
        return "  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))

    out = [f"== {title}", line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r).rstrip() for r in cells[1:]]
    if note:
        out += [f"   {n}" for n in note.splitlines()]
    return "\n".join(out) + "\n"


def _cell(value) -> str:
    if isinstance(value, float):
        if value != value:  # NaN: not measured
            return "-"
        magnitude = abs(value)
        decimals = 3 if magnitude < 1 else 2 if magnitude < 10 else 1 if magnitude < 100 else 0
        return f"{value:.{decimals}f}"
    return "-" if value is None else str(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
