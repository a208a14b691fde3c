import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";
import { DELAY_MS, CONCURRENT, ANSWER, TIMES, UNSPEC_DELAY_MS } from "./cases.js";

/** What the reports show beyond the case list: tables, claims, advice, charts, tolerances. */
export const report = {
  tables: [
    {
      title: "Timing (ms, median of the runs)",
      rows: [
        {
          label: "50 concurrent lookups, 50 ms delay",
          case: "concurrency",
          key: "total_ms.median",
        },
        {
          label: "dead first server, timeout:1",
          case: "dead-first-server",
          key: "total_ms.median",
        },
        {
          label: "dead first server, defaults (1 run)",
          case: "dead-first-server-defaults",
          key: "total_ms",
        },
        { label: "name that does not exist", case: "nonexistent", key: "total_ms.median" },
      ],
    },
    {
      title: "What each resolver sent and got",
      rows: [
        {
          label: "AF_UNSPEC: A and AAAA on one socket",
          case: "unspec",
          key: "log.a_aaaa_same_port",
        },
        {
          label: `AF_UNSPEC: AAAA sent after A (server delays ${UNSPEC_DELAY_MS} ms)`,
          case: "unspec",
          key: "log.a_aaaa_gap_ms",
          unit: "ms",
        },
        { label: "10 lookups: queries at the server", case: "caching", key: "log.queries" },
        { label: "big answer: addresses", case: "big-answer", key: "lookup.1.count" },
        { label: "big answer: transports", case: "big-answer", key: "log.transports" },
        {
          label: "big answer, partial TC: addresses",
          case: "big-answer-partial",
          key: "lookup.1.count",
        },
        { label: "`db` with search: asked", case: "search-short-name", key: "log.questions" },
        { label: "`db.x` with search: asked", case: "search-dotted-name", key: "log.questions" },
        {
          label: "`db.x` with search: result",
          case: "search-dotted-name",
          key: "lookup.1.result",
        },
        { label: "SERVFAIL first: result", case: "servfail-first", key: "lookup.1.result" },
        { label: "NXDOMAIN first: servers asked", case: "nxdomain-first", key: "log.servers" },
        {
          label: "nonexistent name: gai_strerror",
          case: "nonexistent",
          key: "lookup.1.error_text",
        },
        { label: "hosts vs DNS: answer", case: "hosts-vs-dns", key: "lookup.1.addrs" },
      ],
    },
  ],
  // What each resolver answered, beside the query log of every case.
  highlights: {
    "plain-a": ANSWER,
    unspec: ANSWER,
    caching: ["ok", "failed", "total_ms"],
    concurrency: ["ok", ...TIMES],
    "big-answer": [...ANSWER, "lookup.1.count"],
    "big-answer-partial": [...ANSWER, "lookup.1.count"],
    "search-short-name": ANSWER,
    "search-dotted-name": ANSWER,
    "dead-first-server": [...ANSWER, ...TIMES],
    "dead-first-server-defaults": [...ANSWER, "total_ms"],
    "servfail-first": ANSWER,
    "nxdomain-first": ANSWER,
    nonexistent: [...ANSWER, ...TIMES],
    "hosts-vs-dns": ANSWER,
  },
  claims: [
    {
      claim: "glibc caches DNS answers",
      family: "glibc",
      case: "caching",
      key: "log.queries",
      holdsWhen: { max: 9 },
      unit: { one: "query for 10 lookups", other: "queries for 10 lookups" },
    },
    {
      claim: "musl resolves names sequentially",
      family: "musl",
      case: "concurrency",
      key: "total_ms.median",
      holdsWhen: { min: (CONCURRENT * DELAY_MS) / 2 },
      unit: `ms for ${CONCURRENT} lookups with a ${DELAY_MS} ms delay`,
    },
    {
      claim: "musl has no TCP fallback",
      family: "musl",
      case: "big-answer",
      key: "log.tcp",
      holdsWhen: "0",
      unit: { one: "TCP query", other: "TCP queries" },
    },
    {
      claim: "musl ignores search domains",
      family: "musl",
      case: "search-short-name",
      key: "lookup.1.result",
      holdsWhen: "fail",
    },
  ],
  advice: [
    {
      text:
        "On Alpine older than 3.18 (musl < 1.2.4), keep DNS answers under 512 bytes or run a " +
        "local resolver that does TCP: a truncated reply is all musl gets.",
      evidence: "big-answer",
    },
    {
      text:
        "Write names fully qualified (with a trailing dot, or enough dots for ndots) when " +
        "search domains matter: musl never appends them to a name with ndots dots or more.",
      evidence: "search-dotted-name",
    },
    {
      text:
        "Every nameserver in resolv.conf must give the same answers: musl takes whichever " +
        "replies first, NXDOMAIN included.",
      evidence: "nxdomain-first",
    },
    {
      text:
        "On glibc a dead first nameserver costs every lookup its timeout: lower `timeout:` or " +
        "remove the server.",
      measured: {
        case: "dead-first-server-defaults",
        key: "total_ms",
        unit: "ms for one lookup",
      },
    },
  ],
  timings: {
    key: "total_ms",
    unit: "ms",
    heading: "Lookup times: median of the repeats, whiskers from fastest to slowest",
  },
  tolerances: [
    {
      pattern: "*_ms.median",
      tolerance: { kind: "numeric", relative: 0.5, absolute: 20 },
      why: "median timings (DNS): a real change is a timeout or a serial wait, tens of ms at least",
    },
    {
      pattern: "lookup.*.ms.median",
      tolerance: { kind: "numeric", relative: 0.5, absolute: 20 },
      why: "median timings of one lookup, as above",
    },
    {
      pattern: "*_ms",
      tolerance: { kind: "ignore" },
      why: "a single wall-clock time is noise; repeated cases carry medians",
    },
    {
      pattern: "*_ms.*",
      tolerance: { kind: "ignore" },
      why: "the fastest and slowest of the repeats are noise",
    },
    {
      pattern: "lookup.*.ms",
      tolerance: { kind: "ignore" },
      why: "a single wall-clock time is noise",
    },
    {
      pattern: "lookup.*.ms.*",
      tolerance: { kind: "ignore" },
      why: "the fastest and slowest of the repeats are noise",
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
