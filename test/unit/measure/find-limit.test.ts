import { describe, expect, test } from "vitest";
import { findLimit, type TrialRunner } from "../../../lab/measure/find-limit.js";

/** A probe that survives up to `limit` and crashes above it, counting what it was asked. */
function fakeProbe(limit: number) {
  const asked: number[][] = [];
  const run: TrialRunner = async (values) => {
    asked.push(values);
    return values.map((v) => v <= limit);
  };
  return { run, asked };
}

const SEARCH = { from: 64, max: 65_536, resolution: 1 };

describe("findLimit", () => {
  test.each([
    [129, 3],
    [8_187, 3],
    [64, 3],
    [65_535, 7],
    [1_000, 1],
  ])("finds a limit of %i exactly (batch %i)", async (limit, batch) => {
    const probe = fakeProbe(limit);
    const found = await findLimit(SEARCH, probe.run, batch);
    expect(found.limit).toBe(limit);
    expect(found.firstFailure).toBe(limit + 1);
    expect(found.monotonic).toBe(true);
    expect(found.rounds).toBe(probe.asked.length);
    expect(found.trials).toHaveLength(probe.asked.flat().length);
  });

  test("brackets with every doubling in one batch, then splits the bracket", async () => {
    const probe = fakeProbe(129);
    await findLimit(SEARCH, probe.run, 3);
    expect(probe.asked[0]).toEqual([
      64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
    ]);
    expect(probe.asked[1]).toEqual([160, 192, 224]);
    // 128 -> 256 is 128 wide; each round of 3 cuts it in four: 32, 8, 2, 1.
    expect(probe.asked.length).toBeLessThanOrEqual(6);
  });

  test.each([
    // [limit, estimate]: exact (musl: the reported stack is all usable), a few below (glibc:
    // descriptor and TLS), far off, and an estimate outside the bracket
    [130, 130, 2],
    [8_187, 8_192, 4],
    [5_000, 8_192],
    [129, 40_000],
  ])(
    "an estimate seeds one round around it: limit %i from estimate %i",
    async (limit, estimate, rounds?: number) => {
      const probe = fakeProbe(limit);
      const found = await findLimit(SEARCH, probe.run, 3, () => estimate);
      // The answer never depends on the estimate: both sides of the boundary were run.
      expect(found).toMatchObject({ limit, firstFailure: limit + 1, monotonic: true });
      if (rounds !== undefined) expect(found.rounds).toBe(rounds);
      const plain = await findLimit(SEARCH, fakeProbe(limit).run, 3);
      expect(found.limit).toBe(plain.limit);
    },
  );

  test("the estimate is asked for after the doubling round, once", async () => {
    const probe = fakeProbe(8_187);
    let asked = 0;
    await findLimit(SEARCH, probe.run, 3, () => {
      asked += 1;
      expect(probe.asked).toHaveLength(1);
      return 8_192;
    });
    expect(asked).toBe(1);
    // Inside the bracket (4096, 8192): the estimate's neighbours below it.
    expect(probe.asked[1]).toEqual([8_188, 8_176, 8_128]);
  });

  test("far fewer rounds than one run at a time", async () => {
    const batched = fakeProbe(8_187);
    const single = fakeProbe(8_187);
    const a = await findLimit(SEARCH, batched.run, 7);
    const b = await findLimit(SEARCH, single.run, 1);
    expect(a.limit).toBe(b.limit);
    expect(a.rounds).toBeLessThan(b.rounds / 2);
  });

  test("nothing passes: no limit, the first value is the first failure", async () => {
    const found = await findLimit(SEARCH, fakeProbe(10).run);
    expect(found).toMatchObject({ limit: null, firstFailure: 64, rounds: 1 });
  });

  test("nothing fails up to max: the limit is max and there is no failure", async () => {
    const found = await findLimit({ from: 64, max: 1000, resolution: 1 }, fakeProbe(5000).run);
    expect(found).toMatchObject({ limit: 1000, firstFailure: null, rounds: 1 });
    expect(found.trials.map((t) => t.value)).toEqual([64, 128, 256, 512, 1000]);
  });

  test("a coarser resolution stops earlier", async () => {
    const found = await findLimit({ ...SEARCH, resolution: 16 }, fakeProbe(8_187).run, 3);
    expect(found.firstFailure! - found.limit!).toBeLessThanOrEqual(16);
    expect(found.limit).toBeLessThanOrEqual(8_187);
    expect(found.firstFailure).toBeGreaterThan(8_187);
  });

  test("a pass above a failure is reported as not monotonic", async () => {
    // Crashes at 256 only: flaky, or a probe that does not measure what it claims.
    const run: TrialRunner = async (values) => values.map((v) => v !== 256);
    const found = await findLimit({ from: 64, max: 1024, resolution: 1 }, run);
    expect(found.monotonic).toBe(false);
    expect(found.firstFailure).toBe(256);
  });
});
