#!/usr/bin/env bash
# scripts/slurm-down.sh — stop the daemons scripts/slurm-up.sh started, by their recorded PIDs.
#
# Only the PIDs listed in $URD_SLURM_STATE/pids are signalled (slurmd first, munged last), so
# a cluster that was already running before slurm-up.sh is left alone. Idempotent.
set -uo pipefail
exec 1>&2

STATE="${URD_SLURM_STATE:-/tmp/urd-slurm}"
say() { printf 'slurm-down: %s\n' "$*"; }

pids=()
for f in "$STATE/pids" "$STATE/pids.tmp"; do
  [[ -f "$f" ]] || continue
  while read -r name pid; do
    [[ -n "${pid:-}" ]] && pids=("$name:$pid" "${pids[@]}")
  done <"$f"
done
((${#pids[@]})) || { rm -f "$STATE/pids" "$STATE/pids.tmp"; exit 0; }

for entry in "${pids[@]}"; do
  name="${entry%%:*}" pid="${entry##*:}"
  # Only signal the process if it is still the daemon we started (PIDs can be reused).
  if [[ -r /proc/$pid/comm ]] && [[ "$(cat /proc/$pid/comm)" == "$name" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name ($pid) ignored TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name ($pid)"
  fi
done
rm -f "$STATE/pids" "$STATE/pids.tmp"
exit 0
