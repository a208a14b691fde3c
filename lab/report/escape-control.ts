/**
 * C0 and C1 control characters and DEL, and the Unicode line separators: a terminal acts on
 * them (ESC starts a sequence that can recolour, move the cursor or retitle the window; NUL and
 * CR hide what comes before), and a one-line message must stay one line.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text taken from a file the user named (a damaged baseline, a measurement in it), made safe to
 * print: every control character becomes its `\u001b` escape, everything else stays as it was.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** True when `text` holds a character escapeControl would escape. */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}
