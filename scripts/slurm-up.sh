#!/usr/bin/env bash
# scripts/slurm-up.sh — start a single-node Slurm cluster on 127.0.0.1 (for the cluster test).
#
# Installs Debian's slurm-wlm and munge when missing (root only), writes a minimal slurm.conf
# for this machine, starts munged (as the munge user), slurmctld and slurmd by hand (there is
# no systemd here), and waits until the node is idle. The PIDs of the daemons this script
# started are recorded in $URD_SLURM_STATE/pids so that scripts/slurm-down.sh stops exactly
# those and nothing else.
#
# Exit 0: the cluster is up (`sinfo` answers and the node is idle). Exit 1: it could not be
# started; the reason is printed, and anything already started is stopped again.
# When a cluster already answers, nothing is started.
set -euo pipefail
exec 1>&2

STATE="${URD_SLURM_STATE:-/tmp/urd-slurm}"
CONF=/etc/slurm/slurm.conf
say() { printf 'slurm-up: %s\n' "$*"; }
fail() {
  say "cannot start Slurm: $*"
  bash "$(dirname "${BASH_SOURCE[0]}")/slurm-down.sh" || true
  exit 1
}

mkdir -p "$STATE"
: >"$STATE/pids.tmp"

if command -v sinfo >/dev/null 2>&1 && timeout 5 sinfo -h >/dev/null 2>&1; then
  # Daemons recorded by an earlier call of this script stay recorded (slurm-down stops them);
  # a cluster started some other way is never recorded, so it is never stopped.
  say "a Slurm cluster already answers; using it (nothing started)"
  rm -f "$STATE/pids.tmp"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || { say "must run as root to install and start Slurm daemons"; exit 1; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 \
   || ! command -v munged >/dev/null 2>&1 || ! command -v sbatch >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || { say "slurm-wlm is not installed and apt-get is not available"; exit 1; }
  say "installing slurm-wlm and munge (log: $STATE/apt.log)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge \
       </dev/null >"$STATE/apt.log" 2>&1; then
    apt-get update >>"$STATE/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge \
      </dev/null >>"$STATE/apt.log" 2>&1 || { tail -n 20 "$STATE/apt.log"; say "apt-get install failed"; exit 1; }
  fi
fi

# munge: a key, its runtime folder (no systemd to create /run/munge), then the daemon.
if [[ ! -s /etc/munge/munge.key ]]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
if ! pgrep -u munge -x munged >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --force || fail "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 50); do [[ -s /run/munge/munged.pid ]] && break; sleep 0.1; done
  [[ -s /run/munge/munged.pid ]] || fail "munged wrote no PID file"
  echo "munged $(cat /run/munge/munged.pid)" >>"$STATE/pids.tmp"
fi
munge -n </dev/null | unmunge >/dev/null 2>&1 || fail "munge credentials do not round-trip"

# slurm.conf from what slurmd sees of this machine (CPUs, sockets, cores, memory).
HOST="$(hostname -s)"
NODE_LINE="$(slurmd -C 2>/dev/null | head -n 1)" || true
[[ "$NODE_LINE" == NodeName=* ]] || fail "slurmd -C did not describe this node"
NODE_LINE="$(sed -E "s/^NodeName=[^ ]+/NodeName=$HOST NodeAddr=127.0.0.1/" <<<"$NODE_LINE")"
mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
if [[ -f "$CONF" && ! -f "$STATE/conf-written" ]] && ! grep -q '^# written by urd scripts/slurm-up.sh' "$CONF"; then
  cp "$CONF" "$STATE/slurm.conf.orig"
fi
cat >"$CONF" <<EOF
# written by urd scripts/slurm-up.sh: single-node cluster on loopback
ClusterName=urd
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
$NODE_LINE State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
touch "$STATE/conf-written"

slurmctld -i || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
for _ in $(seq 50); do [[ -s /run/slurmctld.pid ]] && break; sleep 0.1; done
[[ -s /run/slurmctld.pid ]] || fail "slurmctld wrote no PID file"
echo "slurmctld $(cat /run/slurmctld.pid)" >>"$STATE/pids.tmp"
mv "$STATE/pids.tmp" "$STATE/pids"

slurmd || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"
for _ in $(seq 50); do [[ -s /run/slurmd.pid ]] && break; sleep 0.1; done
[[ -s /run/slurmd.pid ]] || fail "slurmd wrote no PID file"
echo "slurmd $(cat /run/slurmd.pid)" >>"$STATE/pids"

# Wait for the node to register; a node left down by an earlier run is resumed.
for i in $(seq 150); do
  state="$(sinfo -h -n "$HOST" -o %T 2>/dev/null | head -n 1 || true)"
  case "$state" in
    idle|mixed|allocated) say "cluster up: node $HOST $state ($(grep -o 'CPUs=[0-9]*' <<<"$NODE_LINE"))"; exit 0 ;;
    down*|drain*) scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true ;;
  esac
  ((i % 50 == 0)) && say "waiting for node $HOST (state: ${state:-none})"
  sleep 0.2
done
fail "node $HOST did not become idle (state: ${state:-none}; see /var/log/slurm/slurmd.log)"
