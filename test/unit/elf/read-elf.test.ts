import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compareVersions } from "../../../lab/classify/versions.js";
import {
  ElfFormatError,
  type ElfImport,
  type ElfInfo,
  type ElfKind,
  formatElfSummary,
  hasElfMagic,
  readElf,
} from "../../../lab/elf/read-elf.js";
import { BASE, buildElf, type SyntheticElf, type SyntheticSymbol } from "./elf-builder.js";

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../../fixtures/elf/${name}`, import.meta.url)));
}

/** Runs readElf and returns the ElfFormatError message, failing on success or any other error. */
function formatError(bytes: Uint8Array): string {
  try {
    readElf(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ElfFormatError);
    return (error as ElfFormatError).message;
  }
  throw new Error("readElf accepted malformed input");
}

// Offsets in the fixtures' ELF64 little-endian headers (see test/fixtures/elf/README.md).
const E_SHOFF = 0x28;
const E_SHNUM = 0x3c;
const E_SHSTRNDX = 0x3e;
const PHOFF = 64;
const PHENTSIZE = 56;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Sets p_type of every program header of type `from` to `to`. */
function retypeSegments(bytes: Uint8Array, from: number, to: number): void {
  const v = view(bytes);
  const phnum = v.getUint16(0x38, true);
  for (let i = 0; i < phnum; i++) {
    const at = PHOFF + i * PHENTSIZE;
    if (v.getUint32(at, true) === from) v.setUint32(at, to, true);
  }
}

/** Overwrites the value of the first dynamic entry with `tag` (fixture's PT_DYNAMIC at 0x2de0). */
function patchDynamic(bytes: Uint8Array, tag: number, value: bigint): void {
  const v = view(bytes);
  for (let at = 0x2de0; at < 0x2de0 + 0x1e0; at += 16) {
    if (v.getBigInt64(at, true) === BigInt(tag)) {
      v.setBigUint64(at + 8, value, true);
      return;
    }
  }
  throw new Error(`no dynamic tag 0x${tag.toString(16)} in fixture`);
}

const DT_NEEDED = 1;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_VERSYM = 0x6ffffff0;
const DT_VERDEFNUM = 0x6ffffffd;
const DT_VERNEEDNUM = 0x6fffffff;
/** The fixture's .gnu.version_r (readelf: Addr/Offset 0x540, one Verneed, two Vernaux). */
const VERNEED_AT = 0x540;

const GLIBC_HELLO: ElfInfo = {
  class: 64,
  endian: "little",
  machine: "x86-64",
  type: "shared-object",
  pie: true,
  interpreter: "/lib64/ld-linux-x86-64.so.2",
  needed: ["libc.so.6"],
  linkage: "dynamic",
  versionRequirements: [{ file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.34"] }],
  highestGlibcVersion: "GLIBC_2.34",
  gnuStackSize: null,
  soname: null,
  rpath: [],
  runpath: [],
  kind: "pie",
  // `readelf -W --dyn-syms` on the fixture (binutils 2.40), sorted by name.
  imports: [
    { name: "_ITM_deregisterTMCloneTable", weak: true, version: null, library: null },
    { name: "_ITM_registerTMCloneTable", weak: true, version: null, library: null },
    { name: "__cxa_finalize", weak: true, version: "GLIBC_2.2.5", library: "libc.so.6" },
    { name: "__gmon_start__", weak: true, version: null, library: null },
    { name: "__libc_start_main", weak: false, version: "GLIBC_2.34", library: "libc.so.6" },
    { name: "gnu_get_libc_version", weak: false, version: "GLIBC_2.2.5", library: "libc.so.6" },
    { name: "printf", weak: false, version: "GLIBC_2.2.5", library: "libc.so.6" },
  ],
  exports: [],
  exportVersions: [],
  tls: null,
};

describe("readElf on binaries built by the host's gcc (facts from readelf, see README)", () => {
  test("hello-glibc-dynamic: PIE, ld-linux interpreter, libc.so.6, GLIBC_2.34", () => {
    expect(readElf(fixture("hello-glibc-dynamic"))).toEqual(GLIBC_HELLO);
  });

  test("hello-glibc-dynamic-stripped: same facts without symbol tables", () => {
    expect(readElf(fixture("hello-glibc-dynamic-stripped"))).toEqual(GLIBC_HELLO);
  });

  test("hello-stack-size: PT_GNU_STACK p_memsz 0x100000", () => {
    expect(readElf(fixture("hello-stack-size"))).toEqual({
      ...GLIBC_HELLO,
      gnuStackSize: 1048576,
    });
  });

  test("the stripped binary with its section headers removed reads the same (sstrip-like)", () => {
    const bytes = fixture("hello-glibc-dynamic-stripped");
    const v = view(bytes);
    v.setBigUint64(E_SHOFF, 0n, true);
    v.setUint16(E_SHNUM, 0, true);
    v.setUint16(E_SHSTRNDX, 0, true);
    // Cut the file where the section header table began: nothing else follows it.
    const shoff = Number(view(fixture("hello-glibc-dynamic-stripped")).getBigUint64(E_SHOFF, true));
    expect(readElf(bytes.subarray(0, shoff))).toEqual(GLIBC_HELLO);
  });

  test("falls back to .dynamic and SHT_GNU_verneed when program headers lead nowhere", () => {
    const bytes = fixture("hello-glibc-dynamic");
    retypeSegments(bytes, 2, 0); // PT_DYNAMIC -> PT_NULL: find .dynamic by section
    retypeSegments(bytes, 1, 0); // PT_LOAD -> PT_NULL: DT_STRTAB and DT_VERNEED cannot be mapped
    expect(readElf(bytes)).toEqual(GLIBC_HELLO);
  });

  test("summaries", () => {
    expect(formatElfSummary(readElf(fixture("hello-glibc-dynamic")))).toBe(
      "dynamic x86-64 PIE, interpreter /lib64/ld-linux-x86-64.so.2, needs libc.so.6, " +
        "requires GLIBC_2.34",
    );
    expect(formatElfSummary(readElf(fixture("hello-stack-size")))).toBe(
      "dynamic x86-64 PIE, interpreter /lib64/ld-linux-x86-64.so.2, needs libc.so.6, " +
        "requires GLIBC_2.34, stack size 1 MiB (PT_GNU_STACK)",
    );
  });
});

describe("readElf on synthetic layouts", () => {
  test("ELF32 little-endian x86 dynamic executable", () => {
    const info = readElf(
      buildElf({
        class: 32,
        type: 2,
        machine: 3,
        interpreter: "/lib/ld-linux.so.2",
        needed: ["libm.so.6", "libc.so.6"],
        verneed: [
          { file: "libm.so.6", versions: ["GLIBC_2.0"] },
          { file: "libc.so.6", versions: ["GLIBC_2.9", "GLIBC_2.10", "GLIBC_PRIVATE"] },
        ],
      }),
    );
    expect(info).toEqual({
      class: 32,
      endian: "little",
      machine: "x86",
      type: "executable",
      pie: false,
      interpreter: "/lib/ld-linux.so.2",
      needed: ["libm.so.6", "libc.so.6"],
      linkage: "dynamic",
      versionRequirements: [
        { file: "libm.so.6", versions: ["GLIBC_2.0"] },
        { file: "libc.so.6", versions: ["GLIBC_2.9", "GLIBC_2.10", "GLIBC_PRIVATE"] },
      ],
      highestGlibcVersion: "GLIBC_2.10",
      gnuStackSize: null,
      soname: null,
      rpath: [],
      runpath: [],
      kind: "executable",
      imports: [],
      exports: [],
      exportVersions: [],
      tls: null,
    });
    expect(formatElfSummary(info)).toBe(
      "dynamic x86 executable (32-bit, little-endian), interpreter /lib/ld-linux.so.2, " +
        "needs libm.so.6, libc.so.6, requires GLIBC_2.10",
    );
  });

  test("ELF64 big-endian s390x PIE with a stack size", () => {
    const info = readElf(
      buildElf({
        endian: "big",
        machine: 22,
        interpreter: "/lib/ld64.so.1",
        needed: ["libc.so.6"],
        verneed: [{ file: "libc.so.6", versions: ["GLIBC_2.2", "GLIBC_2.33"] }],
        stackSize: 0x20000,
      }),
    );
    expect(info).toMatchObject({
      class: 64,
      endian: "big",
      machine: "S/390",
      pie: true,
      interpreter: "/lib/ld64.so.1",
      needed: ["libc.so.6"],
      linkage: "dynamic",
      highestGlibcVersion: "GLIBC_2.33",
      gnuStackSize: 0x20000,
    });
    expect(formatElfSummary(info)).toContain("(64-bit, big-endian)");
    expect(formatElfSummary(info)).toContain("stack size 128 KiB (PT_GNU_STACK)");
  });

  test("ELF32 big-endian with a verneed chain and no DT_VERNEEDNUM", () => {
    const info = readElf(
      buildElf({
        class: 32,
        endian: "big",
        machine: 8,
        interpreter: "/lib/ld.so.1",
        needed: ["libc.so.6"],
        verneed: [
          { file: "libc.so.6", versions: ["GLIBC_2.0"] },
          { file: "libpthread.so.0", versions: ["GLIBC_2.2"] },
        ],
        verneedNum: null,
      }),
    );
    expect(info.machine).toBe("MIPS");
    expect(info.versionRequirements).toEqual([
      { file: "libc.so.6", versions: ["GLIBC_2.0"] },
      { file: "libpthread.so.0", versions: ["GLIBC_2.2"] },
    ]);
    expect(info.highestGlibcVersion).toBe("GLIBC_2.2");
  });

  test("static executable: no PT_INTERP, no PT_DYNAMIC", () => {
    const info = readElf(buildElf({ type: 2 }));
    expect(info).toMatchObject({
      type: "executable",
      pie: false,
      interpreter: null,
      needed: [],
      linkage: "static",
      versionRequirements: [],
      highestGlibcVersion: null,
      gnuStackSize: null,
    });
    expect(formatElfSummary(info)).toBe("static x86-64 executable");
  });

  test("static-pie: ET_DYN with PT_DYNAMIC and no PT_INTERP", () => {
    const info = readElf(buildElf({ type: 3, dynamic: true }));
    expect(info).toMatchObject({ type: "shared-object", pie: false, linkage: "static-pie" });
    expect(formatElfSummary(info)).toBe("static-pie x86-64 PIE");
  });

  test("a shared library is static-pie by the rule, but its summary says shared object", () => {
    const info = readElf(buildElf({ type: 3, needed: ["libc.so.6"] }));
    expect(info.linkage).toBe("static-pie");
    expect(formatElfSummary(info)).toBe("dynamic x86-64 shared object, needs libc.so.6");
  });

  test("relocatable object and unknown machine", () => {
    const info = readElf(buildElf({ type: 1, machine: 0x1234 }));
    expect(info).toMatchObject({ type: "relocatable", machine: "unknown (0x1234)" });
    expect(info.linkage).toBe("static");
  });

  test("an empty PT_GNU_STACK (the usual case) gives null", () => {
    expect(readElf(buildElf({ type: 2, stackSize: 0 })).gnuStackSize).toBeNull();
  });
});

/** A library's worth of symbols: every binding, defined and not, versioned and not. */
const LIBRARY_SYMBOLS: SyntheticSymbol[] = [
  { name: "printf", version: "GLIBC_2.2.5" },
  { name: "__printf_chk", version: "GLIBC_2.3.4" },
  { name: "cos", version: "GLIBC_2.29", hidden: true },
  { name: "optional_hook", bind: "weak" },
  { name: "__cxa_finalize", bind: "weak", version: "GLIBC_2.2.5" },
  { name: "printf", version: "GLIBC_2.2.5" }, // a second entry for the same name: listed once
  { name: "local_undefined", bind: "local" },
  { name: "widget_new", defined: true, version: "WIDGET_1.0" },
  { name: "widget_free", defined: true, bind: "weak", version: "WIDGET_1.1" },
  { name: "widget_registry", defined: true, bind: "unique", type: "object" },
  { name: "widget_internal", defined: true, bind: "local" },
  { name: ".text", defined: true, type: "section" },
  { name: "widget.c", defined: true, type: "file" },
];

const LIBRARY: SyntheticElf = {
  soname: "libwidget.so.1",
  needed: ["libm.so.6", "libc.so.6"],
  verneed: [
    { file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.3.4"] },
    { file: "libm.so.6", versions: ["GLIBC_2.29"] },
  ],
  verdef: ["WIDGET_1.0", "WIDGET_1.1"],
  symbols: LIBRARY_SYMBOLS,
};

const LIBRARY_IMPORTS: ElfImport[] = [
  { name: "__cxa_finalize", weak: true, version: "GLIBC_2.2.5", library: "libc.so.6" },
  { name: "__printf_chk", weak: false, version: "GLIBC_2.3.4", library: "libc.so.6" },
  { name: "cos", weak: false, version: "GLIBC_2.29", library: "libm.so.6" },
  { name: "optional_hook", weak: true, version: null, library: null },
  { name: "printf", weak: false, version: "GLIBC_2.2.5", library: "libc.so.6" },
];

describe("readElf: dynamic symbols and versions", () => {
  test("imports: undefined GLOBAL and WEAK, versioned through DT_VERSYM and the verneed table", () => {
    const info = readElf(buildElf(LIBRARY));
    expect(info.imports).toEqual(LIBRARY_IMPORTS);
    expect(info.exports).toEqual(["widget_free", "widget_new", "widget_registry"]);
    expect(info.exportVersions).toEqual(["WIDGET_1.0", "WIDGET_1.1"]);
    expect(info).toMatchObject({ soname: "libwidget.so.1", kind: "shared-object" });
  });

  test.each([
    ["DT_HASH nchain", ["hash"]],
    ["DT_GNU_HASH walk", ["gnu-hash"]],
    ["SHT_DYNSYM section", ["section"]],
    ["all three", ["hash", "gnu-hash", "section"]],
  ] as const)("the symbol count from the %s gives the same symbols", (_, symbolCount) => {
    const info = readElf(buildElf({ ...LIBRARY, symbolCount: [...symbolCount] }));
    expect(info.imports).toEqual(LIBRARY_IMPORTS);
    expect(info.exports).toEqual(["widget_free", "widget_new", "widget_registry"]);
  });

  test("DT_GNU_HASH with only undefined symbols (a PIE): the count is symoffset", () => {
    const info = readElf(
      buildElf({
        interpreter: "/lib/ld-musl-x86_64.so.1",
        symbols: [{ name: "puts" }],
        symbolCount: ["gnu-hash"],
      }),
    );
    expect(info.imports).toEqual([{ name: "puts", weak: false, version: null, library: null }]);
  });

  test("no way to tell the symbol count (no hash table, no sections): no symbols", () => {
    const info = readElf(buildElf({ ...LIBRARY, symbolCount: [] }));
    expect(info).toMatchObject({
      imports: [],
      exports: [],
      exportVersions: ["WIDGET_1.0", "WIDGET_1.1"],
    });
  });

  test("unversioned symbols without DT_VERSYM, and a file without symbols at all", () => {
    const info = readElf(buildElf({ symbols: [{ name: "malloc" }, { name: "f", defined: true }] }));
    expect(info.imports).toEqual([{ name: "malloc", weak: false, version: null, library: null }]);
    expect(info.exports).toEqual(["f"]);
    expect(readElf(buildElf({ type: 2 }))).toMatchObject({
      imports: [],
      exports: [],
      exportVersions: [],
    });
  });

  test("ELF32 little-endian x86 (a wrong architecture on x86-64): symbols in the Elf32_Sym layout", () => {
    const info = readElf(buildElf({ ...LIBRARY, class: 32, machine: 3 }));
    expect(info).toMatchObject({
      class: 32,
      endian: "little",
      machine: "x86",
      kind: "shared-object",
    });
    expect(info.imports).toEqual(LIBRARY_IMPORTS);
    expect(info.exports).toEqual(["widget_free", "widget_new", "widget_registry"]);
    expect(info.exportVersions).toEqual(["WIDGET_1.0", "WIDGET_1.1"]);
  });

  test("ELF64 AArch64 PIE (a wrong architecture on x86-64)", () => {
    const info = readElf(
      buildElf({
        machine: 183,
        interpreter: "/lib/ld-linux-aarch64.so.1",
        needed: ["libc.so.6"],
        verneed: [{ file: "libc.so.6", versions: ["GLIBC_2.17", "GLIBC_2.34"] }],
        flags1: 0x08000000,
        symbols: [
          { name: "__libc_start_main", version: "GLIBC_2.34" },
          { name: "puts", version: "GLIBC_2.17" },
        ],
        symbolCount: ["gnu-hash"],
      }),
    );
    expect(info).toMatchObject({
      class: 64,
      machine: "AArch64",
      kind: "pie",
      highestGlibcVersion: "GLIBC_2.34",
    });
    expect(info.imports).toEqual([
      { name: "__libc_start_main", weak: false, version: "GLIBC_2.34", library: "libc.so.6" },
      { name: "puts", weak: false, version: "GLIBC_2.17", library: "libc.so.6" },
    ]);
    expect(formatElfSummary(info)).toBe(
      "dynamic AArch64 PIE, interpreter /lib/ld-linux-aarch64.so.1, needs libc.so.6, requires GLIBC_2.34",
    );
  });

  test("ELF32 and ELF64 big-endian read the same symbols", () => {
    for (const elfClass of [32, 64] as const) {
      const info = readElf(
        buildElf({
          ...LIBRARY,
          class: elfClass,
          endian: "big",
          machine: 22,
          symbolCount: ["gnu-hash"],
        }),
      );
      expect(info.imports).toEqual(LIBRARY_IMPORTS);
      expect(info.exportVersions).toEqual(["WIDGET_1.0", "WIDGET_1.1"]);
    }
  });

  test("soname, rpath and runpath: split on ':', empty parts dropped, $ORIGIN verbatim", () => {
    const info = readElf(
      buildElf({
        soname: "libfoo.so.2",
        rpath: "$ORIGIN/../lib::/opt/foo/lib:",
        runpath: ":${ORIGIN}",
      }),
    );
    expect(info).toMatchObject({
      soname: "libfoo.so.2",
      rpath: ["$ORIGIN/../lib", "/opt/foo/lib"],
      runpath: ["${ORIGIN}"],
    });
  });

  test("PT_TLS: p_memsz and p_align", () => {
    expect(readElf(buildElf({ type: 2, tls: { size: 0x58, align: 64 } })).tls).toEqual({
      size: 0x58,
      align: 64,
    });
    expect(readElf(buildElf({ type: 2 })).tls).toBeNull();
  });

  test("hasElfMagic looks at the first 4 bytes only", () => {
    expect(hasElfMagic(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46))).toBe(true);
    expect(hasElfMagic(fixture("hello-glibc-dynamic"))).toBe(true);
    expect(hasElfMagic(new TextEncoder().encode("#!/bin/sh"))).toBe(false);
    expect(hasElfMagic(Uint8Array.of(0x7f, 0x45, 0x4c))).toBe(false);
  });
});

const DF_1_PIE = 0x08000000;
const DF_1_NOW = 0x00000001;

/** [what the file has, the spec, its kind, its summary], one per rule of ElfInfo.kind. */
const KIND_CASES: [string, SyntheticElf, ElfKind, string][] = [
  [
    "ET_EXEC + PT_INTERP",
    { type: 2, interpreter: "/lib/ld-musl-x86_64.so.1", needed: ["libc.so"] },
    "executable",
    "dynamic x86-64 executable, interpreter /lib/ld-musl-x86_64.so.1, needs libc.so",
  ],
  [
    "ET_DYN + PT_INTERP (glibc's libc.so.6 is one too)",
    { interpreter: "/lib64/ld-linux-x86-64.so.2", soname: "libc.so.6", flags1: DF_1_NOW },
    "pie",
    "dynamic x86-64 PIE, interpreter /lib64/ld-linux-x86-64.so.2",
  ],
  ["ET_EXEC without PT_INTERP", { type: 2 }, "static", "static x86-64 executable"],
  [
    "gcc -static-pie: DF_1_PIE",
    { flags1: DF_1_PIE | DF_1_NOW, symbols: [] },
    "static-pie",
    "static-pie x86-64 PIE",
  ],
  [
    "no DT_FLAGS_1, no DT_NEEDED, no DT_SONAME, an entry point",
    { dynamic: true },
    "static-pie",
    "static-pie x86-64 PIE",
  ],
  [
    "musl's libc.so: DT_FLAGS_1 without DF_1_PIE, an entry point",
    { flags1: DF_1_NOW, symbols: [{ name: "printf", defined: true }] },
    "shared-object",
    "dynamic x86-64 shared object",
  ],
  [
    "no DT_FLAGS_1 and entry 0 (gcc -shared)",
    { dynamic: true, entry: 0 },
    "shared-object",
    "dynamic x86-64 shared object",
  ],
  [
    "no DT_FLAGS_1 and a DT_SONAME",
    { soname: "libz.so.1" },
    "shared-object",
    "dynamic x86-64 shared object",
  ],
  [
    "no DT_FLAGS_1 and a DT_NEEDED",
    { needed: ["libc.so.6"] },
    "shared-object",
    "dynamic x86-64 shared object, needs libc.so.6",
  ],
  ["ET_REL", { type: 1 }, "relocatable", "static x86-64 relocatable object"],
  ["ET_CORE", { type: 4 }, "core", "static x86-64 core dump"],
  ["ET_NONE", { type: 0 }, "unknown", "static x86-64 file of unknown type"],
];

describe("readElf: kind", () => {
  test.each(KIND_CASES.map(([label, spec, kind, summary]) => ({ label, spec, kind, summary })))(
    "$label -> $kind",
    ({ spec, kind, summary }) => {
      const info = readElf(buildElf(spec));
      expect(info.kind).toBe(kind);
      expect(formatElfSummary(info)).toBe(summary);
    },
  );
});

describe("readElf on malformed input", () => {
  test("bad magic", () => {
    expect(formatError(new TextEncoder().encode("#!/bin/sh\necho hi\n"))).toBe(
      "not an ELF file (bad magic)",
    );
    expect(formatError(new Uint8Array())).toBe("not an ELF file (bad magic)");
  });

  test("truncated file header", () => {
    expect(formatError(fixture("hello-glibc-dynamic").subarray(0, 40))).toBe(
      "truncated ELF: file header past end of file",
    );
  });

  test("truncated program header table", () => {
    expect(formatError(fixture("hello-glibc-dynamic").subarray(0, 100))).toBe(
      "truncated ELF: program header table past end of file",
    );
  });

  test("truncated section header table", () => {
    expect(formatError(fixture("hello-glibc-dynamic").subarray(0, 14040))).toBe(
      "truncated ELF: section header table past end of file",
    );
  });

  test("truncated PT_DYNAMIC", () => {
    const bytes = fixture("hello-glibc-dynamic-stripped");
    view(bytes).setBigUint64(E_SHOFF, 0n, true);
    expect(formatError(bytes.subarray(0, 0x2e00))).toBe(
      "truncated ELF: PT_DYNAMIC past end of file",
    );
  });

  test("unsupported class and data encoding", () => {
    const bytes = fixture("hello-glibc-dynamic");
    bytes[4] = 3;
    expect(formatError(bytes)).toBe("unsupported ELF class 3");
    bytes[4] = 2;
    bytes[5] = 0;
    expect(formatError(bytes)).toBe("unsupported ELF data encoding 0");
  });

  test("program header entries too small", () => {
    const bytes = fixture("hello-glibc-dynamic");
    view(bytes).setUint16(0x36, 8, true);
    expect(formatError(bytes)).toBe("malformed ELF: program header entry size 8 too small");
  });

  test("verneed cycle: DT_VERNEEDNUM says 2 but the only entry's vn_next is 0", () => {
    const bytes = fixture("hello-glibc-dynamic");
    patchDynamic(bytes, DT_VERNEEDNUM, 2n);
    expect(formatError(bytes)).toBe(
      "malformed ELF: version-needs chain loops (entry at 0x540 visited twice)",
    );
  });

  test("verneed cycle built from scratch: vn_next pointing back at the same entry", () => {
    const bytes = buildElf({
      interpreter: "/lib64/ld-linux-x86-64.so.2",
      verneed: [
        { file: "libc.so.6", versions: ["GLIBC_2.2.5"] },
        { file: "libm.so.6", versions: ["GLIBC_2.29"] },
      ],
      verneedNum: 3,
      verneedNext: [0, 0],
    });
    expect(formatError(bytes)).toMatch(/^malformed ELF: version-needs chain loops \(entry at 0x/);
  });

  test("vernaux cycle: vn_cnt larger than the aux chain", () => {
    const bytes = fixture("hello-glibc-dynamic");
    view(bytes).setUint16(VERNEED_AT + 2, 3, true);
    expect(formatError(bytes)).toBe(
      "malformed ELF: version-needs aux chain loops (entry at 0x560 visited twice)",
    );
  });

  test("absurd DT_VERNEEDNUM", () => {
    const bytes = fixture("hello-glibc-dynamic");
    patchDynamic(bytes, DT_VERNEEDNUM, 0xffffffffn);
    expect(formatError(bytes)).toBe(
      "malformed ELF: DT_VERNEEDNUM 4294967295 is absurd for a 16024-byte file",
    );
  });

  test("DT_NEEDED pointing outside the string table", () => {
    const bytes = fixture("hello-glibc-dynamic");
    patchDynamic(bytes, DT_NEEDED, 0xffffn);
    expect(formatError(bytes)).toBe(
      "malformed ELF: DT_NEEDED string offset 0xffff past end of string table",
    );
  });

  test("symbol table longer than the file from where it starts", () => {
    const probe = buildElf(LIBRARY);
    // A count the file could hold (so not "absurd"), but not from DT_SYMTAB on.
    const bytes = buildElf({ ...LIBRARY, hashNchain: Math.floor(probe.length / 24) });
    expect(formatError(bytes)).toBe("truncated ELF: dynamic symbol table past end of file");
  });

  test("absurd DT_HASH nchain", () => {
    const bytes = buildElf({ ...LIBRARY, hashNchain: 0xffffffff });
    expect(formatError(bytes)).toBe(
      `malformed ELF: DT_HASH nchain 4294967295 is absurd for a ${bytes.length}-byte file`,
    );
  });

  test("a DT_GNU_HASH chain that never ends stops at the end of the file", () => {
    const bytes = buildElf({ ...LIBRARY, symbolCount: ["gnu-hash"], gnuHashEndless: true });
    expect(formatError(bytes)).toBe("truncated ELF: DT_GNU_HASH chain past end of file");
  });

  test("absurd DT_GNU_HASH bucket count", () => {
    const bytes = buildElf({ ...LIBRARY, symbolCount: ["gnu-hash"], gnuHashBuckets: 0xffffff });
    expect(formatError(bytes)).toBe(
      `malformed ELF: DT_GNU_HASH bucket count 16777215 is absurd for a ${bytes.length}-byte file`,
    );
  });

  test("DT_SYMENT smaller than a symbol", () => {
    const bytes = buildElf({ ...LIBRARY, tagOverrides: { [DT_SYMENT]: 0 } });
    expect(formatError(bytes)).toBe("malformed ELF: dynamic symbol entry size 0 too small");
  });

  test("a symbol name past the end of the string table", () => {
    // Strings: "" at 0, "x" at 1, "yy" at 3; a DT_STRSZ of 3 ends the table before "yy".
    const bytes = buildElf({
      symbols: [{ name: "x" }, { name: "yy" }],
      tagOverrides: { [DT_STRSZ]: 3 },
    });
    expect(formatError(bytes)).toBe(
      "malformed ELF: dynamic symbol name string offset 0x3 past end of string table",
    );
  });

  test("verdef cycle: DT_VERDEFNUM says 4 but the chain loops back", () => {
    const bytes = buildElf({
      ...LIBRARY,
      verdefNext: [28, 0, 0],
      tagOverrides: { [DT_VERDEFNUM]: 4 },
    });
    expect(formatError(bytes)).toMatch(
      /^malformed ELF: version-definitions chain loops \(entry at 0x[0-9a-f]+ visited twice\)$/,
    );
  });

  test("absurd DT_VERDEFNUM", () => {
    const bytes = buildElf({ ...LIBRARY, tagOverrides: { [DT_VERDEFNUM]: 0x7fffffff } });
    expect(formatError(bytes)).toBe(
      `malformed ELF: DT_VERDEFNUM 2147483647 is absurd for a ${bytes.length}-byte file`,
    );
  });

  test("DT_VERSYM too close to the end of the file for one entry per symbol", () => {
    const probe = buildElf(LIBRARY);
    const bytes = buildElf({ ...LIBRARY, tagOverrides: { [DT_VERSYM]: BASE + probe.length - 4 } });
    expect(formatError(bytes)).toBe("truncated ELF: DT_VERSYM past end of file");
  });

  test("every truncation and many byte flips of synthetic libraries end in ElfFormatError or a result", () => {
    for (const spec of [
      { ...LIBRARY, symbolCount: ["gnu-hash", "section"] },
      { ...LIBRARY, class: 32, endian: "big", symbolCount: ["hash"] },
    ] satisfies SyntheticElf[]) {
      const original = buildElf(spec);
      for (let length = 0; length < original.length; length += 3) {
        expectOnlyFormatErrors(original.subarray(0, length));
      }
      let seed = 0x9e3779b9;
      for (let round = 0; round < 2000; round++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const bytes = original.slice();
        bytes[seed % original.length] = seed >>> 24;
        expectOnlyFormatErrors(bytes);
      }
    }
  });

  test("every truncation and many byte flips end in ElfFormatError or a result, never a crash", () => {
    const original = fixture("hello-glibc-dynamic-stripped");
    for (let length = 0; length < original.length; length += 7) {
      expectOnlyFormatErrors(original.subarray(0, length));
    }
    // Deterministic pseudo-random corruption of the parts the reader looks at.
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const hotSpots = [0, 0x40, 0x318, 0x488, 0x540, 0x2de0];
    for (let round = 0; round < 3000; round++) {
      const bytes = original.slice();
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        const spot = hotSpots[Math.floor(random() * hotSpots.length)] ?? 0;
        const at = spot + Math.floor(random() * 0x200);
        bytes[at] = Math.floor(random() * 256);
      }
      expectOnlyFormatErrors(bytes);
    }
  });
});

function expectOnlyFormatErrors(bytes: Uint8Array): void {
  try {
    readElf(bytes);
  } catch (error) {
    if (!(error instanceof ElfFormatError)) throw error;
    expect(error.message).not.toContain("\n");
  }
}

describe("compareVersions", () => {
  test.each([
    ["GLIBC_2.10", "GLIBC_2.9", 1],
    ["GLIBC_2.34", "GLIBC_2.2.5", 1],
    ["GLIBC_2.2.5", "GLIBC_2.3", -1],
    ["GLIBC_2.3", "GLIBC_2.3.0", 0],
    ["2.36", "GLIBC_2.36", 0],
    ["GLIBC_2.3.4", "GLIBC_2.3.10", -1],
    ["GLIBC_2.17", "GLIBC_2.17", 0],
  ])("%s vs %s -> %d", (a, b, expected) => {
    expect(Math.sign(compareVersions(a, b))).toBe(expected);
    expect(Math.sign(compareVersions(b, a))).toBe(-expected || 0);
  });

  test("sorts a mixed list", () => {
    const versions = ["GLIBC_2.34", "GLIBC_2.2.5", "GLIBC_2.10", "GLIBC_2.9", "GLIBC_2.3.4"];
    expect(versions.sort(compareVersions)).toEqual([
      "GLIBC_2.2.5",
      "GLIBC_2.3.4",
      "GLIBC_2.9",
      "GLIBC_2.10",
      "GLIBC_2.34",
    ]);
  });
});
