import { escapeControl } from "../report/escape-control.js";

/**
 * A file name as bytes, made printable: valid UTF-8 is kept, every byte that is not part of a
 * valid UTF-8 sequence becomes `\xNN`, and control characters get escapeControl's `\u001b`. Linux
 * file names are bytes, not text (a Latin-1 name from an old tarball is common); decoding them
 * with replacement characters would make two different files look the same, and printing them
 * raw could send a terminal an escape sequence.
 */
export function pathText(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      text += `\\x${(bytes[i] as number).toString(16).padStart(2, "0")}`;
      i += 1;
    } else {
      text += Buffer.from(bytes.subarray(i, i + length)).toString("utf8");
      i += length;
    }
  }
  return escapeControl(text);
}

/**
 * The length of the valid UTF-8 sequence at `i`, or 0: the well-formed table of Unicode 15
 * section 3.9 (table 3-7), which rules out overlong forms, surrogates and code points past
 * U+10FFFF.
 */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] as number;
  if (lead < 0x80) return 1;
  const at = (k: number) => bytes[i + k] ?? -1;
  const cont = (k: number, low = 0x80, high = 0xbf) => at(k) >= low && at(k) <= high;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (lead === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (lead >= 0xe1 && lead <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (lead === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xf1 && lead <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
