#!/usr/bin/env bash
# A/B load run for docs/PERFORMANCE.md: two builds, each on its own
# region-scale database, started in turn (twice), each measured after a
# warm-up on the same three URLs.
# Usage: bench/ab.sh BIN_A DB_A BIN_B DB_B [seconds]   (needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${5:-12}
addr=127.0.0.1:18084
log=$(mktemp)
run() { # label token path [wrk args…]
  echo "== $1 $3"
  wrk -t1 -c100 -d"${secs}s" --latency "${@:4}" -H "Cookie: zx_session=$2" "http://$addr$3" |
    grep -E 'Latency  |50%|99%|Requests/sec'
}
login() { # prints the session token of user $1
  local jar; jar=$(mktemp)
  curl -fs -o /dev/null -c "$jar" -H "Origin: http://$addr" \
    --data-urlencode "name=$1" --data-urlencode "password=Demo@2026zx" --data-urlencode "next=/" http://$addr/login
  awk '$6 == "zx_session" {print $7}' "$jar"
  rm -f "$jar"
}
for pair in "$1 $2" "$3 $4" "$1 $2" "$3 $4"; do
  set -- $pair
  "$1" serve --db "$2" --addr $addr >"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 50); do curl -fs http://$addr/healthz >/dev/null && break; sleep 0.2; done
  sleep 3 # a build that builds its search index at start has done so by now
  admin=$(login admin)
  county=$(login hejing)
  wrk -t1 -c100 -d3s -H "Cookie: zx_session=$county" "http://$addr/orgs?q=hj&kind=agri" >/dev/null
  wrk -t1 -c100 -d3s -s bench/random-search.lua -H "Cookie: zx_session=$admin" "http://$addr/orgs" >/dev/null
  echo "######## $1 $2"
  run "admin" "$admin" "/orgs?q=kel"
  run "county" "$county" "/orgs?q=hj&kind=agri"
  run "admin random" "$admin" "/orgs" -s bench/random-search.lua
  kill $pid
  wait $pid 2>/dev/null || true
done
rm -f "$log"
