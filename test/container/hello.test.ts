import { beforeAll, describe, expect, test } from "vitest";
import type { RunResult } from "../../lab/run-result.js";
import { runLab } from "../../lab/run-lab.js";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { caseFinder, countRunContainers } from "./helpers.js";

let result: RunResult;
const find = caseFinder(() => result, "hello");

beforeAll(async () => {
  const hello = loadScenarios().filter((s) => s.id === "hello");
  result = await runLab({
    scenarios: hello,
    environmentIds: ["glibc", "musl"],
    images: "auto",
    log: () => undefined,
  });
});

describe("hello, run for real on glibc and musl", () => {
  test("the detected environments are the libcs the recipes promise", () => {
    const [glibc, musl] = result.environments;
    expect(glibc).toMatchObject({ id: "glibc", libc: { family: "glibc" } });
    expect(glibc?.libc.version).toMatch(/^2\.\d+$/);
    expect(musl).toMatchObject({ id: "musl", libc: { family: "musl" } });
    expect(musl?.libc.version).toMatch(/^1\.2\.\d+$/);
    expect(glibc?.imageId).toMatch(/^sha256:/);
  });

  test("a glibc binary runs on glibc and reports glibc", () => {
    const c = find("glibc-on-glibc", "glibc");
    expect(c.outcome).toBe("as-expected");
    expect(c.exitCode).toBe(0);
    expect(c.measurements["built_for"]).toBe("glibc");
    expect(c.measurements["confstr_libc"]).toBe(`glibc ${result.environments[0]?.libc.version}`);
  });

  test("the same binary on musl fails with the shell's `not found` and exit 127", () => {
    const c = find("glibc-binary-on-musl", "musl");
    expect(c.outcome).toBe("expected-failure");
    expect(c.exitCode).toBe(127);
    expect(c.signal).toBeNull();
    expect(c.stderr.trim()).toBe(`sh: ${c.command}: not found`);
    expect(c.builtIn).toBe("glibc");
  });

  test("the ELF reader names glibc's loader, libc.so.6 and a GLIBC_2.x requirement", () => {
    const c = find("diagnose-glibc-binary", "glibc");
    expect(c.outcome).toBe("as-expected");
    expect(c.measurements).toMatchObject({
      linkage: "dynamic",
      interpreter: "/lib64/ld-linux-x86-64.so.2",
      needed: "libc.so.6",
    });
    expect(c.measurements["highest_glibc"]).toMatch(/^GLIBC_2\.\d+$/);
  });

  test("static glibc, a musl rebuild and a static musl binary are verified fixes", () => {
    const staticGlibc = find("static-glibc-on-musl", "musl");
    expect(staticGlibc.outcome).toBe("fix-verified");
    expect(staticGlibc.measurements["built_for"]).toBe("glibc");
    const rebuilt = find("rebuilt-for-musl", "musl");
    expect(rebuilt.outcome).toBe("fix-verified");
    expect(rebuilt.measurements).toMatchObject({ built_for: "musl", confstr_libc: "unavailable" });
    const staticMusl = find("static-musl-on-glibc", "glibc");
    expect(staticMusl.outcome).toBe("fix-verified");
    expect(staticMusl.build?.elf).toMatch(/^static/);
  });

  test("musl-compat joins musl and is musl with glibc's names linked to it", () => {
    const compat = result.environments.find((e) => e.id === "musl-compat");
    expect(compat).toMatchObject({ libc: { family: "musl" } });
    expect(compat?.libc.version).toBe(result.environments[1]?.libc.version);
  });

  test("with libc6-compat's links the glibc binary starts and meets the second wall", () => {
    const c = find("glibc-binary-on-musl-compat", "musl-compat");
    expect(c.outcome).toBe("expected-failure");
    expect(c.exitCode).toBe(127);
    expect(c.signal).toBeNull();
    expect(c.stderr).toContain(
      `Error relocating ${c.command}: gnu_get_libc_version: symbol not found\n`,
    );
    expect(c.stdout).toBe("");
  });

  test("a glibc binary of standard calls only runs there, on musl's code", () => {
    const c = find("plain-glibc-on-musl-compat", "musl-compat");
    expect(c.outcome).toBe("fix-verified");
    expect(c.exitCode).toBe(0);
    expect(c.builtIn).toBe("glibc");
    expect(c.build?.command).toContain("-U_FORTIFY_SOURCE");
    expect(c.build?.elf).toMatch(/interpreter \/lib64\/ld-linux-x86-64\.so\.2/);
    expect(c.measurements).toMatchObject({ built_for: "glibc", confstr_libc: "unavailable" });
  });

  test("the same source fortified fails on __printf_chk", () => {
    const c = find("fortified-glibc-on-musl-compat", "musl-compat");
    expect(c.outcome).toBe("expected-failure");
    expect(c.exitCode).toBe(127);
    expect(c.build?.command).toContain("-D_FORTIFY_SOURCE=2");
    const missing = c.stderr
      .trim()
      .split("\n")
      .map((line) => line.replace(`Error relocating ${c.command}: `, ""));
    expect(missing.sort()).toEqual([
      "__printf_chk: symbol not found",
      "__vfprintf_chk: symbol not found",
    ]);
  });

  test("a musl dynamic binary on glibc fails the same way", () => {
    const c = find("musl-binary-on-glibc", "glibc");
    expect(c.outcome).toBe("expected-failure");
    expect(c.exitCode).toBe(127);
    expect(c.stderr).toMatch(/not found/);
    expect(c.build?.elf).toMatch(/\/lib\/ld-musl-x86_64\.so\.1/);
  });

  test("gcompat is skipped offline with the reason, or verified with a registry", () => {
    const c = find("gcompat-on-musl", "musl-gcompat");
    if (result.environments.some((e) => e.id === "musl-gcompat")) {
      expect(c.outcome).toBe("fix-verified");
    } else {
      expect(c.outcome).toBe("skipped");
      expect(c.explanation).toMatch(/gcompat is an Alpine package/);
    }
  });

  test("everything behaved as predicted and no container is left behind", async () => {
    expect(result.exitStatus).toBe(0);
    expect(await countRunContainers()).toBe(0);
  });
});
