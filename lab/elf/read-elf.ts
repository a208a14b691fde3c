/**
 * A small, pure ELF reader: just enough of the format to say why a binary built against glibc does
 * (or does not) start on a musl system, and what it will ask of the C library once it does.
 *
 * No I/O: give it the bytes of a file. Every malformed input ends in an {@link ElfFormatError}
 * with a one-line message, never in a raw RangeError, and no count or link read from the file can
 * make it loop or allocate without bound.
 */

import { compareVersions } from "../classify/versions.js";

/** What {@link readElf} learns from one ELF file. */
export interface ElfInfo {
  /** ELFCLASS32 or ELFCLASS64. */
  class: 32 | 64;
  endian: "little" | "big";
  /** `e_machine` as a short name ("x86-64", "AArch64"), or `unknown (0x…)`. */
  machine: string;
  /** `e_type`. Note that a PIE is ET_DYN, a "shared-object" by type: see {@link ElfInfo.pie}. */
  type: "executable" | "shared-object" | "relocatable" | "core" | "unknown";
  /**
   * ET_DYN with a PT_INTERP: a position-independent executable. Linkers give a PIE an ET_DYN
   * header like a shared library, so `type` alone cannot tell them apart; a program interpreter
   * is what marks something meant to be run. (A few libraries that can also be run, like glibc's
   * own libc.so.6, have one too and count as PIE here.)
   */
  pie: boolean;
  /**
   * The PT_INTERP path, without its trailing NUL, or null when there is none.
   *
   * WHY it matters most: the kernel opens this file before any byte of the program runs. When it
   * is missing (a glibc binary's /lib64/ld-linux-x86-64.so.2 on Alpine, which only has
   * /lib/ld-musl-x86_64.so.1), execve fails with ENOENT and the shell reports "not found" / "No
   * such file or directory" for a program file that plainly exists.
   */
  interpreter: string | null;
  /** DT_NEEDED sonames, in the order the dynamic loader will search them. */
  needed: string[];
  /**
   * `dynamic` when there is a PT_INTERP (the kernel hands control to a loader); `static-pie`
   * for ET_DYN with PT_DYNAMIC but no PT_INTERP (the program relocates itself); `static` otherwise.
   *
   * By this rule an ordinary shared library (ET_DYN, PT_DYNAMIC, no PT_INTERP) is also
   * `static-pie`: {@link ElfInfo.kind} makes the finer split.
   */
  linkage: "static" | "static-pie" | "dynamic";
  /**
   * The version-needs table (DT_VERNEED, or the SHT_GNU_verneed section), one entry per library,
   * versions in table order, e.g. `{ file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.34"] }`.
   *
   * WHY: these are the symbol versions the loader checks before running anything. glibc refuses
   * to start a program that needs a newer GLIBC_x.y than it has ("version `GLIBC_2.34' not
   * found"); musl has no symbol versioning and ignores the table, which is why a glibc binary
   * that does start on gcompat/musl can still fail later, at the first missing symbol.
   */
  versionRequirements: { file: string; versions: string[] }[];
  /**
   * The highest `GLIBC_x.y[.z]` across {@link ElfInfo.versionRequirements}, as written there
   * (e.g. "GLIBC_2.34"), compared numerically so GLIBC_2.10 beats GLIBC_2.9; null when none.
   * GLIBC_PRIVATE and other non-numeric names are left out. This is the oldest glibc that can run
   * the file.
   */
  highestGlibcVersion: string | null;
  /**
   * PT_GNU_STACK's p_memsz when it is non-zero (the linker sets it for `-Wl,-z,stack-size=N`),
   * else null.
   *
   * WHY: musl reads it as the default size of new threads' stacks (raising its small default,
   * 128 KiB, up to a cap), while glibc ignores it and sizes thread stacks from RLIMIT_STACK
   * (usually 8 MiB). It is the documented way to give a program more thread stack on musl
   * without changing its code.
   */
  gnuStackSize: number | null;
  /**
   * DT_SONAME, the name other files' DT_NEEDED use for this library, or null.
   *
   * WHY: the loader matches DT_NEEDED against file names and sonames, and the two libcs name
   * themselves differently: glibc's C library is `libc.so.6` (with `libm.so.6`, `libpthread.so.0`
   * beside it), musl's is one `libc.so` that also holds libm, libpthread and the loader. A musl
   * system has no file called libc.so.6 unless gcompat provides one.
   */
  soname: string | null;
  /**
   * DT_RPATH search directories, split on ':' with empty parts dropped; `$ORIGIN` is kept verbatim.
   *
   * WHY: both loaders search these before the system directories, so a bundled glibc (or musl)
   * shipped next to the program is what it will load, whatever the image has.
   */
  rpath: string[];
  /**
   * DT_RUNPATH directories, split like {@link ElfInfo.rpath}. glibc searches DT_RUNPATH after
   * LD_LIBRARY_PATH and ignores DT_RPATH when both are present; musl searches both, RPATH first.
   */
  runpath: string[];
  /**
   * What the file is, from `e_type`, PT_INTERP and the dynamic section:
   * - `executable`: ET_EXEC with PT_INTERP; `pie`: ET_DYN with PT_INTERP. Both start through
   *   the loader named by {@link ElfInfo.interpreter}, so they need the matching libc.
   * - `static`: ET_EXEC without PT_INTERP; `static-pie`: ET_DYN without PT_INTERP that relocates
   *   itself (DT_FLAGS_1 has DF_1_PIE; when DT_FLAGS_1 is absent: no DT_NEEDED, no DT_SONAME and
   *   a non-zero entry point). Both carry their libc inside and run on either system, give or
   *   take what the libc reads from the system at run time (glibc's NSS and locales).
   * - `shared-object`: any other ET_DYN, a library to be loaded by someone else's loader.
   *
   * Measured on Debian trixie (gcc 14.2.0, binutils 2.44, glibc 2.41, musl 1.2.5), readelf -hld:
   * gcc's default PIE and `musl-gcc`'s dynamic PIE have PT_INTERP and DT_FLAGS_1 = PIE (`pie`);
   * `gcc -static-pie` and `musl-gcc -static-pie` have no PT_INTERP, DT_FLAGS_1 = PIE, no
   * DT_NEEDED (`static-pie`); `gcc -static` and `musl-gcc -static` are ET_EXEC without PT_INTERP
   * or PT_DYNAMIC (`static`). glibc's libc.so.6 is ET_DYN *with* a PT_INTERP (it can be run to
   * print its version) and DT_FLAGS_1 = NOW, so by this rule it is a `pie`; ld-linux-x86-64.so.2
   * has no PT_INTERP and DT_FLAGS_1 = NOW (`shared-object`). musl's libc.so (Debian:
   * /usr/lib/x86_64-linux-musl/libc.so, which /lib/ld-musl-x86_64.so.1 links to) is also its
   * loader, yet has no PT_INTERP, no DT_SONAME, a non-zero entry and DT_FLAGS_1 = NOW without
   * PIE: `shared-object`, which is what the DT_FLAGS_1 check is for (the fallback alone would call
   * it a static PIE). A `gcc -shared` library has no DT_FLAGS_1 and entry 0 (`shared-object`).
   * All 756 ELF files of the lab's offline glibc image read without error: 406 shared-object, 305
   * pie, 31 relocatable, 13 executable (gcc's own drivers, built -no-pie) and 1 static-pie
   * (/usr/sbin/ldconfig, which Debian builds -static-pie).
   */
  kind: ElfKind;
  /**
   * The symbols this file expects some other file to define: undefined .dynsym entries (GLOBAL or
   * WEAK), sorted by name (code-unit order), one per name. `version` and `library` come from
   * DT_VERSYM through the version-needs table (`printf` -> "GLIBC_2.2.5" in "libc.so.6"), null
   * when the symbol is unversioned.
   *
   * WHY: glibc's loader refuses to start when a versioned import's version is missing from the
   * library ("version `GLIBC_2.38' not found"), before resolving any name; musl ignores versions
   * and fails only on a missing non-weak name ("Error relocating …: symbol not found"), which is
   * how glibc-only names like `__printf_chk` (from _FORTIFY_SOURCE) break a glibc binary on musl.
   * A weak import that nobody defines resolves to 0 on both.
   */
  imports: ElfImport[];
  /**
   * Names of the symbols this file defines for others: defined .dynsym entries with binding
   * GLOBAL, WEAK or GNU_UNIQUE, not of type SECTION or FILE, sorted, unique. glibc's libc.so.6
   * also lists its version names (`GLIBC_2.2.5`, ABS symbols ld writes for each version).
   *
   * WHY: musl resolves imports by name alone, so "is `__printf_chk` among musl's libc.so
   * exports" is the whole question of whether a glibc binary's symbol will be found there.
   */
  exports: string[];
  /**
   * The version names this file defines (DT_VERDEF / SHT_GNU_verdef), in table order, without the
   * VER_FLG_BASE entry (that one is the soname), e.g. ["GLIBC_2.2.5", "GLIBC_2.2.6", …] for
   * libc.so.6; empty for musl's libc.so, which has no versions.
   *
   * WHY: glibc's loader checks each needed version (see {@link ElfInfo.versionRequirements})
   * against the defining file's list; musl never looks.
   */
  exportVersions: string[];
  /**
   * PT_TLS's p_memsz and p_align (the thread-local storage block every thread gets), or null.
   *
   * WHY: glibc carves the static TLS block out of each new thread's stack, so a large PT_TLS
   * leaves threads less stack than they asked for (glibc bug 11787); musl maps it in addition to
   * the stack. The same program can then overflow a thread stack on one libc only.
   */
  tls: { size: number; align: number } | null;
}

/** See {@link ElfInfo.kind}. */
export type ElfKind =
  | "executable"
  | "pie"
  | "static"
  | "static-pie"
  | "shared-object"
  | "relocatable"
  | "core"
  | "unknown";

/** One undefined dynamic symbol: see {@link ElfInfo.imports}. */
export interface ElfImport {
  name: string;
  /** STB_WEAK: the program starts (the address is 0) when no loaded file defines it. */
  weak: boolean;
  /** The version it asks for (vna_name), e.g. "GLIBC_2.3.4"; null when unversioned. */
  version: string | null;
  /** The file that version is expected from (vn_file), e.g. "libc.so.6"; null when unversioned. */
  library: string | null;
}

/** The input is not an ELF file, or is one that is truncated or internally inconsistent. */
export class ElfFormatError extends Error {
  override readonly name = "ElfFormatError";
}

/** The 4 bytes every ELF file starts with: lets a caller skip other files after reading 4 bytes. */
export function hasElfMagic(head: Uint8Array): boolean {
  return (
    head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46
  );
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_TLS = 7;
const PT_GNU_STACK = 0x6474e551;

const SHT_DYNAMIC = 6;
const SHT_DYNSYM = 11;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

const ET_EXEC = 2;
const ET_DYN = 3;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_GNU_HASH = 0x6ffffef5;
const DT_VERSYM = 0x6ffffff0;
const DT_FLAGS_1 = 0x6ffffffb;
const DT_VERDEF = 0x6ffffffc;
const DT_VERDEFNUM = 0x6ffffffd;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
/** The dynamic tags whose every occurrence counts; of all others the last one wins, as in ld.so. */
const LIST_TAGS: ReadonlySet<number> = new Set([DT_NEEDED, DT_RPATH, DT_RUNPATH]);

const DF_1_PIE = 0x08000000;

/** Elf32_Verneed, Elf64_Verneed, Elf32_Vernaux and Elf64_Vernaux are all 16 bytes. */
const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;
/** Elf32_Verdef and Elf64_Verdef are 20 bytes, their Verdaux 8. */
const VERDEF_SIZE = 20;
const VERDAUX_SIZE = 8;
const VER_FLG_BASE = 1;
/** A DT_VERSYM entry's low 15 bits are the version index; bit 15 marks a hidden version. */
const VERSYM_INDEX_MASK = 0x7fff;
/** Version indexes 0 (local) and 1 (global) mean "no version". */
const VER_NDX_GLOBAL = 1;

const ELF32_SYM_SIZE = 16;
const ELF64_SYM_SIZE = 24;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const STB_GNU_UNIQUE = 10;
const STT_SECTION = 3;
const STT_FILE = 4;
const SHN_UNDEF = 0;

const MACHINES: Readonly<Record<number, string>> = {
  0: "none",
  2: "SPARC",
  3: "x86",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "S/390",
  40: "ARM",
  42: "SuperH",
  43: "SPARC V9",
  50: "IA-64",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
  258: "LoongArch",
};

const TYPES: Readonly<Record<number, ElfInfo["type"]>> = {
  1: "relocatable",
  2: "executable",
  3: "shared-object",
  4: "core",
};

/** The kinds `e_type` alone decides (ET_EXEC and ET_DYN need more: see {@link classify}). */
const OTHER_KINDS: Readonly<Record<number, ElfKind>> = { 1: "relocatable", 4: "core" };

interface ProgramHeader {
  type: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

interface SectionHeader {
  type: number;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
  entsize: bigint;
}

/** A byte range of the file, already checked to lie inside it. */
interface Span {
  start: number;
  end: number;
}

/** Bounds-checked, endian-aware reads: the only place a DataView is touched. */
class Reader {
  private readonly view: DataView;
  readonly length: number;

  constructor(
    bytes: Uint8Array,
    private readonly little: boolean,
    readonly is64: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  private check(offset: number, size: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.length) {
      throw new ElfFormatError("truncated ELF: read past end of file");
    }
  }

  u8(offset: number): number {
    this.check(offset, 1);
    return this.view.getUint8(offset);
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset, this.little);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset, this.little);
  }

  /** An address or offset sized for the class: Elf32_Addr/Off or Elf64_Addr/Off. */
  word(offset: number): bigint {
    if (!this.is64) return BigInt(this.u32(offset));
    this.check(offset, 8);
    return this.view.getBigUint64(offset, this.little);
  }

  /** A dynamic tag: Elf32_Sword or Elf64_Sxword. */
  signedWord(offset: number): bigint {
    if (!this.is64) {
      this.check(offset, 4);
      return BigInt(this.view.getInt32(offset, this.little));
    }
    this.check(offset, 8);
    return this.view.getBigInt64(offset, this.little);
  }
}

const decoder = new TextDecoder("utf-8");

/**
 * Parses the headers, program headers, dynamic section, dynamic symbols and version tables of an
 * ELF file. Works on stripped binaries: everything is found through program headers first
 * (PT_INTERP, PT_DYNAMIC, DT_* addresses mapped through PT_LOAD), section headers are only a
 * fallback (and the source of the dynamic symbol count when they are there).
 *
 * @throws ElfFormatError when the bytes are not a well-formed ELF file.
 */
export function readElf(bytes: Uint8Array): ElfInfo {
  try {
    return parse(bytes);
  } catch (error) {
    // Belt and braces: every read is bounds-checked, but no malformed file may surface as a bare
    // RangeError (or a BigInt conversion error) from deep inside the parser.
    if (error instanceof RangeError || error instanceof TypeError) {
      throw new ElfFormatError(`malformed ELF: ${error.message}`);
    }
    throw error;
  }
}

function parse(bytes: Uint8Array): ElfInfo {
  if (!hasElfMagic(bytes)) throw new ElfFormatError("not an ELF file (bad magic)");
  if (bytes.length < 16) throw new ElfFormatError("truncated ELF: file header past end of file");
  const elfClass = bytes[4];
  if (elfClass !== 1 && elfClass !== 2) {
    throw new ElfFormatError(`unsupported ELF class ${String(elfClass)}`);
  }
  const data = bytes[5];
  if (data !== 1 && data !== 2) {
    throw new ElfFormatError(`unsupported ELF data encoding ${String(data)}`);
  }
  const is64 = elfClass === 2;
  if (bytes.length < (is64 ? 64 : 52)) {
    throw new ElfFormatError("truncated ELF: file header past end of file");
  }
  const r = new Reader(bytes, data === 1, is64);
  const w = is64 ? 8 : 4;

  const eType = r.u16(16);
  const eMachine = r.u16(18);
  const eEntry = r.word(24);
  const ePhoff = r.word(24 + w);
  const eShoff = r.word(24 + 2 * w);
  const after = 24 + 3 * w + 4; // past e_flags
  const ePhentsize = r.u16(after + 2);
  let ePhnum = r.u16(after + 4);
  const eShentsize = r.u16(after + 6);
  let eShnum = r.u16(after + 8);

  // Extended numbering: when e_phnum is PN_XNUM (0xffff) or e_shnum is 0 although there is a
  // section header table, the real counts live in section header 0.
  const shdrSize = is64 ? 64 : 40;
  if (eShoff !== 0n && (eShnum === 0 || ePhnum === 0xffff)) {
    if (eShentsize < shdrSize) {
      throw new ElfFormatError(`malformed ELF: section header entry size ${eShentsize} too small`);
    }
    const zero = toOffset(eShoff, BigInt(shdrSize), r, "section header table");
    if (eShnum === 0) eShnum = toCount(r.word(zero + 8 + 3 * w), shdrSize, r, "section count");
    if (ePhnum === 0xffff) ePhnum = r.u32(zero + 12 + 4 * w);
  }

  if (ePhnum > 0 && ePhentsize < (is64 ? 56 : 32)) {
    throw new ElfFormatError(`malformed ELF: program header entry size ${ePhentsize} too small`);
  }
  const phTable = BigInt(ePhentsize) * BigInt(ePhnum);
  const phStart = ePhnum === 0 ? 0 : toOffset(ePhoff, phTable, r, "program header table");
  const segments: ProgramHeader[] = [];
  for (let i = 0; i < ePhnum; i++) {
    const at = phStart + i * ePhentsize;
    // The layouts differ, not just the widths: ELF64 puts p_flags right after p_type, ELF32 after
    // p_memsz.
    segments.push(
      is64
        ? {
            type: r.u32(at),
            offset: r.word(at + 8),
            vaddr: r.word(at + 16),
            filesz: r.word(at + 32),
            memsz: r.word(at + 40),
            align: r.word(at + 48),
          }
        : {
            type: r.u32(at),
            offset: r.word(at + 4),
            vaddr: r.word(at + 8),
            filesz: r.word(at + 16),
            memsz: r.word(at + 20),
            align: r.word(at + 28),
          },
    );
  }

  // After the program headers, so a file cut short reports first what the kernel would trip on.
  const sections = eShoff === 0n ? [] : readSections(r, eShoff, eShentsize, eShnum, shdrSize);

  const interpHeader = segments.find((p) => p.type === PT_INTERP);
  let interpreter: string | null = null;
  if (interpHeader) {
    const span = toSpan(interpHeader.offset, interpHeader.filesz, r, "PT_INTERP");
    interpreter = cString(bytes, span.start, span.end);
  }

  const stackHeader = segments.find((p) => p.type === PT_GNU_STACK);
  const gnuStackSize =
    stackHeader && stackHeader.memsz !== 0n
      ? toSafeNumber(stackHeader.memsz, "PT_GNU_STACK size")
      : null;

  const tlsHeader = segments.find((p) => p.type === PT_TLS);
  const tls = tlsHeader
    ? {
        size: toSafeNumber(tlsHeader.memsz, "PT_TLS size"),
        align: toSafeNumber(tlsHeader.align, "PT_TLS alignment"),
      }
    : null;

  const dynamic = readDynamic(r, bytes, segments, sections);
  const type = TYPES[eType] ?? "unknown";
  const hasDynamic = segments.some((p) => p.type === PT_DYNAMIC);
  const versionRequirements = dynamic.versionRequirements;

  return {
    class: is64 ? 64 : 32,
    endian: data === 1 ? "little" : "big",
    machine: MACHINES[eMachine] ?? `unknown (0x${eMachine.toString(16)})`,
    type,
    pie: type === "shared-object" && interpreter !== null,
    interpreter,
    needed: dynamic.needed,
    linkage:
      interpreter !== null
        ? "dynamic"
        : type === "shared-object" && hasDynamic
          ? "static-pie"
          : "static",
    versionRequirements,
    highestGlibcVersion: highestGlibc(versionRequirements),
    gnuStackSize,
    soname: dynamic.soname,
    rpath: dynamic.rpath,
    runpath: dynamic.runpath,
    kind: classify(eType, interpreter !== null, dynamic, eEntry),
    imports: dynamic.imports,
    exports: dynamic.exports,
    exportVersions: dynamic.exportVersions,
    tls,
  };
}

/** See {@link ElfInfo.kind}: the rules there, in order. */
function classify(
  eType: number,
  hasInterpreter: boolean,
  dynamic: DynamicFacts,
  entry: bigint,
): ElfKind {
  if (eType === ET_EXEC) return hasInterpreter ? "executable" : "static";
  if (eType !== ET_DYN) return OTHER_KINDS[eType] ?? "unknown";
  if (hasInterpreter) return "pie";
  const selfRelocating =
    dynamic.flags1 !== null
      ? (dynamic.flags1 & BigInt(DF_1_PIE)) !== 0n
      : dynamic.needed.length === 0 && dynamic.soname === null && entry !== 0n;
  return selfRelocating ? "static-pie" : "shared-object";
}

function readSections(
  r: Reader,
  shoff: bigint,
  entsize: number,
  count: number,
  minimum: number,
): SectionHeader[] {
  if (count === 0) return [];
  if (entsize < minimum) {
    throw new ElfFormatError(`malformed ELF: section header entry size ${entsize} too small`);
  }
  const start = toOffset(shoff, BigInt(entsize) * BigInt(count), r, "section header table");
  const w = r.is64 ? 8 : 4;
  const sections: SectionHeader[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + i * entsize;
    // Elf_Shdr: name u32, type u32, flags w, addr w, offset w, size w, link u32, info u32,
    // addralign w, entsize w.
    sections.push({
      type: r.u32(at + 4),
      offset: r.word(at + 8 + 2 * w),
      size: r.word(at + 8 + 3 * w),
      link: r.u32(at + 8 + 4 * w),
      info: r.u32(at + 12 + 4 * w),
      entsize: r.word(at + 16 + 5 * w),
    });
  }
  return sections;
}

interface DynamicFacts {
  needed: string[];
  soname: string | null;
  rpath: string[];
  runpath: string[];
  /** DT_FLAGS_1, or null when the tag is absent. */
  flags1: bigint | null;
  versionRequirements: { file: string; versions: string[] }[];
  imports: ElfImport[];
  exports: string[];
  exportVersions: string[];
}

/** A version a DT_VERSYM index stands for, from the version-needs table. */
type NeededVersion = { version: string; library: string };

/**
 * Everything reached through the dynamic section. Program headers first, because stripped and
 * sstrip'ed files may have no section headers at all and the loader itself never looks at them;
 * sections only when a table cannot be reached through PT_DYNAMIC and PT_LOAD (or there is no
 * PT_DYNAMIC).
 */
function readDynamic(
  r: Reader,
  bytes: Uint8Array,
  segments: ProgramHeader[],
  sections: SectionHeader[],
): DynamicFacts {
  const dynSegment = segments.find((p) => p.type === PT_DYNAMIC);
  const dynSection = sections.find((s) => s.type === SHT_DYNAMIC);

  let dynSpan: Span | null = null;
  if (dynSegment) dynSpan = toSpan(dynSegment.offset, dynSegment.filesz, r, "PT_DYNAMIC");
  else if (dynSection) dynSpan = toSpan(dynSection.offset, dynSection.size, r, ".dynamic");

  const lists = new Map<number, bigint[]>();
  const tags = new Map<number, bigint>();
  if (dynSpan) {
    const entry = r.is64 ? 16 : 8;
    for (let at = dynSpan.start; at + entry <= dynSpan.end; at += entry) {
      const tag = r.signedWord(at);
      if (tag === BigInt(DT_NULL)) break;
      // Tags past 2^53 lose precision here, but no tag this reader knows is near there.
      const key = Number(tag);
      const value = r.word(at + entry / 2);
      if (LIST_TAGS.has(key)) {
        const list = lists.get(key);
        if (list) list.push(value);
        else lists.set(key, [value]);
      } else {
        tags.set(key, value);
      }
    }
  }

  // The dynamic string table: DT_STRTAB is a virtual address, so map it through PT_LOAD.
  let strtab: Span | null = null;
  const strtabAddr = tags.get(DT_STRTAB);
  if (strtabAddr !== undefined) {
    const mapped = mapAddress(strtabAddr, segments, r);
    if (mapped) {
      const strtabSize = tags.get(DT_STRSZ);
      const end =
        strtabSize === undefined
          ? mapped.segmentEnd
          : toSpan(BigInt(mapped.offset), strtabSize, r, "DT_STRTAB").end;
      strtab = { start: mapped.offset, end: Math.min(end, mapped.segmentEnd) };
    }
  }
  if (!strtab && dynSection) strtab = linkedStrtab(dynSection, sections, r);
  const neededOffsets = lists.get(DT_NEEDED) ?? [];
  if (!strtab && neededOffsets.length > 0) {
    throw new ElfFormatError("malformed ELF: DT_NEEDED present but no dynamic string table found");
  }

  const needed = neededOffsets.map((offset) => tableString(bytes, strtab, offset, "DT_NEEDED"));
  const sonameOffset = tags.get(DT_SONAME);
  const soname =
    sonameOffset === undefined ? null : tableString(bytes, strtab, sonameOffset, "DT_SONAME");
  const searchPath = (tag: number, what: string): string[] =>
    (lists.get(tag) ?? []).flatMap((offset) =>
      tableString(bytes, strtab, offset, what)
        .split(":")
        .filter((part) => part !== ""),
    );

  const layout = { segments, sections, r };
  const verneed = locateTable(
    layout,
    tags.get(DT_VERNEED),
    SHT_GNU_VERNEED,
    VERNEED_SIZE,
    "version needs",
  );
  const { requirements, byIndex } = verneed
    ? readVerneed(r, bytes, {
        start: verneed.start,
        count: tableCount(verneed, tags.get(DT_VERNEEDNUM), VERNEED_SIZE, r, "DT_VERNEEDNUM"),
        strtab: (verneed.section && linkedStrtab(verneed.section, sections, r)) ?? strtab,
      })
    : { requirements: [], byIndex: new Map<number, NeededVersion>() };

  const verdef = locateTable(
    layout,
    tags.get(DT_VERDEF),
    SHT_GNU_VERDEF,
    VERDEF_SIZE,
    "version definitions",
  );
  const exportVersions = verdef
    ? readVerdef(r, bytes, {
        start: verdef.start,
        count: tableCount(verdef, tags.get(DT_VERDEFNUM), VERDEF_SIZE, r, "DT_VERDEFNUM"),
        strtab: (verdef.section && linkedStrtab(verdef.section, sections, r)) ?? strtab,
      })
    : [];

  const symbols = locateSymbols(layout, tags, strtab);
  const { imports, exports } = symbols
    ? readSymbols(r, bytes, symbols, byIndex)
    : { imports: [], exports: [] };

  return {
    needed,
    soname,
    rpath: searchPath(DT_RPATH, "DT_RPATH"),
    runpath: searchPath(DT_RUNPATH, "DT_RUNPATH"),
    flags1: tags.get(DT_FLAGS_1) ?? null,
    versionRequirements: requirements,
    imports,
    exports,
    exportVersions,
  };
}

interface Layout {
  segments: ProgramHeader[];
  sections: SectionHeader[];
  r: Reader;
}

/** Where a table starts: its DT_* address mapped through PT_LOAD, else its section's offset. */
function locateTable(
  { segments, sections, r }: Layout,
  address: bigint | undefined,
  sectionType: number,
  minimum: number,
  what: string,
): { start: number; section: SectionHeader | null } | null {
  const mapped = address === undefined ? null : mapAddress(address, segments, r);
  if (mapped) return { start: mapped.offset, section: null };
  const section = sections.find((s) => s.type === sectionType);
  if (!section) return null;
  return { start: toOffset(section.offset, BigInt(minimum), r, what), section };
}

/**
 * A version table's entry count: its DT_*NUM tag when the table was found through the dynamic
 * section (null without one: then the chain ends at a zero next), else its section's sh_info.
 */
function tableCount(
  table: { section: SectionHeader | null },
  tag: bigint | undefined,
  entrySize: number,
  r: Reader,
  what: string,
): number | null {
  if (table.section) return toCount(BigInt(table.section.info), entrySize, r, `${what} (sh_info)`);
  return tag === undefined ? null : toCount(tag, entrySize, r, what);
}

interface SymbolTable {
  start: number;
  count: number;
  entrySize: number;
  strtab: Span | null;
  /** File offset of the DT_VERSYM array (one u16 per symbol), or null. */
  versym: number | null;
}

/**
 * The dynamic symbol table: DT_SYMTAB (else the SHT_DYNSYM section) and its length, which the
 * dynamic section does not state: the SHT_DYNSYM section's sh_size / sh_entsize when there is
 * one, else DT_HASH's nchain, else the highest index reachable through DT_GNU_HASH. Null when
 * there is no table, or no way to tell its length (then the loader could not look up into it
 * either).
 */
function locateSymbols(
  layout: Layout,
  tags: Map<number, bigint>,
  strtab: Span | null,
): SymbolTable | null {
  const { segments, sections, r } = layout;
  const minimum = r.is64 ? ELF64_SYM_SIZE : ELF32_SYM_SIZE;
  const table = locateTable(layout, tags.get(DT_SYMTAB), SHT_DYNSYM, minimum, ".dynsym");
  if (!table) return null;
  const section = table.section ?? sections.find((s) => s.type === SHT_DYNSYM) ?? null;
  const syment = section ? section.entsize : (tags.get(DT_SYMENT) ?? BigInt(minimum));
  if (syment < BigInt(minimum)) {
    throw new ElfFormatError(`malformed ELF: dynamic symbol entry size ${syment} too small`);
  }
  const entrySize = toCount(syment, 1, r, "dynamic symbol entry size");

  let count: number | null = null;
  if (section) {
    count = toCount(section.size / syment, entrySize, r, "dynamic symbol count");
  } else {
    const hash = mapOptional(tags.get(DT_HASH), segments, r);
    const gnuHash = mapOptional(tags.get(DT_GNU_HASH), segments, r);
    // Elf_Hash's words are 32-bit on every target this reader names (s390x and Alpha use 64-bit
    // ones, a known quirk it does not handle).
    if (hash !== null) {
      count = toCount(BigInt(r.u32(hash + 4)), entrySize, r, "DT_HASH nchain");
    } else if (gnuHash !== null) {
      count = toCount(gnuHashCount(r, gnuHash), entrySize, r, "DT_GNU_HASH symbol count");
    }
  }
  if (count === null) return null;
  toSpan(BigInt(table.start), BigInt(count) * syment, r, "dynamic symbol table");

  const versymTable = locateTable(layout, tags.get(DT_VERSYM), SHT_GNU_VERSYM, 2, ".gnu.version");
  if (versymTable) toSpan(BigInt(versymTable.start), BigInt(count) * 2n, r, "DT_VERSYM");
  return {
    start: table.start,
    count,
    entrySize,
    strtab: (table.section && linkedStrtab(table.section, sections, r)) ?? strtab,
    versym: versymTable?.start ?? null,
  };
}

/**
 * The number of dynamic symbols as DT_GNU_HASH implies it: the table starts with `symoffset`
 * unhashed symbols (the undefined ones, as ld lays it out), and the highest bucket's chain ends
 * at the last symbol, the one whose chain word has bit 0 set. The walk only moves forward and
 * every step is a bounds-checked read, so a chain that never ends stops at the end of the file.
 */
function gnuHashCount(r: Reader, at: number): bigint {
  const nbuckets = toCount(BigInt(r.u32(at)), 4, r, "DT_GNU_HASH bucket count");
  const symoffset = r.u32(at + 4);
  const bloomWords = toCount(BigInt(r.u32(at + 8)), r.is64 ? 8 : 4, r, "DT_GNU_HASH bloom size");
  const buckets = at + 16 + bloomWords * (r.is64 ? 8 : 4);
  const chains = buckets + 4 * nbuckets;
  if (chains > r.length) throw new ElfFormatError("truncated ELF: DT_GNU_HASH past end of file");
  let highest = -1;
  for (let i = 0; i < nbuckets; i++) highest = Math.max(highest, r.u32(buckets + 4 * i));
  if (highest < symoffset) return BigInt(symoffset);
  for (let index = highest; ; index++) {
    const word = chains + 4 * (index - symoffset);
    if (word + 4 > r.length) {
      throw new ElfFormatError("truncated ELF: DT_GNU_HASH chain past end of file");
    }
    if ((r.u32(word) & 1) !== 0) return BigInt(index + 1);
  }
}

/**
 * One pass over the dynamic symbols, linear in their number; the only allocations are the names
 * kept and one record per import.
 */
function readSymbols(
  r: Reader,
  bytes: Uint8Array,
  table: SymbolTable,
  versions: Map<number, NeededVersion>,
): { imports: ElfImport[]; exports: string[] } {
  const imports = new Map<string, ElfImport>();
  const exports = new Set<string>();
  // Elf32_Sym: name u32, value u32, size u32, info u8, other u8, shndx u16.
  // Elf64_Sym: name u32, info u8, other u8, shndx u16, value u64, size u64.
  const infoAt = r.is64 ? 4 : 12;
  const shndxAt = r.is64 ? 6 : 14;
  // Symbol 0 is the reserved null symbol.
  for (let i = 1; i < table.count; i++) {
    const at = table.start + i * table.entrySize;
    const nameOffset = r.u32(at);
    if (nameOffset === 0) continue;
    const info = r.u8(at + infoAt);
    const binding = info >> 4;
    if (binding !== STB_GLOBAL && binding !== STB_WEAK && binding !== STB_GNU_UNIQUE) continue;
    if (r.u16(at + shndxAt) !== SHN_UNDEF) {
      const type = info & 0xf;
      if (type !== STT_SECTION && type !== STT_FILE) {
        exports.add(stringAt(bytes, table.strtab, nameOffset, "dynamic symbol name"));
      }
      continue;
    }
    if (binding === STB_GNU_UNIQUE) continue;
    const name = stringAt(bytes, table.strtab, nameOffset, "dynamic symbol name");
    if (imports.has(name)) continue;
    const index = table.versym === null ? 0 : r.u16(table.versym + 2 * i) & VERSYM_INDEX_MASK;
    // An index the version-needs table does not define is one the loader would reject; this
    // reader reports the symbol as unversioned rather than guess.
    const needed = index > VER_NDX_GLOBAL ? versions.get(index) : undefined;
    imports.set(name, {
      name,
      weak: binding === STB_WEAK,
      version: needed?.version ?? null,
      library: needed?.library ?? null,
    });
  }
  return {
    imports: [...imports.values()].sort((a, b) => byCodeUnits(a.name, b.name)),
    // The default sort compares UTF-16 code units too, without a call per pair.
    exports: [...exports].sort(),
  };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface VersionTable {
  start: number;
  count: number | null;
  strtab: Span | null;
}

function readVerneed(
  r: Reader,
  bytes: Uint8Array,
  table: VersionTable,
): { requirements: ElfInfo["versionRequirements"]; byIndex: Map<number, NeededVersion> } {
  const requirements: ElfInfo["versionRequirements"] = [];
  const byIndex = new Map<number, NeededVersion>();
  if (table.count === 0) return { requirements, byIndex };
  const strtab = table.strtab;
  if (!strtab) {
    throw new ElfFormatError("malformed ELF: version needs present but no string table found");
  }
  const truncated = "version needs";
  walkChain(r, table.start, table.count, VERNEED_SIZE, "version-needs chain", truncated, (at) => {
    const file = stringAt(bytes, strtab, r.u32(at + 4), "vn_file");
    const versions: string[] = [];
    const aux = at + r.u32(at + 8);
    walkChain(r, aux, r.u16(at + 2), VERNAUX_SIZE, "version-needs aux chain", truncated, (v) => {
      const version = stringAt(bytes, strtab, r.u32(v + 8), "vna_name");
      versions.push(version);
      byIndex.set(r.u16(v + 6) & VERSYM_INDEX_MASK, { version, library: file });
    });
    requirements.push({ file, versions });
  });
  return { requirements, byIndex };
}

/** The version definitions' names (each Verdef's first Verdaux), without the VER_FLG_BASE one. */
function readVerdef(r: Reader, bytes: Uint8Array, table: VersionTable): string[] {
  const names: string[] = [];
  if (table.count === 0) return names;
  const strtab = table.strtab;
  if (!strtab) {
    throw new ElfFormatError(
      "malformed ELF: version definitions present but no string table found",
    );
  }
  const chain = "version-definitions chain";
  walkChain(r, table.start, table.count, VERDEF_SIZE, chain, "version definitions", (at) => {
    // Elf_Verdef: version u16, flags u16, ndx u16, cnt u16, hash u32, aux u32, next u32.
    if ((r.u16(at + 2) & VER_FLG_BASE) !== 0 || r.u16(at + 6) === 0) return;
    const aux = at + r.u32(at + 12);
    if (aux + VERDAUX_SIZE > r.length) {
      throw new ElfFormatError("truncated ELF: version definitions past end of file");
    }
    names.push(stringAt(bytes, strtab, r.u32(aux), "vda_name"));
  });
  return names;
}

/**
 * Visits the entries of a version table chained by relative `next` words (at offset 12 of a
 * Verneed and a Vernaux, 16 of a Verdef; the same place: the last word).
 *
 * Offsets only ever move forward (next is unsigned), so the one way to loop is a zero next while
 * the count says entries remain: a reader that trusts the count would read the same entry over
 * and over. Remembering visited offsets catches that, and anything else that comes back to an
 * entry. Without a count (no DT_*NUM) a zero next ends the chain, as the loader reads it.
 */
function walkChain(
  r: Reader,
  start: number,
  count: number | null,
  entrySize: number,
  chain: string,
  truncated: string,
  visit: (at: number) => void,
): void {
  const visited = new Set<number>();
  let at = start;
  for (let i = 0; count === null || i < count; i++) {
    if (visited.has(at)) {
      throw new ElfFormatError(
        `malformed ELF: ${chain} loops (entry at 0x${at.toString(16)} visited twice)`,
      );
    }
    visited.add(at);
    if (at + entrySize > r.length) {
      throw new ElfFormatError(`truncated ELF: ${truncated} past end of file`);
    }
    visit(at);
    const next = r.u32(at + entrySize - 4);
    if (count === null && next === 0) break;
    at += next;
  }
}

/** The string table a section's sh_link points at, when that link is valid. */
function linkedStrtab(section: SectionHeader, sections: SectionHeader[], r: Reader): Span | null {
  const linked = sections[section.link];
  if (!linked || section.link === 0) return null;
  return toSpan(linked.offset, linked.size, r, "linked string table");
}

/** Virtual address -> file offset through the PT_LOAD segment whose file image contains it. */
function mapAddress(
  address: bigint,
  segments: ProgramHeader[],
  r: Reader,
): { offset: number; segmentEnd: number } | null {
  for (const segment of segments) {
    if (segment.type !== PT_LOAD) continue;
    if (address < segment.vaddr || address >= segment.vaddr + segment.filesz) continue;
    const span = toSpan(segment.offset, segment.filesz, r, "PT_LOAD segment");
    return { offset: span.start + Number(address - segment.vaddr), segmentEnd: span.end };
  }
  return null;
}

function mapOptional(address: bigint | undefined, segments: ProgramHeader[], r: Reader) {
  return address === undefined ? null : (mapAddress(address, segments, r)?.offset ?? null);
}

/** A NUL-terminated string at `offset` (a 64-bit value from the dynamic section) in a table. */
function tableString(bytes: Uint8Array, table: Span | null, offset: bigint, what: string): string {
  if (table && offset >= BigInt(table.end - table.start)) throw pastStringTable(what, offset);
  return stringAt(bytes, table, Number(offset), what);
}

/** A NUL-terminated string at `offset` in a string table. */
function stringAt(bytes: Uint8Array, table: Span | null, offset: number, what: string): string {
  if (!table) throw new ElfFormatError(`malformed ELF: ${what} has no string table`);
  const from = table.start + offset;
  if (from >= table.end) throw pastStringTable(what, offset);
  const nul = bytes.indexOf(0, from);
  if (nul === -1 || nul >= table.end) {
    throw new ElfFormatError(`malformed ELF: ${what} string is not NUL-terminated`);
  }
  return decoder.decode(bytes.subarray(from, nul));
}

function pastStringTable(what: string, offset: number | bigint): ElfFormatError {
  return new ElfFormatError(
    `malformed ELF: ${what} string offset 0x${offset.toString(16)} past end of string table`,
  );
}

/** A string up to the first NUL, or the whole range when there is none (as the kernel copes). */
function cString(bytes: Uint8Array, start: number, end: number): string {
  const nul = bytes.subarray(start, end).indexOf(0);
  return decoder.decode(bytes.subarray(start, nul === -1 ? end : start + nul));
}

function toSpan(offset: bigint, size: bigint, r: Reader, what: string): Span {
  if (offset + size > BigInt(r.length)) {
    throw new ElfFormatError(`truncated ELF: ${what} past end of file`);
  }
  return { start: Number(offset), end: Number(offset + size) };
}

function toOffset(offset: bigint, size: bigint, r: Reader, what: string): number {
  return toSpan(offset, size, r, what).start;
}

/** A count read from the file, refused when the file could not possibly hold that many entries. */
function toCount(value: bigint, entrySize: number, r: Reader, what: string): number {
  if (value > BigInt(Math.floor(r.length / entrySize))) {
    throw new ElfFormatError(
      `malformed ELF: ${what} ${value} is absurd for a ${r.length}-byte file`,
    );
  }
  return Number(value);
}

/** A size from a program header, which (unlike offsets) need not lie inside the file. */
function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ElfFormatError(`malformed ELF: ${what} is absurdly large`);
  }
  return Number(value);
}

function highestGlibc(requirements: ElfInfo["versionRequirements"]): string | null {
  let highest: string | null = null;
  for (const { versions } of requirements) {
    for (const version of versions) {
      if (!/^GLIBC_\d+(\.\d+)*$/.test(version)) continue;
      if (highest === null || compareVersions(version, highest) > 0) highest = version;
    }
  }
  return highest;
}

/** How a summary names each kind: the linkage word and the noun. */
const KIND_LABELS = {
  executable: { linkage: "dynamic", noun: "executable" },
  pie: { linkage: "dynamic", noun: "PIE" },
  static: { linkage: "static", noun: "executable" },
  "static-pie": { linkage: "static-pie", noun: "PIE" },
  "shared-object": { linkage: "dynamic", noun: "shared object" },
  relocatable: { linkage: "static", noun: "relocatable object" },
  core: { linkage: "static", noun: "core dump" },
  unknown: { linkage: "static", noun: "file of unknown type" },
} satisfies Record<ElfKind, { linkage: string; noun: string }>;

/**
 * One line a person reads, e.g. `dynamic x86-64 PIE, interpreter /lib64/ld-linux-x86-64.so.2,
 * needs libc.so.6, requires GLIBC_2.34`.
 */
export function formatElfSummary(info: ElfInfo): string {
  const { linkage, noun } = KIND_LABELS[info.kind];
  const layout =
    info.class === 32 || info.endian === "big" ? ` (${info.class}-bit, ${info.endian}-endian)` : "";
  const parts = [`${linkage} ${info.machine} ${noun}${layout}`];
  if (info.interpreter !== null) parts.push(`interpreter ${info.interpreter}`);
  if (info.needed.length > 0) parts.push(`needs ${info.needed.join(", ")}`);
  if (info.highestGlibcVersion !== null) parts.push(`requires ${info.highestGlibcVersion}`);
  if (info.gnuStackSize !== null) {
    parts.push(`stack size ${formatBytes(info.gnuStackSize)} (PT_GNU_STACK)`);
  }
  return parts.join(", ");
}

function formatBytes(size: number): string {
  if (size >= 1 << 20 && size % (1 << 20) === 0) return `${size / (1 << 20)} MiB`;
  if (size >= 1 << 10 && size % (1 << 10) === 0) return `${size / (1 << 10)} KiB`;
  return `${size} bytes`;
}
