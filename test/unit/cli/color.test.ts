import { describe, expect, test } from "vitest";
import { wantsColor } from "../../../lab/cli/color.js";

describe("wantsColor reads NO_COLOR and FORCE_COLOR as chalk does", () => {
  test("FORCE_COLOR=0 and false turn colour off, also on a terminal", () => {
    expect(wantsColor({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: "false" }, true)).toBe(false);
  });

  test("FORCE_COLOR=1, 2, 3, true or empty turn it on, also into a pipe", () => {
    for (const value of ["1", "2", "3", "true", ""]) {
      expect(wantsColor({ FORCE_COLOR: value }, false)).toBe(true);
    }
  });

  test("NO_COLOR wins; without either variable, the terminal decides", () => {
    expect(wantsColor({ NO_COLOR: "1", FORCE_COLOR: "1" }, true)).toBe(false);
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: "sometimes" }, false)).toBe(false);
  });
});
