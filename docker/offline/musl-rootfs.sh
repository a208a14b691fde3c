#!/usr/bin/env bash
# Build the offline musl runtime rootfs tarball: Debian's musl loader/libc + busybox-static, and no
# dynamic glibc at all (no ld-linux, no libc.so.6), so a dynamic glibc binary fails here as it does on
# Alpine. It has no compiler: musl probes are built with musl-gcc in the glibc image of the same suite.
#
# usage: musl-rootfs.sh [--libc6-compat] SUITE OUT_TAR CACHE_DIR
#   --libc6-compat  also link glibc's loader and library names to musl's libc, as Alpine's
#              libc6-compat package does (aports main/musl, the `compat` subpackage): a dynamic glibc
#              binary then starts, and fails on the glibc-only symbols it imports instead
#   SUITE      a Debian suite of ROOTFS_SUITES in lib.sh (trixie, bookworm)
#   OUT_TAR    tarball to write (written as OUT_TAR.partial, renamed when complete)
#   CACHE_DIR  private apt state/cache and the downloaded .debs live in CACHE_DIR/musl-apt/SUITE
# env: LAB_DEBIAN_MIRROR (default http://deb.debian.org/debian)
#
# stdout carries only "stage: ..." lines; everything the tools say goes to stderr.
# Import the result with: docker import OUT_TAR IMAGE
#
# Note: Debian's busybox-static is linked statically against glibc. It needs no loader and no
# libc.so.6, so the image still holds no glibc a probe could use; but busybox's own name lookups
# (nslookup, id, ...) are glibc code, so probes must never rely on busybox to show musl behaviour.
set -euo pipefail

# The preamble (stage lines on fd 3, die, the suites, the arguments) and run/stop_child.
# shellcheck source=docker/offline/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LIBC6_COMPAT=
if [ "${1:-}" = "--libc6-compat" ]; then
  LIBC6_COMPAT=1
  shift
fi
rootfs_args "$@"
[ "$(id -u)" -eq 0 ] || die "must run as root (files in the image must be owned by root)"

APT_DIR="$CACHE_DIR/musl-apt/$SUITE"
DEBS="$APT_DIR/debs"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$KEYRING" ] || die "$KEYRING missing (apt-get install debian-archive-keyring)"

mkdir -p -- "$APT_DIR/etc/sources.list.d" "$APT_DIR/state/lists/partial" \
  "$APT_DIR/cache/archives/partial" "$DEBS" "$(dirname -- "$OUT_TAR")"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/musl-rootfs.$SUITE.XXXXXX")
ROOT="$WORK/root"
mkdir -- "$ROOT"

cleanup() {
  local rc=$?
  stop_child
  rm -rf --one-file-system -- "$WORK"
  rm -f -- "$OUT_TAR.partial"
  exit "$rc"
}
on_exit cleanup

# A private apt view of SUITE: own sources list (and an empty sources.list.d so the host's
# .sources files are not merged in), own lists, own cache, and an empty dpkg status so the host's
# installed packages cannot influence what gets picked. The host's apt sources are never touched.
printf 'deb [signed-by=%s] %s %s main\n' "$KEYRING" "$MIRROR" "$SUITE" > "$APT_DIR/etc/sources.list"
: > "$APT_DIR/state/status"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list"
  -o "Dir::Etc::SourceParts=$APT_DIR/etc/sources.list.d"
  -o "Dir::State=$APT_DIR/state"
  -o "Dir::State::status=$APT_DIR/state/status"
  -o "Dir::Cache=$APT_DIR/cache"
  # Hosts set up like Docker's debian images disable apt's binary cache, so every apt-cache call
  # would re-parse the ~10 MB index; keep our own cache (it lives in Dir::Cache).
  -o "Dir::Cache::pkgcache=pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=srcpkgcache.bin"
)
# apt downloads as the unprivileged _apt user; let it write the download folder, or apt falls
# back to downloading as root with a warning.
if id _apt >/dev/null 2>&1; then chown _apt "$DEBS"; fi

stage "download musl busybox-static ($SUITE)"
# The plain and the libc6-compat runtime of one suite share this apt state and are built at once:
# apt refuses a second user of its lists lock (exit 100), so the second build waits here for the
# first one's download, then finds the .debs cached. flock runs as a step so a TERM stops the wait;
# the lock belongs to fd 9, which stays open here until the downloads are done.
exec 9>"$APT_DIR/download.lock"
run flock 9
run apt-get -q "${APT_OPTS[@]}" update
# Reuse a cached .deb only when it is exactly the candidate apt picks now (name and SHA256 from the
# fresh index): a second build then downloads nothing, and a stale or torn file is replaced.
want=()
for p in musl busybox-static; do
  v=$(LC_ALL=C apt-cache "${APT_OPTS[@]}" policy "$p" | awk '/Candidate:/ { print $2 }')
  # apt-get update only warns when the mirror cannot be reached, so this is where that shows.
  if [ -z "$v" ] || [ "$v" = "(none)" ]; then die "no candidate for $p in $SUITE (is $MIRROR reachable? see apt's warnings above)"; fi
  sum=$(LC_ALL=C apt-cache "${APT_OPTS[@]}" show "$p=$v" | awk '/^SHA256:/ { print $2; exit }')
  f="${p}_${v//:/%3a}_amd64.deb"
  for old in "$DEBS/${p}_"*.deb; do
    if [ -e "$old" ] && [ "$old" != "$DEBS/$f" ]; then rm -f -- "$old"; fi
  done
  if [ -f "$DEBS/$f" ] && [ "$(sha256sum < "$DEBS/$f" | cut -d' ' -f1)" = "$sum" ]; then
    echo "musl-rootfs: reusing cached $f"
  else
    rm -f -- "$DEBS/$f"
    (cd "$DEBS" && apt-get -q "${APT_OPTS[@]}" download "$p=$v")
  fi
  [ -f "$DEBS/$f" ] || die "apt-get download did not produce $f"
  want+=("$f")
done

exec 9>&-

stage "extract"
for w in "${want[@]}"; do dpkg-deb -x "$DEBS/$w" "$ROOT"; done
# bookworm's musl ships /lib/ld-musl-x86_64.so.1 and /lib/x86_64-linux-musl, trixie's ships them
# under /usr/lib; busybox lands in /bin (bookworm) or /usr/bin (trixie). Fold any top-level bin, sbin,
# lib folder into /usr and replace it with the merged-/usr link, so /lib/ld-musl-x86_64.so.1 (the
# interpreter musl-gcc writes into binaries) and /bin/sh resolve on both suites.
for d in bin sbin lib; do
  mkdir -p -- "$ROOT/usr/$d"
  if [ -d "$ROOT/$d" ] && [ ! -L "$ROOT/$d" ]; then
    cp -a -- "$ROOT/$d/." "$ROOT/usr/$d/"
    rm -rf -- "${ROOT:?}/$d"
  fi
  ln -s "usr/$d" "$ROOT/$d"
done
[ -e "$ROOT/lib/ld-musl-x86_64.so.1" ] || die "/lib/ld-musl-x86_64.so.1 does not resolve in the rootfs"
[ -x "$ROOT/usr/bin/busybox" ] || die "busybox missing from the rootfs"

if [ -n "$LIBC6_COMPAT" ]; then
  stage "libc6-compat links"
  # The names a glibc binary asks for: PT_INTERP (the loader) and the DT_NEEDED libraries glibc
  # splits its API into. musl is one file, loader and libc at once, so every name points at it.
  # Absolute targets, as Alpine's package makes them.
  mkdir -p -- "$ROOT/usr/lib64"
  ln -s usr/lib64 "$ROOT/lib64"
  ln -s /lib/ld-musl-x86_64.so.1 "$ROOT/usr/lib64/ld-linux-x86-64.so.2"
  for l in libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1; do
    ln -s /lib/ld-musl-x86_64.so.1 "$ROOT/usr/lib/$l"
  done
fi

stage "busybox applets"
# busybox-static runs on the host as well (static), so ask it for its applets here instead of running
# `busybox --install` in a chroot, which needs /proc mounted. Relative links keep the tree relocatable.
for a in $("$ROOT/usr/bin/busybox" --list); do
  [ -e "$ROOT/usr/bin/$a" ] || [ -L "$ROOT/usr/bin/$a" ] || ln -s busybox "$ROOT/usr/bin/$a"
done

stage "etc files"
mkdir -p -- "$ROOT/etc" "$ROOT/root" "$ROOT/home/lab" "$ROOT/tmp" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" \
  "$ROOT/var/tmp"
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"
chmod 700 "$ROOT/root"
chown 1000:1000 "$ROOT/home/lab"
# Probes may run as an unprivileged user (uid 1000) and ask for their own passwd entry.
cat > "$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
lab:x:1000:1000:lab:/home/lab:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$ROOT/etc/group" <<'EOF'
root:x:0:
lab:x:1000:
nogroup:x:65534:
EOF
musl_v=$(dpkg-deb -f "$DEBS/${want[0]}" Version)
bb_v=$(dpkg-deb -f "$DEBS/${want[1]}" Version)
compat=${LIBC6_COMPAT:+ + libc6-compat links}
# Say what this really is: not Debian (no dpkg, no glibc), but Debian's musl and busybox packages.
cat > "$ROOT/etc/os-release" <<EOF
NAME="musl-lab musl runtime"
VERSION_ID="$SUITE"
VERSION="$SUITE (musl $musl_v, busybox-static $bb_v)"
PRETTY_NAME="musl-lab musl runtime (Debian $SUITE musl + busybox$compat)"
ID=musl-lab
EOF

stage "pack"
rm -f -- "$OUT_TAR.partial"
tar --numeric-owner -C "$ROOT" -cf "$OUT_TAR.partial" .
mv -f -- "$OUT_TAR.partial" "$OUT_TAR"
stage "done $OUT_TAR $(du -k -- "$OUT_TAR" | cut -f1) KB"
