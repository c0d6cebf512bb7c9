#!/usr/bin/env bash
# Sets up Puente in .venv: CPU torch first (any other torch spec pulls GBs of CUDA wheels), then the project.
# Also Debian's tesseract-ocr (OCR of scanned pages); with --test, the test extras and Debian's chromium
# for the browser tests.
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
else
    pip install -e .
fi
echo "Puente is set up in .venv"
