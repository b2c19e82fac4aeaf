#!/usr/bin/env bash
# p50/p99 of the project, brand and case pages (issue 11) under wrk on
# loopback, against a server that is already running on a demo database
# (any engine), signed in as the role that uses each page most, and signed
# out for the public site. One run of each; compare rows of one sitting.
# Usage: bench/pages.sh ADDR [seconds]     (needs wrk: apt-get install wrk)
set -euo pipefail
addr=${1:?usage: bench/pages.sh 127.0.0.1:PORT [seconds]}
secs=${2:-5}
login() { # prints the session token of user $1
  local jar; jar=$(mktemp)
  curl -fs -o /dev/null -c "$jar" -H "Origin: http://$addr" \
    --data-urlencode "name=$1" --data-urlencode "password=Demo@2026zx" --data-urlencode "next=/" http://$addr/login
  awk '$6 == "zx_session" {print $7}' "$jar"
  rm -f "$jar"
}
run() { # user ("-" signed out), path
  local hdr=() res
  [ "$1" = - ] || hdr=(-H "Cookie: zx_session=$(login "$1")")
  curl -fs -o /dev/null "${hdr[@]}" "http://$addr$2" # the first build of the page
  res=$(wrk -t1 -c100 -d"${secs}s" --latency "${hdr[@]}" "http://$addr$2")
  printf '| %s | `%s` | %s | %s | %s |\n' "$1" "$2" \
    "$(awk '$1 == "50%" {print $2}' <<<"$res")" "$(awk '$1 == "99%" {print $2}' <<<"$res")" \
    "$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$res")"
}
project=$(curl -fs -H "Cookie: zx_session=$(login admin)" "http://$addr/projects?status=running" | grep -o 'href="/projects/[0-9a-f]\{16\}"' | head -1 | cut -d'"' -f2)
echo "| user | page | p50 | p99 | req/s |"
echo "|---|---|---|---|---|"
run admin /projects; run hejing /projects; run org /projects; run village "/projects?report=pending"
run admin "$project"
run admin /brands; run admin /cases; run kexie "/cases?unscored=1"
for p in /public /public/brands /public/cases; do run - $p; done
