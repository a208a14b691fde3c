/**
 * Writes small synthetic ELF files for tests: the layouts the host cannot build cheaply (32-bit,
 * big-endian, other machines, static, static-pie) and the malformed ones that must never be
 * committed.
 *
 * Layout: file header, program headers, then the PT_INTERP string, the dynamic string table, the
 * version-needs and version-definitions tables, DT_VERSYM, DT_HASH, the dynamic symbols, the
 * dynamic array and last DT_GNU_HASH (so a chain that never ends runs off the end of the file);
 * a single PT_LOAD maps the whole file at BASE, so every DT_* address differs from its file
 * offset. Section headers (null, .dynstr, .dynsym) only when asked for.
 */
export const BASE = 0x10000;

export interface SyntheticSymbol {
  name: string;
  /** Default "global". */
  bind?: "local" | "global" | "weak" | "unique";
  /** Default "func". */
  type?: "notype" | "object" | "func" | "section" | "file";
  /** Defined symbols get st_shndx 1 (and go after the undefined ones, as ld orders them). */
  defined?: boolean;
  /** A name from `verneed` (undefined symbols) or `verdef` (defined ones); none when omitted. */
  version?: string;
  /** Set bit 15 of the DT_VERSYM entry (a hidden version, `sym@VER` rather than `sym@@VER`). */
  hidden?: boolean;
}

export interface SyntheticElf {
  class?: 32 | 64;
  endian?: "little" | "big";
  /** e_type: 1 relocatable, 2 executable, 3 shared object, 4 core. Default 3. */
  type?: number;
  /** e_machine. Default 62 (x86-64). */
  machine?: number;
  /** e_entry. Default BASE. */
  entry?: number;
  interpreter?: string;
  needed?: string[];
  soname?: string;
  /** DT_RPATH and DT_RUNPATH, written as given (colon-separated). */
  rpath?: string;
  runpath?: string;
  /** DT_FLAGS_1; omitted means no tag. */
  flags1?: number;
  verneed?: { file: string; versions: string[] }[];
  /** Version definition names; a VER_FLG_BASE entry (the soname, or "base") goes first. */
  verdef?: string[];
  /** Dynamic symbols after the null symbol; omitted means no DT_SYMTAB at all. */
  symbols?: SyntheticSymbol[];
  /** Where the symbol count can be read from. Default ["hash"]. */
  symbolCount?: ("hash" | "gnu-hash" | "section")[];
  /** PT_TLS p_memsz and p_align; omitted means no PT_TLS. */
  tls?: { size: number; align: number };
  /** Emit PT_DYNAMIC. Default: when there is anything to put in it. */
  dynamic?: boolean;
  /** PT_GNU_STACK p_memsz; omitted means no PT_GNU_STACK at all. */
  stackSize?: number;
  /** DT_VERNEEDNUM to write; null leaves the tag out. Default: the number of entries. */
  verneedNum?: number | null;
  /** vn_next to write for each entry; default: 16 + 16 * aux count, 0 for the last one. */
  verneedNext?: number[];
  /** vd_next to write for each entry (the base one first); default: 28, 0 for the last one. */
  verdefNext?: number[];
  /** DT_HASH nchain to write instead of the real count. */
  hashNchain?: number;
  /** DT_GNU_HASH nbuckets to write instead of 1 (the buckets themselves are not written). */
  gnuHashBuckets?: number;
  /** Leave bit 0 clear in every DT_GNU_HASH chain word: a chain that never ends. */
  gnuHashEndless?: boolean;
  /** Dynamic tag values to write instead of the computed ones (the tag must be written). */
  tagOverrides?: Record<number, number>;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_TLS = 7;
const PT_GNU_STACK = 0x6474e551;

const DT = {
  NULL: 0,
  NEEDED: 1,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  STRSZ: 10,
  SYMENT: 11,
  SONAME: 14,
  RPATH: 15,
  RUNPATH: 29,
  GNU_HASH: 0x6ffffef5,
  VERSYM: 0x6ffffff0,
  FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc,
  VERDEFNUM: 0x6ffffffd,
  VERNEED: 0x6ffffffe,
  VERNEEDNUM: 0x6fffffff,
} as const;

const BINDINGS = { local: 0, global: 1, weak: 2, unique: 10 } as const;
const SYMBOL_TYPES = { notype: 0, object: 1, func: 2, section: 3, file: 4 } as const;
const VERDEF_ENTRY = 20 + 8;

export function buildElf(spec: SyntheticElf): Uint8Array {
  const is64 = (spec.class ?? 64) === 64;
  const little = (spec.endian ?? "little") === "little";
  const w = is64 ? 8 : 4;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const symentsize = is64 ? 24 : 16;
  const needed = spec.needed ?? [];
  const verneed = spec.verneed ?? [];
  const verdef = spec.verdef === undefined ? [] : [spec.soname ?? "base", ...spec.verdef];
  // Undefined symbols first, then the defined ones: DT_GNU_HASH covers only the latter.
  const symbols = spec.symbols
    ? [...spec.symbols.filter((s) => !s.defined), ...spec.symbols.filter((s) => s.defined)]
    : null;
  const counts = new Set(spec.symbolCount ?? ["hash"]);
  const withDynamic =
    spec.dynamic ??
    (needed.length > 0 ||
      verneed.length > 0 ||
      verdef.length > 0 ||
      symbols !== null ||
      spec.soname !== undefined ||
      spec.rpath !== undefined ||
      spec.runpath !== undefined ||
      spec.flags1 !== undefined);

  // String table: offset 0 is the empty string.
  const strings: number[] = [0];
  const stringOffsets = new Map<string, number>();
  const intern = (text: string): number => {
    const known = stringOffsets.get(text);
    if (known !== undefined) return known;
    const offset = strings.length;
    strings.push(...new TextEncoder().encode(text), 0);
    stringOffsets.set(text, offset);
    return offset;
  };
  const neededOffsets = needed.map(intern);
  const verneedStrings = verneed.map((entry) => ({
    file: intern(entry.file),
    versions: entry.versions.map(intern),
  }));
  const verdefStrings = verdef.map(intern);
  const symbolNames = (symbols ?? []).map((s) => intern(s.name));
  const sonameOffset = spec.soname === undefined ? null : intern(spec.soname);
  const rpathOffset = spec.rpath === undefined ? null : intern(spec.rpath);
  const runpathOffset = spec.runpath === undefined ? null : intern(spec.runpath);

  // Version indexes: 1 is the base definition, then the other definitions, then every needed
  // version, numbered across all libraries (vna_other), as ld assigns them.
  const definedIndex = new Map(verdef.map((name, i) => [name, i + 1]));
  const neededIndex = new Map<string, number>();
  let nextIndex = Math.max(2, verdef.length + 1);
  const verneedIndexes = verneed.map((entry) =>
    entry.versions.map((version) => {
      const index = nextIndex++;
      neededIndex.set(version, index);
      return index;
    }),
  );

  const phnum =
    1 +
    (spec.interpreter !== undefined ? 1 : 0) +
    (withDynamic ? 1 : 0) +
    (spec.tls !== undefined ? 1 : 0) +
    1;
  let cursor = ehsize + phnum * phentsize;
  const interpOffset = cursor;
  const interpBytes =
    spec.interpreter !== undefined ? [...new TextEncoder().encode(spec.interpreter), 0] : [];
  cursor += interpBytes.length;
  const strtabOffset = cursor;
  cursor += strings.length;
  cursor = align(cursor, 4);
  const verneedOffset = cursor;
  cursor += verneed.reduce((size, entry) => size + 16 + 16 * entry.versions.length, 0);
  const verdefOffset = cursor;
  cursor += verdef.length * VERDEF_ENTRY;
  const symbolCount = symbols === null ? 0 : symbols.length + 1;
  const withVersym = symbols !== null && (verneed.length > 0 || verdef.length > 0);
  const versymOffset = cursor;
  cursor += withVersym ? 2 * symbolCount : 0;
  cursor = align(cursor, 4);
  const withHash = symbols !== null && counts.has("hash");
  const hashOffset = cursor;
  cursor += withHash ? 4 * (3 + symbolCount) : 0;
  cursor = align(cursor, 8);
  const dynsymOffset = cursor;
  cursor += symbolCount * symentsize;

  const dynamicEntries: [number, number][] = [];
  for (const offset of neededOffsets) dynamicEntries.push([DT.NEEDED, offset]);
  if (sonameOffset !== null) dynamicEntries.push([DT.SONAME, sonameOffset]);
  if (rpathOffset !== null) dynamicEntries.push([DT.RPATH, rpathOffset]);
  if (runpathOffset !== null) dynamicEntries.push([DT.RUNPATH, runpathOffset]);
  dynamicEntries.push([DT.STRTAB, BASE + strtabOffset], [DT.STRSZ, strings.length]);
  if (spec.flags1 !== undefined) dynamicEntries.push([DT.FLAGS_1, spec.flags1]);
  if (verneed.length > 0) {
    dynamicEntries.push([DT.VERNEED, BASE + verneedOffset]);
    const count = spec.verneedNum === undefined ? verneed.length : spec.verneedNum;
    if (count !== null) dynamicEntries.push([DT.VERNEEDNUM, count]);
  }
  if (verdef.length > 0) {
    dynamicEntries.push([DT.VERDEF, BASE + verdefOffset], [DT.VERDEFNUM, verdef.length]);
  }
  if (symbols !== null) {
    dynamicEntries.push([DT.SYMTAB, BASE + dynsymOffset], [DT.SYMENT, symentsize]);
    if (withVersym) dynamicEntries.push([DT.VERSYM, BASE + versymOffset]);
    if (withHash) dynamicEntries.push([DT.HASH, BASE + hashOffset]);
  }
  const withGnuHash = symbols !== null && counts.has("gnu-hash");
  // Placeholder value: the table's address is known once the dynamic array's size is.
  if (withGnuHash) dynamicEntries.push([DT.GNU_HASH, 0]);
  dynamicEntries.push([DT.NULL, 0]);
  for (const [tag, value] of Object.entries(spec.tagOverrides ?? {})) {
    const entry = dynamicEntries.find(([t]) => t === Number(tag));
    if (!entry) throw new Error(`tagOverrides: tag 0x${Number(tag).toString(16)} is not written`);
    entry[1] = value;
  }
  const dynamicOffset = cursor;
  const dynamicSize = withDynamic ? dynamicEntries.length * 2 * w : 0;
  cursor += dynamicSize;

  // DT_GNU_HASH: one bucket, one bloom word; symoffset is the first defined symbol.
  const symoffset = symbols === null ? 0 : 1 + symbols.filter((s) => !s.defined).length;
  const hashed = symbolCount - symoffset;
  const gnuHashOffset = cursor;
  cursor += withGnuHash ? 16 + w + 4 + 4 * hashed : 0;
  cursor = align(cursor, 8);
  const withSections = symbols !== null && counts.has("section");
  const shoff = cursor;
  const fileSize = cursor + (withSections ? 3 * shentsize : 0);

  const bytes = new Uint8Array(fileSize);
  const view = new DataView(bytes.buffer);
  const u16 = (at: number, value: number) => view.setUint16(at, value, little);
  const u32 = (at: number, value: number) => view.setUint32(at, value, little);
  const word = (at: number, value: number) =>
    is64 ? view.setBigUint64(at, BigInt(value), little) : view.setUint32(at, value, little);

  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1]);
  u16(16, spec.type ?? 3);
  u16(18, spec.machine ?? 62);
  u32(20, 1);
  word(24, spec.entry ?? BASE);
  word(24 + w, ehsize); // e_phoff
  word(24 + 2 * w, withSections ? shoff : 0); // e_shoff
  u16(28 + 3 * w, ehsize);
  u16(30 + 3 * w, phentsize);
  u16(32 + 3 * w, phnum);
  u16(34 + 3 * w, shentsize);
  u16(36 + 3 * w, withSections ? 3 : 0);

  let ph = ehsize;
  const phdr = (type: number, offset: number, filesz: number, memsz: number, palign = 0) => {
    const vaddr = type === PT_GNU_STACK ? 0 : BASE + offset;
    u32(ph, type);
    if (is64) {
      word(ph + 8, offset);
      word(ph + 16, vaddr);
      word(ph + 24, vaddr);
      word(ph + 32, filesz);
      word(ph + 40, memsz);
      word(ph + 48, palign);
    } else {
      word(ph + 4, offset);
      word(ph + 8, vaddr);
      word(ph + 12, vaddr);
      word(ph + 16, filesz);
      word(ph + 20, memsz);
      word(ph + 28, palign);
    }
    ph += phentsize;
  };
  if (spec.interpreter !== undefined) {
    phdr(PT_INTERP, interpOffset, interpBytes.length, interpBytes.length);
  }
  phdr(PT_LOAD, 0, fileSize, fileSize);
  if (withDynamic) phdr(PT_DYNAMIC, dynamicOffset, dynamicSize, dynamicSize);
  if (spec.tls !== undefined) phdr(PT_TLS, 0, 0, spec.tls.size, spec.tls.align);
  phdr(PT_GNU_STACK, 0, 0, spec.stackSize ?? 0);

  bytes.set(interpBytes, interpOffset);
  bytes.set(strings, strtabOffset);

  let at = verneedOffset;
  verneedStrings.forEach((entry, i) => {
    const size = 16 + 16 * entry.versions.length;
    u16(at, 1); // vn_version
    u16(at + 2, entry.versions.length);
    u32(at + 4, entry.file);
    u32(at + 8, 16); // vn_aux: right after the Verneed
    u32(at + 12, spec.verneedNext?.[i] ?? (i === verneedStrings.length - 1 ? 0 : size));
    entry.versions.forEach((name, j) => {
      const aux = at + 16 + 16 * j;
      u32(aux, 0); // vna_hash: not checked by the reader
      u16(aux + 6, verneedIndexes[i]?.[j] ?? 0); // vna_other
      u32(aux + 8, name);
      u32(aux + 12, j === entry.versions.length - 1 ? 0 : 16);
    });
    at += size;
  });

  verdefStrings.forEach((name, i) => {
    const entry = verdefOffset + i * VERDEF_ENTRY;
    u16(entry, 1); // vd_version
    u16(entry + 2, i === 0 ? 1 : 0); // vd_flags: VER_FLG_BASE on the first
    u16(entry + 4, i + 1); // vd_ndx
    u16(entry + 6, 1); // vd_cnt
    u32(entry + 12, 20); // vd_aux: right after the Verdef
    u32(entry + 16, spec.verdefNext?.[i] ?? (i === verdef.length - 1 ? 0 : VERDEF_ENTRY));
    u32(entry + 20, name); // vda_name; vda_next stays 0
  });

  (symbols ?? []).forEach((symbol, k) => {
    const i = k + 1;
    const entry = dynsymOffset + i * symentsize;
    const info = (BINDINGS[symbol.bind ?? "global"] << 4) | SYMBOL_TYPES[symbol.type ?? "func"];
    const shndx = symbol.defined ? 1 : 0;
    const value = symbol.defined ? BASE + 0x100 * i : 0;
    u32(entry, symbolNames[k] ?? 0);
    if (is64) {
      bytes[entry + 4] = info;
      u16(entry + 6, shndx);
      word(entry + 8, value);
    } else {
      word(entry + 4, value);
      bytes[entry + 12] = info;
      u16(entry + 14, shndx);
    }
    if (withVersym) {
      let index = 1;
      if (symbol.version !== undefined) {
        const found = (symbol.defined ? definedIndex : neededIndex).get(symbol.version);
        if (found === undefined) throw new Error(`no version ${symbol.version} to point at`);
        index = found;
      }
      u16(versymOffset + 2 * i, index | (symbol.hidden ? 0x8000 : 0));
    }
  });

  if (withHash) {
    u32(hashOffset, 1); // nbucket; bucket and chains stay 0: the reader only counts
    u32(hashOffset + 4, spec.hashNchain ?? symbolCount);
  }

  if (withDynamic) {
    dynamicEntries.forEach(([tag, value], i) => {
      word(dynamicOffset + i * 2 * w, tag);
      word(dynamicOffset + i * 2 * w + w, tag === DT.GNU_HASH ? BASE + gnuHashOffset : value);
    });
  }

  if (withGnuHash) {
    u32(gnuHashOffset, spec.gnuHashBuckets ?? 1);
    u32(gnuHashOffset + 4, symoffset);
    u32(gnuHashOffset + 8, 1); // bloom words
    u32(gnuHashOffset + 12, 6); // bloom shift
    word(gnuHashOffset + 16, -1 >>> 0); // a bloom filter that lets everything through
    const buckets = gnuHashOffset + 16 + w;
    u32(buckets, hashed > 0 ? symoffset : 0);
    (symbols ?? []).slice(symoffset - 1).forEach((symbol, j) => {
      const last = j === hashed - 1 && !spec.gnuHashEndless;
      u32(buckets + 4 + 4 * j, (gnuHash(symbol.name) & ~1) | (last ? 1 : 0));
    });
  }

  if (withSections) {
    // [0] null, [1] .dynstr (SHT_STRTAB), [2] .dynsym (SHT_DYNSYM, linked to 1). No names.
    const section = (i: number, type: number, offset: number, size: number, entsize: number) => {
      const sh = shoff + i * shentsize;
      u32(sh + 4, type);
      word(sh + 8 + w, BASE + offset); // sh_addr
      word(sh + 8 + 2 * w, offset);
      word(sh + 8 + 3 * w, size);
      u32(sh + 8 + 4 * w, type === 11 ? 1 : 0); // sh_link
      u32(sh + 12 + 4 * w, type === 11 ? 1 : 0); // sh_info: first non-local symbol
      word(sh + 16 + 5 * w, entsize);
    };
    section(1, 3, strtabOffset, strings.length, 0);
    section(2, 11, dynsymOffset, symbolCount * symentsize, symentsize);
  }
  return bytes;
}

/** The GNU hash function (dl_new_hash): h * 33 + c from 5381. */
function gnuHash(name: string): number {
  let h = 5381;
  for (const byte of new TextEncoder().encode(name)) h = (h * 33 + byte) >>> 0;
  return h;
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}
