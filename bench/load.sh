#!/usr/bin/env bash
# Load run for docs/PERFORMANCE.md: the organization list page with a
# search, under wrk on loopback, with 100 000 organizations in SQLite.
# Usage: bench/load.sh [seconds]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
out=bench/out
mkdir -p $out
db=$out/region.db
addr=127.0.0.1:18080
go build -o $out/zhuxiang ./cmd/zhuxiang
if [ ! -f $db ]; then
  $out/zhuxiang demo --scale region --db $db >/dev/null
fi
$out/zhuxiang serve --db $db --addr $addr >$out/serve.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 1 50); do curl -fs http://$addr/healthz >/dev/null && break; sleep 0.2; done
# The search index is built in the background at start; measure after it.
for i in $(seq 1 100); do grep -q "search index ready" $out/serve.log && break; sleep 0.2; done
grep "search index ready" $out/serve.log || true

login() { # prints the session token of user $1
  local jar; jar=$(mktemp)
  curl -fs -o /dev/null -c "$jar" -H "Origin: http://$addr" \
    --data-urlencode "name=$1" --data-urlencode "password=Demo@2026zx" --data-urlencode "next=/" http://$addr/login
  awk '$6 == "zx_session" {print $7}' "$jar"
  rm -f "$jar"
}
admin=$(login admin)
county=$(login hejing)

run() { # label, token, path [connections [wrk args…]]
  local c=${4:-100}
  echo "== $1: GET $3 ($c connections)"
  wrk -t1 -c"$c" -d"${secs}s" --latency "${@:5}" -H "Cookie: zx_session=$2" "http://$addr$3" |
    grep -E 'Latency  |50%|90%|99%|Requests/sec|Non-2xx|Socket errors'
}
run "admin, no search" "$admin" "/orgs"
run "admin, pinyin initials" "$admin" "/orgs?q=kel"
run "admin, full pinyin" "$admin" "/orgs?q=hejing"
run "admin, Chinese 4 chars" "$admin" "/orgs?q=%E7%BA%A2%E6%9E%A3%E4%BA%A7%E4%B8%9A"
run "county user, pinyin + kind filter" "$county" "/orgs?q=hj&kind=agri"
run "admin, random 3-letter pinyin (cache misses)" "$admin" "/orgs" 100 -s bench/random-search.lua
run "admin, no search" "$admin" "/orgs" 10
run "admin, pinyin initials" "$admin" "/orgs?q=kel" 10
run "admin, random 3-letter pinyin (cache misses)" "$admin" "/orgs" 10 -s bench/random-search.lua
