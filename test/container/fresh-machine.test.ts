import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { getContainerRuntimeClient } from "testcontainers";
import { afterAll, expect, test } from "vitest";
import { loadScenarios } from "../../lab/scenarios/index.js";
import { labStderr, runNpmLab } from "../cli-runner.js";

/**
 * The README's first command as a new user meets it: no debootstrap on the host, none of the
 * lab's images, an empty package cache. Every offline image then builds at once, and both glibc
 * builds need debootstrap: two `apt-get install`s at the same moment failed on dpkg's lock
 * (exit 100) before provisioning was serialized.
 *
 * The same mirror spelled with its port is another recipe (the mirror is hashed into the tag), so
 * the five images are built anew under new tags while the suite's own images stay; a second lab
 * started at the same moment must wait for the first one's builds, not race them.
 */
const MIRROR_SPELLED_ANEW = "http://deb.debian.org:80/debian";
const cacheDir = mkdtempSync(join(tmpdir(), "musl-lab-fresh-cache-"));
const builtTags = new Set<string>();

afterAll(async () => {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  for (const tag of builtTags) {
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  }
  rmSync(cacheDir, { recursive: true, force: true });
});

test("npm run lab succeeds on a host without debootstrap and without images, beside a second lab", async () => {
  if (process.getuid?.() !== 0) throw new Error("this test removes a host package: run it as root");
  await execa("apt-get", ["-o", "DPkg::Lock::Timeout=120", "remove", "-y", "debootstrap"], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  const env = { LAB_DEBIAN_MIRROR: MIRROR_SPELLED_ANEW, LAB_CACHE_DIR: cacheDir };
  const [everything, hello] = await Promise.all([
    runNpmLab(["--output-dir", join(cacheDir, "reports-all")], env),
    runNpmLab(["hello", "--output-dir", join(cacheDir, "reports-hello")], env),
  ]);
  const stderr = `${labStderr(everything.stderr)}\n${labStderr(hello.stderr)}`;
  for (const match of stderr.matchAll(/building (musl-lab\/\S+) \(offline recipe\)/g)) {
    builtTags.add(match[1]!);
  }

  expect(stderr).not.toContain("Could not get lock");
  expect(labStderr(everything.stderr), "the full lab").not.toMatch(/^musl-lab: /m);
  expect(everything.exitCode, labStderr(everything.stderr)).toBe(0);
  expect(hello.exitCode, labStderr(hello.stderr)).toBe(0);
  // Both labs needed debootstrap; it was installed once, by one of them, and never twice at once.
  expect(stderr.match(/provision: installed debootstrap with apt-get/g)).toHaveLength(1);
  // Each of the five images (musl-compat, musl's variant, among them) was built by exactly one
  // of the two labs; the other one waited.
  expect(builtTags.size).toBe(5);
  expect(stderr.match(/: building musl-lab\/glibc:offline-\S+ \(offline recipe\)/g)).toHaveLength(
    1,
  );
  // The one that waited said so, instead of a silent minute.
  expect(stderr).toMatch(/waiting \d+ s so far before building musl-lab\/\S+: the host is busy/);
  const report = JSON.parse(readFileSync(join(cacheDir, "reports-all", "latest.json"), "utf8"));
  // Every scenario ran, and every one as its data predicts (a fresh host changes nothing).
  expect(report.scenarios.map((s: { id: string }) => s.id)).toEqual(
    loadScenarios().map((s) => s.id),
  );
  expect(report.exitStatus).toBe(0);
}, 1_500_000);
