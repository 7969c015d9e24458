#!/usr/bin/env bash
# README.md's Slurm script on a real one-node Slurm (`make test-cluster`, as root; the Makefile installs the packages
# and builds samlab). The script is taken from README.md (the fenced block after "A Slurm job array") and submitted
# as written with `sbatch --wait`, over spec.json (300 flow points) in a temporary directory. One array task is sent
# SIGTERM (`scancel --batch --signal=TERM`: the script execs samlab) once it has finished some of its points, then requeued
# (`scontrol requeue`); its rerun must skip the finished points. The shards are merged with `samlab sweep merge`,
# and the merged results.jsonl must hold the same records, byte for byte once sorted, as a one-machine `sweep run`
# of the same spec. The daemons are stopped on exit, whatever happens.
# A few minutes on 2 cores: two passes over 300 points with the debug samlab, and a Slurm that schedules in seconds.
#
#   Tests/Cluster/sweep-array.sh BIN_DIR     (BIN_DIR holds samlab; it goes first on PATH, for the job script too)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=$(cd "${1:?usage: sweep-array.sh BIN_DIR (the folder with samlab)}" && pwd)
export PATH="$bin:$PATH:/usr/sbin:/sbin"
TARGET=0                                   # the array task that is stopped and requeued

say() { echo "test-cluster: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (it starts munged, slurmctld and slurmd)"
[ -x "$bin/samlab" ] || fail "no samlab in $bin"

work=$(mktemp -d "${TMPDIR:-/tmp}/samlab-cluster.XXXXXX")
run="$work/run" logs="$work/logs"
mkdir -p "$run" "$logs"
sbatch_pid=""
# shellcheck source=slurm.sh
source "$here/slurm.sh"
finish() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    say "task logs, then the end of the daemons' logs (all in $work):"
    tail -n 20 "$logs"/* "$work"/slurmctld.log "$work"/slurmd.log >&2 2>/dev/null || true
  fi
  cluster_stop
  [ -z "$sbatch_pid" ] || kill "$sbatch_pid" 2>/dev/null || true
  if [ "$rc" = 0 ]; then rm -rf "$work"; else say "kept $work"; fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The job script, exactly as README.md shows it.
awk '/^A Slurm job array/ { found = 1; next }
     found && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' "$repo/README.md" > "$work/job.sh"
head -n 1 "$work/job.sh" | grep -q '^#!/bin/bash' || fail "no Slurm script found in README.md after 'A Slurm job array'"
last=$(sed -n 's/^#SBATCH.*--array=0-\([0-9][0-9]*\).*/\1/p' "$work/job.sh")
[ -n "$last" ] || fail "the README script has no '#SBATCH --array=0-N'"
shards=$((last + 1))
say "README.md's Slurm script ($shards array tasks):"
sed 's/^/    /' "$work/job.sh" >&2
cp "$here/spec.json" "$run/spec.json"

cluster_start "$work"
start=$(date +%s)

# Submit; sbatch --wait returns when every task (the requeued one included) has ended.
( cd "$run" && exec sbatch --wait --parsable --chdir="$run" --output="$logs/task%a.out" --open-mode=append "$work/job.sh" ) \
  > "$work/sbatch.out" 2> "$work/sbatch.err" &
sbatch_pid=$!
for _ in $(seq 100); do [ -s "$work/sbatch.out" ] && break; sleep 0.1; done
job=$(head -n 1 "$work/sbatch.out" | cut -d ';' -f 1)
[ -n "$job" ] || fail "sbatch printed no job id: $(cat "$work/sbatch.err")"
task="${job}_$TARGET"
say "job array $job submitted"

state() { scontrol -o show job "$task" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
records() { if [ -f "$run/shard$TARGET/results.jsonl" ]; then wc -l < "$run/shard$TARGET/results.jsonl"; else echo 0; fi; }

# Catch the target task running with some of its points finished, and stop it.
deadline=$((SECONDS + 300))
until [ "$(state)" = RUNNING ] && [ "$(records)" -ge 2 ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "task $task never ran with finished points (state $(state), $(records) records)"
  kill -0 "$sbatch_pid" 2>/dev/null || fail "sbatch ended before task $task could be stopped"
  sleep 0.1
done
at=$(records)
# Slurm 22.05 delivers the signal and may still answer "Job can not be altered now" when the task ends at once (and
# exit non-zero after a retry); what counts is checked below: the task ends, before finishing its points.
scancel --batch --signal=TERM "$task" 2> "$work/scancel.err" || say "scancel exited $? ($(tr '\n' ' ' < "$work/scancel.err"))"
say "sent SIGTERM to task $task at $at records"
deadline=$((SECONDS + 60))
while [ "$(state)" = RUNNING ] || [ "$(state)" = COMPLETING ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "task $task still runs 60 s after SIGTERM"
  sleep 0.1
done
stopped=$(records)
say "task $task ended: $(scontrol -o show job "$task" | grep -o 'JobState=[^ ]* Reason=[^ ]*\|ExitCode=[^ ]*' | tr '\n' ' ')with $stopped records"
[ "$(state)" != COMPLETED ] || fail "task $task completed before SIGTERM reached it; make its points slower"

scontrol requeue "$task"
say "task $task requeued"

deadline=$((SECONDS + 900))
while kill -0 "$sbatch_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the job array did not finish in 15 minutes"
  sleep 1
done
sbatch_rc=0
wait "$sbatch_pid" || sbatch_rc=$?
sbatch_pid=""
say "sbatch --wait returned $sbatch_rc after $(( $(date +%s) - start )) s"
[ "$sbatch_rc" = 0 ] || fail "sbatch --wait returned $sbatch_rc: $(cat "$work/sbatch.err")"
restarts=$(scontrol -o show job "$task" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "$restarts" = 1 ] || fail "task $task restarted $restarts times, not once"

# The rerun of the stopped task skipped what it had finished.
summary=$(grep -E "^[0-9]+ points in shard $TARGET/$shards: [0-9]+ run, [0-9]+ already done" "$logs/task$TARGET.out" | tail -n 1)
[ -n "$summary" ] || fail "no summary line from the requeued task in $logs/task$TARGET.out"
total=$(echo "$summary" | sed -E 's/^([0-9]+) points.*/\1/')
skipped=$(echo "$summary" | sed -E 's/.* ([0-9]+) already done.*/\1/')
say "requeued task: $summary"
[ "$skipped" = "$stopped" ] || fail "the rerun skipped $skipped points, but $stopped were finished when it was stopped"
[ "$stopped" -gt 0 ] && [ "$stopped" -lt "$total" ] || fail "the stop came at $stopped of $total points, not in the middle"

# Merge with the script's last line ("# afterwards: samlab sweep merge ... --out merged"), and compare with one machine.
merge=$(sed -n 's/^# afterwards: //p' "$work/job.sh")
case "$merge" in "samlab sweep merge "*" --out merged") ;; *) fail "the README script's last line is not '# afterwards: samlab sweep merge ... --out merged'" ;; esac
(cd "$run" && eval "$merge") > "$work/merge.out" || fail "$merge failed: $(cat "$work/merge.out")"
say "$merge: $(head -n 1 "$work/merge.out")"
! grep -qE '^(duplicates|conflicts|missing)' "$work/merge.out" || fail "merge: $(tail -n +2 "$work/merge.out")"
one_start=$(date +%s)
(cd "$run" && samlab sweep run spec.json --out one --jobs 2 --quiet) > "$work/one.out" \
  || fail "one-machine sweep run failed: $(cat "$work/one.out")"
say "one machine ($(( $(date +%s) - one_start )) s): $(cat "$work/one.out")"
LC_ALL=C sort "$run/merged/results.jsonl" > "$work/merged.sorted"
LC_ALL=C sort "$run/one/results.jsonl" > "$work/one.sorted"
n=$(wc -l < "$work/one.sorted")
[ "$n" -gt 0 ] || fail "the one-machine run has no records"
cmp "$work/merged.sorted" "$work/one.sorted" || fail "the merged shards differ from the one-machine run"
say "PASS: $n records, merged shards = one machine (sorted, identical bytes); $(( $(date +%s) - start )) s with the cluster up"
