#!/usr/bin/env bash
# ctest cli/sweep-shards: a sweep spread over shards run as separate processes, merged, must be
# byte-identical to the unsharded sweep (runs, points and plot). The shards run as plain
# background shell jobs (what a Slurm job array does, one process per shard), and, when GNU
# parallel is installed, once more through `parallel` (the README's recipe).
# usage: sweep_shards.sh CKPTSIM SOURCE_DIR WORK_DIR
set -euo pipefail
ckptsim=$1 source=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
scenario=$source/scenarios/capacity/headroom.yaml
grid=(--vary duration=58min..1h10min+4min --vary job.operators.1.capacity=11MB/s,15MB/s --replications 3)

"$ckptsim" sweep "$scenario" "${grid[@]}" --jobs 2 --out full.csv --plot final_lag
runs=$("$ckptsim" sweep "$scenario" "${grid[@]}" --list-runs | tail -n +2 | wc -l)
[ "$runs" -eq 24 ] || { echo "expected 24 runs, got $runs"; exit 1; }

check() {  # merged stem
  for f in "$1.csv" "$1.points.csv" "$1.final_lag.svg"; do
    cmp "$f" "full${f#"$1"}" || { echo "$f differs from the unsharded sweep"; exit 1; }
  done
}

# Background jobs, one process per shard.
for i in 0 1 2 3 4; do
  "$ckptsim" sweep "$scenario" "${grid[@]}" --shard "$i/5" --out "bg-$i.csv" &
done
wait
"$ckptsim" merge bg.csv bg-*.csv --runs "$runs" --plot final_lag
check bg

# One process per run (a Slurm array with one task per run).
for ((r = 0; r < runs; r++)); do
  "$ckptsim" sweep "$scenario" "${grid[@]}" --run "$r" --out "run-$r.csv" &
done
wait
"$ckptsim" merge one.csv run-*.csv --runs "$runs" --plot final_lag
check one

# A missing shard is an error, and writes nothing.
if "$ckptsim" merge broken.csv bg-0.csv bg-1.csv bg-3.csv bg-4.csv 2>/dev/null; then
  echo "merge accepted a missing shard"; exit 1
fi
[ ! -e broken.csv ] || { echo "a failed merge wrote broken.csv"; exit 1; }

if command -v parallel >/dev/null; then
  parallel --will-cite -j 3 "$ckptsim" sweep "$scenario" "${grid[@]}" --shard {}/4 --out gp-{}.csv ::: 0 1 2 3
  "$ckptsim" merge gp.csv gp-*.csv --runs "$runs" --plot final_lag
  check gp
  echo "GNU parallel: 4 shards merged byte-identical"
else
  echo "GNU parallel is not installed: its recipe was not run (background jobs were)"
fi
echo "ok: background shards, per-run processes and merge are byte-identical to the unsharded sweep"
