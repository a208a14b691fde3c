# Alpine 3.20 with gcompat: a shim that provides glibc's loader name (/lib64/ld-linux-x86-64.so.2)
# and libc.so.6 on top of musl, so many glibc-built binaries start. It is a separate image so the
# plain `musl` environment stays free of it and still shows the failure gcompat fixes.
FROM alpine:3.20
RUN apk add --no-cache build-base gcompat
