#!/usr/bin/env bash
# Load run for docs/PERFORMANCE.md: the 工作台 (GET /) of every demo role
# under wrk on loopback, at region scale (100 000 organizations), on SQLite
# and, when PG names a database, on PostgreSQL. Each role is run `runs`
# times; the script prints every run and the median p99 per role, with the
# machine's load average before each role (the machine is shared).
#
# Usage: bench/home.sh [seconds [runs]]      (needs wrk: apt-get install wrk)
#   PG=postgres://postgres@127.0.0.1:5432/zx_home?sslmode=disable bench/home.sh 10 3
# PG must name a UTF-8 (C.UTF-8) database; the demo is loaded into it unless
# it already holds organizations. BIN=path uses a built binary instead of
# building one. ENGINES="postgres" runs one engine only, ROLES="admin" one account.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
runs=${2:-3}
out=bench/out
mkdir -p $out
bin=${BIN:-$out/zhuxiang}
if [ -z "${BIN:-}" ]; then
  go build -o "$bin" ./cmd/zhuxiang
fi
roles=${ROLES:-admin hejing village org kexie}

# ms converts wrk's 1.23ms / 456.00us / 1.02s to milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.1f", n }'; }

bench() { # engine, database
  local engine=$1 db=$2 addr=127.0.0.1:18090 log=$out/home-serve-$1.log
  "$bin" serve --db "$db" --addr $addr >"$log" 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null || true" RETURN
  for i in $(seq 1 100); do curl -fs http://$addr/healthz >/dev/null && break; sleep 0.2; done
  if [ "$engine" = sqlite ]; then
    for i in $(seq 1 150); do grep -q "search index ready" "$log" && break; sleep 0.2; done
  fi
  login() { # prints the session token of user $1
    local jar; jar=$(mktemp)
    curl -fs -o /dev/null -c "$jar" -H "Origin: http://$addr" \
      --data-urlencode "name=$1" --data-urlencode "password=Demo@2026zx" --data-urlencode "next=/" http://$addr/login
    awk '$6 == "zx_session" {print $7}' "$jar"
    rm -f "$jar"
  }
  for role in $roles; do
    local token p99s=""
    token=$(login "$role")
    curl -fs -o /dev/null -H "Cookie: zx_session=$token" http://$addr/ # the first build of the page
    echo "== $engine $role (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    for run in $(seq 1 "$runs"); do
      local res p50 p99 rps errs
      res=$(wrk -t1 -c100 -d"${secs}s" --latency -H "Cookie: zx_session=$token" http://$addr/)
      p50=$(ms "$(echo "$res" | awk '$1 == "50%" {print $2}')")
      p99=$(ms "$(echo "$res" | awk '$1 == "99%" {print $2}')")
      rps=$(echo "$res" | awk '/Requests\/sec/ {printf "%d", $2}')
      errs=$(echo "$res" | grep -E 'Non-2xx|Socket errors' | tr -s ' ' | tr '\n' ' ' || true)
      echo "   run $run: $rps req/s, p50 $p50 ms, p99 $p99 ms $errs"
      p99s="$p99s $p99"
    done
    echo "   median p99: $(echo $p99s | tr ' ' '\n' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') ms"
  done
}

engines=${ENGINES:-sqlite postgres}
db=$out/home-region.db
if [[ " $engines " == *" sqlite "* ]]; then
  if [ ! -f $db ]; then
    "$bin" demo --scale region --db $db >/dev/null
  fi
  bench sqlite $db
fi
if [ -n "${PG:-}" ] && [[ " $engines " == *" postgres "* ]]; then
  "$bin" demo --scale region --db "$PG" >/dev/null 2>&1 || true # refuses a database that has organizations
  bench postgres "$PG"
fi
