# shellcheck shell=sh
# The batch program: runs one batch of runs inside a probe container, as root, through `sh -c`
# (dash on Debian, busybox ash in the musl rootfs: POSIX sh only). runBatchProgram
# (batch-program.ts) passes it as the script itself, so nothing of it lies in the container for a
# probe to read.
#
# Arguments: MARK CAP HARNESS_BASE OUTPUT_BASE SCRATCH PROBE_UID, then six per run: SETUP
# COMMAND TEARDOWN LIMIT USER SCHEDULE.
# - MARK separates the runs in the output (random, so no probe output can forge it); CAP is how
#   many bytes of each stream come back (the rest is counted, not kept).
# - HARNESS_BASE is root's own folder (mode 0700), for the batch's other files and for the
#   temporary files of root's work (gcc's among them): never in the probes' scratch space, which
#   a probe may fill and which is emptied between runs.
# - OUTPUT_BASE is where the runs' stdout and stderr files go: a size-limited tmpfs for batches
#   with probes (an endless printer meets ENOSPC there, not the host's disk), the harness's own
#   folder otherwise. The harness's other files (setup and teardown output) never share it, so
#   a probe that fills it cannot take their room.
# - SCRATCH lists the folders a probe may write to (size-limited tmpfs mounts); they are emptied
#   after every probe run, so each run starts with all of its room and sees nothing of the last.
# - A probe (user `probe`) runs as PROBE_UID (nobody): util-linux `setpriv` where it can switch
#   users, else busybox `su`. Every process of the harness, this shell included, stays root,
#   which a probe cannot signal, and a probe inherits no descriptor but 0, 1 and 2. After each
#   probe run, this shell itself kills every process left by that user (background children, a
#   fork bomb), so the next run starts clean. Harness work (compiles) runs as root.
# - SCHEDULE is `in-turn` (alone) or `side-by-side`: probe runs without setup or teardown (a
#   search's tries) started with their side-by-side neighbours and waited for as a group.
# - Setup prepares what the run needs (a fixture server, a resolv.conf) as root; if it fails the
#   command is not run and setup's output is the run's stderr. Teardown's output is the run's
#   third result (e.g. a fixture's query log).
# - The cgroup's oom_kill counter is read before and after, so a run killed by the kernel's OOM
#   killer is named as such instead of looking like any SIGKILL.
# Each run's outputs go out as soon as it is over: `==> MARK-i.stream <==` then at most CAP bytes
# and a newline, for out, err and after, then `MARK status i STATUS START END OOMS REFUSED` and a
# `MARK trunc i STREAM SIZE` line per stream that was longer than CAP. Times come from
# /proc/uptime: busybox `date` has no nanoseconds, so runs are timed to 10 ms.

mark=$1
cap=$2
harness_base=$3
output_base=$4
scratch=$5
probe_uid=$6
shift 6
# No core files: a crashing probe must not write one where it is not bounded. (dash and busybox
# ash both have -c.)
# shellcheck disable=SC3045
ulimit -c 0
# Priorities inside the container (nice orders processes within it only; its weight against the
# host is CPU_SHARES in container-spec.ts). A fork bomb's 500 processes at nice 19 weigh 7500
# against 1024 for a process at nice 0: what must act on time while it runs is put at nice -20
# (SYS_NICE, which a probe never keeps): each run's time limit (`timeout`, see run_probe) and the
# init (PID 1, docker-init), which reaps what is killed. This shell stays at nice 0: the stop
# pass of reap is quick even at an eighth of the CPU, and from there on it waits (settle) for
# processes below it to die and be reaped. At -20 it took their CPU while it waited: a reaping took 15 s
# on a busy machine (measured). (Absolute values: busybox's `renice -n` is an increment.)
renice -20 -p 1 >/dev/null 2>&1 || true
dir=$(mktemp -d -p "$harness_base") || exit 1
outputs=$(mktemp -d -p "$output_base") || exit 1
oom_file=
for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do
  if [ -r "$f" ]; then oom_file=$f; break; fi
done
pids_file=
for f in /sys/fs/cgroup/pids.events /sys/fs/cgroup/pids/pids.events; do
  if [ -r "$f" ]; then pids_file=$f; break; fi
done
# How often the kernel said no (OOM kills, forks refused at the pids limit) so far, in $n. Only
# builtins, no $(...): right after a fork bomb even a subshell cannot be had.
counter() {
  n=0
  if [ -n "$1" ]; then
    while read -r key value; do if [ "$key" = "$2" ]; then n=$value; fi; done <"$1"
  fi
}
pids_now=
for f in /sys/fs/cgroup/pids.current /sys/fs/cgroup/pids/pids.current; do
  if [ -r "$f" ]; then pids_now=$f; break; fi
done
# After the reaping, the init reaps the dead asynchronously; forking before it has done so
# would fail. Waits (reading only, bounded) until the container is back to a handful of pids.
settle() {
  [ -n "$pids_now" ] || return 0
  k=0
  while [ "$k" -lt 200000 ]; do
    read -r current <"$pids_now"
    [ "$current" -lt 64 ] && return 0
    k=$((k + 1))
  done
}
# The shell a probe runs in, as nobody: "$probe_shell -c CMD". util-linux setpriv execs straight
# into it; busybox has no setpriv that switches users, but its su does the same (-p: it keeps the
# environment, as setpriv does, instead of setting nobody's HOME). Unquoted on use: the words are
# the command.
if setpriv --reuid="$probe_uid" --regid="$probe_uid" --clear-groups true 2>/dev/null; then
  probe_shell="setpriv --reuid=$probe_uid --regid=$probe_uid --clear-groups sh"
else
  probe_shell="su -p -s /bin/sh nobody"
fi
# HOME is in the scratch space: a probe's ~/.cache is bounded and gone after the run, like /tmp.
# A probe runs at nice 19 and cannot lower it again. busybox has no `nice`: a root shell renices
# itself, then becomes what follows (`first` does the same at -20, for the time limit).
# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
yield_cpu='renice 19 -p $$ >/dev/null && exec "$@"'
# shellcheck disable=SC2016
first='renice -20 -p $$ >/dev/null 2>&1; exec "$@"'
# Starts probe command $1 as the probe user: "$@" after it is what goes before it (its time limit,
# a waiter), run as root.
# shellcheck disable=SC2086 # the words of $probe_shell are the command
as_probe() {
  cmd_=$1
  shift
  HOME=/tmp "$@" sh -c "$yield_cpu" as-probe $probe_shell -c "$cmd_"
}
# Runs probe command $2 under the time limit $1 (seconds); the caller redirects its output. When
# the limit is up, every process of the probe user is stopped, then killed (reap), not only the
# first one as `timeout` does. `timeout` runs at nice -20, and what it kills is a root shell at
# -20 that waits for the probe, so it dies at once and the reaping starts on time: a probe
# process killed directly must first get the CPU to die, and behind its own fork bomb that took
# seconds (a 3 s limit ended after 11 s). Everything here is waited for in the foreground:
# dash's `wait` builtin on a background timer sometimes never woke under a fork bomb (a zombie
# timer, the shell asleep in sigsuspend for minutes; the container then had a CPU quota, see
# CPU_SHARES in container-spec.ts). busybox's `timeout` checks once a second, so on a busy
# machine a musl run's limit can end up to a few seconds late (10 s took 13-14 s beside two busy
# loops); the run's duration says so. As with `timeout -s KILL`, a run ended by the limit died of
# SIGKILL; the waiter is the shell that reports the probe's own death ("Segmentation fault") in
# the run's stderr, as a user would see it.
# shellcheck disable=SC2016 # $@ and $? are the waiter's
wait_for_probe='"$@"; status_=$?; exit "$status_"'
run_probe() {
  as_probe "$2" sh -c "$first" first timeout -s KILL "$1" sh -c "$wait_for_probe" probe-waiter
  probe_status=$?
  # The run ends here: the reaping after it is the harness's time, not the probe's.
  read -r end _ </proc/uptime
  reap
  return "$probe_status"
}
# Root's work (compiles, setup, teardown) keeps its temporary files in the batch's own folder.
as_root() { TMPDIR=$dir sh -c "$1"; }
# Ends every process of the probe user, with builtins only (during a fork bomb no fork is to be
# had). Every process in the container is root's or the probe user's, and a process's /proc
# entry belongs to its user, so one stat tells them apart. All are stopped first: a stopped
# process cannot fork into the pids the kills free (a bomb that refills as fast as it is killed
# never ends), nor take the CPU from this shell. A probe process whose entry is root's (it made
# itself non-dumpable) is found by the uid in its status and killed the same way. kill(-1) cannot
# serve: from the probe's uid, the probe could kill that killer too; from root, it would kill the
# harness's own processes (a compile in the same container).
reap() {
  while :; do
    for p in /proc/[0-9]*; do
      [ -O "$p" ] || kill -s STOP "${p#/proc/}" 2>/dev/null
    done
    for p in /proc/[0-9]*; do
      [ -O "$p" ] || kill -s KILL "${p#/proc/}" 2>/dev/null
    done
    # Done when no process of the probe user is left alive but the dead that the init has not
    # reaped yet: a kill "succeeds" on a zombie, so counting kills would spin here until the
    # init has reaped them all. Processes forked after the globs above are found here, killed,
    # and the stop and kill go round once more.
    found=
    for p in /proc/[0-9]*; do
      uid=
      state=
      {
        while read -r key value _; do
          case $key in
            State:) state=$value ;;
            Uid:) uid=$value; break ;;
          esac
        done <"$p/status"
      } 2>/dev/null
      if [ "$uid" = "$probe_uid" ] && [ "$state" != Z ]; then
        kill -s KILL "${p#/proc/}" 2>/dev/null && found=1
      fi
    done
    [ -n "$found" ] || return 0
  done
}
# Empties the scratch space: first as the probe user, who may have locked its own folders (root
# here has no CAP_DAC_OVERRIDE to walk them), then as root for anything else, without chmod: root
# must not follow a probe's symbolic links (rm never does). Names starting with a dot, and "-n"
# and the like, go too: every name is a path below its folder.
scrub_code() {
  echo "for d in $scratch; do
    set -- \"\$d\"/* \"\$d\"/.[!.]* \"\$d\"/..?*
    $1
    rm -rf \"\$@\"
  done 2>/dev/null; true"
}
scrub_as_probe=$(scrub_code 'chmod -R u+rwx "$@"')
scrub_as_root=$(scrub_code :)
# After each probe run (or group of side-by-side runs): no process, no file of it is left.
clean_up() {
  reap
  settle
  $probe_shell -c "$scrub_as_probe" </dev/null >/dev/null 2>&1
  sh -c "$scrub_as_root" </dev/null >/dev/null 2>&1
}
# Sends run $1's three outputs, at most $cap bytes of each, and its status line $2; then frees
# the room its files took.
emit() {
  for stream in out err after; do
    if [ "$stream" = after ]; then file=$dir/$1.after; else file=$outputs/$1.$stream; fi
    echo "==> $mark-$1.$stream <=="
    head -c "$cap" -- "$file"
    echo
  done
  echo "$mark status $1 $2"
  wc -c -- "$outputs/$1.out" "$outputs/$1.err" "$dir/$1.after" | while read -r size name; do
    if [ "$name" != total ] && [ "$size" -gt "$cap" ]; then
      echo "$mark trunc $1 ${name##*.} $size"
    fi
  done
  rm -f -- "$outputs/$1.out" "$outputs/$1.err" "$dir/$1.after" "$dir/$1.setup"
}
# Side-by-side runs (probes, no setup or teardown: a search's tries) start together and are
# waited for as a group; the leftovers of the group are cleaned up once, after all of them.
side_by_side=""
finish_side_by_side() {
  [ -n "$side_by_side" ] || return 0
  for j in $side_by_side; do
    eval "wait \$pid_$j"
    status=$?
    read -r end _ </proc/uptime
    eval "status_$j=\"$status \$start_$j $end 0 0\""
  done
  clean_up
  for j in $side_by_side; do
    eval "emit $j \"\$status_$j\""
  done
  side_by_side=""
}
i=0
while [ "$#" -ge 6 ]; do
  before=$1; cmd=$2; after=$3; limit=$4; user=$5; schedule=$6; shift 6
  : >"$outputs/$i.out"; : >"$outputs/$i.err"; : >"$dir/$i.after"
  if [ "$schedule" = side-by-side ]; then
    read -r start _ </proc/uptime
    # Side by side, each try's own limit can only end that try's first process: the rest of
    # the group's are killed after the group.
    (as_probe "$cmd" sh -c "$first" first timeout -s KILL "$limit") >"$outputs/$i.out" 2>"$outputs/$i.err" </dev/null &
    eval "pid_$i=$!; start_$i=$start"
    side_by_side="$side_by_side $i"
    i=$((i + 1))
    continue
  fi
  finish_side_by_side
  counter "$oom_file" oom_kill; oom_before=$n
  counter "$pids_file" max; pids_before=$n
  read -r start _ </proc/uptime
  if [ "$before" != : ] && ! (as_root "$before") >"$dir/$i.setup" 2>&1 </dev/null; then
    status=setup
    read -r end _ </proc/uptime
  elif [ "$user" = probe ]; then
    # run_probe sets the run's end, before the cleaning up after it.
    run_probe "$limit" "$cmd" >"$outputs/$i.out" 2>"$outputs/$i.err" </dev/null
    status=$?
    clean_up
  else
    (TMPDIR=$dir timeout -s KILL "$limit" sh -c "$cmd") >"$outputs/$i.out" 2>"$outputs/$i.err" </dev/null
    status=$?
    read -r end _ </proc/uptime
  fi
  counter "$oom_file" oom_kill; oom_after=$n
  counter "$pids_file" max; pids_after=$n
  [ "$after" = : ] || (as_root "$after") >"$dir/$i.after" 2>&1 </dev/null
  [ "$status" = setup ] && cat "$dir/$i.setup" >"$outputs/$i.err"
  emit "$i" "$status $start $end $((oom_after - oom_before)) $((pids_after - pids_before))"
  i=$((i + 1))
done
finish_side_by_side
rm -rf "$dir" "$outputs"
