# Alpine 3.20 with libc6-compat: only links, no code. glibc's loader name
# (/lib64/ld-linux-x86-64.so.2) and libc.so.6, libm.so.6, libpthread.so.0, libdl.so.2, librt.so.1
# all point at musl's libc (aports main/musl, the `compat` subpackage). A glibc binary gets past the
# missing loader and then needs every symbol it imports to exist in musl. A separate image, like
# gcompat's, so the plain `musl` environment still shows the first failure.
FROM alpine:3.20
RUN apk add --no-cache build-base libc6-compat
