"""What the page does in the browser beyond Gradio: language markup, Gradio's own words in the interface
language, results brought into view on a phone, a status line for screen readers, exact-match-first filters.

PAGE_SETUP_JS runs once when the page loads (as the js of its first load event) and leaves its helpers on
window.puente; the other snippets are the js of events (Gradio runs them in the browser before, or instead
of, the Python function) and call those helpers.
"""
from __future__ import annotations

import json

from ui.i18n import TEXT

# The words the passage dialog writes itself (its content comes translated from the site: ui/context.py).
DIALOG_WORDS = ("context_title", "cite_title", "close", "loading", "passage_failed", "copied", "link_copied",
                "citation_copied", "copy_failed")

# Gradio writes these words into its components in English whatever the page's language (gradio 6.31);
# the page relabels them. Its other words come from its own translations, switched with its locale.
GRADIO_WORDS = {
    "Reset to default value": {"es": "Restablecer el valor predeterminado", "en": "Reset to default value"},
    "More tabs": {"es": "Más pestañas", "en": "More tabs"},
    "Copy table data": {"es": "Copiar los datos de la tabla", "en": "Copy table data"},
    "Fullscreen": {"es": "Pantalla completa", "en": "Fullscreen"},
    "Exit fullscreen mode": {"es": "Salir de pantalla completa", "en": "Exit fullscreen mode"},
    "Toggle Sidebar": {"es": "Mostrar u ocultar el panel", "en": "Toggle Sidebar"},
    "Close": {"es": "Cerrar", "en": "Close"},
    "Dismiss": {"es": "Descartar", "en": "Dismiss"},
    "Dataframe": {"es": "Tabla", "en": "Table"},
    "Open cell menu": {"es": "Abrir el menú de la celda", "en": "Open cell menu"},
    "Table actions": {"es": "Acciones de la tabla", "en": "Table actions"},
    "File upload": {"es": "Subir un archivo", "en": "File upload"},
    "Gradio footer navigation": {"es": "Enlaces al pie de la página", "en": "Footer links"},
}
# ... and these at the start of a label ("range slider for Número de pasajes").
GRADIO_PREFIXES = {
    "number input for ": {"es": "campo numérico: ", "en": "number input: "},
    "range slider for ": {"es": "control deslizante: ", "en": "range slider: "},
}

# Keys of Gradio's own translations that it lacks: without them it announces "common.complete" to screen
# readers after every event (gradio.I18n adds them to its dictionaries, see app.py).
GRADIO_TRANSLATIONS = {"es": {"common.complete": "Listo", "common.stop_recording": "Detener la grabación"},
                       "en": {"common.complete": "Done"}}

PAGE_SETUP_JS = """
() => {
  const words = %(words)s, prefixes = %(prefixes)s;
  const fold = (text) => (text || "").normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").replace("✓", "")
    .trim().toLowerCase();
  const state = {lang: null, started: false};
  const narrow = () => window.matchMedia("(max-width: 640px)").matches;

  function relabel(root) {
    if (!state.lang) return;
    for (const el of (root || document).querySelectorAll("[aria-label], [title]")) {
      for (const attr of ["aria-label", "title"]) {
        const value = el.getAttribute(attr), key = "puente" + attr.replace("-", "");
        const english = value && (el.dataset[key] || value);
        if (!english) continue;
        const prefix = Object.keys(prefixes).find((start) => english.startsWith(start));
        const wanted = words[english] ? words[english][state.lang]
          : prefix ? prefixes[prefix][state.lang] + english.slice(prefix.length) : null;
        if (wanted === null) continue;
        el.dataset[key] = english;
        if (value !== wanted) el.setAttribute(attr, wanted);
      }
    }
  }

  async function applyLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    try {  // Gradio's own strings: its locale follows the browser unless told (as its Settings panel does)
      const core = performance.getEntriesByType("resource").map((entry) => entry.name)
        .find((name) => /\\/assets\\/core-[^/]*\\.js$/.test(name));
      if (core) (await import(core)).changeLocale?.(lang);
    } catch (error) { console.warn("Puente: Gradio's locale could not be set", error); }
    if (state.lang !== lang) return;  // switched again meanwhile: that call finishes the work
    document.documentElement.lang = lang;  // Gradio's locale store also writes it
    relabel(document);
    if (!state.started) {
      // Gradio's status line still holds what it said as the page loaded, in the browser's language
      state.started = true;
      for (const region of document.querySelectorAll(".sr-only[role=status]")) {
        if (region.firstChild && region.firstChild.nodeType === Node.TEXT_NODE) region.firstChild.data = "";
      }
    }
  }

  function status() {
    let region = document.getElementById("pc-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "pc-status";
      region.className = "pc-sr";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  // While a search runs: on a phone the results area sits below the fold, so bring it (and Gradio's
  // spinner on it) into view.
  function revealPending(selector) {
    const area = document.querySelector(selector);
    if (!area) return;
    const top = area.getBoundingClientRect().top;
    if (top > window.innerHeight - 80) area.scrollIntoView({block: "start"});
  }

  // Once results (or a notice) arrive: scroll the first of them into view when it is not, say what came in
  // the status line, and on a phone move the focus there (it also closes the on-screen keyboard).
  function reveal(selector, summarySelector) {
    const area = document.querySelector(selector);
    const first = area && area.querySelector(".pc-card, .pc-msg, .pc-practice");
    const summary = document.querySelector(summarySelector || selector)?.querySelector(".pc-count, .pc-msg");
    if (summary) {
      const region = status();
      region.textContent = "";
      setTimeout(() => { region.textContent = summary.innerText.trim(); }, 50);
    }
    if (!first) return;
    const box = first.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 120) {
      (summary && area.contains(summary) ? summary : first).scrollIntoView({block: "start"});
    }
    if (narrow()) {
      const target = area.querySelector("[tabindex='-1']") || first;
      target.focus({preventScroll: true});
    }
  }

  // A filter's choices: typing "V" then Enter picks "V", not "IV" (Gradio takes the first choice containing
  // what was typed).
  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (event.key !== "Enter" || event.isComposing || !(input instanceof HTMLInputElement)
        || input.getAttribute("role") !== "combobox") return;
    const typed = fold(input.value);
    const block = input.closest(".block") || input.parentElement;
    const options = typed && block ? [...block.querySelectorAll("[role=option]")] : [];
    const exact = options.find((option) => fold(option.textContent) === typed);
    if (!exact || exact.classList.contains("active")) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    exact.dispatchEvent(new MouseEvent("mousedown", {bubbles: true, cancelable: true}));
  }, true);

  new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) {
      if (node.nodeType === 1) relabel(node.parentElement || node);
    }
  }).observe(document.body, {childList: true, subtree: true});

  // -- a passage's dialog: the passage in context, or its citation (HTML from the site's /page/passage, made by
  // ui/context.py); the cards' buttons act here by their data-pc-action; ?passage=<id> opens one on arrival
  const dialogWords = %(dialog)s;
  const say = (key) => (dialogWords[key] || {})[state.lang || "es"] || "";
  const shown = {chunk: null, show: null, opener: null};

  function passageDialog() {
    let dialog = document.getElementById("pc-dialog");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "pc-dialog";
    dialog.className = "pc-dialog";
    dialog.setAttribute("aria-labelledby", "pc-dialog-title");
    dialog.innerHTML = '<div class="pc-dialog-head"><h2 id="pc-dialog-title"></h2>'
      + '<button type="button" class="pc-action pc-dialog-close" data-pc-action="close"></button></div>'
      + '<div class="pc-dialog-body"></div><div class="pc-sr" role="status" id="pc-dialog-status"></div>';
    dialog.addEventListener("close", () => {
      setPassageParam(null);
      const opener = shown.opener;
      Object.assign(shown, {chunk: null, show: null, opener: null});
      if (opener && opener.isConnected) opener.focus();
    });
    // a click on the backdrop (outside the box) closes it too
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
    // inside Gradio's container: the page's colours (CSS variables) and its scoped styles reach it there
    (document.querySelector(".gradio-container .contain") || document.querySelector(".gradio-container")
     || document.body).appendChild(dialog);
    return dialog;
  }

  function setPassageParam(chunk) {
    const url = new URL(window.location.href);
    if (chunk) url.searchParams.set("passage", chunk); else url.searchParams.delete("passage");
    window.history.replaceState(null, "", url.toString());
  }

  function message(kind, text) {
    const note = document.createElement("div");
    note.className = "pc-msg pc-msg-" + kind;
    if (kind === "error") note.setAttribute("role", "alert");
    note.textContent = text;
    return note;
  }

  async function openPassage(chunk, show, opener) {
    const dialog = passageDialog();
    Object.assign(shown, {chunk, show});
    if (opener) shown.opener = opener;
    dialog.dataset.show = show;
    dialog.querySelector("#pc-dialog-title").textContent = say(show === "cite" ? "cite_title" : "context_title");
    dialog.querySelector(".pc-dialog-close").textContent = say("close");
    const body = dialog.querySelector(".pc-dialog-body");
    body.replaceChildren(message("hint", say("loading")));
    if (!dialog.open) dialog.showModal();
    if (show === "context") setPassageParam(chunk);
    const url = new URL("page/passage", window.location.href);
    url.search = new URLSearchParams({id: chunk, lang: state.lang || "es", show}).toString();
    let html = null;
    try {
      const response = await fetch(url, {headers: {Accept: "text/html"}});
      if (response.ok || response.status === 404) html = await response.text();
    } catch (error) { html = null; }
    if (shown.chunk !== chunk || shown.show !== show) return;  // another view was asked for meanwhile
    if (html === null) body.replaceChildren(message("error", say("passage_failed")));
    else body.innerHTML = html;  // the site's own HTML, report text escaped (ui/context.py)
    const current = body.querySelector("#pc-context-current");
    const target = current || body.querySelector("[data-pc-action=copy]") || body.querySelector(".pc-msg");
    if (current) current.scrollIntoView({block: "center"});
    if (target) {
      if (!target.matches("button, [tabindex]")) target.setAttribute("tabindex", "-1");
      target.focus({preventScroll: Boolean(current)});
    }
  }

  function announce(text) {
    const dialog = document.getElementById("pc-dialog");
    // while the dialog is open the rest of the page is inert: a status line outside it would not be heard
    const region = dialog && dialog.open ? dialog.querySelector("#pc-dialog-status") : status();
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 50);
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (error) {  // no clipboard API (a page served over plain http on a network): the old way
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "pc-sr";
      const dialog = document.getElementById("pc-dialog");
      (dialog && dialog.open ? dialog : document.body).appendChild(area);
      area.select();
      let copied = false;
      try { copied = document.execCommand("copy"); } catch (ignored) { copied = false; }
      area.remove();
      return copied;
    }
  }

  function copied(button, ok, key) {
    announce(say(ok ? key : "copy_failed"));
    if (!ok) return;
    if (!button.dataset.label) button.dataset.label = button.innerHTML;
    button.textContent = say("copied") + " ✓";
    button.dataset.copied = "1";
    clearTimeout(button.puenteTimer);
    button.puenteTimer = setTimeout(() => {
      button.innerHTML = button.dataset.label;
      delete button.dataset.label;
      delete button.dataset.copied;
    }, 2500);
  }

  function permalink(chunk) {
    const url = new URL(window.location.href);
    url.search = "?passage=" + encodeURIComponent(chunk);
    url.hash = "";
    return url.toString();
  }

  document.addEventListener("click", async (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-pc-action]") : null;
    if (!button) return;
    const action = button.dataset.pcAction;
    const chunk = button.closest("[data-chunk]")?.dataset.chunk;
    if (action === "close") {
      button.closest("dialog")?.close();
    } else if ((action === "context" || action === "cite") && chunk) {
      openPassage(chunk, action, button.closest("dialog") ? null : button);
    } else if (action === "link" && chunk) {
      copied(button, await copyText(permalink(chunk)), "link_copied");
    } else if (action === "copy") {
      const source = document.getElementById(button.dataset.copy);
      copied(button, Boolean(source) && await copyText(source.innerText.trim()), "citation_copied");
    }
  });

  const sharedPassage = new URLSearchParams(window.location.search).get("passage");
  if (sharedPassage) {  // once the page has loaded and knows its language
    const started = Date.now();
    const wait = setInterval(() => {
      if (!document.body.dataset.puenteReady && Date.now() - started < 60000) return;
      clearInterval(wait);
      openPassage(sharedPassage, "context", null);
    }, 100);
  }

  window.puente = {applyLanguage, language: () => state.lang, reveal, revealPending, status, openPassage};
  // Gradio's own words in the likely interface language from the start (the server confirms it), so that its
  // first announcements are not in the browser's language
  const browser = navigator.language || (navigator.languages || [""])[0] || "";
  const guess = [new URLSearchParams(window.location.search).get("lang"), browser]
    .map((tag) => (tag || "").toLowerCase().split("-")[0]).find((tag) => tag === "es" || tag === "en");
  applyLanguage(guess || "es");
  return [browser];
}
""" % {"words": json.dumps(GRADIO_WORDS, ensure_ascii=False), "prefixes": json.dumps(GRADIO_PREFIXES, ensure_ascii=False),
       "dialog": json.dumps({key: TEXT[key] for key in DIALOG_WORDS}, ensure_ascii=False)}

# The js of the language switch's change and of the page's load: the page applied its likely language as it
# loaded (PAGE_SETUP_JS), so the language the server confirms is applied only when it is another one.
APPLY_LANGUAGE_JS = """
(lang) => {
  if (window.puente && lang && lang !== window.puente.language()) window.puente.applyLanguage(lang);
  return [];
}
"""


def mark_languages_js(selector: str, languages: dict[str, str]) -> str:
    """Gives js that marks each element of selector whose text is a key of languages with that language
    (lang="en" on an English example in the Spanish page)."""
    return (f"() => {{ const languages = {json.dumps(languages, ensure_ascii=False)}; "
            f"for (const el of document.querySelectorAll({json.dumps(selector)})) {{ "
            f"const lang = languages[el.textContent.trim()]; if (lang) el.lang = lang; }} return []; }}")


def reveal_js(selector: str, summary: str | None = None) -> str:
    """Gives the js run after results are drawn in selector: bring the first into view and announce the count
    line or notice found in summary (default: selector itself); see PAGE_SETUP_JS."""
    return f"() => {{ window.puente?.reveal({json.dumps(selector)}, {json.dumps(summary)}); return []; }}"


def pending_js(selector: str, inputs: int) -> str:
    """Gives the js run as a search starts (before its Python function): bring the area being filled into
    view; it hands the event's first `inputs` values on unchanged."""
    return (f"(...values) => {{ window.puente?.revealPending({json.dumps(selector)}); "
            f"return values.slice(0, {inputs}); }}")
