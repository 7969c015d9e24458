# A one-node Slurm cluster in a temporary directory, for the tests in this folder (sourced, not run).
# Needs root and Debian's slurmctld, slurmd, slurm-client and munge (`make test-cluster` installs them); see
# /work/shared/CLUSTER.md for what works on a machine without systemd or cgroup delegation.
#
#   cluster_start DIR   writes DIR/slurm.conf, starts munged (unless one runs), slurmctld -i and slurmd, exports
#                       SLURM_CONF and waits for the node to be idle
#   cluster_stop        cancels what is left of our jobs, stops slurmd, slurmctld and the munged we started, each by
#                       its pid, and waits for them to exit (call it from an EXIT trap)

CLUSTER_DIR=""
CLUSTER_MUNGED_PID=""

cluster_log() { echo "cluster: $*" >&2; }

# Stops one process by pid (TERM, then KILL after 15 s) and waits for it to go.
cluster_kill_pid() {
  local pid=$1 name=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  cluster_log "$name ($pid) did not stop on SIGTERM; SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

cluster_start() {
  CLUSTER_DIR=$1
  local host
  host=$(hostname -s)
  mkdir -p "$CLUSTER_DIR/state" "$CLUSTER_DIR/spool"
  cat > "$CLUSTER_DIR/slurm.conf" <<EOF
ClusterName=samlab-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
KillWait=5
# A requeued job waits cred_expire seconds before it may start again (120 by default); the scheduler looks often.
AuthInfo=cred_expire=10
SchedulerParameters=sched_interval=2,bf_interval=5
StateSaveLocation=$CLUSTER_DIR/state
SlurmdSpoolDir=$CLUSTER_DIR/spool
SlurmctldPidFile=$CLUSTER_DIR/slurmctld.pid
SlurmdPidFile=$CLUSTER_DIR/slurmd.pid
SlurmctldLogFile=$CLUSTER_DIR/slurmctld.log
SlurmdLogFile=$CLUSTER_DIR/slurmd.log
NodeName=$host CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$CLUSTER_DIR/slurm.conf

  # munged runs as the munge user, with /run/munge its own; an munged already running is used and left alone.
  local mpid=""
  [ -f /run/munge/munged.pid ] && mpid=$(cat /run/munge/munged.pid)
  if [ -n "$mpid" ] && kill -0 "$mpid" 2>/dev/null; then
    cluster_log "munged already runs (pid $mpid); using it"
  else
    mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
    su -s /bin/sh munge -c /usr/sbin/munged
    CLUSTER_MUNGED_PID=$(cat /run/munge/munged.pid)
  fi
  munge -n | unmunge | grep -q 'STATUS: *Success' || { cluster_log "munge does not work"; return 1; }

  slurmctld -i -f "$SLURM_CONF"
  local i
  for i in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
  slurmd -f "$SLURM_CONF"
  for i in $(seq 150); do
    [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ] && { cluster_log "node $host idle (slurm.conf in $CLUSTER_DIR)"; return 0; }
    sleep 0.2
  done
  cluster_log "the node did not become idle:"; sinfo -N >&2 || true
  tail -n 20 "$CLUSTER_DIR/slurmctld.log" "$CLUSTER_DIR/slurmd.log" >&2 || true
  return 1
}

cluster_stop() {
  [ -n "$CLUSTER_DIR" ] || return 0
  local i
  # Jobs still queued or running (a failed test) go first, so that no slurmstepd is left behind.
  if [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
    cluster_log "cancelling the jobs left: $(squeue -h -o %i | tr '\n' ' ')"
    scancel --user "$(id -un)" 2>/dev/null || true
    for i in $(seq 150); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  cluster_kill_pid "$(cat "$CLUSTER_DIR/slurmd.pid" 2>/dev/null)" slurmd
  cluster_kill_pid "$(cat "$CLUSTER_DIR/slurmctld.pid" 2>/dev/null)" slurmctld
  cluster_kill_pid "$CLUSTER_MUNGED_PID" munged
  CLUSTER_DIR=""
  cluster_log "daemons stopped"
}
