import { describe, expect, test } from "vitest";
import { ENVIRONMENTS, loadEnvironments } from "../../../lab/environments/index.js";
import type { Environment } from "../../../lab/environments/schema.js";
import { ConfigurationError } from "../../../lab/errors.js";
import { planScenario, selectEnvironments } from "../../../lab/run/plan.js";
import { hello } from "../../../lab/scenarios/hello/index.js";
import { loadScenarios } from "../../../lab/scenarios/index.js";

const env = (id: string) => ENVIRONMENTS.get(id) as Environment;

describe("scenario data", () => {
  test("the registered scenarios parse, with defaults filled in", () => {
    const [parsed] = loadScenarios();
    expect(parsed?.id).toBe("hello");
    expect(parsed?.exclusiveRuns).toBe(false);
    expect(parsed?.cases.find((c) => c.id === "glibc-on-glibc")?.build.flags).toEqual([]);
  });

  test("invalid data is a one-line configuration error naming the field", () => {
    const broken = { ...hello, cases: [{ ...hello.cases[0], id: "Not Kebab" }] };
    expect(() => loadScenarios([broken])).toThrow(ConfigurationError);
    expect(() => loadScenarios([broken])).toThrow(/^scenario hello is invalid: cases\.0\.id: /);
  });

  test("duplicate case ids, duplicate scenarios and bad patterns are refused", () => {
    const twice = { ...hello, cases: [hello.cases[0], hello.cases[0]] };
    expect(() => loadScenarios([twice])).toThrow('case id "glibc-on-glibc" is defined twice');
    expect(() => loadScenarios([hello, hello])).toThrow('scenario id "hello" is defined twice');
    const badPattern = {
      ...hello,
      cases: [{ ...hello.cases[0], expect: [{ result: "success", stdout: ["("], because: "x" }] }],
    };
    expect(() => loadScenarios([badPattern])).toThrow("invalid pattern /(/");
  });
});

describe("a build predicted to fail", () => {
  const withExpectation = (expectation: object) => ({
    ...hello,
    cases: [{ ...hello.cases[0], expect: [expectation] }, ...hello.cases.slice(1)],
  });

  test("takes compiler-output patterns, checked like the others", () => {
    const ok = { result: "build-failure", output: ["execinfo\\.h"], because: "x" };
    expect(() => loadScenarios([withExpectation(ok)])).not.toThrow();
    expect(() => loadScenarios([withExpectation({ ...ok, output: ["("] })])).toThrow(
      "invalid pattern /(/",
    );
  });

  test("states nothing about a run, and output goes with it only", () => {
    expect(() =>
      loadScenarios([withExpectation({ result: "build-failure", stdout: ["x"], because: "x" })]),
    ).toThrow(/stdout: a build predicted to fail runs nothing/);
    expect(() =>
      loadScenarios([withExpectation({ result: "success", output: ["x"], because: "x" })]),
    ).toThrow(/output: output \(the compiler's\) goes with result: build-failure/);
  });
});

describe("environment data", () => {
  test("ids, families and builders of the matrix", () => {
    expect([...ENVIRONMENTS.keys()]).toEqual([
      "glibc",
      "musl",
      "musl-gcompat",
      "musl-compat",
      "glibc-2.36",
      "musl-1.2.3",
    ]);
    expect(env("musl").recipes.offline).toMatchObject({
      suite: "trixie",
      compile: { in: "builder", builder: "glibc" },
    });
    expect(env("musl-1.2.3").recipes.offline).toMatchObject({
      suite: "bookworm",
      compile: { builder: "glibc-2.36" },
    });
    expect(env("musl-gcompat").recipes.offline).toHaveProperty("unavailable");
    expect(env("musl-compat")).toMatchObject({
      family: "musl",
      variant: { of: "musl", feature: "libc6-compat" },
      recipes: { offline: { rootfs: "musl-rootfs", suite: "trixie", libc6Compat: true } },
    });
    expect(env("musl").recipes.offline).not.toHaveProperty("libc6Compat");
  });

  test("libc6-compat's links are refused on a glibc rootfs, naming the field", () => {
    const glibc = {
      ...env("glibc"),
      id: "glibc-links",
      recipes: {
        ...env("glibc").recipes,
        offline: { ...env("glibc").recipes.offline, libc6Compat: true },
      },
    };
    expect(() => loadEnvironments([glibc])).toThrow(
      /^environment #1 is invalid: recipes\.offline.*libc6Compat.*musl-rootfs/,
    );
  });

  test("a builder that does not exist is a configuration error", () => {
    const data = [
      {
        id: "lonely",
        family: "musl",
        description: "x",
        default: true,
        recipes: {
          registry: { unavailable: "no" },
          offline: {
            rootfs: "musl-rootfs",
            suite: "trixie",
            compile: { in: "builder", builder: "ghost", cc: "musl-gcc" },
          },
        },
      },
    ];
    expect(() => loadEnvironments(data)).toThrow('environment "lonely" compiles in "ghost"');
  });
});

describe("planScenario", () => {
  const [scenario] = loadScenarios();
  const plan = (ids: string[]) =>
    planScenario(scenario!, ids.map(env)).map((i) => ({
      id: i.testCase.id,
      on: i.targetName,
      builtFor: i.buildFor?.id ?? null,
      skip: i.skipReason,
    }));

  test("each case runs on the selected environments of its family; foreign builds come from the other family", () => {
    const planned = plan(["glibc", "musl", "musl-gcompat"]);
    expect(planned).toContainEqual({
      id: "glibc-binary-on-musl",
      on: "musl",
      builtFor: "glibc",
      skip: null,
    });
    expect(planned).toContainEqual({
      id: "musl-binary-on-glibc",
      on: "glibc",
      builtFor: "musl",
      skip: null,
    });
    expect(planned).toContainEqual({
      id: "gcompat-on-musl",
      on: "musl-gcompat",
      builtFor: "glibc",
      skip: null,
    });
    expect(planned).toContainEqual({
      id: "diagnose-glibc-binary",
      on: "glibc",
      builtFor: "glibc",
      skip: null,
    });
  });

  test("the libc6-compat cases run only on musl-compat, with glibc builds; musl-compat joins musl", () => {
    const compatCases = [
      "glibc-binary-on-musl-compat",
      "plain-glibc-on-musl-compat",
      "fortified-glibc-on-musl-compat",
    ];
    const planned = plan(["glibc", "musl", "musl-gcompat", "musl-compat"]);
    for (const id of compatCases) {
      expect(planned.filter((p) => p.id === id)).toEqual([
        { id, on: "musl-compat", builtFor: "glibc", skip: null },
      ]);
    }
    expect(planned.filter((p) => p.on === "musl-compat").map((p) => p.id)).toEqual(compatCases);
    expect(selectEnvironments(["musl"]).map((e) => e.id)).toContain("musl-compat");
    expect(plan(["glibc", "musl"]).find((p) => p.id === "plain-glibc-on-musl-compat")?.skip).toBe(
      "no selected environment offers libc6-compat",
    );
  });

  test("two musl environments: the musl cases run on both", () => {
    const planned = plan(["glibc", "musl", "musl-1.2.3"]).filter(
      (p) => p.id === "glibc-binary-on-musl",
    );
    expect(planned.map((p) => p.on)).toEqual(["musl", "musl-1.2.3"]);
  });

  test("a missing family turns its cases into skips with the reason", () => {
    const planned = plan(["musl"]);
    expect(planned).toContainEqual({
      id: "glibc-binary-on-musl",
      on: "musl",
      builtFor: null,
      skip: "no glibc environment is selected (add one with --env)",
    });
    expect(planned.find((p) => p.id === "glibc-on-glibc")?.skip).toBe(
      "no glibc environment is selected (add one with --env)",
    );
  });
});
