import type { z } from "zod";
import type { DnsFixtureSchema, ScenarioSchema } from "./schema.js";

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
const DELAY_MS = 50;
const CONCURRENT = 50;

/** What getaddrinfo answered: the addresses, or the error and its text. */
const ANSWER = ["lookup.1.addrs", "lookup.1.error", "lookup.1.error_text"];
/** A timing case's spread over its runs. */
const TIMES = ["total_ms.min", "total_ms.median", "total_ms.max"];

const DB_RECORDS: Fixture["records"] = [
  { name: "db.lab.example", type: "A", address: DB_A },
  { name: "db.lab.example", type: "AAAA", address: DB_AAAA },
];

/** Long enough that waiting for the A answer before asking AAAA would show in the query log. */
const UNSPEC_DELAY_MS = 100;

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

function lookup(args: string[], dns: Fixture, timeoutMs = 10_000) {
  return { kind: "run" as const, on: "every" as const, args, dns, timeoutMs };
}

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
  sources: [
    "resolv.conf(5); RFC 1035 4.2.1 (512-byte UDP limit, TC bit)",
    "musl src/network/res_msend.c (all nameservers in parallel), lookup_name.c (search, /etc/hosts first), resolvconf.c",
    "musl WHATSNEW 1.2.4: TCP fallback for large answers; 1.1.13: search domains",
    "glibc resolv/res_send.c (servers in order, TCP retry on TC), resolv/res_query.c (search order)",
    "gliderlabs/docker-alpine#8 (first NXDOMAIN wins), coredns#6149 and NuGetGallery#9396 (TC bit), k3s#6561 (ndots)",
  ],
  // The times measured here are server delays and resolver timeouts (50 ms to 5 s), which CPU
  // contention does not stretch by much; the bounds have the margin for it. So the environments'
  // queues run side by side, and a warm run costs little more than glibc's deliberate waits.
  exclusiveRuns: false,
  cases: [
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
        resolvConf: [
          `nameserver ${FIRST}`,
          "search a.lab.example b.lab.example",
          "options ndots:1",
        ],
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
        resolvConf: [
          `nameserver ${FIRST}`,
          "search a.lab.example b.lab.example",
          "options ndots:1",
        ],
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
        twoServers(
          ["options timeout:1 attempts:1"],
          [{ server: FIRST, name: "*", action: "drop" }],
        ),
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
  ],
  report: {
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
  },
  lesson: {
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
        sources: [
          "musl src/network/res_msend.c ('Query all configured nameservers in parallel')",
          "glibc resolv/res_send.c (servers in order)",
          "gliderlabs/docker-alpine#8 (first NXDOMAIN wins)",
        ],
      },
      {
        text:
          "Search domains and truncation: musl never applies search domains to a name with " +
          "ndots dots or more, and before 1.2.4 it never retried a truncated answer over TCP.",
        sources: [
          "musl src/network/lookup_name.c; musl WHATSNEW 1.2.4 and 1.1.13",
          "glibc resolv/res_query.c; RFC 1035 4.2.1",
          "coredns#6149, k3s#6561",
        ],
      },
      {
        text:
          "Errors: both return the standard EAI_* codes, but gai_strerror words them " +
          "differently ('Name or service not known' on glibc, 'Name does not resolve' on musl). " +
          "Code that compares the texts works on one libc only.",
        sources: [
          "POSIX getaddrinfo; musl src/network/gai_strerror.c; glibc sysdeps/posix/gai_strerror.c",
        ],
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
  },
} satisfies z.input<typeof ScenarioSchema>;
