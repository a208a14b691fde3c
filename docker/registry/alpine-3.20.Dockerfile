# musl environment from the registry: Alpine 3.20 (musl 1.2.5), compiling natively with build-base.
FROM alpine:3.20
RUN apk add --no-cache build-base
