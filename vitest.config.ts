import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
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
