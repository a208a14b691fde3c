import { beforeEach, describe, expect, test, vi } from "vitest";
import { InterruptedError } from "../../../lab/errors.js";
import { classifyRun } from "../../../lab/run/classify-run.js";
import { execute } from "../../../lab/run/execute.js";
import type { CaseObservation } from "../../../lab/run/observations.js";
import { involvedEnvironments, planRun } from "../../../lab/run/plan.js";
import { prepare } from "../../../lab/run/prepare.js";
import { createRunContext } from "../../../lab/run/run-context.js";
import { WORK_DIR } from "../../../lab/runtime/session.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";
import { tempDir } from "../temp-dirs.js";
import { FakeExecutor, fakePreparedEnvironments, type Respond } from "./fake-executor.js";

const SOURCES = ["broken.c", "hello.c", "search.c", "dns-fixture.c", "lab-probe.h"].map((f) => ({
  path: `${WORK_DIR}/src/${f}`,
  content: Buffer.from(`/* ${f} */`),
}));

const success = { result: "success", because: "it should work" } as const;

/** A case with the defaults spelt out once: hello.c, built for and run on glibc, meant to work. */
function probeCase(
  id: string,
  fields: { build?: object; check?: object; expect?: unknown[]; role?: string; repeat?: number },
) {
  return {
    id,
    title: id,
    role: "baseline",
    expect: [success],
    ...fields,
    build: { probe: "hello.c", for: "glibc", link: "dynamic", ...fields.build },
    check: { kind: "run", on: "glibc", ...fields.check },
  };
}

function scenario(cases: unknown[], extra: object = {}) {
  return {
    id: "stages",
    title: "Stages",
    summary: "test fixture",
    description: "Cases for the run stages, run by a fake executor.",
    sources: { "test-fixture": { title: "test fixture" } },
    cases,
    ...extra,
  };
}

/** The stages as runLab composes them, over a fake executor: observations and results. */
async function runStages(
  raw: unknown,
  environmentIds: string[],
  respond?: Respond,
  signal?: AbortSignal,
) {
  const scenarios = loadScenarios([raw]);
  const instances = planRun(scenarios, environmentIds);
  const executor = new FakeExecutor(respond);
  const context = createRunContext({
    instances,
    environments: await fakePreparedEnvironments(involvedEnvironments(instances)),
    sources: SOURCES,
    executor,
    log: () => undefined,
    signal,
  });
  const observations = await execute(context, await prepare(context));
  return { executor, observations, results: classifyRun(observations) };
}

beforeEach(() => {
  vi.stubEnv("LAB_CACHE_DIR", tempDir("musl-lab-stages-"));
  return () => vi.unstubAllEnvs();
});

describe("the run stages, without Docker", () => {
  test("a probe that does not compile is a build-error for every case that uses it, and only those", async () => {
    const { results, executor } = await runStages(
      scenario([
        probeCase("broken-once", {
          build: { probe: "broken.c" },
        }),
        probeCase("broken-twice", {
          build: { probe: "broken.c" },
          check: { args: ["x"] },
        }),
        probeCase("fine", {}),
      ]),
      ["glibc"],
    );
    expect(results.map((r) => [r.id, r.outcome])).toEqual([
      ["broken-once", "build-error"],
      ["broken-twice", "build-error"],
      ["fine", "as-expected"],
    ]);
    expect(results[0]?.stderr).toMatch(/error: expected ';'/);
    // One compile per distinct build, however many cases use it.
    expect(executor.compiles.filter((c) => c.includes("broken.c"))).toHaveLength(1);
    expect(executor.batches.flatMap((b) => b.items.map((i) => i.command))).toEqual([
      `${WORK_DIR}/bin/hello-glibc-dynamic`,
    ]);
  });

  test("a build predicted to fail is an expected build failure, and nothing of it runs", async () => {
    const predicted = (patterns: string[]) => ({
      result: "build-failure",
      output: patterns,
      because: "the probe names what this libc lacks",
    });
    const { results, executor } = await runStages(
      scenario([
        probeCase("fails-as-predicted", {
          build: { probe: "broken.c" },
          expect: [predicted(["error: expected ';' before '}' token"])],
        }),
        probeCase("fails-otherwise", {
          build: { probe: "broken.c" },
          check: { args: ["x"] },
          expect: [predicted(["fatal error: execinfo\\.h"])],
        }),
        probeCase("builds-after-all", { expect: [predicted(["anything"])] }),
      ]),
      ["glibc"],
    );
    expect(results.map((r) => [r.id, r.outcome])).toEqual([
      ["fails-as-predicted", "expected-build-failure"],
      ["fails-otherwise", "unexpected-failure"],
      ["builds-after-all", "unexpected-pass"],
    ]);
    expect(results[0]?.command).toBeNull();
    expect(results[1]?.mismatches[0]).toMatch(/^wanted the compiler's output to match/);
    // Only the probe that built ran.
    expect(executor.batches.flatMap((b) => b.items.map((i) => i.command))).toEqual([
      `${WORK_DIR}/bin/hello-glibc-dynamic`,
    ]);
  });

  test("a run that reaches its time limit is a timeout", async () => {
    const { results } = await runStages(
      scenario([
        probeCase("hangs", {
          build: { probe: "hello.c", for: "musl", link: "static" },
          check: { kind: "run", on: "musl", timeoutMs: 1_000 },
        }),
      ]),
      ["musl"],
      () => ({ exitCode: null, signal: "SIGKILL", timedOut: true, durationMs: 1_000 }),
    );
    expect(results.map((r) => [r.id, r.outcome])).toEqual([["hangs", "timeout"]]);
  });

  test("a case for a family nobody selected is skipped, with the reason, and nothing starts for it", async () => {
    const { results, executor } = await runStages(
      scenario([
        probeCase("on-musl", {
          build: { probe: "hello.c", for: "musl", link: "static" },
          check: { kind: "run", on: "musl" },
        }),
      ]),
      ["glibc"],
    );
    expect(results).toMatchObject([
      {
        id: "on-musl",
        outcome: "skipped",
        explanation: expect.stringMatching(/no musl environment is selected/),
      },
    ]);
    expect(executor.started).toEqual([]);
  });

  test("a search's tries are kept one by one, and its limit is where ok turns into a signal", async () => {
    const { results, executor } = await runStages(
      scenario([
        probeCase("limit", {
          build: { probe: "search.c" },
          check: {
            kind: "search",
            args: ["{value}"],
            search: { from: 8, max: 1_024, resolution: 1, unit: "KiB" },
          },
          expect: [{ ...success, measurements: { limit: "100" } }],
        }),
      ]),
      ["glibc"],
      (item) => {
        const value = Number(item.command.split(" ").at(-1));
        return value <= 100 ? { stdout: `got=${value}\n` } : { exitCode: null, signal: "SIGSEGV" };
      },
    );
    const [result] = results;
    expect(result).toMatchObject({
      outcome: "as-expected",
      measurements: { limit: "100", first_failure: "101" },
    });
    expect(result?.tries?.length).toBe(Number(result?.measurements["runs"]));
    expect(result?.tries?.find((t) => t.value === 100)).toMatchObject({
      passed: true,
      measurements: { got: "100" },
    });
    expect(result?.tries?.find((t) => t.value === 101)).toMatchObject({
      passed: false,
      signal: "SIGSEGV",
    });
    // Every try runs side by side with the rest of its round.
    expect(new Set(executor.batches.flatMap((b) => b.items.map((i) => i.schedule)))).toEqual(
      new Set(["side-by-side"]),
    );
  });

  test("a DNS case gets its fixture started before and stopped after, and the query log becomes facts", async () => {
    const queryLog =
      '{"t_ms":1.0,"server":"127.0.0.1","transport":"udp","src_port":4000,"id":1,"qname":"db.lab.example","qtype":"A","action":"answer","answers":1}\n';
    const { results, executor } = await runStages(
      scenario([
        probeCase("lookup", {
          build: { probe: "hello.c", for: "native", link: "dynamic" },
          check: {
            kind: "run",
            on: "musl",
            dns: {
              resolvConf: ["nameserver 127.0.0.1"],
              records: [{ name: "db.lab.example", type: "A", address: "192.0.2.10" }],
            },
          },
          expect: [{ ...success, measurements: { "log.queries": "1" } }],
        }),
      ]),
      ["musl"],
      (item) => ({ after: item.after ? queryLog : undefined }),
    );
    const [item] = executor.batches[0]?.items ?? [];
    expect(item?.before).toMatch(/\/lab\/bin\/dns-fixture-musl-dynamic \/lab\/dns\/fixture\.conf/);
    expect(item?.after).toContain("cat /lab/dns/query.log");
    expect(results[0]).toMatchObject({
      outcome: "as-expected",
      queryLog: ["+0.0 ms udp A db.lab.example @127.0.0.1 :4000 → answer (1)"],
    });
  });

  test("saved observations classify again to the same results", async () => {
    const { observations, results } = await runStages(
      scenario([
        probeCase("broken", {
          build: { probe: "broken.c" },
          check: { kind: "run", on: "every" },
        }),
        probeCase("fails", {
          role: "demonstration",
          build: { probe: "hello.c", for: "native", link: "dynamic" },
          repeat: 3,
          check: { kind: "run", on: "every" },
          expect: [{ result: "failure", exitCode: 3, because: "it is meant to" }],
        }),
      ]),
      ["glibc", "musl"],
      (_item, id) => ({ exitCode: id === "musl" ? 3 : 0, stdout: "took_ms=4\n" }),
    );
    const saved = JSON.parse(JSON.stringify(observations)) as CaseObservation[];
    expect(classifyRun(saved)).toEqual(results);
    expect(results.map((r) => r.outcome)).toContain("build-error");
  });

  test("an interrupted run stops between steps: the batch under way ends, the next never starts", async () => {
    const interrupt = new AbortController();
    const ran: string[] = [];
    // Nine cases are two batches of runs (eight a batch) in one environment.
    const cases = Array.from({ length: 9 }, (_, i) =>
      probeCase(`case-${i}`, { check: { args: [String(i)] } }),
    );
    const running = runStages(
      scenario(cases),
      ["glibc"],
      (item) => {
        ran.push(item.command);
        interrupt.abort("SIGTERM");
        return {};
      },
      interrupt.signal,
    );
    await expect(running).rejects.toThrow(new InterruptedError("SIGTERM"));
    expect(ran).toHaveLength(8);
  });
});
