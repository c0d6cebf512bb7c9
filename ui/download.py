"""Export buttons that write their file only when clicked, then hand it to the browser as a download.

A search used to write its CSV and JSON files, and send both, every time: most searches are never
exported, yet the two files (written, copied into Gradio's cache, then fetched by an API client) added more
to each search's round trip than the search itself (python -m bench.ui_latency). Here a click runs the
export function and a script in the page saves the file it returns.
Gradio has no download button that builds its file on click (gradio-app/gradio#9230), hence the pair of
a plain button and a hidden file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import gradio as gr

# Runs in the browser once the export has been written: saves it under its own name (puente-<query>.csv).
SAVE_FILE_JS = """
(file) => {
  if (file && file.url) {
    const link = document.createElement("a");
    link.href = file.url;
    link.download = file.orig_name || "";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  return [];
}
"""


@dataclass
class ExportButton:
    """A button that downloads a file made on click, and the hidden file component that carries it."""

    button: gr.Button
    file: gr.File

    def on_click(self, make_file: Callable[..., str | None], inputs: list) -> None:
        """Wires the click: make_file(*inputs) gives the path to download (None: nothing to download)."""
        # queue=False: writing a few kB is quick, and an export must not wait behind searches
        written = self.button.click(make_file, inputs, [self.file], queue=False, api_visibility="private")
        written.then(None, [self.file], None, js=SAVE_FILE_JS)


def export_button(label: str, elem_id: str, *, visible: bool = False) -> ExportButton:
    """Gives a small export button in the current layout (hidden at first unless visible)."""
    button = gr.Button(label, visible=visible, size="sm", scale=0, min_width=150, elem_id=elem_id)
    return ExportButton(button, gr.File(visible=False, elem_id=f"{elem_id}-file"))
