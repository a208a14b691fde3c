# shellcheck shell=bash
# Shared by the offline rootfs scripts (sourced first, not run).

# The Debian suites the offline images are built from, the one list of them in docker/ (the lab's
# side is DebianSuiteSchema in lab/environments/schema.ts).
ROOTFS_SUITES="trixie bookworm"

# stdout carries only "stage: ..." lines so the caller can show one line per stage; everything the
# tools say goes to stderr, which the caller keeps and shows when a build fails.
exec 3>&1 1>&2
stage() { printf 'stage: %s\n' "$*" >&3; }
die() { printf '%s: %s\n' "$(basename -- "$0" .sh)" "$*" >&2; exit 2; }

# rootfs_args "$@": checks `SUITE OUT_TAR CACHE_DIR` and sets SUITE, OUT_TAR and CACHE_DIR (both
# absolute, resolved before anything changes directory: debootstrap only accepts an absolute
# --cache-dir) and MIRROR.
# shellcheck disable=SC2034 # set for the scripts that source this
rootfs_args() {
  [ "$#" -eq 3 ] || die "usage: $0 SUITE OUT_TAR CACHE_DIR"
  SUITE=$1
  local s
  for s in $ROOTFS_SUITES; do [ "$s" = "$SUITE" ] && break; s=; done
  [ -n "$s" ] || die "unsupported suite '$SUITE' (${ROOTFS_SUITES// / or })"
  export PATH="$PATH:/usr/sbin:/sbin"
  MIRROR=${LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  OUT_TAR=$(realpath -m -- "$2")
  CACHE_DIR=$(realpath -m -- "$3")
}

# on_exit CLEANUP: runs CLEANUP however the script ends. A signal exits with the shell's 128 + its
# number, as the lab itself does (INTERRUPT_EXIT_STATUS in lab/errors.ts), and CLEANUP still runs.
on_exit() {
  # shellcheck disable=SC2064 # the name is expanded now, on purpose
  trap "$1" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

#
# Long steps run in their own process group (setsid) so that a TERM sent to the calling script
# alone (Node's child.kill() signals one pid) stops the whole step at once (dpkg inside a chroot,
# apt and its download helpers), before cleanup deletes what the step is writing. bash runs traps
# only between foreground commands, hence `& wait`.
CHILD=
run() {
  setsid "$@" 3>&- &
  CHILD=$!
  wait "$CHILD"
  CHILD=
}
stop_child() {
  [ -n "${CHILD:-}" ] || return 0
  kill -TERM -- "-$CHILD" 2>/dev/null || true
  local _
  for _ in $(seq 50); do
    kill -0 -- "-$CHILD" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL -- "-$CHILD" 2>/dev/null || true
  CHILD=
}
