# shellcheck shell=bash
# Shared by the offline rootfs scripts (sourced, not run).
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
