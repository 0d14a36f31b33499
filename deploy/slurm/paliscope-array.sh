#!/bin/bash
# A Paliscope batch as a Slurm job array: each array task runs one shard of the pages into its own project file,
# and `paliscope merge` brings the shards together afterwards.
#
#   sbatch --array=0-15 deploy/slurm/paliscope-array.sh OUT_DIR --inputs-from list.txt --task ocr --model /models/pg2
#
# The shard comes from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (use a contiguous --array); every task reads the
# same list and keeps the pages that hash to its shard. Arguments after OUT_DIR go to `paliscope batch`; the project
# is OUT_DIR/out-<task id>.paliscope. Each attempt of each task leaves OUT_DIR/tasks/<task id>.<attempt>.exit with
# its exit code, to watch without the scheduler (`paliscope status OUT_DIR/out-*.paliscope` counts pages).
#
# Exit 75 means transient (storage busy or failing, or SIGTERM: preemption, time limit): where slurm.conf has
# RequeueExit=75 Slurm requeues the task itself; elsewhere this script asks for the requeue with `scontrol requeue`.
# A requeued task resumes its project: pages already done are not run again. After PALISCOPE_MAX_REQUEUES
# requeues (default 3) a transient failure counts as a failure (exit 1).
#
# One GPU per task instead of cores: add --gres=gpu:1 (and the CUDA provider, see the README).
#SBATCH --job-name=paliscope
#SBATCH --cpus-per-task=4
#SBATCH --mem-per-cpu=2G
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=paliscope-%A_%a.log
set -uo pipefail

out=${1:?usage: sbatch --array=0-N deploy/slurm/paliscope-array.sh OUT_DIR <paliscope batch arguments>}
shift
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  echo "paliscope-array: not an array task: submit with sbatch --array=0-N (one task per shard)" >&2
  exit 2
fi
# The command to run: `paliscope` on PATH by default (the container image's entry point, or npm's bin); a checkout
# sets PALISCOPE="node /path/to/paliscope/bin/paliscope.js".
read -r -a paliscope <<< "${PALISCOPE:-paliscope}"
task=$SLURM_ARRAY_TASK_ID
attempt=${SLURM_RESTART_COUNT:-0}
mkdir -p "$out/tasks" || exit 75

threads=()
[ -n "${SLURM_CPUS_PER_TASK:-}" ] && threads=(--threads "$SLURM_CPUS_PER_TASK")

# Slurm signals every process of the task on preemption or at the time limit: let paliscope (which stops after
# keeping its work and exits 75) answer for the task, and still write the result below.
trap ':' TERM
"${paliscope[@]}" batch "$@" "${threads[@]}" --project "$out/out-$task.paliscope" &
pid=$!
# A wait cut short by the trap returns 143; wait again until paliscope's own exit code comes back.
while :; do wait "$pid"; code=$?; kill -0 "$pid" 2>/dev/null || break; done

if [ "$code" -eq 75 ] && [ "$attempt" -ge "${PALISCOPE_MAX_REQUEUES:-3}" ]; then
  echo "paliscope-array: task $task: still failing after $attempt requeues; giving up" >&2
  code=1
fi
printf '%s\n' "$code" > "$out/tasks/$task.$attempt.exit.tmp" && mv "$out/tasks/$task.$attempt.exit.tmp" "$out/tasks/$task.$attempt.exit"

if [ "$code" -eq 75 ] && ! scontrol show config 2>/dev/null | grep -Eq '^RequeueExit += *([0-9,]+,)?75(,|$)'; then
  echo "paliscope-array: task $task: transient failure; requeueing it" >&2
  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${task}"
fi
exit "$code"
