import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
  concept: [
    "A program turns a host name into addresses with getaddrinfo. The part of the C library " +
      "that does this is the stub resolver: it reads /etc/hosts and /etc/resolv.conf " +
      "(nameservers, search domains, options such as ndots, timeout and attempts), sends DNS " +
      "queries over UDP (TCP for big answers) and turns the replies into addresses or an " +
      "EAI_* error code.",
    "Everything about that behaviour (the order of servers, timeouts, search domains, caching, " +
      "error texts) is implemented by the C library, not by the kernel or the program. Two " +
      "libcs reading the same resolv.conf can send different queries and give different " +
      "answers.",
  ],
  whyTheyDiffer: [
    {
      text:
        "Nameservers: glibc asks them one after another in resolv.conf order, waiting the " +
        "timeout for each; musl asks all of them at once and takes the first useful reply. A " +
        "dead first server costs glibc a timeout per lookup and musl nothing; an NXDOMAIN " +
        "from the fastest server wins on musl.",
      sources: ["musl-resolver", "glibc-resolver", "reported-issues"],
    },
    {
      text:
        "Search domains and truncation: musl never applies search domains to a name with " +
        "ndots dots or more, and before 1.2.4 it never retried a truncated answer over TCP.",
      sources: [
        "musl-resolver",
        "musl-whatsnew-resolver",
        "glibc-resolver",
        "resolv-conf-rfc-1035",
        "reported-issues",
      ],
    },
    {
      text:
        "Errors: both return the standard EAI_* codes, but gai_strerror words them " +
        "differently ('Name or service not known' on glibc, 'Name does not resolve' on musl). " +
        "Code that compares the texts works on one libc only.",
      sources: ["gai-strerror"],
    },
  ],
  diagnose: [
    {
      tool: "getent",
      command: "getent ahosts db.example.com",
      shows:
        "What the C library's own resolver answers (on Alpine getent comes with musl-utils). " +
        "Not nslookup or dig: they carry their own resolver, not the libc's.",
    },
    {
      tool: "/etc/resolv.conf",
      command: "cat /etc/resolv.conf",
      shows:
        "Nameservers (their order matters to glibc only), search list, ndots, timeout, " +
        "attempts; musl ignores every other option.",
    },
    {
      tool: "tcpdump",
      command: "tcpdump -ni any port 53",
      shows:
        "Which server gets which query when: parallel queries (musl), one server after " +
        "another (glibc), TCP retries after TC=1.",
    },
    {
      tool: "the lab's DNS fixture",
      command: "npm run lab -- dns",
      shows:
        "The same, measured: the fixture logs every query each libc sent (condensed in the " +
        "report), with the time each lookup took.",
    },
  ],
  fixes: [
    {
      fix: "Check error codes, not texts",
      how: "Compare getaddrinfo's return value with EAI_AGAIN, EAI_NONAME (and EAI_NODATA).",
      whenToChoose: "Always: the codes are the portable contract; the texts are for people.",
      provenBy: "nonexistent",
    },
    {
      fix: "Use fully qualified names",
      how: "Look up db.svc.cluster.local. (with the final dot) instead of relying on search.",
      whenToChoose:
        "When names have dots and rely on search domains (Kubernetes with ndots:5): musl " +
        "never searches them.",
      provenBy: "search-dotted-name",
    },
    {
      fix: "Tune resolv.conf",
      how: "options timeout:1 attempts:2; healthy nameservers first.",
      whenToChoose:
        "When lookups are slow on glibc because a listed server is dead: glibc waits for it, " +
        "musl does not.",
      provenBy: "dead-first-server",
    },
    {
      fix: "Keep the nameservers consistent, and answers small",
      how:
        "Every listed server must know the same names; use musl >= 1.2.4 (Alpine 3.18+) when " +
        "answers may be truncated.",
      whenToChoose:
        "Split-horizon set-ups: on musl the fastest server decides, including its NXDOMAIN.",
      provenBy: "nxdomain-first",
    },
  ],
  questions: [
    "The first nameserver in resolv.conf is down. Why is every lookup slow on Ubuntu but not " +
      "on Alpine?",
    "Why does `db.x` resolve on glibc and fail on musl with the same search list and ndots:1?",
    "A service decides whether to retry a failed lookup by reading gai_strerror's text. Why is " +
      "this wrong, and what should it check instead?",
  ],
} satisfies z.input<typeof LessonSchema>;
