/**
 * What a file is, told by its first bytes, never by its name: an npm tarball saved as `pkg`, a
 * wheel renamed `.zip` and a `.node` addon (an ELF shared object) are all common.
 */
export type ContentKind = "elf" | "gzip" | "zip" | "tar" | "other";

/** How many leading bytes decide: a tar header is one 512-byte block, its magic at offset 257. */
export const HEAD_BYTES = 512;

/** The ELF identification, e_ident[EI_MAG0..3] (System V ABI, "ELF Identification"). */
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
/** RFC 1952 section 2.3.1: ID1 ID2. */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/**
 * APPNOTE.TXT 4.3.7 and 4.3.16: a local file header ("PK\3\4"), or the end of central directory
 * record that is all an empty zip holds ("PK\5\6").
 */
const ZIP_MAGICS = [Buffer.from("PK\x03\x04", "latin1"), Buffer.from("PK\x05\x06", "latin1")];
/** POSIX ustar "ustar\0" and GNU tar's "ustar " both start so, at offset 257 of the header. */
const TAR_MAGIC = Buffer.from("ustar", "latin1");
const TAR_MAGIC_OFFSET = 257;

/** The kind of content whose first bytes (up to HEAD_BYTES of them) are `head`. */
export function contentKind(head: Buffer): ContentKind {
  if (startsWith(head, ELF_MAGIC)) return "elf";
  if (startsWith(head, GZIP_MAGIC)) return "gzip";
  if (ZIP_MAGICS.some((magic) => startsWith(head, magic))) return "zip";
  if (isTarHead(head)) return "tar";
  return "other";
}

/** True when `head` starts with a ustar header (the tar inside a gzip is told so too). */
export function isTarHead(head: Buffer): boolean {
  return startsWith(head.subarray(TAR_MAGIC_OFFSET), TAR_MAGIC);
}

function startsWith(bytes: Buffer, magic: Buffer): boolean {
  return bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);
}
