import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The hostile battery: bad inputs and faults a real user (or a student, or a broken disk) brings,
 * each run through the real CLI. What every case must show is the same (see battery.test.ts): the
 * exit status it names, at most one `musl-lab:` line on stderr (with `  |` evidence lines) and no
 * stack trace, no hang, no container left, and every file it names as protected unchanged.
 */
export interface BadInput {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** The exit status wanted: 2 usage/configuration/infrastructure, 1 unexpected results, 0 fine. */
  exit: number;
  /** Where the CLI's stdout goes: a path (`/dev/full`), or captured when absent. */
  stdoutTo?: string;
  /** Files (relative to the case folder) that must be byte-for-byte and kind-for-kind as before. */
  protect?: string[];
  /** A pattern the one `musl-lab:` line must match, where the case is about a message. */
  message?: RegExp;
  /** True when the case runs containers (the battery then runs it alone, not side by side). */
  docker?: boolean;
  /** Signals sent, one after the other, once the run has a container of its own. */
  signals?: NodeJS.Signals[];
  /**
   * A forced exit (a third signal) may leave containers, but must name each one it leaves, with
   * the command that removes them; the next run removes them too (leftovers.test.ts).
   */
  mayLeaveNamed?: boolean;
  /** The reader of stdout or stderr goes away once the first line came (`| head -1`). */
  closeEarly?: "stdout" | "stderr";
}

/** Makes the files the cases name, in `dir`; returns nothing, cases use paths relative to it. */
export function makeBatteryFiles(dir: string): void {
  const write = (name: string, content: string | Buffer) => writeFileSync(join(dir, name), content);
  write("not-json.json", "this is not json {");
  write("empty.json", "");
  write("array.json", "[1,2,3]");
  write("null.json", "null");
  write("other-tool.json", JSON.stringify({ tool: { name: "other" }, schemaVersion: 1 }));
  write("old-schema.json", JSON.stringify({ tool: { name: "musl-lab" }, schemaVersion: 0 }));
  write("wrong-shape.json", JSON.stringify({ tool: { name: "musl-lab" }, schemaVersion: 1 }));
  write("control-bytes.json", Buffer.from('{"tool": "\u0000\u001b[31mred\u001b[0m\u0007"', "utf8"));
  write("huge.json", Buffer.alloc(40 * 1024 * 1024, 0x20));
  write("bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("{}")]));
  write("binary.json", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]));
  write("keep.txt", "a file the lab must not replace\n");
  write("regular-file", "a file where a folder is wanted\n");
  write("huge.c", Buffer.alloc(5 * 1024 * 1024, 0x20));
  write("binary.c", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0xff, 0xfe]));
  write("empty.c", "");
  write("syntax-error.c", "int main(void) { return 0 \n");
  write("no-main.c", "int helper(void) { return 1; }\n");
  mkdirSync(join(dir, "a-folder"));
  mkdirSync(join(dir, "reports"));
  write("reports/latest.json", "{}\n");
  symlinkSync("keep.txt", join(dir, "link-to-keep"));
  symlinkSync("does-not-exist", join(dir, "dangling-link"));
  symlinkSync("loop-b", join(dir, "loop-a"));
  symlinkSync("loop-a", join(dir, "loop-b"));
  execFileSync("mkfifo", [join(dir, "a-fifo")]);
}

const LAB = (...args: string[]) => args;

/** Usage mistakes on the command line: parsed and refused before anything starts. */
const USAGE: BadInput[] = [
  ["unknown scenario", LAB("no-such-scenario")],
  ["two unknown scenarios", LAB("hello", "nope", "nada")],
  ["unknown option", LAB("--frobnicate")],
  ["unknown short option", LAB("-x")],
  ["option as scenario", LAB("--hello")],
  ["--env without value", LAB("--env")],
  ["--env empty", LAB("--env", "")],
  ["--env only commas", LAB("--env", ",,,")],
  ["--env unknown", LAB("--env", "solaris")],
  ["--env variant directly", LAB("--env", "musl-gcompat")],
  ["--env case differs", LAB("--env", "GLIBC")],
  ["--env with spaces inside", LAB("--env", "glibc musl")],
  ["--images bogus", LAB("--images", "cloud")],
  ["--images empty", LAB("--images", "")],
  ["--images without value", LAB("--images")],
  ["--format bogus", LAB("--format", "pdf")],
  ["--format empty", LAB("--format", "")],
  ["--format commas", LAB("--format", ",")],
  ["--format json and --json console", LAB("--json", "--format", "console")],
  ["--format one bogus of two", LAB("--format", "html,yaml")],
  ["--accept without --baseline", LAB("hello", "--accept")],
  ["--baseline empty", LAB("--baseline", "")],
  ["--baseline blank", LAB("--baseline", "   ")],
  ["--output-dir empty", LAB("--output-dir", "")],
  ["--junit empty", LAB("--junit", "")],
  ["--json takes no value", LAB("--json=yes")],
  ["--list with scenario", LAB("--list", "hello")],
  ["--list with --json", LAB("--list", "--json")],
  ["--list with --baseline", LAB("--list", "--baseline", "x.json")],
  ["--list with --output-dir", LAB("--list", "--output-dir", "out")],
  ["--help=foo", LAB("--help=foo")],
  ["explain alone", LAB("explain")],
  ["explain unknown", LAB("explain", "nope")],
  ["explain two", LAB("explain", "hello", "dns")],
  ["explain with flag", LAB("explain", "hello", "--env", "musl")],
  ["exercise unknown", LAB("exercise", "nope")],
  ["exercise two", LAB("exercise", "worker-stack", "sort-names")],
  ["exercise --solution without name", LAB("exercise", "--solution", "x.c")],
  ["exercise --env without solution", LAB("exercise", "worker-stack", "--env", "musl")],
  ["exercise --solution empty", LAB("exercise", "worker-stack", "--solution", "")],
  [
    "exercise --format bogus",
    LAB("exercise", "worker-stack", "--solution", "x.c", "--format", "xml"),
  ],
  [
    "exercise two formats",
    LAB("exercise", "worker-stack", "--solution", "x.c", "--format", "json,console"),
  ],
  ["exercise --env unknown", LAB("exercise", "worker-stack", "--solution", "x.c", "--env", "aix")],
  [
    "exercise --images bogus",
    LAB("exercise", "worker-stack", "--solution", "x.c", "--images", "x"),
  ],
  ["exercise unknown option", LAB("exercise", "worker-stack", "--grade")],
  [
    "exercise --baseline",
    LAB("exercise", "worker-stack", "--solution", "x.c", "--baseline", "b.json"),
  ],
  ["prune with scenario", LAB("prune", "hello")],
  ["scenario named twice and a bogus one", LAB("hello", "hello", "bogus")],
  ["a lone dash", LAB("-")],
  ["--env twice, one unknown", LAB("--env", "glibc", "--env", "nope")],
  ["--env=, only", LAB("--env=,")],
  ["--images= empty", LAB("--images=")],
  ["--format= empty", LAB("--format=")],
  ["--junit without value", LAB("hello", "--junit")],
  ["--baseline without value", LAB("hello", "--baseline")],
  ["--output-dir without value", LAB("hello", "--output-dir")],
  ["--accept with --list", LAB("--list", "--accept")],
  ["scenario then --list", LAB("hello", "--list")],
  ["explain --json", LAB("explain", "hello", "--json")],
  ["explain the same twice", LAB("explain", "hello", "hello")],
  ["explain an exercise name", LAB("explain", "worker-stack")],
  ["exercise --json without solution", LAB("exercise", "worker-stack", "--json")],
  ["exercise --format without solution", LAB("exercise", "worker-stack", "--format", "json")],
  ["exercise --solution without value", LAB("exercise", "worker-stack", "--solution")],
  ["exercise --solution blank", LAB("exercise", "worker-stack", "--solution", "  ")],
  [
    "exercise --output-dir",
    LAB("exercise", "worker-stack", "--solution", "x.c", "--output-dir", "o"),
  ],
  ["exercise a scenario name", LAB("exercise", "hello")],
  ["a scenario name with an escape sequence", LAB("hello\u001b[31m")],
].map(([name, args]) => ({ name: `usage: ${name as string}`, args: args as string[], exit: 2 }));

/** User-named input files that are not what they should be. */
const INPUT_FILES: BadInput[] = [
  ...[
    "missing.json",
    "a-folder",
    "/dev/zero",
    "/dev/urandom",
    "a-fifo",
    "not-json.json",
    "empty.json",
    "array.json",
    "null.json",
    "other-tool.json",
    "old-schema.json",
    "wrong-shape.json",
    "control-bytes.json",
    "huge.json",
    "bom.json",
    "binary.json",
    "dangling-link",
    "loop-a",
    "/proc/self/mem",
  ].map((file) => ({
    name: `--baseline ${file}`,
    args: ["hello", "--baseline", file],
    exit: 2,
    protect: file.startsWith("/") || file === "missing.json" ? [] : [file],
  })),
  ...["wrong-shape.json", "a-folder", "a-fifo", "/dev/zero", "huge.json", "other-tool.json"].map(
    (file) => ({
      name: `--baseline ${file} --accept`,
      args: ["hello", "--baseline", file, "--accept"],
      exit: 2,
      protect: file.startsWith("/") ? [] : [file],
    }),
  ),
  ...[
    "missing.c",
    "a-folder",
    "/dev/zero",
    "/dev/urandom",
    "a-fifo",
    "huge.c",
    "dangling-link",
    "loop-a",
    "/proc/self/mem",
  ].map((file) => ({
    name: `--solution ${file}`,
    args: ["exercise", "worker-stack", "--solution", file],
    exit: 2,
    protect: file.startsWith("/") || file === "missing.c" ? [] : [file],
  })),
];

/** Output places that are wrong, clash with each other or with an input. */
const OUTPUTS: BadInput[] = [
  {
    name: "--output-dir is a file",
    args: ["hello", "--output-dir", "regular-file"],
    exit: 2,
    protect: ["regular-file"],
  },
  {
    name: "--output-dir under a file",
    args: ["hello", "--output-dir", "regular-file/sub"],
    exit: 2,
    protect: ["regular-file"],
  },
  { name: "--output-dir in /proc", args: ["hello", "--output-dir", "/proc/musl-lab"], exit: 2 },
  { name: "--output-dir /dev/null", args: ["hello", "--output-dir", "/dev/null"], exit: 2 },
  {
    name: "--output-dir a dangling link",
    args: ["hello", "--output-dir", "dangling-link/x"],
    exit: 2,
  },
  { name: "--junit is a folder", args: ["hello", "--junit", "a-folder"], exit: 2 },
  {
    name: "--junit under a file",
    args: ["hello", "--junit", "regular-file/x.xml"],
    exit: 2,
    protect: ["regular-file"],
  },
  {
    name: "--junit onto the baseline",
    args: ["hello", "--baseline", "reports/latest.json", "--junit", "reports/latest.json"],
    exit: 2,
    protect: ["reports/latest.json"],
  },
  {
    name: "--junit onto the JSON report",
    args: ["hello", "--output-dir", "reports", "--junit", "reports/latest.json"],
    exit: 2,
    protect: ["reports/latest.json"],
  },
  { name: "--junit in /proc", args: ["hello", "--junit", "/proc/musl-lab.xml"], exit: 2 },
  { name: "--junit a FIFO", args: ["hello", "--junit", "a-fifo"], exit: 2, protect: ["a-fifo"] },
  { name: "--list to a full disk", args: ["--list"], stdoutTo: "/dev/full", exit: 2 },
  { name: "--help to a full disk", args: ["--help"], stdoutTo: "/dev/full", exit: 2 },
  { name: "explain to a full disk", args: ["explain", "hello"], stdoutTo: "/dev/full", exit: 2 },
  { name: "exercise list to a full disk", args: ["exercise"], stdoutTo: "/dev/full", exit: 2 },
  {
    name: "exercise task to a full disk",
    args: ["exercise", "worker-stack"],
    stdoutTo: "/dev/full",
    exit: 2,
  },
];

/** The machine around the lab: engines that are wrong, caches that are not folders. */
const ENVIRONMENT: BadInput[] = [
  {
    name: "DOCKER_HOST tcp port out of range",
    args: ["hello"],
    env: { DOCKER_HOST: "tcp://127.0.0.1:99999" },
    exit: 2,
  },
  {
    name: "DOCKER_HOST tcp port zero",
    args: ["hello"],
    env: { DOCKER_HOST: "tcp://127.0.0.1:0" },
    exit: 2,
  },
  {
    name: "DOCKER_HOST closed tcp port",
    args: ["hello"],
    env: { DOCKER_HOST: "tcp://127.0.0.1:1" },
    exit: 2,
  },
  {
    name: "DOCKER_HOST http scheme",
    args: ["hello"],
    env: { DOCKER_HOST: "http://127.0.0.1:2375" },
    exit: 2,
  },
  {
    name: "DOCKER_HOST ssh scheme",
    args: ["hello"],
    env: { DOCKER_HOST: "ssh://user@127.0.0.1" },
    exit: 2,
  },
  { name: "DOCKER_HOST garbage", args: ["hello"], env: { DOCKER_HOST: "not a url" }, exit: 2 },
  {
    name: "DOCKER_HOST missing socket",
    args: ["hello"],
    env: { DOCKER_HOST: "unix:///nonexistent/docker.sock" },
    exit: 2,
  },
  {
    name: "DOCKER_HOST a regular file",
    args: ["hello"],
    env: { DOCKER_HOST: "unix://CASE/keep.txt" },
    exit: 2,
    protect: ["keep.txt"],
  },
  { name: "DOCKER_HOST a folder", args: ["hello"], env: { DOCKER_HOST: "unix:///tmp" }, exit: 2 },
  {
    name: "LAB_CACHE_DIR a regular file",
    args: ["hello"],
    env: { LAB_CACHE_DIR: "CASE/regular-file" },
    exit: 2,
    protect: ["regular-file"],
    docker: true,
  },
  {
    name: "LAB_CACHE_DIR under a file",
    args: ["hello"],
    env: { LAB_CACHE_DIR: "CASE/regular-file/cache" },
    exit: 2,
    protect: ["regular-file"],
    docker: true,
  },
  {
    name: "LAB_CACHE_DIR /dev/null",
    args: ["hello"],
    env: { LAB_CACHE_DIR: "/dev/null" },
    exit: 2,
    docker: true,
  },
  {
    name: "LAB_CACHE_DIR in /proc",
    args: ["hello"],
    env: { LAB_CACHE_DIR: "/proc/musl-lab-cache" },
    exit: 2,
    docker: true,
  },
  // The cache then goes to the checkout's own .cache/ (docs/usage.md, LAB_CACHE_DIR): a run, and no /nonexistent-home.
  {
    name: "HOME that does not exist, no cache dir",
    args: ["hello"],
    env: { HOME: "/nonexistent-home", LAB_CACHE_DIR: "", XDG_CACHE_HOME: "" },
    exit: 0,
    protect: ["/nonexistent-home"],
    docker: true,
  },
  {
    name: "--json to a full disk",
    args: ["hello", "--json"],
    stdoutTo: "/dev/full",
    exit: 2,
    docker: true,
  },
];

/** Interruptions and readers that go away, mid-run. */
const INTERRUPTIONS: BadInput[] = [
  { name: "SIGINT once", signals: ["SIGINT"], exit: 130 },
  { name: "SIGTERM once", signals: ["SIGTERM"], exit: 143 },
  { name: "SIGHUP (terminal closed)", signals: ["SIGHUP"], exit: 129 },
  { name: "SIGQUIT", signals: ["SIGQUIT"], exit: 131 },
  { name: "SIGINT twice (impatient Ctrl-C)", signals: ["SIGINT", "SIGINT"], exit: 130 },
  {
    name: "SIGINT three times",
    signals: ["SIGINT", "SIGINT", "SIGINT"],
    exit: 130,
    mayLeaveNamed: true,
  },
  { name: "SIGTERM then SIGINT", signals: ["SIGTERM", "SIGINT"], exit: 143 },
  { name: "SIGHUP then SIGTERM", signals: ["SIGHUP", "SIGTERM"], exit: 129 },
].map((c) => ({ ...c, name: `signal: ${c.name}`, args: ["dns"], docker: true }) as BadInput);

/** Students' files that fight back: each must give a verdict, never take the harness down. */
const SOLUTIONS: BadInput[] = [
  ["empty.c", 1],
  ["syntax-error.c", 1],
  ["no-main.c", 1],
  ["binary.c", 1],
  ["hostile-kill-all.c", 1],
  ["hostile-close-fds.c", 1],
  ["hostile-fill-tmp.c", 1],
  ["hostile-print-forever.c", 1],
  ["hostile-fork-bomb.c", 1],
  ["hostile-signal-parent.c", 1],
].map(([file, exit]) => ({
  name: `hostile solution ${file as string}`,
  args: ["exercise", "worker-stack", "--solution", file as string],
  exit: exit as number,
  docker: true,
}));

const PIPES: BadInput[] = [
  {
    name: "pipe: stderr closed early (2>&1 | head -1)",
    args: ["hello"],
    closeEarly: "stderr",
    exit: 0,
    docker: true,
  },
  {
    name: "pipe: stdout closed early (| head -1)",
    args: ["hello"],
    closeEarly: "stdout",
    exit: 0,
    docker: true,
  },
  {
    name: "pipe: exercise with stderr closed early",
    args: ["exercise", "worker-stack", "--solution", "hostile-kill-all.c"],
    closeEarly: "stderr",
    exit: 1,
    docker: true,
  },
];

export const BATTERY: BadInput[] = [
  ...USAGE,
  ...INPUT_FILES,
  ...OUTPUTS,
  ...ENVIRONMENT,
  ...INTERRUPTIONS,
  ...PIPES,
  ...SOLUTIONS,
];

/** Hostile solutions for the worker-stack exercise: each does one thing a probe must not get away with. */
export const HOSTILE_SOLUTIONS: Record<string, string> = {
  "hostile-kill-all.c": `#include <signal.h>
int main(void) { kill(-1, SIGKILL); return 0; }
`,
  "hostile-close-fds.c": `#include <unistd.h>
int main(void) { for (int fd = 0; fd < 1024; fd++) close(fd); return 0; }
`,
  "hostile-fill-tmp.c": `#include <stdio.h>
#include <string.h>
int main(void) {
  static char block[1 << 20];
  memset(block, 'x', sizeof block);
  FILE *f = fopen("/tmp/fill", "w");
  if (!f) return 3;
  for (int i = 0; i < 8192; i++) if (fwrite(block, 1, sizeof block, f) != sizeof block) break;
  fclose(f);
  return 0;
}
`,
  "hostile-print-forever.c": `#include <stdio.h>
int main(void) { for (;;) fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n", stdout); }
`,
  "hostile-fork-bomb.c": `#include <unistd.h>
int main(void) { for (;;) fork(); }
`,
  "hostile-signal-parent.c": `#include <signal.h>
#include <unistd.h>
int main(void) { kill(getppid(), SIGKILL); kill(1, SIGKILL); kill(0, SIGKILL); return 0; }
`,
};
