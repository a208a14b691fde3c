/** Compares dotted versions numerically: 1.2.10 > 1.2.9, and 2.41 > 2.5. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** `>=1.2.4 <1.3`: every comparator must hold. The syntax is checked by the scenario schema. */
export function satisfiesRange(version: string, range: string): boolean {
  return range.split(" ").every((comparator) => {
    const match = /^(>=|<=|>|<|=)(.+)$/.exec(comparator);
    if (!match?.[1] || !match[2]) return false;
    const order = compareVersions(version, match[2]);
    switch (match[1]) {
      case ">=":
        return order >= 0;
      case "<=":
        return order <= 0;
      case ">":
        return order > 0;
      case "<":
        return order < 0;
      default:
        return order === 0;
    }
  });
}
