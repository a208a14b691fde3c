# musl 1.2.3 from the registry: Alpine 3.17, the last release before musl 1.2.4 added TCP fallback
# to the stub resolver (musl WHATSNEW, 1.2.4).
FROM alpine:3.17
RUN apk add --no-cache build-base
