#!/usr/bin/env bash
# Build the offline glibc rootfs tarball (Debian minbase + C toolchain + musl-tools + locales).
#
# usage: glibc-rootfs.sh SUITE OUT_TAR CACHE_DIR
#   SUITE      a Debian suite of ROOTFS_SUITES in lib.sh (trixie, bookworm)
#   OUT_TAR    tarball to write (written as OUT_TAR.partial, renamed when complete)
#   CACHE_DIR  keeps downloaded .debs (CACHE_DIR/debs/SUITE) so a rebuild downloads nothing
# env: LAB_DEBIAN_MIRROR (default http://deb.debian.org/debian)
#
# stdout carries only "stage: ..." lines so the caller can show one line per stage; everything the
# tools say goes to stderr, which the caller keeps and shows when a build fails.
# Import the result with: docker import OUT_TAR IMAGE
set -euo pipefail

# The preamble (stage lines on fd 3, die, the suites, the arguments) and run/stop_child.
# shellcheck source=docker/offline/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
rootfs_args "$@"
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || die "debootstrap is not installed (apt-get install debootstrap)"

DEB_CACHE="$CACHE_DIR/debs/$SUITE"

# Toolchain for both libcs: gcc + libc6-dev for glibc, musl-tools for musl-gcc (static and dynamic
# musl probes are built here and copied into the musl runtime image), binutils for readelf, file to
# show what a binary is. locales so glibc has real locale data (without it glibc collates like musl).
PACKAGES=gcc,libc6-dev,make,locales,musl-tools,binutils,file
LOCALES="en_US.UTF-8 de_DE.UTF-8 tr_TR.UTF-8 sv_SE.UTF-8 ja_JP.UTF-8"

mkdir -p -- "$DEB_CACHE" "$(dirname -- "$OUT_TAR")"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/glibc-rootfs.$SUITE.XXXXXX")
ROOT="$WORK/root"

# debootstrap mounts proc/sys (and sometimes more) inside the target and leaves them mounted when it
# fails; rm -rf through a mounted /proc or /sys is dangerous, so unmount everything below ROOT first
# (deepest first) and keep rm on this filesystem in case an unmount did not happen.
unmount_below() {
  local m
  awk -v root="$1" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/self/mounts \
    | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" || true
      done
}
cleanup() {
  local rc=$?
  stop_child
  unmount_below "$ROOT"
  rm -rf --one-file-system -- "$WORK"
  # Never leave a half tarball behind: OUT_TAR appears only via the final rename.
  rm -f -- "$OUT_TAR.partial"
  exit "$rc"
}
on_exit cleanup

stage "bootstrap $SUITE"
run debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$DEB_CACHE" \
  "$SUITE" "$ROOT" "$MIRROR"
# debootstrap may leave proc/sys mounted even on success; nothing below needs them.
unmount_below "$ROOT"

stage "generate locales"
for l in $LOCALES; do printf '%s UTF-8\n' "$l"; done > "$ROOT/etc/locale.gen"
run chroot "$ROOT" locale-gen

stage "clean"
# The registry images (docker/registry/*.Dockerfile) drop the musl loader that musl-tools installs:
# a stock glibc system has none, and the hello scenario must show a musl binary failing there.
# musl-gcc never needs the loader to link, static or dynamic. Keep the offline image identical.
rm -f -- "$ROOT/lib/ld-musl-x86_64.so.1" "$ROOT/usr/lib/ld-musl-x86_64.so.1"
# The .debs stay in CACHE_DIR for the next build; inside the image they only cost space
# (~525 -> ~388 MB). Host files that debootstrap copies in (resolv.conf, hostname) must not ship.
rm -f -- "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/cache/apt/*.bin
rm -rf -- "$ROOT"/var/lib/apt/lists/*
rm -f -- "$ROOT/etc/resolv.conf" "$ROOT/etc/hostname"
# Docker mounts its own /dev over this folder, so debootstrap's device nodes are dead weight. Guard:
# if /dev were still a bind mount of the host's, deleting inside it would delete the host's nodes.
if mountpoint -q "$ROOT/dev"; then
  die "$ROOT/dev is still mounted; refusing to clean it"
fi
find "$ROOT/dev" -xdev -mindepth 1 -delete

stage "pack"
rm -f -- "$OUT_TAR.partial"
tar --numeric-owner -C "$ROOT" -cf "$OUT_TAR.partial" .
mv -f -- "$OUT_TAR.partial" "$OUT_TAR"
stage "done $OUT_TAR $(du -m -- "$OUT_TAR" | cut -f1) MB"
