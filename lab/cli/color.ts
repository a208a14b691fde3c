/**
 * Colour on or off, as chalk's supports-color reads the same variables: NO_COLOR (any non-empty
 * value, https://no-color.org) turns it off; FORCE_COLOR=0 or false turns it off, FORCE_COLOR set
 * empty, 1, 2, 3 or true turns it on; otherwise a terminal on stdout decides. Any other
 * FORCE_COLOR value is not understood and decides nothing.
 */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env["NO_COLOR"]) return false;
  const force = env["FORCE_COLOR"]?.trim().toLowerCase();
  if (force === "0" || force === "false") return false;
  if (force === "" || force === "true" || force === "1" || force === "2" || force === "3") {
    return true;
  }
  return isTTY;
}
