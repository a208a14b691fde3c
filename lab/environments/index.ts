import { z } from "zod";
import { ConfigurationError, describeIssue } from "../errors.js";
import { EnvironmentSchema, isUnavailable, type Environment } from "./schema.js";

const NO_GCOMPAT_OFFLINE =
  "gcompat is an Alpine package and Debian has none, so the offline images cannot show this fix; run with a registry (`--images registry`) to see it";

/**
 * The environment matrix. Versions come from the suites and tags named here (trixie = glibc 2.41 +
 * musl 1.2.5, bookworm = glibc 2.36 + musl 1.2.3); reports show what detection finds, not these.
 */
const ENVIRONMENT_DATA: z.input<typeof EnvironmentSchema>[] = [
  {
    id: "glibc",
    family: "glibc",
    description: "glibc with gcc and generated locales (Ubuntu 24.04, or Debian trixie offline)",
    default: true,
    recipes: {
      registry: {
        dockerfile: "registry/ubuntu-24.04.Dockerfile",
        baseImages: ["ubuntu:24.04"],
        compile: { in: "self", cc: "gcc" },
      },
      offline: { rootfs: "glibc-rootfs", suite: "trixie", compile: { in: "self", cc: "gcc" } },
    },
  },
  {
    id: "musl",
    family: "musl",
    description: "musl (Alpine 3.20, or a musl + busybox runtime from Debian trixie offline)",
    default: true,
    recipes: {
      registry: {
        dockerfile: "registry/alpine-3.20.Dockerfile",
        baseImages: ["alpine:3.20"],
        compile: { in: "self", cc: "gcc" },
      },
      offline: {
        rootfs: "musl-rootfs",
        suite: "trixie",
        compile: { in: "builder", builder: "glibc", cc: "musl-gcc" },
      },
    },
  },
  {
    id: "musl-gcompat",
    family: "musl",
    description: "Alpine 3.20 with gcompat, the glibc compatibility layer",
    default: false,
    variant: { of: "musl", feature: "gcompat" },
    recipes: {
      registry: {
        dockerfile: "registry/alpine-3.20-gcompat.Dockerfile",
        baseImages: ["alpine:3.20"],
        compile: { in: "self", cc: "gcc" },
      },
      offline: { unavailable: NO_GCOMPAT_OFFLINE },
    },
  },
  {
    id: "musl-compat",
    family: "musl",
    description:
      "musl with only glibc's loader and library names linked to it (Alpine 3.20 + libc6-compat, or the offline musl runtime with the same links)",
    default: false,
    variant: { of: "musl", feature: "libc6-compat" },
    recipes: {
      registry: {
        dockerfile: "registry/alpine-3.20-libc6-compat.Dockerfile",
        baseImages: ["alpine:3.20"],
        compile: { in: "self", cc: "gcc" },
      },
      offline: {
        rootfs: "musl-rootfs",
        suite: "trixie",
        libc6Compat: true,
        compile: { in: "builder", builder: "glibc", cc: "musl-gcc" },
      },
    },
  },
  {
    id: "glibc-2.36",
    family: "glibc",
    description: "glibc 2.36 with gcc and generated locales (Debian bookworm)",
    default: false,
    recipes: {
      registry: {
        dockerfile: "registry/debian-bookworm.Dockerfile",
        baseImages: ["debian:bookworm"],
        compile: { in: "self", cc: "gcc" },
      },
      offline: { rootfs: "glibc-rootfs", suite: "bookworm", compile: { in: "self", cc: "gcc" } },
    },
  },
  {
    id: "musl-1.2.3",
    family: "musl",
    description:
      "musl 1.2.3, before TCP fallback in the resolver (Alpine 3.17, or Debian bookworm)",
    default: false,
    recipes: {
      registry: {
        dockerfile: "registry/alpine-3.17.Dockerfile",
        baseImages: ["alpine:3.17"],
        compile: { in: "self", cc: "gcc" },
      },
      offline: {
        rootfs: "musl-rootfs",
        suite: "bookworm",
        compile: { in: "builder", builder: "glibc-2.36", cc: "musl-gcc" },
      },
    },
  },
];

/** Parses and cross-checks environment data once; a mistake in it is a configuration error. */
export function loadEnvironments(data: unknown[] = ENVIRONMENT_DATA): Map<string, Environment> {
  const environments = new Map<string, Environment>();
  for (const [index, raw] of data.entries()) {
    const parsed = EnvironmentSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigurationError(
        `environment #${index + 1} is invalid: ${describeIssue(parsed.error)}`,
      );
    }
    if (environments.has(parsed.data.id)) {
      throw new ConfigurationError(`environment id "${parsed.data.id}" is defined twice`);
    }
    environments.set(parsed.data.id, parsed.data);
  }
  for (const environment of environments.values()) {
    for (const recipe of Object.values(environment.recipes)) {
      if (isUnavailable(recipe) || recipe.compile.in !== "builder") continue;
      const builder = environments.get(recipe.compile.builder);
      if (!builder || builder.variant) {
        throw new ConfigurationError(
          `environment "${environment.id}" compiles in "${recipe.compile.builder}", which is not a plain environment`,
        );
      }
    }
    if (environment.variant && !environments.has(environment.variant.of)) {
      throw new ConfigurationError(
        `environment "${environment.id}" is a variant of unknown environment "${environment.variant.of}"`,
      );
    }
  }
  return environments;
}

export const ENVIRONMENTS = loadEnvironments();

export function defaultEnvironmentIds(): string[] {
  return [...ENVIRONMENTS.values()].filter((e) => e.default).map((e) => e.id);
}

/** Environments a user may name with `--env` (variants come along with their base). */
export function selectableEnvironmentIds(): string[] {
  return [...ENVIRONMENTS.values()].filter((e) => !e.variant).map((e) => e.id);
}
