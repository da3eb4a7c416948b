#!/usr/bin/env bash
# ctest cli/sweep-shards: a sweep spread over shards run as separate processes, merged, must be
# byte-identical to the unsharded sweep (runs, points and plot). The shards run as plain
# background shell jobs (what a Slurm job array does, one process per shard), and, when GNU
# parallel is installed, once more through `parallel` (the README's recipe). Also: merge names
# missing and duplicated shards, --skip-done keeps complete shard files and reruns cut ones,
# and the batch file of --emit-sbatch, run task by task without Slurm, merges byte-identical.
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

# Twelve shards: the shell's glob gives them out of order (bg12-10 before bg12-2); merge does
# not mind, and expands a quoted pattern itself.
for i in $(seq 0 11); do
  "$ckptsim" sweep "$scenario" "${grid[@]}" --shard "$i/12" --out "bg12-$i.csv" &
done
wait
"$ckptsim" merge twelve.csv bg12-*.csv --runs "$runs" --plot final_lag
check twelve
"$ckptsim" merge quoted.csv 'bg12-*.csv' --runs "$runs" --plot final_lag
check quoted

# merge_fails MESSAGE ARGS...: merge exits 2, names the problem on stderr, writes nothing.
merge_fails() {
  local message=$1
  shift
  rm -f broken.csv
  if "$ckptsim" merge broken.csv "$@" 2>err.txt; then echo "merge accepted: $*"; exit 1; fi
  grep -qF -- "$message" err.txt || { cat err.txt; echo "merge did not say: $message"; exit 1; }
  [ ! -e broken.csv ] || { echo "a failed merge wrote broken.csv"; exit 1; }
}
merge_fails "shard 2/5 is missing: no file holds its runs 2, 7, 12, 17, 22 (rerun it with --shard 2/5)" \
  bg-0.csv bg-1.csv bg-3.csv bg-4.csv
merge_fails "shard 4/5 is missing: no file holds its runs 4, 9, 14, 19 (rerun it with --shard 4/5)" \
  bg-0.csv bg-1.csv bg-2.csv bg-3.csv --runs "$runs"
cp bg-3.csv copy-of-3.csv
merge_fails "bg-3.csv and copy-of-3.csv are the same shard (runs 3, 8, 13, 18, 23): give it once" bg-*.csv copy-of-3.csv
head -n 3 bg-1.csv >short-1.csv  # the header and 2 of the 5 rows, cut at a line end
merge_fails "short-1.csv holds 2 of the 5 runs of shard 1/5: runs 11, 16, 21 missing (rerun it with --shard 1/5)" \
  bg-0.csv short-1.csv bg-2.csv bg-3.csv bg-4.csv
merge_fails "no file matches 'nothing-*.csv'" bg-0.csv 'nothing-*.csv'

# --skip-done: a complete shard file is left as it is; one cut short (even at a line end) runs
# again and comes out as before.
touch -d '2001-01-01' bg-2.csv
"$ckptsim" sweep "$scenario" "${grid[@]}" --shard 2/5 --out bg-2.csv --skip-done 2>err.txt
grep -qF "bg-2.csv already holds its 5 runs: not run again" err.txt || { cat err.txt; exit 1; }
[ "$(stat -c %Y bg-2.csv)" = "$(date -d 2001-01-01 +%s)" ] || { echo "--skip-done rewrote a complete shard"; exit 1; }
cp bg-2.csv whole-2.csv
for cut in line-end mid-line; do
  if [ $cut = line-end ]; then head -n 4 whole-2.csv >bg-2.csv; else head -c 700 whole-2.csv >bg-2.csv; fi
  "$ckptsim" sweep "$scenario" "${grid[@]}" --shard 2/5 --out bg-2.csv --skip-done 2>err.txt
  grep -qF "running them again" err.txt || { cat err.txt; echo "a shard cut at its $cut was not run again"; exit 1; }
  cmp bg-2.csv whole-2.csv
done
# A whole sweep's runs file is kept, and its points and plots are drawn from it.
rm full.points.csv full.final_lag.svg
cp full.csv whole.csv
"$ckptsim" sweep "$scenario" "${grid[@]}" --out full.csv --skip-done --plot final_lag 2>err.txt
grep -qF "full.csv already holds its 24 runs: not run again" err.txt || { cat err.txt; exit 1; }
check bg

# The batch file of --emit-sbatch, run without Slurm: each array task by hand, then the merge
# it prints.
"$ckptsim" sweep "$scenario" "${grid[@]}" --jobs 2 --shards 3 --out emitted/study.csv --emit-sbatch study.sbatch >emit.txt
[ "$(head -n 1 study.sbatch)" = '#!/bin/bash' ] || { echo "no #! line"; exit 1; }
grep -qx '#SBATCH --array=0-2' study.sbatch && grep -qx '#SBATCH --cpus-per-task=2' study.sbatch || {
  cat study.sbatch; exit 1
}
for i in 0 1 2; do SLURM_ARRAY_TASK_ID=$i SLURM_CPUS_PER_TASK=2 bash study.sbatch 2>/dev/null; done
[ "$(ls emitted/study.shard-*.csv | wc -l)" -eq 3 ] || { ls emitted; exit 1; }
merge=$(sed -n "s/^  sbatch --dependency=afterok:\$jid --output=[^ ]* --wrap //p" emit.txt)
eval "bash -c $merge"
for f in emitted/study.csv emitted/study.points.csv; do
  cmp "$f" "full${f#emitted/study}" || { echo "$f differs from the unsharded sweep"; exit 1; }
done

if command -v parallel >/dev/null; then
  parallel --will-cite -j 3 "$ckptsim" sweep "$scenario" "${grid[@]}" --shard {}/4 --out gp-{}.csv ::: 0 1 2 3
  "$ckptsim" merge gp.csv gp-*.csv --runs "$runs" --plot final_lag
  check gp
  echo "GNU parallel: 4 shards merged byte-identical"
else
  echo "GNU parallel is not installed: its recipe was not run (background jobs were)"
fi
echo "ok: background shards (5 and 12), per-run processes, --skip-done, the --emit-sbatch file run by hand, and merge are byte-identical to the unsharded sweep; merge names missing and duplicated shards"
