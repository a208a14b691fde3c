/** How long since `since` (a Date.now() value), as progress lines print it: `12.3 s`. */
export function secondsSince(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
