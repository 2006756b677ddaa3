#!/usr/bin/env bash
# Stop the single-node Slurm cluster started by ci/slurm/start.sh: cancel every job,
# stop slurmd and slurmctld, then munged. Idempotent: does nothing when nothing runs
# (or when the packages are not installed). Stops the daemons by their pid files only.
set -uo pipefail

TIMEOUT="${SLURM_STOP_TIMEOUT:-30}"
log() { echo "[ci/slurm/stop] $*" >&2; }

# A process that exited stays a zombie until PID 1 reaps it: that counts as gone.
alive() { # alive PID COMM
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] || return 1
    stat="${stat##*) }"
    case "${stat%% *}" in Z|X|x) return 1 ;; esac
}

pid_of() { # pid_of PIDFILE COMM -> prints the pid if that program runs
    local pid
    [ -s "$1" ] || return 1
    pid="$(cat "$1" 2>/dev/null)" || return 1
    [ -n "$pid" ] && alive "$pid" "$2" && echo "$pid"
}

wait_gone() { # wait_gone PID COMM SECONDS
    for _ in $(seq $(( $3 * 10 ))); do
        alive "$1" "$2" || return 0
        sleep 0.1
    done
    ! alive "$1" "$2"
}

stop_daemon() { # stop_daemon PIDFILE COMM
    local pid
    pid="$(pid_of "$1" "$2")" || return 0
    log "stopping $2 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$2" "$TIMEOUT"; then
        log "$2 (pid $pid) still runs after ${TIMEOUT}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" "$2" 5 || true
    fi
}

ctld_pid="$(pid_of /run/slurmctld.pid slurmctld || true)"
if [ -n "$ctld_pid" ] && command -v squeue >/dev/null 2>&1; then
    jobs="$(squeue -h -o '%A' 2>/dev/null | sort -u || true)"
    if [ -n "$jobs" ]; then
        log "cancelling $(echo "$jobs" | wc -l) job(s)"
        # shellcheck disable=SC2086
        scancel $jobs 2>/dev/null || true
        for _ in $(seq $(( TIMEOUT * 2 ))); do
            [ -z "$(squeue -h -o '%A' 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
fi

# slurmd first (so slurmctld does not mark the node down while it still runs), then slurmctld.
stop_daemon /run/slurmd.pid slurmd
stop_daemon /run/slurmctld.pid slurmctld
stop_daemon /run/munge/munged.pid munged
log "stopped"
exit 0
