#!/usr/bin/env bash
# Page weights for docs/PERFORMANCE.md: the busiest pages of each role on
# the prefecture-scale demo, as a browser receives them (gzip) and
# uncompressed, HTML only (the stylesheet and script are cached after the
# first page).
# Usage: bench/weights.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p $out
addr=127.0.0.1:18085
db=$(mktemp -d)/weights.db
go build -o $out/zhuxiang ./cmd/zhuxiang
$out/zhuxiang serve --demo --db "$db" --addr $addr >$out/weights.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$(dirname "$db")"' EXIT
for i in $(seq 1 100); do curl -fs http://$addr/healthz >/dev/null && break; sleep 0.2; done
jar() { echo "$(dirname "$db")/$1.jar"; }
for u in admin hejing org village kexie; do
  curl -fs -o /dev/null -c "$(jar $u)" -H "Origin: http://$addr" \
    --data-urlencode "name=$u" --data-urlencode "password=Demo@2026zx" --data-urlencode "next=/" http://$addr/login
done
weigh() { # user path
  local gz raw
  gz=$(curl -s -b "$(jar $1)" -H 'Accept-Encoding: gzip' -o /dev/null -w '%{http_code} %{size_download}' "http://$addr$2")
  raw=$(curl -s -b "$(jar $1)" -o /dev/null -w '%{size_download}' "http://$addr$2")
  printf '| %s | `%s` | %s | %s |\n' "$1" "$2" "${gz#* }" "$raw"
  [ "${gz%% *}" = 200 ] || echo "  (status ${gz%% *})"
}
open=$(curl -s -b "$(jar org)" "http://$addr/needs?status=open" | grep -o 'href="/needs/[0-9a-f]\{16\}"' | head -1 | cut -d'"' -f2)
echo "| user | page | gzip bytes | bytes |"
echo "|---|---|---|---|"
for u in admin hejing village org kexie; do weigh $u /; done
for u in admin hejing org; do weigh $u /needs; done
weigh org "$open"; weigh hejing "$open"
weigh admin /orgs; weigh hejing /orgs
weigh hejing /matches; weigh org /matches
weigh hejing /pairings
weigh admin /plan
weigh admin /audit
brand=$(curl -s "http://$addr/public/brands" | grep -o 'href="/public/brands/[0-9a-f]\{16\}"' | head -1 | cut -d'"' -f2)
weigh admin /brands; weigh village /brands; weigh admin "${brand#/public}"
weigh admin /cases; weigh kexie "/cases?unscored=1"; weigh org /cases
pubcase=$(curl -s "http://$addr/public/cases" | grep -o 'href="/public/cases/[0-9a-z]\{16,\}"' | head -1 | cut -d'"' -f2)
for p in /public /public/needs "${open/needs/public/needs}" /public/brands "$brand" /public/cases "$pubcase"; do # signed out
  gz=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://$addr$p")
  raw=$(curl -s -o /dev/null -w '%{size_download}' "http://$addr$p")
  printf '| (signed out) | `%s` | %s | %s |\n' "$p" "$gz" "$raw"
done
css=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' http://$addr/static/app.css)
js=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' http://$addr/static/app.js)
echo "static (once, then cached): app.css $css, app.js $js gzip bytes"
