#!/usr/bin/env bash
# ctest cli/sweep-slurm: the README's Slurm recipe on a real single-node Slurm cluster.
#  1. `sweep --emit-sbatch` writes exactly scenarios/capacity/sweep.sbatch, and the commands it
#     prints to submit and merge are the README's, line for line;
#  2. a cluster of munged, slurmctld and slurmd starts in a temporary folder
#     (tests/slurm_cluster.sh) and its node comes up idle;
#  3. the README's commands submit the job array and the dependent merge; the merged files are
#     byte-identical to the unsharded sweep;
#  4. one shard file is cut short and the same commands are submitted again: that shard alone
#     runs again (--skip-done), and the merge is byte-identical once more;
#  5. every daemon is stopped by pid, also on failure (EXIT trap).
# Exit 77 (ctest SKIP_RETURN_CODE), with a line saying why, only when the daemons cannot start.
# usage: sweep_slurm.sh CKPTSIM SOURCE_DIR WORK_DIR
set -euo pipefail
ckptsim=$1 source=$2 work=$3
readme=$source/README.md

# The repository root as the README's commands see it, in WORK: build/cli/ckptsim and the
# scenario, with the batch file written (and the outputs) here rather than in the source tree.
rm -rf "$work" && mkdir -p "$work/build/cli" "$work/scenarios/capacity" && cd "$work"
ln -s "$ckptsim" build/cli/ckptsim
ln -s "$source/scenarios/capacity/headroom.yaml" scenarios/capacity/headroom.yaml

in_readme() {  # LINE: the README holds it verbatim
  grep -qxF -- "$1" "$readme" || { echo "README.md lacks the line: $1"; exit 1; }
}

S=scenarios/capacity/headroom.yaml
GRID="--vary duration=56min..2h20min+2min --vary job.operators.1.capacity=10.5MB/s,11MB/s,12MB/s,15MB/s,20MB/s --replications 10"
emit="build/cli/ckptsim sweep \$S \$GRID --shards 8 --out out/headroom.csv --emit-sbatch scenarios/capacity/sweep.sbatch"
in_readme "S=$S"
in_readme "GRID=\"$GRID\""
in_readme "$emit"
eval "$emit" >emit.out
cmp scenarios/capacity/sweep.sbatch "$source/scenarios/capacity/sweep.sbatch" || {
  diff scenarios/capacity/sweep.sbatch "$source/scenarios/capacity/sweep.sbatch"
  echo "--emit-sbatch no longer writes scenarios/capacity/sweep.sbatch (regenerate it with the README's command)"
  exit 1
}
mapfile -t submit < <(sed -n 's/^  //p' emit.out)
[ ${#submit[@]} -eq 2 ] || { cat emit.out; echo "expected two submit lines"; exit 1; }
in_readme "mkdir -p out"
for line in "${submit[@]}"; do in_readme "$line"; done

# shellcheck source=tests/slurm_cluster.sh
source "$source/tests/slurm_cluster.sh"
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then slurm_cluster_logs; fi
  slurm_cluster_stop
  exit "$rc"
}
trap on_exit EXIT
since() { LC_ALL=C awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }'; }
started=$EPOCHREALTIME
if ! slurm_cluster_start; then
  echo "SKIPPED cli/sweep-slurm: the Slurm daemons cannot start here: $slurm_cluster_why"
  slurm_cluster_logs
  exit 77
fi
echo "cluster up in $(since "$started"): $(sinfo -h -o '%P %D node(s) %c CPUs %T')"

# The README's block, as written there: sets $jid; prints the merge job's id.
submit_recipe() {
  mkdir -p out
  eval "${submit[0]}"
  merge_job=$(eval "${submit[1]}" | awk '/^Submitted batch job/ {print $4}')
  [ -n "$jid" ] && [ -n "$merge_job" ] || { echo "sbatch did not return job ids"; exit 1; }
  slurm_wait_jobs 25 "$jid" "$merge_job"
  local state
  state=$(scontrol -o show job "$jid" | grep -o 'JobState=[A-Z]* .*ExitCode=[0-9:]*' | awk '{print $1, $NF}' | sort | uniq -c)
  if [ "$(scontrol -o show job "$jid" | grep -c 'JobState=COMPLETED .*ExitCode=0:0')" -ne 8 ]; then
    echo "the array's tasks did not all complete: $state"
    exit 1
  fi
  scontrol -o show job "$merge_job" | grep -q 'JobState=COMPLETED .*ExitCode=0:0' || {
    scontrol -o show job "$merge_job"
    cat out/headroom.merge.log
    exit 1
  }
}

same_as_unsharded() {
  for f in headroom.csv headroom.points.csv; do
    cmp "out/$f" "unsharded/$f" || { echo "out/$f differs from the unsharded sweep"; exit 1; }
  done
}

array_started=$EPOCHREALTIME
submit_recipe
echo "8-task array and dependent merge: $(since "$array_started")"
# shellcheck disable=SC2086  # $GRID is a list of words, as in the README
build/cli/ckptsim sweep $S $GRID --jobs 2 --out unsharded/headroom.csv
same_as_unsharded

# A task killed part-way leaves a shard file short (here: cut in the middle of a line); the
# same submission again reruns that shard alone.
for i in $(seq 0 7); do cksum <"out/headroom.shard-$i.csv"; done >before.cksum
size=$(stat -c %s out/headroom.shard-5.csv)
truncate -s $((size / 2)) out/headroom.shard-5.csv
rm out/headroom.csv out/headroom.points.csv
submit_recipe
for i in $(seq 0 7); do cksum <"out/headroom.shard-$i.csv"; done >after.cksum
cmp before.cksum after.cksum || { echo "a resubmission changed a shard file"; exit 1; }
for i in 0 1 2 3 4 6 7; do
  grep -q 'already holds its 26[89] runs: not run again' "out/headroom.shard-$i.log" || {
    cat "out/headroom.shard-$i.log"
    echo "shard $i ran again though its file was complete"
    exit 1
  }
done
grep -q 'running them again' out/headroom.shard-5.log || {
  cat out/headroom.shard-5.log
  echo "the cut shard 5 was not run again"
  exit 1
}
same_as_unsharded
echo "ok: the README's Slurm recipe (8-task array, dependent merge, resubmission after a cut shard) is byte-identical to the unsharded sweep; $(since "$started") on the cluster"
