#!/usr/bin/env bash
# Sets up Puente in .venv: CPU torch first (any other torch spec pulls GBs of CUDA wheels), then the project.
# Also Debian's tesseract-ocr (OCR of scanned pages); with --test, the test extras, Debian's chromium
# for the browser tests and npm's axe-core (in tests/js/) for their accessibility checks.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
pip() { .venv/bin/python -m pip --disable-pip-version-check -q "$@"; }

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
pip install torch==2.13.0
# Tesseract reads scanned pages (OCR) at ingest; without it a scanned PDF is refused with this hint
if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx spa; then
    echo "Installing Debian's tesseract-ocr (Spanish and English) for scanned pages..."
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng >/dev/null
fi
if [ "$want_tests" = 1 ]; then
    pip install -e ".[test]"
    if [ ! -x /usr/bin/chromium ]; then
        echo "Installing Debian's chromium for the browser tests..."
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
    # axe-core, the accessibility checker the browser tests inject into the page (tests/js/package-lock.json)
    if ! command -v npm >/dev/null; then
        echo "Installing Debian's npm for the browser tests' accessibility checker..."
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq npm >/dev/null
    fi
    (cd tests/js && npm ci --no-audit --no-fund --silent)
else
    pip install -e .
fi
echo "Puente is set up in .venv"
