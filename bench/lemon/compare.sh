#!/usr/bin/env bash
# Side-by-side comparison of the plan solver (zhuxiang bench match, package match/flow) with
# LEMON's NetworkSimplex on the same DIMACS file. See bench/lemon/README.md.
#
# Usage: bench/lemon/compare.sh [NEEDSxOFFERS ...]     (default: 2000x1000 50000x20000 500000x200000)
# Environment:
#   RUNS=3          runs per size below 500 000 needs (larger sizes run once); medians are printed
#   CANDIDATES=30   candidates per need;  SEED=1
#   LEMON_ALGO=ns   ns, cs or both (CostScaling as well, for the record)
#   ZX="..."        command that runs "bench match" (default: bench/out/zhuxiang bench match,
#                   built from ./cmd/zhuxiang)
# Outputs (DIMACS files, logs) go to bench/out/match/, which git ignores. The 500k file is
# about 400 MB and LEMON needs about 1.5 GB of memory for it.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/out/match
mkdir -p "$out"
runs=${RUNS:-3}
cand=${CANDIDATES:-30}
seed=${SEED:-1}
algo=${LEMON_ALGO:-ns}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(2000x1000 50000x20000 500000x200000)

lemon=bench/lemon/lemon_mcf
if [ ! -x $lemon ] || [ bench/lemon/lemon_mcf.cc -nt $lemon ]; then
  g++ -O2 -std=c++14 -o $lemon bench/lemon/lemon_mcf.cc -llemon
fi
if [ -z "${ZX:-}" ]; then
  go build -o $out/zhuxiang ./cmd/zhuxiang
  ZX="$out/zhuxiang bench match"
fi

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
field() { # field LABEL FILE: the number after LABEL on the last line containing it
  grep -E -- "$1" "$2" | tail -1 | sed -E "s/.*$1 +(-?[0-9.]+).*/\1/"
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  go: $(go version | awk '{print $3}')  lemon: $(dpkg-query -W -f='${Version}' liblemon-dev 2>/dev/null || echo '?')"
summary=()
for size in "${sizes[@]}"; do
  n=${size%x*}
  m=${size#*x}
  r=$runs
  [ "$n" -ge 500000 ] && r=1
  file=$out/match-$n-$m-$cand-$seed.min
  ours=() theirs=()
  for i in $(seq 1 "$r"); do
    log=$out/zhuxiang-$size-$i.txt
    extra=()
    [ "$i" -eq 1 ] && extra=(--dimacs "$file")
    if ! $ZX --needs "$n" --offers "$m" --candidates "$cand" --seed "$seed" "${extra[@]}" >"$log" 2>&1 ||
      ! grep -q 最优费用 "$log"; then
      echo "no result from '$ZX' (is \"bench match\" dispatched in cmd/zhuxiang/main.go?); see $log" >&2
      exit 1
    fi
    llog=$out/lemon-$size-$i.txt
    $lemon --algo "$algo" "$file" >"$llog"
    ocost=$(field 最优费用 "$log"); osec=$(field 求解 "$log"); omem=$(field 峰值内存 "$log")
    lcost=$(field 'NetworkSimplex +optimal +cost' "$llog"); lsec=$(grep NetworkSimplex "$llog" | sed -E 's/.*solve +([0-9.]+) s.*/\1/')
    lmem=$(grep NetworkSimplex "$llog" | sed -E 's/.*peak RSS +([0-9]+) MB.*/\1/')
    printf '%-16s run %d  zhuxiang: cost %s  %s s  %s MB   LEMON NetworkSimplex: cost %s  %s s  %s MB' \
      "$size" "$i" "$ocost" "$osec" "$omem" "$lcost" "$lsec" "$lmem"
    if [ "$algo" != ns ]; then
      printf '   CostScaling: %s' "$(grep CostScaling "$llog" | sed -E 's/ +/ /g')"
    fi
    echo
    if [ "$ocost" != "$lcost" ]; then
      echo "COST MISMATCH for $size: zhuxiang $ocost, LEMON $lcost" >&2
      exit 1
    fi
    ours+=("$osec $omem") theirs+=("$lsec $lmem")
  done
  os=$(printf '%s\n' "${ours[@]}" | awk '{print $1}' | median)
  ls=$(printf '%s\n' "${theirs[@]}" | awk '{print $1}' | median)
  om=$(printf '%s\n' "${ours[@]}" | awk '{print $2}' | sort -g | tail -1)
  lm=$(printf '%s\n' "${theirs[@]}" | awk '{print $2}' | sort -g | tail -1)
  summary+=("$(printf '| %s × %s | %s | %s | %s | %s | %s | %s | %s |' "$n" "$m" "$r" "$ocost" "$os" "$om" "$lcost" "$ls" "$lm")")
done
echo
echo "| needs × offers | runs | zhuxiang cost | zhuxiang s (median) | zhuxiang peak MB | LEMON NS cost | LEMON NS s (median) | LEMON peak MB |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
