import { afterAll, beforeAll, expect, test } from "vitest";
import { type ElfInfo, readElf } from "../../lab/elf/read-elf.js";
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

/**
 * Sources for the symbol checks. printf with a format and an argument (GCC folds a bare
 * `printf("...\n")` into puts), so _FORTIFY_SOURCE turns it into glibc's __printf_chk; a weak
 * undefined `foo` that the library tests for before using it.
 */
const SOURCES = {
  "fortified.c":
    '#include <stdio.h>\nint main(int argc, char **argv) { printf("%s %d\\n", argv[0], argc); return 0; }\n',
  "weak.c": "__attribute__((weak)) extern int foo;\nint get(void) { return &foo ? foo : -1; }\n",
};

beforeAll(async () => {
  const environment = ENVIRONMENTS.get("glibc") as Environment;
  const prepared = await prepareImages([environment], "auto", () => undefined);
  const image = prepared.environments.get("glibc")?.resolution as ResolvedImage;
  expect(isResolved(image)).toBe(true);
  glibc = await EnvironmentSession.start(environment, image.mode, image.tag);
  await glibc.putFiles([
    ...["hello.c", "lab-probe.h"].map((f) => ({
      path: `/lab/src/${f}`,
      content: readFileSync(join(C_SRC_DIR, f)),
    })),
    ...Object.entries(SOURCES).map(([f, content]) => ({ path: `/lab/src/${f}`, content })),
  ]);
  await sh("gcc -O2 -D_FORTIFY_SOURCE=2 -o /lab/out/fortified /lab/src/fortified.c");
  await sh("gcc -O2 -shared -fPIC -o /lab/out/libweak.so /lab/src/weak.c");
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

/** Runs a command in the glibc image as the harness user and returns its trimmed stdout. */
async function sh(command: string): Promise<string> {
  const run = await glibc.run(command, { user: "harness" });
  expect(run.exitCode, `${command}: ${run.stderr}`).toBe(0);
  return run.stdout.trim();
}

/** Reads a file of the glibc image (symlinks resolved in the container) with readElf. */
async function readElfAt(path: string): Promise<ElfInfo> {
  return readElf(await glibc.readFile(await sh(`readlink -f ${path}`)));
}

/** glibc's libc.so.6 as gcc links it, and musl's libc.so as musl-gcc links it (ld -t says). */
const GLIBC_LIBC = '"$(gcc -print-file-name=libc.so.6)"';
const MUSL_LIBC =
  "\"$(musl-gcc -o /lab/out/t /lab/src/fortified.c -Wl,-t 2>&1 | grep '/libc\\.so$')\"";

test("glibc's libc.so.6: a PIE by kind, exports gnu_get_libc_version, defines GLIBC_2.34", async () => {
  const info = await readElfAt(GLIBC_LIBC);
  expect(info).toMatchObject({ soname: "libc.so.6", kind: "pie" });
  expect(info.exports).toContain("gnu_get_libc_version");
  expect(info.exports).toContain("__printf_chk");
  expect(info.exportVersions).toContain("GLIBC_2.34");
  expect(info.exportVersions).not.toContain("libc.so.6");
});

test("musl's libc.so: a shared object exporting printf, no __printf_chk, no versions", async () => {
  const info = await readElfAt(MUSL_LIBC);
  expect(info).toMatchObject({ kind: "shared-object", interpreter: null, exportVersions: [] });
  expect(info.exports).toContain("printf");
  expect(info.exports).not.toContain("__printf_chk");
});

test("the fortified hello (gcc -O2 -D_FORTIFY_SOURCE=2) imports __printf_chk@GLIBC_2.3.4", async () => {
  const info = readElf(await glibc.readFile("/lab/out/fortified"));
  expect(info.imports).toContainEqual({
    name: "__printf_chk",
    weak: false,
    version: "GLIBC_2.3.4",
    library: "libc.so.6",
  });
});

test("a weak undefined symbol in a shared object is imported weak and unversioned", async () => {
  const info = readElf(await glibc.readFile("/lab/out/libweak.so"));
  expect(info.kind).toBe("shared-object");
  expect(info.imports).toContainEqual({ name: "foo", weak: true, version: null, library: null });
});

const kinds: [string, ElfInfo["kind"], string][] = [
  ["gcc (PIE by default)", "pie", "gcc -O2 -o /lab/out/k /lab/src/fortified.c"],
  ["gcc -no-pie", "executable", "gcc -O2 -no-pie -o /lab/out/k /lab/src/fortified.c"],
  ["gcc -static", "static", "gcc -O2 -static -o /lab/out/k /lab/src/fortified.c"],
  ["gcc -static-pie", "static-pie", "gcc -O2 -static-pie -o /lab/out/k /lab/src/fortified.c"],
  ["musl-gcc", "pie", "musl-gcc -O2 -o /lab/out/k /lab/src/fortified.c"],
  ["musl-gcc -static", "static", "musl-gcc -O2 -static -o /lab/out/k /lab/src/fortified.c"],
  [
    "musl-gcc -static-pie",
    "static-pie",
    "musl-gcc -O2 -static-pie -o /lab/out/k /lab/src/fortified.c",
  ],
  ["gcc -shared", "shared-object", "gcc -O2 -shared -fPIC -o /lab/out/k /lab/src/weak.c"],
];

test.each(kinds)("%s -> %s", async (_, kind, build) => {
  await sh(build);
  expect(readElf(await glibc.readFile("/lab/out/k")).kind).toBe(kind);
});

/** Imports and exports as `readelf -W --dyn-syms` lists them, in readElf's terms. */
function readelfSymbols(text: string): { imports: string[]; exports: string[] } {
  const imports = new Set<string>();
  const exports = new Set<string>();
  // "   Num:    Value          Size Type    Bind   Vis      Ndx Name", the name with @VERSION or
  // @@VERSION and, for versioned imports, a " (n)" index after it.
  for (const m of text.matchAll(
    /^\s*\d+: \S+\s+\S+ (\S+)\s+(\S+)\s+\S+\s+(\S+) ([^@\s]+)(@@?(\S+))?/gm,
  )) {
    const [, type, bind, ndx, name, , version] = m;
    if (bind !== "GLOBAL" && bind !== "WEAK" && bind !== "UNIQUE") continue;
    if (ndx === "UND") {
      if (bind !== "UNIQUE")
        imports.add(`${name} ${bind === "WEAK" ? "weak" : ""} ${version ?? ""}`);
    } else if (type !== "SECTION" && type !== "FILE") {
      exports.add(name!);
    }
  }
  return { imports: [...imports].sort(), exports: [...exports].sort() };
}

test.each([
  ["glibc's libc.so.6", GLIBC_LIBC],
  ["musl's libc.so", MUSL_LIBC],
  ["a fortified hello", "/lab/out/fortified"],
  ["a library with a weak import", "/lab/out/libweak.so"],
])("%s: imports and exports match readelf --dyn-syms", async (_, path) => {
  const file = await sh(`readlink -f ${path}`);
  const info = readElf(await glibc.readFile(file));
  const expected = readelfSymbols(await sh(`readelf -W --dyn-syms ${file}`));
  expect(expected.imports.length + expected.exports.length).toBeGreaterThan(0);
  const imports = info.imports.map((i) => `${i.name} ${i.weak ? "weak" : ""} ${i.version ?? ""}`);
  expect(imports.sort()).toEqual(expected.imports);
  expect([...info.exports].sort()).toEqual(expected.exports);
});
