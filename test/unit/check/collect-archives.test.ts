import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { DEFAULT_LIMITS } from "../../../lab/check/collect-limits.js";
import { walkTar, type ArchiveRecord } from "../../../lab/check/walk-archive.js";
import { UsageError } from "../../../lab/errors.js";
import { tempDir } from "../temp-dirs.js";
import {
  collectAll,
  fakeElf,
  makeTar,
  makeTarGz,
  summary,
  write,
  writeZip,
  type TarMember,
} from "./collect-fixtures.js";

/** An npm package as `npm pack` lays it out: everything under `package/`. */
const NPM_PACKAGE: TarMember[] = [
  { name: "package/", type: "directory" },
  { name: "package/package.json", content: Buffer.from("{}") },
  { name: "package/build/Release/addon.node", content: fakeElf(300) },
  { name: "package/lib/index.js", content: Buffer.from("module.exports = 1;") },
];

describe("collectElfFiles in archives", () => {
  test("tar, tar.gz and tgz members are ARCHIVE!member; the archive is told by content", async () => {
    const dir = tempDir("collect-tar-");
    const tar = write(join(dir, "plain.tar"), await makeTar(NPM_PACKAGE));
    const tarGz = write(join(dir, "pkg.tar.gz"), await makeTarGz(NPM_PACKAGE));
    const tgz = write(join(dir, "pkg.tgz"), await makeTarGz(NPM_PACKAGE));
    // No name to go by: a tarball saved under any name is still a tarball.
    const nameless = write(join(dir, "download"), await makeTarGz(NPM_PACKAGE));
    const { items, counts } = await collectAll({ paths: [tar, tarGz, tgz, nameless] });
    expect(summary(items)).toEqual({
      elf: [tar, tarGz, tgz, nameless].map((a) => `${a}!package/build/Release/addon.node`),
      skipped: [],
    });
    expect(items[0]?.kind === "elf" && items[0].bytes.equals(fakeElf(300))).toBe(true);
    expect(counts).toMatchObject({ archives: 4, elf: 4, files: 16, notElf: 8 });
  });

  test("a zip and a wheel (a zip with a .so inside) found in a directory", async () => {
    const dir = tempDir("collect-zip-");
    writeZip(join(dir, "tool.zip"), { "bin/tool": fakeElf(80), README: "00" });
    writeZip(join(dir, "numpy-2.0-cp312-manylinux_x86_64.whl"), {
      "numpy/__init__.py": Buffer.from("pass").toString("hex"),
      "numpy/core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so": fakeElf(5000),
      "numpy.libs/libgfortran-040039e1.so.5.0.0": fakeElf(700),
    });
    const { items, counts } = await collectAll({ paths: [dir] });
    const wheel = `${dir}/numpy-2.0-cp312-manylinux_x86_64.whl`;
    expect(summary(items)).toEqual({
      elf: [
        `${wheel}!numpy/core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so`,
        `${wheel}!numpy.libs/libgfortran-040039e1.so.5.0.0`,
        `${dir}/tool.zip!bin/tool`,
      ],
      skipped: [],
    });
    const so = items[0];
    expect(so?.kind === "elf" && so.bytes.equals(fakeElf(5000))).toBe(true);
    expect(counts).toMatchObject({ archives: 2, elf: 3 });
  });

  test("corrupt archives: a UsageError when named, a skip with the reason when found", async () => {
    const dir = tempDir("collect-corrupt-");
    const good = await makeTarGz(NPM_PACKAGE);
    const badGzip = Buffer.from(good);
    badGzip.fill(0x55, 20, 60);
    const gz = write(join(dir, "bad.tgz"), badGzip);
    const zip = write(
      join(dir, "bad.whl"),
      Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(200, 7)]),
    );
    const tar = await makeTar(NPM_PACKAGE);
    // Cut inside the addon's data: the header promised 300 bytes.
    const truncated = write(join(dir, "truncated.tar"), tar.subarray(0, 512 * 4 + 100));

    await expect(collectAll({ paths: [gz] })).rejects.toThrow(UsageError);
    await expect(collectAll({ paths: [gz] })).rejects.toThrow(
      /^check: .*bad\.tgz: not valid gzip data: .* \(Z_DATA_ERROR\)$/,
    );
    await expect(collectAll({ paths: [zip] })).rejects.toThrow(
      `check: ${zip}: not a valid zip: End of central directory record signature not found. Either not a zip file, or file is truncated.`,
    );
    await expect(collectAll({ paths: [truncated] })).rejects.toThrow(
      `check: ${truncated}: not a valid tar: Unexpected end of data`,
    );
    const { items } = await collectAll({ paths: [dir] });
    expect(summary(items).skipped).toEqual([
      expect.stringMatching(/bad\.tgz: not valid gzip data: .* \(Z_DATA_ERROR\)$/),
      `${zip}: not a valid zip: End of central directory record signature not found. Either not a zip file, or file is truncated.`,
      `${truncated}: not a valid tar: Unexpected end of data`,
    ]);
  });

  test("a zip bomb of many entries stops at maxArchiveEntries before one is read", async () => {
    const dir = tempDir("collect-bomb-");
    const members = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`f${i}.so`, fakeElf(64)]),
    );
    const bomb = join(dir, "many.zip");
    writeZip(bomb, members);
    const { items } = await collectAll({ paths: [bomb] }, { limits: { maxArchiveEntries: 10 } });
    expect(summary(items)).toEqual({
      elf: [],
      skipped: [`${bomb}: more than 10 entries (the limit maxArchiveEntries): not walked further`],
    });
  });

  test("a zip declaring a huge size stops at maxArchiveBytes without inflating it", async () => {
    const dir = tempDir("collect-bomb-");
    const bomb = join(dir, "zeros.zip");
    writeZip(bomb, { "a.so": fakeElf(64), "zeros.bin": "zeros:20000000" });
    const { items } = await collectAll(
      { paths: [bomb] },
      { limits: { maxArchiveBytes: 1024 * 1024 } },
    );
    expect(summary(items)).toEqual({
      elf: [`${bomb}!a.so`],
      skipped: [
        `${bomb}: expands to more than 1 MiB (the limit maxArchiveBytes): not walked further`,
      ],
    });
  });

  test("a tar.gz bomb stops at the limits: entries, and what the gzip expands to", async () => {
    const dir = tempDir("collect-bomb-");
    const many = write(
      join(dir, "many.tgz"),
      await makeTarGz(
        Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, content: fakeElf() })),
      ),
    );
    const { items: byCount } = await collectAll(
      { paths: [many] },
      { limits: { maxArchiveEntries: 20 } },
    );
    expect(summary(byCount).elf).toHaveLength(20);
    expect(summary(byCount).skipped).toEqual([
      `${many}: more than 20 entries (the limit maxArchiveEntries): not walked further`,
    ]);
    const zeros = write(
      join(dir, "zeros.tgz"),
      gzipSync(await makeTar([{ name: "zeros", content: Buffer.alloc(20_000_000) }])),
    );
    const { items: bySize } = await collectAll(
      { paths: [zeros] },
      { limits: { maxArchiveBytes: 1024 * 1024 } },
    );
    expect(summary(bySize).skipped).toEqual([
      `${zeros}: expands to more than 1 MiB (the limit maxArchiveBytes): not walked further`,
    ]);
  });

  test("an ELF member above maxElfBytes is skipped with the reason, the walk goes on", async () => {
    const dir = tempDir("collect-big-");
    const tgz = write(
      join(dir, "big.tgz"),
      await makeTarGz([
        { name: "big.so", content: fakeElf(4096) },
        { name: "small.so", content: fakeElf(100) },
      ]),
    );
    const { items } = await collectAll({ paths: [tgz] }, { limits: { maxElfBytes: 1024 } });
    expect(summary(items)).toEqual({
      elf: [`${tgz}!small.so`],
      skipped: [
        `${tgz}!big.so: an ELF file of 4096 bytes, more than the 1 KiB limit (maxElfBytes): not read`,
      ],
    });
  });

  test("archives inside archives are not opened: skipped with the reason and counted", async () => {
    const dir = tempDir("collect-nested-");
    const inner = join(dir, "inner");
    mkdirSync(inner);
    writeZip(join(inner, "x.whl"), { "x.so": fakeElf() });
    const outer = write(
      join(dir, "outer.tgz"),
      await makeTarGz([
        {
          name: "package/x.whl",
          content: await import("node:fs").then((fs) => fs.readFileSync(join(inner, "x.whl"))),
        },
        { name: "package/dep.tgz", content: await makeTarGz(NPM_PACKAGE) },
        { name: "package/man/x.1.gz", content: gzipSync("manual") },
        { name: "package/lib.so", content: fakeElf() },
      ]),
    );
    const { items, counts } = await collectAll({ paths: [outer] });
    expect(summary(items)).toEqual({
      elf: [`${outer}!package/lib.so`],
      skipped: [
        `${outer}!package/x.whl: an archive (zip) inside an archive is not opened: extract it and check it on its own`,
        `${outer}!package/dep.tgz: an archive (tar.gz) inside an archive is not opened: extract it and check it on its own`,
      ],
    });
    expect(counts.nestedArchives).toBe(3);
  });
});

describe("walkTar", () => {
  test("every entry's metadata, normalised paths, link targets; bytes only where wanted", async () => {
    const tar = await makeTar([
      { name: "./", type: "directory", mode: 0o755 },
      { name: "./usr/lib/", type: "directory", mode: 0o755 },
      { name: "./usr/lib/libc.so.6", content: fakeElf(200), mode: 0o755 },
      { name: "usr//lib/./libc.so", type: "symlink", linkname: "libc.so.6", mode: 0o777 },
      { name: "usr/bin/make", content: fakeElf(90), mode: 0o4755 },
      { name: "usr/bin/gmake", type: "link", linkname: "./usr/bin/make" },
      { name: "etc/motd", content: Buffer.from("hi") },
    ]);
    const records: ArchiveRecord[] = [];
    const walk = walkTar(Readable.from([tar.subarray(0, 700), tar.subarray(700)]), {
      want: (entry) => (entry.path === "/usr/lib/libc.so.6" ? "whole" : "whole-if-elf"),
      limits: DEFAULT_LIMITS,
    });
    for await (const record of walk) records.push(record);
    expect(records.map((r) => r.entry)).toEqual([
      { path: "/", type: "directory", linkTarget: null, size: 0, mode: 0o755 },
      { path: "/usr/lib", type: "directory", linkTarget: null, size: 0, mode: 0o755 },
      { path: "/usr/lib/libc.so.6", type: "file", linkTarget: null, size: 200, mode: 0o755 },
      { path: "/usr/lib/libc.so", type: "symlink", linkTarget: "libc.so.6", size: 0, mode: 0o777 },
      { path: "/usr/bin/make", type: "file", linkTarget: null, size: 90, mode: 0o4755 },
      {
        path: "/usr/bin/gmake",
        type: "hardlink",
        linkTarget: "/usr/bin/make",
        size: 0,
        mode: 0o644,
      },
      { path: "/etc/motd", type: "file", linkTarget: null, size: 2, mode: 0o644 },
    ]);
    expect(records.map((r) => r.content.read)).toEqual([
      "none",
      "none",
      "whole",
      "none",
      "whole",
      "none",
      "head",
    ]);
  });
});
