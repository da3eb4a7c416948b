#!/usr/bin/env bash
# The same sweep run locally (`--jobs 2`) and as a 2-task Slurm job array (1 CPU each, from
# `--emit-sbatch --shards 2`) with its dependent merge, on a single-node cluster started in a
# temporary folder (tests/slurm_cluster.sh). Wall times are medians of --repeat runs (each
# also [min - max]); for Slurm, from the first sbatch until the array has left the queue and
# until the merge has. The merged files are checked byte-identical to the local sweep's.
# Run from the repository root after the README's build:
#   bench/sweep_slurm.sh [--repeat 5] [--scheduler 'batch_sched_delay=0' | --scheduler '']
# (--scheduler '' runs Slurm's default SchedulerParameters.)
set -euo pipefail
repeat=5
export CKPTSIM_SLURM_SCHEDULER_PARAMETERS=batch_sched_delay=0
while [ $# -gt 0 ]; do
  case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --scheduler) CKPTSIM_SLURM_SCHEDULER_PARAMETERS=$2; shift 2 ;;
    *) echo "usage: $0 [--repeat N] [--scheduler PARAMS]"; exit 2 ;;
  esac
done
root=$(pwd)
ckptsim=$root/build/cli/ckptsim
[ -x "$ckptsim" ] || { echo "build first: $ckptsim"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ckptsim-bench-slurm.XXXXXX")
mkdir -p "$work/build/cli"
ln -s "$ckptsim" "$work/build/cli/ckptsim"
ln -s "$root/scenarios" "$work/scenarios"
mkdir -p "$work/bench" && ln -s "$root/bench/scenarios" "$work/bench/scenarios"
cd "$work"

# shellcheck source=tests/slurm_cluster.sh
source "$root/tests/slurm_cluster.sh"
trap 'slurm_cluster_stop; rm -rf "$work"' EXIT
slurm_cluster_start || { echo "the Slurm daemons cannot start: $slurm_cluster_why"; slurm_cluster_logs; exit 1; }

now() { echo "$EPOCHREALTIME"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", a - b}'; }
# median [min - max] of the numbers on stdin
stats() { sort -g | awk '{v[NR] = $1} END {printf "%.2f [%.2f - %.2f]", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR]}'; }
gone() { [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; }

study() {  # NAME SCENARIO GRID...
  local name=$1 scenario=$2
  shift 2
  local runs
  runs=$(build/cli/ckptsim sweep "$scenario" "$@" --list-runs | tail -n +2 | wc -l)
  build/cli/ckptsim sweep "$scenario" "$@" --shards 2 --out "out/$name/slurm.csv" --emit-sbatch "$name.sbatch" >"$name.emit"
  local -a submit
  mapfile -t submit < <(sed -n 's/^  //p' "$name.emit")
  : >"$name.local" && : >"$name.array" && : >"$name.total"
  local i t0 t1 jid merge_job
  for ((i = 0; i < repeat; i++)); do
    t0=$(now)
    build/cli/ckptsim sweep "$scenario" "$@" --jobs 2 --out "out/$name/local.csv"
    t1=$(now)
    minus "$t1" "$t0" >>"$name.local"

    rm -f out/"$name"/slurm*
    t0=$(now)
    eval "${submit[0]}"
    merge_job=$(eval "${submit[1]}" | awk '{print $4}')
    while ! gone "$jid"; do sleep 0.05; done
    t1=$(now)
    while ! gone "$merge_job"; do sleep 0.05; done
    minus "$t1" "$t0" >>"$name.array"
    minus "$(now)" "$t0" >>"$name.total"
    cmp "out/$name/slurm.csv" "out/$name/local.csv" && cmp "out/$name/slurm.points.csv" "out/$name/local.points.csv"
  done
  local l a t
  l=$(stats <"$name.local") a=$(stats <"$name.array") t=$(stats <"$name.total")
  printf '| %s | %d | %s | %s | %s | %.2f |\n' "$name" "$runs" "$l" "$a" "$t" "$(minus "${t%% *}" "${l%% *}")"
}

echo "slurm $(sinfo -V | awk '{print $2}'), $(scontrol show config | awk '$1 == "SchedulerParameters" {print $1 "=" $3}'), $(nproc) CPUs; $repeat runs each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| sweep | runs | local --jobs 2 (s) | 2-task array (s) | array + merge (s) | Slurm - local (s) |"
echo "|---|---:|---|---|---|---:|"
study headroom scenarios/capacity/headroom.yaml \
  --vary duration=56min..2h20min+2min --vary job.operators.1.capacity=10.5MB/s,11MB/s,12MB/s,15MB/s,20MB/s --replications 10
study optimal-interval scenarios/capacity/optimal-interval.yaml \
  --vary checkpointing.interval=3min..16min+30s --replications 20
study p128-day bench/scenarios/p128.yaml --set failures.task_mtbf=2h \
  --vary checkpointing.interval=10s..80s*2 --replications 40

# What Slurm costs per task, apart from ckptsim: an array of 8 tasks that run `true`, 1 CPU
# each. From slurmctld's log (ms timestamps): allocation to completion of each task, and
# submission to the end of the array.
launch() {
  local t0 jid
  t0=$(now)
  jid=$(sbatch --parsable --array=0-7 --cpus-per-task=1 --output=/dev/null --wrap true)
  while ! gone "$jid"; do sleep 0.05; done
  minus "$(now)" "$t0" >>empty.array
  awk -v j="JobId=${jid}_" '
    function t(s) { split(substr(s, 13, 12), a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
    index($0, "Allocate " j) { split($4, k, "("); start[k[1]] = t($1) }
    index($0, "_job_complete: " j) && / done$/ { split($3, k, "("); if (k[1] in start) print t($1) - start[k[1]] }
  ' "$slurm_cluster_dir/log/slurmctld.log" >>empty.task
}
: >empty.array && : >empty.task
for ((i = 0; i < repeat; i++)); do launch; done
echo "8 tasks of \`true\` (4 waves on 2 CPUs), submission to the end: $(stats <empty.array) s;" \
  "per task, allocation to completion: $(stats <empty.task) s ($(wc -l <empty.task) tasks)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
