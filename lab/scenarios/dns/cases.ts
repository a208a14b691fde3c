import type { z } from "zod";
import type { CaseSchema, DnsFixtureSchema } from "../schema.js";

type Fixture = z.input<typeof DnsFixtureSchema>;

/** Answers come from documentation ranges (RFC 5737, RFC 3849): data, never destinations. */
const DB_A = "192.0.2.10";
const DB_AAAA = "2001:db8::10";
const HOSTS_A = "192.0.2.99";
const FIRST = "127.0.0.1";
const SECOND = "127.0.0.2";

const PROBE = { probe: "dns-probe.c", for: "native", link: "dynamic" } as const;
/** Timing cases run this often; expectations state medians with margins, never exact times. */
const TIMING_REPEATS = 5;
export const DELAY_MS = 50;
export const CONCURRENT = 50;

/** What getaddrinfo answered: the addresses, or the error and its text. */
export const ANSWER = ["lookup.1.addrs", "lookup.1.error", "lookup.1.error_text"];
/** A timing case's spread over its runs. */
export const TIMES = ["total_ms.min", "total_ms.median", "total_ms.max"];

const DB_RECORDS: Fixture["records"] = [
  { name: "db.lab.example", type: "A", address: DB_A },
  { name: "db.lab.example", type: "AAAA", address: DB_AAAA },
];

/** Long enough that waiting for the A answer before asking AAAA would show in the query log. */
export const UNSPEC_DELAY_MS = 100;

/** One server on 127.0.0.1 that knows db.lab.example. */
function simple(extra: Partial<Fixture> = {}): Fixture {
  return {
    resolvConf: [`nameserver ${FIRST}`],
    listen: [FIRST],
    records: DB_RECORDS,
    ...extra,
  };
}

/** Two servers: the second knows db.lab.example, the first misbehaves as the rules say. */
function twoServers(options: string[], rules: Fixture["rules"]): Fixture {
  return {
    resolvConf: [`nameserver ${FIRST}`, `nameserver ${SECOND}`, ...options],
    listen: [FIRST, SECOND],
    records: DB_RECORDS,
    rules,
  };
}

export function lookup(args: string[], dns: Fixture, timeoutMs = 10_000) {
  return { kind: "run" as const, on: "every" as const, args, dns, timeoutMs };
}

/** The cases of dns, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "plain-a",
    title: "One AF_INET lookup of db.lab.example",
    role: "baseline",
    build: PROBE,
    check: lookup(["one", "db.lab.example", "inet"], simple()),
    expect: [
      {
        result: "success",
        measurements: {
          "lookup.1.addrs": DB_A,
          "log.queries": "1",
          "log.questions": "A db.lab.example",
        },
        because: "An AF_INET lookup needs only an A query, and both libcs send just that.",
      },
    ],
  },
  {
    id: "unspec",
    title: `One AF_UNSPEC lookup: A and AAAA (the server answers after ${UNSPEC_DELAY_MS} ms)`,
    role: "demonstration",
    build: PROBE,
    check: lookup(
      ["one", "db.lab.example", "unspec"],
      simple({
        rules: [{ server: "*", name: "*", action: "delay", delayMs: UNSPEC_DELAY_MS }],
      }),
    ),
    expect: [
      {
        result: "success",
        measurements: {
          "lookup.1.count": "2",
          "log.queries": "2",
          "log.a_aaaa_same_port": "yes",
          // Sent one after the other, the AAAA query would wait for the delayed A answer.
          "log.a_aaaa_gap_ms": { max: UNSPEC_DELAY_MS / 2 },
        },
        because:
          "Both libcs send the A and AAAA queries from one UDP socket, the second before the " +
          "first is answered: glibc right after the first (unless `options single-request`), " +
          "musl both at once through one res_msend call.",
      },
    ],
  },
  {
    id: "caching",
    title: "10 sequential lookups of one name: how many queries reach the server",
    role: "demonstration",
    build: PROBE,
    check: lookup(["seq", "10", "db.lab.example", "inet"], simple()),
    expect: [
      {
        result: "success",
        measurements: { ok: "10", "log.queries": "10" },
        because:
          "Neither libc caches answers: every getaddrinfo call goes to the wire. glibc caches " +
          "only through nscd or a local caching resolver, which this container does not run.",
      },
    ],
  },
  {
    id: "concurrency",
    title: `${CONCURRENT} concurrent lookups, server delays every answer ${DELAY_MS} ms`,
    role: "demonstration",
    build: PROBE,
    repeat: TIMING_REPEATS,
    check: lookup(
      ["par", String(CONCURRENT), "db.lab.example", "inet"],
      simple({ rules: [{ server: "*", name: "*", action: "delay", delayMs: DELAY_MS }] }),
    ),
    expect: [
      {
        result: "success",
        measurements: {
          ok: String(CONCURRENT),
          "log.queries": String(CONCURRENT),
          // In parallel: a bit over one delay. In series it would be 50 x 50 ms = 2.5 s.
          "total_ms.median": { min: DELAY_MS * 0.9, max: DELAY_MS * 10 },
        },
        because:
          "Both resolvers are thread-safe and do not serialise lookups: 50 threads wait for " +
          "their answers together, so the total is close to one server delay, not fifty.",
      },
    ],
  },
  {
    id: "big-answer",
    title: "A 40-record answer: truncated over UDP (TC=1, no records), full over TCP",
    role: "demonstration",
    build: PROBE,
    check: {
      ...lookup(
        ["one", "big.lab.example", "inet"],
        simple({ many: [{ name: "big.lab.example", count: 40, truncation: "tc-empty" }] }),
      ),
      alsoOn: ["musl-1.2.3"],
    },
    expect: [
      {
        when: { family: "musl", version: "<1.2.4" },
        result: "failure",
        measurements: { "lookup.1.result": "fail", "log.tcp": "0" },
        because:
          "musl before 1.2.4 has no TCP fallback: it takes the truncated UDP reply as it is, " +
          "and a reply truncated to no records (as CoreDNS sends) is no address at all.",
      },
      {
        result: "success",
        measurements: { "lookup.1.count": "40", "log.transports": "udp,tcp" },
        because:
          "The UDP reply has TC=1, so the resolver asks again over TCP and gets all 40 " +
          "records (glibc always; musl since 1.2.4).",
      },
    ],
  },
  {
    id: "big-answer-partial",
    title: "The same big answer when the truncated reply carries what fits",
    role: "demonstration",
    build: PROBE,
    check: {
      ...lookup(
        ["one", "big.lab.example", "inet"],
        simple({ many: [{ name: "big.lab.example", count: 40, truncation: "tc-partial" }] }),
      ),
      alsoOn: ["musl-1.2.3"],
    },
    expect: [
      {
        when: { family: "musl", version: "<1.2.4" },
        result: "success",
        measurements: { "lookup.1.count": { min: 1, max: 39 }, "log.tcp": "0" },
        because:
          "musl before 1.2.4 uses the truncated reply's records and never asks over TCP: the " +
          "lookup 'works' with only part of the answer.",
      },
      {
        result: "success",
        measurements: { "lookup.1.count": "40", "log.transports": "udp,tcp" },
        because: "TC=1 sends the resolver to TCP, which carries all 40 records.",
      },
    ],
  },
  {
    id: "search-short-name",
    title: "search a.lab.example b.lab.example, ndots:1: the name `db`",
    role: "demonstration",
    build: PROBE,
    check: lookup(["one", "db", "inet"], {
      resolvConf: [`nameserver ${FIRST}`, "search a.lab.example b.lab.example", "options ndots:1"],
      listen: [FIRST],
      records: [{ name: "db.b.lab.example", type: "A", address: DB_A }],
    }),
    expect: [
      {
        result: "success",
        measurements: {
          "lookup.1.addrs": DB_A,
          "log.questions": "A db.a.lab.example,A db.b.lab.example",
        },
        because:
          "A name with fewer dots than ndots is tried with each search domain in order; both " +
          "libcs find db.b.lab.example (musl supports search since 1.1.13).",
      },
    ],
  },
  {
    id: "search-dotted-name",
    title: "The same search list, ndots:1: the name `db.x` (exists only as db.x.b.lab.example)",
    role: "demonstration",
    build: PROBE,
    check: lookup(["one", "db.x", "inet"], {
      resolvConf: [`nameserver ${FIRST}`, "search a.lab.example b.lab.example", "options ndots:1"],
      listen: [FIRST],
      records: [{ name: "db.x.b.lab.example", type: "A", address: DB_A }],
    }),
    expect: [
      {
        when: { family: "musl" },
        result: "failure",
        measurements: { "lookup.1.result": "fail", "log.questions": "A db.x" },
        because:
          "musl asks a name with at least ndots dots only as it is and never appends the " +
          "search domains (lookup_name.c), so `db.x` is not found.",
      },
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "lookup.1.addrs": DB_A,
          "log.questions": "A db.x,A db.x.a.lab.example,A db.x.b.lab.example",
        },
        because:
          "glibc asks a name with at least ndots dots as it is first, then falls back to the " +
          "search domains (res_query.c __res_context_search).",
      },
    ],
  },
  {
    id: "dead-first-server",
    title: "First nameserver drops everything; options timeout:1 attempts:1",
    role: "demonstration",
    build: PROBE,
    repeat: TIMING_REPEATS,
    check: lookup(
      ["one", "db.lab.example", "inet"],
      twoServers(["options timeout:1 attempts:1"], [{ server: FIRST, name: "*", action: "drop" }]),
    ),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "log.servers": `${FIRST},${SECOND}`,
          "total_ms.median": { min: 900, max: 1_600 },
        },
        because:
          "glibc asks the nameservers one after another: it waits the full timeout (1 s) for " +
          "the dead first server before it asks the second.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "log.servers": `${FIRST},${SECOND}`,
          "total_ms.median": { max: 300 },
        },
        because:
          "musl sends every query to all nameservers at once and takes the first answer: the " +
          "dead server costs nothing.",
      },
    ],
  },
  {
    id: "dead-first-server-defaults",
    title: "First nameserver drops everything; default timeout and attempts",
    role: "demonstration",
    build: PROBE,
    check: lookup(
      ["one", "db.lab.example", "inet"],
      twoServers([], [{ server: FIRST, name: "*", action: "drop" }]),
      20_000,
    ),
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "log.servers": `${FIRST},${SECOND}`,
          total_ms: { min: 4_500, max: 7_000 },
        },
        because:
          "With the defaults (timeout:5) every lookup waits 5 s for the dead first server: the " +
          "classic 'DNS is slow on Ubuntu when the first nameserver is down'.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { "log.servers": `${FIRST},${SECOND}`, total_ms: { max: 300 } },
        because: "musl asks both servers at once; the live one answers at once.",
      },
    ],
    note:
      "Runs once, not five times: each glibc run waits the full default timeout of 5 s. The " +
      "timeout:1 case above carries the repeated timing.",
  },
  {
    id: "servfail-first",
    title: "First nameserver answers SERVFAIL, the second knows the name",
    role: "demonstration",
    build: PROBE,
    check: lookup(
      ["one", "db.lab.example", "inet"],
      twoServers([], [{ server: FIRST, name: "*", action: "servfail" }]),
    ),
    expect: [
      {
        result: "success",
        measurements: { "lookup.1.addrs": DB_A, "log.servers": `${FIRST},${SECOND}` },
        because:
          "SERVFAIL means 'ask someone else': glibc moves on to the second server, musl keeps " +
          "waiting for a better reply and takes the second server's answer.",
      },
    ],
  },
  {
    id: "nxdomain-first",
    title: "First nameserver answers NXDOMAIN, the second (20 ms slower) knows the name",
    role: "demonstration",
    build: PROBE,
    check: lookup(
      ["one", "db.lab.example", "inet"],
      twoServers(
        [],
        [
          { server: FIRST, name: "*", action: "nxdomain" },
          { server: SECOND, name: "*", action: "delay", delayMs: 20 },
        ],
      ),
    ),
    expect: [
      {
        when: { family: "glibc" },
        result: "failure",
        measurements: { "lookup.1.result": "fail", "log.servers": FIRST },
        because:
          "NXDOMAIN is an answer, not a failure: glibc stops at the first server and never " +
          "asks the second.",
      },
      {
        when: { family: "musl" },
        result: "failure",
        measurements: { "lookup.1.result": "fail", "log.servers": `${FIRST},${SECOND}` },
        because:
          "musl asked both servers and the first reply, NXDOMAIN, wins: the name 'does not " +
          "exist' although the second server knows it (gliderlabs/docker-alpine#8).",
      },
    ],
  },
  {
    id: "nonexistent",
    title: "A name that exists nowhere",
    role: "demonstration",
    build: PROBE,
    repeat: TIMING_REPEATS,
    check: lookup(["one", "nosuch.lab.example", "inet"], simple()),
    expect: [
      {
        result: "failure",
        measurements: {
          "lookup.1.error": "EAI_NONAME",
          "log.queries": "1",
          "total_ms.median": { max: 300 },
        },
        because:
          "One query, one NXDOMAIN, EAI_NONAME at once on both libcs; only gai_strerror's " +
          "wording differs.",
      },
    ],
  },
  {
    id: "hosts-vs-dns",
    title: "/etc/hosts says 192.0.2.99, DNS says 192.0.2.10",
    role: "demonstration",
    build: PROBE,
    check: lookup(
      ["one", "db.lab.example", "inet"],
      simple({ hosts: ["127.0.0.1 localhost", `${HOSTS_A} db.lab.example`] }),
    ),
    expect: [
      {
        result: "success",
        measurements: { "lookup.1.addrs": HOSTS_A, "log.queries": "0" },
        because:
          "Both read /etc/hosts first and never ask DNS: musl always (it has no nsswitch.conf), " +
          "glibc because nsswitch.conf says `hosts: files dns`.",
      },
    ],
  },
];
