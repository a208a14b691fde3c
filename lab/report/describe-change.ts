import type { BaselineChange } from "../run-result.js";
import { escapeControl } from "./escape-control.js";

/**
 * One change in one line: `outcome changed: as-expected -> unexpected-failure`. Its values come
 * from the baseline file (and from probes' output), so control characters are shown escaped.
 */
export function describeChange(change: BaselineChange): string {
  const before = escapeControl(change.before ?? "absent");
  const after = escapeControl(change.after ?? "absent");
  switch (change.kind) {
    case "outcome-changed":
      return `outcome changed: ${before} -> ${after}`;
    case "case-missing":
      return `case missing (was ${before})`;
    case "case-added":
      return `new case (${after})`;
    case "measurement-moved":
      return `${escapeControl(change.key ?? "")} moved: ${before} -> ${after} (tolerance ${change.tolerance})`;
  }
}
