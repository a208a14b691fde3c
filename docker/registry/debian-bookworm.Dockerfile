# glibc environment from the registry: Debian bookworm (glibc 2.36, musl-tools 1.2.3).
# Same tools and locales as the offline glibc rootfs (docker/offline/glibc-rootfs.sh).
FROM debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc libc6-dev make locales musl-tools binutils file \
 && printf '%s UTF-8\n' en_US.UTF-8 de_DE.UTF-8 tr_TR.UTF-8 sv_SE.UTF-8 ja_JP.UTF-8 > /etc/locale.gen \
 && locale-gen \
 && rm -rf /var/lib/apt/lists/*
# musl-tools brings musl's loader along with its headers. A stock glibc system has no musl loader,
# and the `hello` scenario must show what a musl binary meets there, so keep only the cross
# toolchain (musl-gcc links against /usr/lib/x86_64-linux-musl and never needs the loader itself).
RUN rm -f /lib/ld-musl-x86_64.so.1 /usr/lib/ld-musl-x86_64.so.1
