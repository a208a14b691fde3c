/**
 * The one ordering of dotted versions, for libc versions (`1.2.10` > `1.2.9`, `2.41` > `2.5`) and
 * ELF symbol versions alike: a leading name is ignored (`GLIBC_2.36` = `2.36`), missing parts are
 * 0 (`2.3` = `2.3.0`), and non-numeric parts compare as text after numeric ones. Returns -1, 0 or
 * 1, like a sort comparator.
 */
export function compareVersions(a: string, b: string): number {
  const left = a.replace(/^\D+/, "").split(".");
  const right = b.replace(/^\D+/, "").split(".");
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? "0";
    const y = right[i] ?? "0";
    const xNumeric = /^\d+$/.test(x);
    const yNumeric = /^\d+$/.test(y);
    if (xNumeric && yNumeric) {
      const difference = Number(x) - Number(y);
      if (difference !== 0) return Math.sign(difference);
    } else if (xNumeric !== yNumeric) {
      return xNumeric ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
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
