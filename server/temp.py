"""Puente's own folder for the files a running page makes (uploads, Gradio's cache, exports): one per port,
emptied at start, so that nothing a previous process left (even after kill -9) piles up in the shared /tmp."""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

LOCK_NAME = ".lock"
_held = []  # the lock files of this process's folders: held (open) as long as the process lives


class TempFolderBusy(RuntimeError):
    """Another running Puente uses the folder; the message names it."""


def prepare_temp_folder(port: int, root: Path | None = None) -> Path:
    """Gives this server's own temporary folder, emptied, and points Gradio and tempfile into it.

    root is $PUENTE_TEMP, else puente-<uid> in the system's temporary folder; the folder is root/port-<port>,
    readable by this user only. Raises TempFolderBusy when another process holds it.
    """
    root = Path(root or os.environ.get("PUENTE_TEMP") or Path(tempfile.gettempdir()) / f"puente-{os.getuid()}")
    folder = root / f"port-{port}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = open(folder / LOCK_NAME, "w")  # noqa: SIM115 - kept open for the life of the process
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise TempFolderBusy(f"Another running Puente uses {folder}; stop it or choose another port.") from None
    _held.append(lock)
    for entry in folder.iterdir():
        if entry.name == LOCK_NAME:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    for name in ("gradio", "tmp"):
        (folder / name).mkdir(mode=0o700, exist_ok=True)
    # Gradio reads its cache folder from the environment whenever it needs it; exports use tempfile's folder
    os.environ["GRADIO_TEMP_DIR"] = str(folder / "gradio")
    tempfile.tempdir = str(folder / "tmp")
    return folder
