import type { z } from "zod";
import type { DnsFixtureSchema } from "../../scenarios/schema.js";
import type { ExerciseSchema } from "../schema.js";

type Fixture = z.input<typeof DnsFixtureSchema>;

/** Answers come from documentation ranges (RFC 5737, RFC 3849): data, never destinations. */
const DB_A = "192.0.2.10";
const FIRST = "127.0.0.1";
const SECOND = "127.0.0.2";
/** sysexits.h: what the calling service acts on. */
const EX_TEMPFAIL = 75;
const EX_NOHOST = 68;
/** Short resolver timeouts keep each failing lookup near one second on both libcs. */
const FAST_OPTIONS = "options timeout:1 attempts:1";

const RECORDS: Fixture["records"] = [
  { name: "db.lab.example", type: "A", address: DB_A },
  { name: "v6only.lab.example", type: "AAAA", address: "2001:db8::20" },
];

function fixture(rules: Fixture["rules"]): Fixture {
  return {
    resolvConf: [`nameserver ${FIRST}`, `nameserver ${SECOND}`, FAST_OPTIONS],
    listen: [FIRST, SECOND],
    records: RECORDS,
    rules,
  };
}

const CODES_HINT =
  "gai_strerror's words are for people, and glibc and musl word the same error differently. " +
  "getaddrinfo's return value is one of the EAI_* codes both libcs share: decide by the code " +
  "(see getaddrinfo(3), RETURN VALUE), and mind which codes need _GNU_SOURCE.";

export const lookupErrors = {
  name: "lookup-errors",
  scenario: "dns",
  title: "A resolver client that must tell 'try again later' from 'no such host'",
  summary: "failures are classified by gai_strerror's text: make them come out right on musl",
  task: [
    "c-src/exercises/lookup-errors.c resolves a name (IPv4) and prints `status=ok address=...` " +
      "(exit 0), `status=temporary` (exit 75: nameservers down, retry later) or " +
      "`status=permanent` (exit 68: no such name, or no IPv4 address for it). The service that " +
      "runs it retries on 75 and gives up on 68.",
    "It decides by the text of gai_strerror, and those are glibc's texts: on Alpine every " +
      "failure comes out as `status=unknown`. Make the classification right with both C " +
      "libraries. Each check starts a DNS server of its own inside the container " +
      `(resolv.conf: two nameservers, ${FAST_OPTIONS}).`,
  ],
  starter: "lookup-errors.c",
  checks: [
    {
      id: "dead-first-server",
      title: "The first nameserver drops every query, the second knows the name",
      run: {
        on: "every",
        args: ["db.lab.example"],
        dns: fixture([{ server: FIRST, name: "*", action: "drop" }]),
      },
      expect: [
        { result: "success", exitCode: 0, stdout: [`^status=ok address=192\\.0\\.2\\.10$`] },
      ],
      wanted: `exit 0 and \`status=ok address=${DB_A}\`: a dead first nameserver is no failure`,
      hint:
        "The lookup itself succeeds on both libcs (glibc after waiting for the first server): " +
        "print the address in the format shown and exit 0.",
    },
    {
      id: "no-such-name",
      title: "A name that does not exist (NXDOMAIN)",
      run: { on: "every", args: ["nosuch.lab.example"], dns: fixture([]) },
      expect: [{ result: "failure", exitCode: EX_NOHOST, stdout: ["^status=permanent$"] }],
      wanted: `exit ${EX_NOHOST} and \`status=permanent\`: retrying cannot help`,
      hint: CODES_HINT,
    },
    {
      id: "no-ipv4-address",
      title: "A name that exists with an IPv6 address only",
      run: { on: "every", args: ["v6only.lab.example"], dns: fixture([]) },
      expect: [{ result: "failure", exitCode: EX_NOHOST, stdout: ["^status=permanent$"] }],
      wanted: `exit ${EX_NOHOST} and \`status=permanent\`: the name has no IPv4 address`,
      hint:
        "A name without an address of the asked family is not EAI_NONAME on every libc. " +
        CODES_HINT,
    },
    {
      id: "servers-down",
      title: "Every nameserver drops every query",
      run: {
        on: "every",
        args: ["db.lab.example"],
        dns: fixture([{ server: "*", name: "*", action: "drop" }]),
      },
      expect: [{ result: "failure", exitCode: EX_TEMPFAIL, stdout: ["^status=temporary$"] }],
      wanted: `exit ${EX_TEMPFAIL} and \`status=temporary\`: the service should retry later`,
      hint: CODES_HINT,
    },
  ],
} satisfies z.input<typeof ExerciseSchema>;
