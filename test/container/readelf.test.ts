import { afterAll, beforeAll, expect, test } from "vitest";
import { readElf } from "../../lab/elf/read-elf.js";
import { ENVIRONMENTS } from "../../lab/environments/index.js";
import type { Environment } from "../../lab/environments/schema.js";
import { isResolved, type ResolvedImage } from "../../lab/runtime/images.js";
import { prepareImages } from "../../lab/runtime/prepare-images.js";
import { EnvironmentSession } from "../../lab/runtime/session.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { C_SRC_DIR } from "../../lab/runtime/paths.js";

/** The lab's ELF reader must agree with binutils' readelf on real binaries of both libcs. */
let glibc: EnvironmentSession;

beforeAll(async () => {
  const environment = ENVIRONMENTS.get("glibc") as Environment;
  const prepared = await prepareImages([environment], "auto", () => undefined);
  const image = prepared.environments.get("glibc")?.resolution as ResolvedImage;
  expect(isResolved(image)).toBe(true);
  glibc = await EnvironmentSession.start(environment, image.mode, image.tag);
  await glibc.putFiles(
    ["hello.c", "lab-probe.h"].map((f) => ({
      path: `/lab/src/${f}`,
      content: readFileSync(join(C_SRC_DIR, f)),
    })),
  );
});

afterAll(async () => {
  await glibc?.stop();
});

const builds = {
  "glibc dynamic": "gcc -O2 -o /lab/out/a /lab/src/hello.c",
  "glibc static": "gcc -O2 -static -o /lab/out/a /lab/src/hello.c",
  "musl dynamic": "musl-gcc -O2 -o /lab/out/a /lab/src/hello.c",
  "glibc with -z stack-size": "gcc -O2 -Wl,-z,stack-size=1048576 -o /lab/out/a /lab/src/hello.c",
};

test.each(Object.entries(builds))(
  "%s: interpreter, needed, versions and stack size match readelf",
  async (_, build) => {
    const compiled = await glibc.run(build, { user: "harness" });
    expect(compiled.exitCode).toBe(0);
    const info = readElf(await glibc.readFile("/lab/out/a"));
    const readelf = await glibc.run("readelf -lWd --version-info /lab/out/a");
    const text = readelf.stdout;

    const interpreter = /\[Requesting program interpreter: (.*)\]/.exec(text)?.[1] ?? null;
    expect(info.interpreter).toBe(interpreter);
    const needed = [...text.matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]);
    expect(info.needed).toEqual(needed);
    const versions = [...new Set([...text.matchAll(/Name: (GLIBC_[\d.]+)/g)].map((m) => m[1]!))];
    const highest =
      versions.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).at(-1) ?? null;
    expect(info.highestGlibcVersion).toBe(highest);
    const stack = /GNU_STACK\s+\S+\s+\S+\s+\S+\s+\S+\s+(0x[0-9a-f]+)/.exec(text)?.[1];
    expect(info.gnuStackSize).toBe(stack && Number(stack) > 0 ? Number(stack) : null);
  },
);
