import { describe, expect, test } from "vitest";
import {
  batchArguments,
  OUTPUT_CAP_BYTES,
  type BatchItem,
} from "../../../lab/runtime/batch-program.js";

/** The six words batch.sh reads before the runs: mark, cap, harness base, output base, scratch, uid. */
const HEAD = 6;
/** And the six it reads per run: setup, command, teardown, limit, user, schedule. */
const PER_RUN = 6;

function runsOf(args: string[]): string[][] {
  const runs: string[][] = [];
  for (let i = HEAD; i < args.length; i += PER_RUN) runs.push(args.slice(i, i + PER_RUN));
  return runs;
}

describe("batchArguments", () => {
  test("the batch's own words, then six per run in batch.sh's order, with their defaults", () => {
    const args = batchArguments(
      "@@m@@",
      [
        { command: "echo plain" },
        { command: "./probe", before: "start-fixture", after: "cat log", timeoutMs: 2_500 },
        { command: "./try 1", schedule: "side-by-side" },
      ],
      { timeoutMs: 4_000 },
    );
    expect(args.slice(0, HEAD)).toEqual([
      "@@m@@",
      String(OUTPUT_CAP_BYTES),
      "/lab/tmp",
      "/lab/output",
      "/tmp /var/tmp /run/lock /dev/shm /dev/mqueue",
      "65534",
    ]);
    expect(runsOf(args)).toEqual([
      [":", "echo plain", ":", "4", "probe", "in-turn"],
      ["start-fixture", "./probe", "cat log", "3", "probe", "in-turn"],
      [":", "./try 1", ":", "4", "probe", "side-by-side"],
    ]);
  });

  test("a limit is whole seconds, at least 1; without one, the default is 10 s", () => {
    const args = batchArguments(
      "m",
      [{ command: "a", timeoutMs: 1 }, { command: "b", timeoutMs: 1_001 }, { command: "c" }],
      {},
    );
    expect(runsOf(args).map((run) => run[3])).toEqual(["1", "2", "10"]);
  });

  test("a batch of compiles alone keeps its output in the harness's folder, not the probes' tmpfs", () => {
    const compiles = batchArguments("m", [{ command: "gcc", user: "harness" }], {});
    expect(compiles[3]).toBe("/lab/tmp");
    const mixed = batchArguments(
      "m",
      [{ command: "gcc", user: "harness" }, { command: "./probe" }],
      {},
    );
    expect(mixed[3]).toBe("/lab/output");
    expect(runsOf(mixed).map((run) => run[4])).toEqual(["harness", "probe"]);
  });

  test("side by side is a schedule for probes without setup or teardown, which the type says", () => {
    const items: BatchItem[] = [
      { command: "./try 1", user: "probe", schedule: "side-by-side" },
      // @ts-expect-error: a compile does not run side by side
      { command: "gcc", user: "harness", schedule: "side-by-side" },
      // @ts-expect-error: side-by-side runs have no setup
      { command: "./try 2", before: "start-fixture", schedule: "side-by-side" },
    ];
    expect(items).toHaveLength(3);
  });
});
