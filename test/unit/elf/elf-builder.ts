/**
 * Writes small synthetic ELF files for tests: the layouts the host cannot build cheaply (32-bit,
 * big-endian, static, static-pie) and the malformed ones that must never be committed.
 *
 * Layout: file header, program headers, then the PT_INTERP string, the dynamic string table, the
 * version-needs table and the dynamic array; a single PT_LOAD maps the whole file at BASE, so
 * every DT_* address differs from its file offset. No section headers.
 */
export const BASE = 0x10000;

export interface SyntheticElf {
  class?: 32 | 64;
  endian?: "little" | "big";
  /** e_type: 1 relocatable, 2 executable, 3 shared object. Default 3. */
  type?: number;
  /** e_machine. Default 62 (x86-64). */
  machine?: number;
  interpreter?: string;
  needed?: string[];
  verneed?: { file: string; versions: string[] }[];
  /** Emit PT_DYNAMIC. Default: when there is anything to put in it. */
  dynamic?: boolean;
  /** PT_GNU_STACK p_memsz; omitted means no PT_GNU_STACK at all. */
  stackSize?: number;
  /** DT_VERNEEDNUM to write; null leaves the tag out. Default: the number of entries. */
  verneedNum?: number | null;
  /** vn_next to write for each entry; default: 16 + 16 * aux count, 0 for the last one. */
  verneedNext?: number[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_GNU_STACK = 0x6474e551;

export function buildElf(spec: SyntheticElf): Uint8Array {
  const is64 = (spec.class ?? 64) === 64;
  const little = (spec.endian ?? "little") === "little";
  const w = is64 ? 8 : 4;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const needed = spec.needed ?? [];
  const verneed = spec.verneed ?? [];
  const withDynamic = spec.dynamic ?? (needed.length > 0 || verneed.length > 0);

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

  const phnum = 1 + (spec.interpreter !== undefined ? 1 : 0) + (withDynamic ? 1 : 0) + 1;
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
  cursor = align(cursor, 8);
  const dynamicEntries: [number, number][] = [];
  for (const offset of neededOffsets) dynamicEntries.push([1, offset]);
  dynamicEntries.push([5, BASE + strtabOffset], [10, strings.length]);
  if (verneed.length > 0) {
    dynamicEntries.push([0x6ffffffe, BASE + verneedOffset]);
    const count = spec.verneedNum === undefined ? verneed.length : spec.verneedNum;
    if (count !== null) dynamicEntries.push([0x6fffffff, count]);
  }
  dynamicEntries.push([0, 0]);
  const dynamicOffset = cursor;
  const dynamicSize = withDynamic ? dynamicEntries.length * 2 * w : 0;
  const fileSize = cursor + dynamicSize;

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
  word(24, BASE);
  word(24 + w, ehsize); // e_phoff
  word(24 + 2 * w, 0); // e_shoff: no section headers
  u16(28 + 3 * w, ehsize);
  u16(30 + 3 * w, phentsize);
  u16(32 + 3 * w, phnum);
  u16(34 + 3 * w, is64 ? 64 : 40);

  let ph = ehsize;
  const phdr = (type: number, offset: number, filesz: number, memsz: number) => {
    u32(ph, type);
    if (is64) {
      word(ph + 8, offset);
      word(ph + 16, type === PT_GNU_STACK ? 0 : BASE + offset);
      word(ph + 24, type === PT_GNU_STACK ? 0 : BASE + offset);
      word(ph + 32, filesz);
      word(ph + 40, memsz);
    } else {
      word(ph + 4, offset);
      word(ph + 8, type === PT_GNU_STACK ? 0 : BASE + offset);
      word(ph + 12, type === PT_GNU_STACK ? 0 : BASE + offset);
      word(ph + 16, filesz);
      word(ph + 20, memsz);
    }
    ph += phentsize;
  };
  if (spec.interpreter !== undefined) {
    phdr(PT_INTERP, interpOffset, interpBytes.length, interpBytes.length);
  }
  phdr(PT_LOAD, 0, fileSize, fileSize);
  if (withDynamic) phdr(PT_DYNAMIC, dynamicOffset, dynamicSize, dynamicSize);
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
      u16(aux + 6, j + 2); // vna_other
      u32(aux + 8, name);
      u32(aux + 12, j === entry.versions.length - 1 ? 0 : 16);
    });
    at += size;
  });

  if (withDynamic) {
    dynamicEntries.forEach(([tag, value], i) => {
      word(dynamicOffset + i * 2 * w, tag);
      word(dynamicOffset + i * 2 * w + w, value);
    });
  }
  return bytes;
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}
