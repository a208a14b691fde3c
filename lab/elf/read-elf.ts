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
   * `static-pie`: look at {@link ElfInfo.needed} and at what the file is for before calling it a
   * program.
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
}

/** The input is not an ELF file, or is one that is truncated or internally inconsistent. */
export class ElfFormatError extends Error {
  override readonly name = "ElfFormatError";
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_GNU_STACK = 0x6474e551;

const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

/** Elf32_Verneed, Elf64_Verneed, Elf32_Vernaux and Elf64_Vernaux are all 16 bytes. */
const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;

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

interface ProgramHeader {
  type: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
}

interface SectionHeader {
  type: number;
  offset: bigint;
  size: bigint;
  link: number;
  info: number;
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
 * Parses the headers, program headers, dynamic section and version-needs table of an ELF file.
 * Works on stripped binaries: everything is found through program headers first (PT_INTERP,
 * PT_DYNAMIC, DT_STRTAB mapped through PT_LOAD), section headers are only a fallback.
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
  if (
    bytes.length < 4 ||
    bytes[0] !== 0x7f ||
    bytes[1] !== 0x45 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x46
  ) {
    throw new ElfFormatError("not an ELF file (bad magic)");
  }
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
          }
        : {
            type: r.u32(at),
            offset: r.word(at + 4),
            vaddr: r.word(at + 8),
            filesz: r.word(at + 16),
            memsz: r.word(at + 20),
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
  let gnuStackSize: number | null = null;
  if (stackHeader && stackHeader.memsz !== 0n) {
    if (stackHeader.memsz > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ElfFormatError("malformed ELF: PT_GNU_STACK size is absurdly large");
    }
    gnuStackSize = Number(stackHeader.memsz);
  }

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
  };
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
    // Elf_Shdr: name u32, type u32, flags w, addr w, offset w, size w, link u32, info u32, ...
    sections.push({
      type: r.u32(at + 4),
      offset: r.word(at + 8 + 2 * w),
      size: r.word(at + 8 + 3 * w),
      link: r.u32(at + 8 + 4 * w),
      info: r.u32(at + 12 + 4 * w),
    });
  }
  return sections;
}

interface DynamicFacts {
  needed: string[];
  versionRequirements: { file: string; versions: string[] }[];
}

/**
 * DT_NEEDED and the version needs. Program headers first, because stripped and sstrip'ed files
 * may have no section headers at all and the loader itself never looks at them; sections only
 * when a table cannot be reached through PT_DYNAMIC and PT_LOAD (or there is no PT_DYNAMIC).
 */
function readDynamic(
  r: Reader,
  bytes: Uint8Array,
  segments: ProgramHeader[],
  sections: SectionHeader[],
): DynamicFacts {
  const dynSegment = segments.find((p) => p.type === PT_DYNAMIC);
  const dynSection = sections.find((s) => s.type === SHT_DYNAMIC);
  const verneedSection = sections.find((s) => s.type === SHT_GNU_VERNEED);

  let dynSpan: Span | null = null;
  if (dynSegment) dynSpan = toSpan(dynSegment.offset, dynSegment.filesz, r, "PT_DYNAMIC");
  else if (dynSection) dynSpan = toSpan(dynSection.offset, dynSection.size, r, ".dynamic");

  const neededOffsets: bigint[] = [];
  let strtabAddr: bigint | null = null;
  let strtabSize: bigint | null = null;
  let verneedAddr: bigint | null = null;
  let verneedNum: bigint | null = null;
  if (dynSpan) {
    const entry = r.is64 ? 16 : 8;
    for (let at = dynSpan.start; at + entry <= dynSpan.end; at += entry) {
      const tag = r.signedWord(at);
      if (tag === BigInt(DT_NULL)) break;
      const value = r.word(at + entry / 2);
      switch (tag) {
        case BigInt(DT_NEEDED):
          neededOffsets.push(value);
          break;
        case BigInt(DT_STRTAB):
          strtabAddr = value;
          break;
        case BigInt(DT_STRSZ):
          strtabSize = value;
          break;
        case BigInt(DT_VERNEED):
          verneedAddr = value;
          break;
        case BigInt(DT_VERNEEDNUM):
          verneedNum = value;
          break;
      }
    }
  }

  // The dynamic string table: DT_STRTAB is a virtual address, so map it through PT_LOAD.
  let strtab: Span | null = null;
  if (strtabAddr !== null) {
    const mapped = mapAddress(strtabAddr, segments, r);
    if (mapped) {
      const end =
        strtabSize === null
          ? mapped.segmentEnd
          : toSpan(BigInt(mapped.offset), strtabSize, r, "DT_STRTAB").end;
      strtab = { start: mapped.offset, end: Math.min(end, mapped.segmentEnd) };
    }
  }
  if (!strtab && dynSection) strtab = linkedStrtab(dynSection, sections, r);
  if (!strtab && neededOffsets.length > 0) {
    throw new ElfFormatError("malformed ELF: DT_NEEDED present but no dynamic string table found");
  }

  const needed = neededOffsets.map((offset) => tableString(bytes, strtab, offset, "DT_NEEDED"));

  // The version-needs table: DT_VERNEED/DT_VERNEEDNUM first, then SHT_GNU_verneed.
  let verneed: { start: number; count: number | null; strtab: Span | null } | null = null;
  if (verneedAddr !== null) {
    const mapped = mapAddress(verneedAddr, segments, r);
    if (mapped) {
      verneed = {
        start: mapped.offset,
        count: verneedNum === null ? null : toCount(verneedNum, VERNEED_SIZE, r, "DT_VERNEEDNUM"),
        strtab,
      };
    }
  }
  if (!verneed && verneedSection) {
    verneed = {
      start: toOffset(verneedSection.offset, BigInt(VERNEED_SIZE), r, "version needs"),
      count: toCount(BigInt(verneedSection.info), VERNEED_SIZE, r, "version needs count"),
      strtab: linkedStrtab(verneedSection, sections, r) ?? strtab,
    };
  }
  const versionRequirements = verneed ? readVerneed(r, bytes, verneed) : [];
  return { needed, versionRequirements };
}

function readVerneed(
  r: Reader,
  bytes: Uint8Array,
  table: { start: number; count: number | null; strtab: Span | null },
): { file: string; versions: string[] }[] {
  if (table.count === 0) return [];
  if (!table.strtab) {
    throw new ElfFormatError("malformed ELF: version needs present but no string table found");
  }
  const strtab = table.strtab;
  // Offsets only ever move forward (vn_next is unsigned), so the one way to loop is a zero
  // vn_next (or vna_next) while the count says entries remain: a reader that trusts the count
  // would read the same entry over and over. Remembering visited offsets catches that, and
  // anything else that comes back to an entry.
  const visited = new Set<number>();
  const result: { file: string; versions: string[] }[] = [];
  let at = table.start;
  for (let i = 0; table.count === null || i < table.count; i++) {
    if (visited.has(at)) {
      throw new ElfFormatError(
        `malformed ELF: version-needs chain loops (entry at 0x${at.toString(16)} visited twice)`,
      );
    }
    visited.add(at);
    if (at + VERNEED_SIZE > r.length) {
      throw new ElfFormatError("truncated ELF: version needs past end of file");
    }
    const auxCount = r.u16(at + 2);
    const file = tableString(bytes, strtab, BigInt(r.u32(at + 4)), "vn_file");
    const versions: string[] = [];
    let aux = at + r.u32(at + 8);
    const seenAux = new Set<number>();
    for (let j = 0; j < auxCount; j++) {
      if (seenAux.has(aux)) {
        throw new ElfFormatError(
          `malformed ELF: version-needs aux chain loops (entry at 0x${aux.toString(16)} visited twice)`,
        );
      }
      seenAux.add(aux);
      if (aux + VERNAUX_SIZE > r.length) {
        throw new ElfFormatError("truncated ELF: version needs past end of file");
      }
      versions.push(tableString(bytes, strtab, BigInt(r.u32(aux + 8)), "vna_name"));
      aux += r.u32(aux + 12);
    }
    result.push({ file, versions });
    const next = r.u32(at + 12);
    // Without DT_VERNEEDNUM a zero vn_next is the end of the chain, as the loader reads it.
    if (table.count === null && next === 0) break;
    at += next;
  }
  return result;
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

/** A NUL-terminated string at `offset` in a string table. */
function tableString(bytes: Uint8Array, table: Span | null, offset: bigint, what: string): string {
  if (!table) throw new ElfFormatError(`malformed ELF: ${what} has no string table`);
  const start = BigInt(table.start) + offset;
  if (offset < 0n || start >= BigInt(table.end)) {
    throw new ElfFormatError(
      `malformed ELF: ${what} string offset 0x${offset.toString(16)} past end of string table`,
    );
  }
  const from = Number(start);
  const nul = bytes.indexOf(0, from);
  if (nul === -1 || nul >= table.end) {
    throw new ElfFormatError(`malformed ELF: ${what} string is not NUL-terminated`);
  }
  return decoder.decode(bytes.subarray(from, nul));
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

const TYPE_LABELS: Readonly<Record<ElfInfo["type"], string>> = {
  executable: "executable",
  "shared-object": "shared object",
  relocatable: "relocatable object",
  core: "core dump",
  unknown: "file of unknown type",
};

/**
 * One line a person reads, e.g. `dynamic x86-64 PIE, interpreter /lib64/ld-linux-x86-64.so.2,
 * needs libc.so.6, requires GLIBC_2.34`.
 */
export function formatElfSummary(info: ElfInfo): string {
  // `linkage` calls every ET_DYN with PT_DYNAMIC and no PT_INTERP "static-pie"; one with DT_NEEDED
  // entries cannot be a static PIE, so say what it really is: a shared library.
  const library = info.linkage === "static-pie" && info.needed.length > 0;
  const linkage = library ? "dynamic" : info.linkage;
  const kind = library
    ? "shared object"
    : info.pie || info.linkage === "static-pie"
      ? "PIE"
      : TYPE_LABELS[info.type];
  const layout =
    info.class === 32 || info.endian === "big" ? ` (${info.class}-bit, ${info.endian}-endian)` : "";
  const parts = [`${linkage} ${info.machine} ${kind}${layout}`];
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
