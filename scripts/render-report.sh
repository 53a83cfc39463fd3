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
# Installs Debian's `chromium` (and python3) with apt-get, as root or with sudo, when missing.
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

find_browser() {
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then echo "$candidate"; return; fi
  done
}
browser="$(find_browser)"
missing=()
[[ -n "$browser" ]] || missing+=(chromium fonts-dejavu-core)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [[ ${#missing[@]} -gt 0 ]]; then
  command -v apt-get >/dev/null 2>&1 || { echo "error: ${missing[*]} missing and there is no apt-get to install them" >&2; exit 1; }
  sudo=""
  if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "Installing ${missing[*]} (Debian packages)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  browser="$(find_browser)"
fi

# SVG: at its own size; HTML: WIDTH CSS pixels wide (default 1280), full height.
case "$page" in
  *.svg) width=0 ;;
  *) width="${WIDTH:-1280}" ;;
esac
python3 "$(dirname "$0")/render_page.py" "$browser" "$page" "$out" "$width" "${SEGMENT:-0}"
