#!/bin/bash
# A real one-node Slurm cluster on this machine, for trying the job script and for the test that runs it
# (deploy/slurm/slurm.test.ts). Needs root and Debian's slurmctld, slurmd, slurm-client and munge; no systemd, no
# cgroups (proctrack/linuxproc, task/none), nothing outside its folder but munge's key and socket.
#
#   deploy/slurm/local-cluster.sh up DIR     configure and start munged (unless one answers), slurmctld and slurmd
#   export SLURM_CONF=DIR/etc/slurm.conf     then sbatch, squeue, scontrol as usual
#   deploy/slurm/local-cluster.sh down DIR   stop the daemons it started, by the PIDs it recorded
#
# The node is named "local" at 127.0.0.1 (container host names are random). AuthInfo=cred_expire=10: a requeued
# task may start again after ~11 s instead of Slurm's default 120 s. RequeueExit=75: paliscope's transient failure.
# MinJobAge=300 keeps finished jobs visible to scontrol for five minutes (there is no accounting database).
set -euo pipefail
cmd=${1:?usage: local-cluster.sh up|down DIR}
dir=${2:?usage: local-cluster.sh up|down DIR}
conf=$dir/etc/slurm.conf
export SLURM_CONF=$conf

up() {
  for b in slurmctld slurmd sbatch munged; do
    command -v "$b" >/dev/null || { echo "local-cluster: $b is not installed (apt-get install slurmctld slurmd slurm-client munge)" >&2; exit 3; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "local-cluster: needs root (munged runs as the munge user, slurmd as root)" >&2; exit 3; }
  rm -rf "$dir/spool" "$dir/etc" "$dir/log"
  mkdir -p "$dir/etc" "$dir/spool/ctld" "$dir/spool/d" "$dir/log" "$dir/run"
  local mem
  mem=$(( $(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo) * 8 / 10 ))
  cat > "$conf" <<CONF
ClusterName=paliscope-ci
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
AuthInfo=cred_expire=10
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=sched_interval=1
ReturnToService=2
RequeueExit=75
MinJobAge=300
StateSaveLocation=$dir/spool/ctld
SlurmdSpoolDir=$dir/spool/d
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=local NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  # munge: a key readable by the munge user only, and munged running as that user. One already answering is used as
  # it is (and left running at "down").
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
    chmod 0700 /etc/munge; chmod 0400 /etc/munge/munge.key; chmod 0755 /run/munge
    runuser -u munge -- /usr/sbin/munged
    cp /run/munge/munged.pid "$dir/run/munged.pid"
    munge -n | unmunge >/dev/null
  fi
  slurmctld -c -i
  slurmd -N local
  for _ in $(seq 60); do
    if sinfo -h -o %T 2>/dev/null | grep -qx idle; then echo "local-cluster: up (SLURM_CONF=$conf)"; return 0; fi
    sleep 0.5
  done
  echo "local-cluster: the node did not become idle in 30 s; logs:" >&2
  tail -n 30 "$dir"/log/*.log >&2
  return 1
}

down() {
  for name in slurmd slurmctld munged; do
    local f=$dir/run/$name.pid pid
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

case $cmd in
  up) up ;;
  down) down ;;
  *) echo "usage: local-cluster.sh up|down DIR" >&2; exit 2 ;;
esac
