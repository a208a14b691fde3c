import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Some spawn the real CLI (no Docker): ~1.5 s of CPU each, which on a busy 2-core
          // machine took 6 s of wall time, past vitest's default 5 s. Speed is the benchmarks' job.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "container",
          include: ["test/container/**/*.test.ts"],
          // Provisions Docker and builds the images once, with progress, before any test runs;
          // when Docker cannot be had this fails the run: container tests are never skipped.
          globalSetup: ["test/container/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          // One engine, two cores: container test files run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
