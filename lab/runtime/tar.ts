const BLOCK = 512;

/**
 * Docker's archive endpoint always answers with a tar stream, even for one file. This reads the
 * first regular file of it; pax and GNU long-name headers (which Docker emits for long paths) are
 * skipped. Small on purpose: the lab only ever fetches single probe binaries.
 */
export function readSingleFileFromTar(archive: Buffer): Buffer {
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + BLOCK;
    if (type === "0" || type === "\0") {
      if (dataStart + size > archive.length) throw new Error("tar archive is truncated");
      return archive.subarray(dataStart, dataStart + size);
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error("tar archive holds no regular file");
}

function parseOctal(field: Buffer): number {
  const text = field.toString("ascii").replace(/\0.*$/s, "").trim();
  return text === "" ? 0 : parseInt(text, 8);
}
