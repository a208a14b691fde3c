import type { z } from "zod";
import type { ScenarioSchema } from "../schema.js";
import { cases } from "./cases.js";
import { report } from "./report.js";
import { lesson } from "./lesson.js";

export const dns = {
  id: "dns",
  title: "DNS: what getaddrinfo really sends, measured against a fixture server",
  summary: "glibc's and musl's resolvers against a fake DNS server whose log shows every query",
  description:
    "Every case writes its own resolv.conf and hosts file and starts a small DNS server inside the " +
    "container's own loopback (network mode none: nothing leaves the container). The server " +
    "answers from the case's data, misbehaves on request (delay, drop, SERVFAIL, NXDOMAIN, " +
    "truncation) and logs every query, so the report shows what each resolver really sent, not " +
    "what blog posts say it sends.",
  sources: {
    "resolv-conf-rfc-1035": {
      title: "resolv.conf(5); RFC 1035 4.2.1 (512-byte UDP limit, TC bit)",
    },
    "musl-resolver": {
      title:
        "musl src/network/res_msend.c (all nameservers in parallel), lookup_name.c (search, /etc/hosts first), resolvconf.c",
    },
    "musl-whatsnew-resolver": {
      title: "musl WHATSNEW 1.2.4: TCP fallback for large answers; 1.1.13: search domains",
    },
    "glibc-resolver": {
      title:
        "glibc resolv/res_send.c (servers in order, TCP retry on TC), resolv/res_query.c (search order)",
    },
    "reported-issues": {
      title:
        "gliderlabs/docker-alpine#8 (first NXDOMAIN wins), coredns#6149 and NuGetGallery#9396 (TC bit), k3s#6561 (ndots)",
    },
    "gai-strerror": {
      title:
        "POSIX getaddrinfo; musl src/network/gai_strerror.c; glibc sysdeps/posix/gai_strerror.c",
    },
  },
  // The times measured here are server delays and resolver timeouts (50 ms to 5 s), which CPU
  // contention does not stretch by much; the bounds have the margin for it. So the environments'
  // queues run side by side, and a warm run costs little more than glibc's deliberate waits.
  exclusiveRuns: false,
  cases,
  report,
  lesson,
  checkHint: {
    imports: ["getaddrinfo", "gethostbyname", "res_query", "res_search", "__res_query"],
    text: "it resolves names: musl asks every nameserver at once, ignores some resolv.conf options and had no TCP fallback before 1.2.4",
  },
} satisfies z.input<typeof ScenarioSchema>;
