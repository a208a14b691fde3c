import { expect, test } from "vitest";
import { parseMeasurements } from "../../../lab/classify/measurements.js";
import { compareVersions, satisfiesRange } from "../../../lab/classify/versions.js";

test("key=value lines become measurements; other lines are ignored; the last value wins", () => {
  const stdout =
    "built_for=glibc\nnot a fact\nstack.kib=128\nHELLO=ignored\nempty=\nstack.kib=132\n";
  expect(parseMeasurements(stdout)).toEqual({ built_for: "glibc", "stack.kib": "132", empty: "" });
});

test("values may contain = and spaces", () => {
  expect(parseMeasurements("confstr_libc=glibc 2.41\nargs=a=b\r\n")).toEqual({
    confstr_libc: "glibc 2.41",
    args: "a=b",
  });
});

test("versions compare numerically and ranges combine comparators", () => {
  expect(compareVersions("1.2.10", "1.2.9")).toBe(1);
  expect(compareVersions("2.41", "2.5")).toBe(1);
  expect(compareVersions("1.2", "1.2.0")).toBe(0);
  expect(satisfiesRange("1.2.3", "<1.2.4")).toBe(true);
  expect(satisfiesRange("1.2.4", "<1.2.4")).toBe(false);
  expect(satisfiesRange("1.2.3", ">=1.1.21 <1.2.4")).toBe(true);
  expect(satisfiesRange("1.1.20", ">=1.1.21 <1.2.4")).toBe(false);
  expect(satisfiesRange("2.36", "=2.36")).toBe(true);
});
