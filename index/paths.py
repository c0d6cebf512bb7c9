"""Where things live by default: the index inside the project folder, overridable by environment."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT / "corpus"


def default_index_dir() -> Path:
    """Gives the index folder: $PUENTE_INDEX if set, else var/index in the project (git ignores var/)."""
    return Path(os.environ.get("PUENTE_INDEX") or PROJECT_ROOT / "var" / "index")


def default_corpus_dir() -> Path:
    """Gives the corpus folder: $PUENTE_CORPUS if set, else corpus/ in the project."""
    return Path(os.environ.get("PUENTE_CORPUS") or DEFAULT_CORPUS_DIR)
