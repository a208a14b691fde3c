import { wrap } from "../report/box.js";

/**
 * `prefix`, then `text` wrapped to `width` columns so that its continuation lines align under the
 * text, not under the prefix (a bullet, a number, a `hint:` label). The box around leaves them be.
 */
export function hanging(prefix: string, text: string, width: number): string[] {
  const [first = "", ...rest] = wrap(text, Math.max(10, width - prefix.length));
  return [prefix + first, ...rest.map((line) => " ".repeat(prefix.length) + line)];
}
