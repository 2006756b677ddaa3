#!/usr/bin/env bash
# Start a single-node Slurm cluster on localhost (munged, slurmctld, slurmd -N localhost).
# Idempotent: installs Debian's packages if missing, writes the config, starts only
# what is not running, then waits until the node `localhost` is idle in partition `debug`.
# On failure prints the daemons' logs and exits non-zero.
# Needs root. No systemd: the daemons are started directly.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
TIMEOUT="${SLURM_START_TIMEOUT:-60}"   # seconds to wait for the node to be idle
PACKAGES=(slurmctld slurmd slurm-client munge)
CONF=/etc/slurm/slurm.conf
LOGDIR=/var/log/slurm

log() { echo "[ci/slurm/start] $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root"; exit 1
fi

# --- packages -------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >/dev/null
fi

# --- munge ----------------------------------------------------------------------
# munged refuses a key or directories that are not owned by the user it runs as,
# or that others can write; Debian runs it as user `munge`.
install -d -o munge -g munge -m 0700 /etc/munge
install -d -o munge -g munge -m 0700 /var/lib/munge
install -d -o munge -g munge -m 0700 /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key

munge_ok() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

# Is the daemon from this pid file alive (and really that program)? A killed daemon
# stays a zombie until PID 1 reaps it (here that took 1-2 s): that counts as dead.
alive() { # alive PID COMM
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] || return 1
    stat="${stat##*) }"           # fields after "pid (comm) "; first is the state
    case "${stat%% *}" in Z|X|x) return 1 ;; esac
}
running() { # running PIDFILE COMM
    local pid
    [ -s "$1" ] || return 1
    pid="$(cat "$1" 2>/dev/null)" || return 1
    [ -n "$pid" ] && alive "$pid" "$2"
}

if ! munge_ok; then
    if running /run/munge/munged.pid munged; then
        log "munged runs but does not answer"; exit 1
    fi
    log "starting munged"
    # Redirect stdio: a daemon holding CI's output pipe open would hang the CI step.
    runuser -u munge -- /usr/sbin/munged </dev/null >>/var/log/munge/munged.out 2>&1
    for _ in $(seq 50); do munge_ok && break; sleep 0.1; done
    if ! munge_ok; then
        log "munged did not start"; tail -n 50 /var/log/munge/munged.log /var/log/munge/munged.out >&2 || true
        exit 1
    fi
fi

# --- slurm config ----------------------------------------------------------------
cpus="$(nproc)"
mem_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
# Headroom: slurmd drains a node whose real memory is below RealMemory.
real_memory=$(( mem_mb * 9 / 10 ))
[ "$real_memory" -ge 1 ] || real_memory=1

install -d -m 0755 /etc/slurm "$LOGDIR" /var/lib/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd
new_conf="$(sed -e "s/@CPUS@/$cpus/g" -e "s/@REAL_MEMORY@/$real_memory/g" "$HERE/slurm.conf")"
conf_changed=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$new_conf" ]; then
    printf '%s\n' "$new_conf" > "$CONF.tmp"
    chmod 0644 "$CONF.tmp"
    mv "$CONF.tmp" "$CONF"
    conf_changed=1
fi
# slurmd 22.05 reads cgroup.conf even with proctrack/linuxproc and task/none, and
# without it guesses cgroup v1/v2 from /sys/fs/cgroup; say explicitly it is unused.
if [ ! -f /etc/slurm/cgroup.conf ] || ! cmp -s "$HERE/cgroup.conf" /etc/slurm/cgroup.conf; then
    install -m 0644 "$HERE/cgroup.conf" /etc/slurm/cgroup.conf
    conf_changed=1
fi

dump_logs() {
    log "---- sinfo / scontrol show node ----"
    sinfo -N -l 2>&1 | sed 's/^/  /' >&2 || true
    scontrol show node localhost 2>&1 | sed 's/^/  /' >&2 || true
    local f
    for f in /var/log/munge/munged.log /var/log/munge/munged.out \
             "$LOGDIR/slurmctld.log" "$LOGDIR/slurmctld.out" \
             "$LOGDIR/slurmd.log" "$LOGDIR/slurmd.out"; do
        [ -f "$f" ] || continue
        log "---- tail $f ----"
        tail -n 60 "$f" | sed 's/^/  /' >&2
    done
}

# --- slurmctld / slurmd --------------------------------------------------------------
if running /run/slurmctld.pid slurmctld; then
    if [ "$conf_changed" = 1 ]; then log "config changed: scontrol reconfigure"; scontrol reconfigure || true; fi
else
    log "starting slurmctld"
    if ! /usr/sbin/slurmctld </dev/null >>"$LOGDIR/slurmctld.out" 2>&1; then
        log "slurmctld failed to start"; dump_logs; exit 1
    fi
fi
# Wait for the controller to answer before starting slurmd (it registers with it).
for _ in $(seq 100); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    sleep 0.1
done

if ! running /run/slurmd.pid slurmd; then
    log "starting slurmd -N localhost"
    if ! /usr/sbin/slurmd -N localhost </dev/null >>"$LOGDIR/slurmd.out" 2>&1; then
        log "slurmd failed to start"; dump_logs; exit 1
    fi
fi

# --- wait for the node to be idle -------------------------------------------------
deadline=$(( $(date +%s) + TIMEOUT ))
resumed=0
state=""
while :; do
    state="$(sinfo -h -N -n localhost -p debug -o '%T' 2>/dev/null | head -n1 || true)"
    case "$state" in
        idle) break ;;
        # A node drained or down from an earlier run (not a missing slurmd: that is `down*`).
        drained|draining|down|drain|fail)
            if [ "$resumed" = 0 ]; then
                log "node is $state: scontrol update NodeName=localhost State=RESUME"
                scontrol update NodeName=localhost State=RESUME || true
                resumed=1
            fi ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
        log "node localhost is not idle after ${TIMEOUT}s (state: '${state:-none}')"
        dump_logs
        exit 1
    fi
    sleep 0.5
done
log "ready: node localhost idle in partition debug ($cpus CPUs, RealMemory=${real_memory}M)"
