#!/usr/bin/env bash
# Renders a report (DIR/index.html) or a single SVG/HTML file to a full-page PNG with
# headless Chromium, for looking at the result the way a reader's browser shows it.
# Needs python3 (standard library) to drive Chromium: scripts/render_page.py.
#
#   scripts/render-report.sh DIR [OUT.png]         # default OUT: DIR/index.png
#   scripts/render-report.sh FILE.svg [OUT.png]    # one chart, at its own size
#   WIDTH=1280 scripts/render-report.sh DIR        # viewport width in CSS pixels
#   SEGMENT=1400 scripts/render-report.sh DIR      # also OUT-01.png, OUT-02.png, ... slices
#
# Installs Debian's `chromium` with apt-get (as root, or with sudo) when it is missing.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 DIR|FILE.svg|FILE.html [OUT.png]" >&2
  exit 2
fi
target="$1"
if [[ -d "$target" ]]; then
  page="$(cd "$target" && pwd)/index.html"
  out="${2:-$target/index.png}"
elif [[ -f "$target" ]]; then
  page="$(cd "$(dirname "$target")" && pwd)/$(basename "$target")"
  out="${2:-${target%.*}.png}"
else
  echo "error: $target is neither a directory nor a file" >&2
  exit 1
fi
[[ -f "$page" ]] || { echo "error: $page does not exist" >&2; exit 1; }

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
if [[ -z "$browser" ]]; then
  command -v apt-get >/dev/null 2>&1 || { echo "error: chromium is missing and there is no apt-get to install it" >&2; exit 1; }
  sudo=""
  if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: need root or sudo to install chromium" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "Installing chromium (Debian package)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  browser=chromium
fi

command -v python3 >/dev/null 2>&1 || { echo "error: python3 is needed to drive chromium" >&2; exit 1; }
# SVG: at its own size; HTML: WIDTH CSS pixels wide (default 1280), full height.
case "$page" in
  *.svg) width=0 ;;
  *) width="${WIDTH:-1280}" ;;
esac
python3 "$(dirname "$0")/render_page.py" "$browser" "$page" "$out" "$width" "${SEGMENT:-0}"
