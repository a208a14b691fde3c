import { z } from "zod";

export const KEBAB_ID = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

export const LibcFamilySchema = z.enum(["glibc", "musl"]);
export type LibcFamily = z.infer<typeof LibcFamilySchema>;

export const ImageModeSchema = z.enum(["registry", "offline"]);
export type ImageMode = z.infer<typeof ImageModeSchema>;

/** Debian suites the offline recipes know; each pins a glibc and a musl version. */
export const DebianSuiteSchema = z.enum(["trixie", "bookworm"]);
export type DebianSuite = z.infer<typeof DebianSuiteSchema>;

/** How C probes for an environment are compiled. */
export const CompileSpecSchema = z.discriminatedUnion("in", [
  z.strictObject({
    /** Compiled inside the environment's own image with its own compiler. */
    in: z.literal("self"),
    cc: z.string().min(1),
  }),
  z.strictObject({
    /**
     * Compiled in another environment (same image mode) with a cross compiler, because the target
     * image has no compiler at all (the offline musl runtime is musl + busybox and nothing else).
     */
    in: z.literal("builder"),
    builder: z.string().regex(KEBAB_ID),
    cc: z.string().min(1),
  }),
]);
export type CompileSpec = z.infer<typeof CompileSpecSchema>;

export const RegistryRecipeSchema = z.strictObject({
  /** Dockerfile path relative to docker/; the only place registry image tags live. */
  dockerfile: z.string().min(1),
  /** Base images that must already be present locally for `--images auto` to pick this recipe. */
  baseImages: z.array(z.string().min(1)).min(1),
  compile: CompileSpecSchema,
});

export const OfflineRecipeSchema = z
  .strictObject({
    /** Which rootfs script under docker/offline/ makes the image. */
    rootfs: z.enum(["glibc-rootfs", "musl-rootfs"]),
    suite: DebianSuiteSchema,
    /**
     * musl-rootfs only: also link glibc's loader and library names (ld-linux-x86-64.so.2,
     * libc.so.6, libm.so.6, ...) to musl's libc, as Alpine's libc6-compat package does. The
     * script's `--libc6-compat` flag.
     */
    libc6Compat: z.literal(true).optional(),
    compile: CompileSpecSchema,
  })
  .refine((recipe) => !recipe.libc6Compat || recipe.rootfs === "musl-rootfs", {
    message: "libc6Compat links glibc's names to musl's libc: it needs the musl-rootfs",
    path: ["libc6Compat"],
  });

/**
 * What a variant adds to its base, and what a case may ask for: `gcompat`, the glibc compatibility
 * layer; `libc6-compat`, only glibc's file names linked to musl's libc (Alpine's libc6-compat).
 */
export const EnvironmentFeatureSchema = z.enum(["gcompat", "libc6-compat"]);

/** A recipe that cannot exist in this mode, with the reason a report shows for skipped cases. */
export const UnavailableRecipeSchema = z.strictObject({ unavailable: z.string().min(1) });

export const EnvironmentSchema = z.strictObject({
  /** Stable id: appears in reports, baselines and `--env`. */
  id: z.string().regex(KEBAB_ID),
  family: LibcFamilySchema,
  description: z.string().min(1),
  /** Part of the selection when `--env` is not given. */
  default: z.boolean(),
  /**
   * A variant is not selected by itself: it joins a run when its base environment does, and serves
   * cases that ask for its feature (e.g. the gcompat fix runs on Alpine + gcompat).
   */
  variant: z
    .strictObject({ of: z.string().regex(KEBAB_ID), feature: EnvironmentFeatureSchema })
    .optional(),
  recipes: z.strictObject({
    registry: z.union([RegistryRecipeSchema, UnavailableRecipeSchema]),
    offline: z.union([OfflineRecipeSchema, UnavailableRecipeSchema]),
  }),
});

export type Environment = z.infer<typeof EnvironmentSchema>;
export type RegistryRecipe = z.infer<typeof RegistryRecipeSchema>;
export type OfflineRecipe = z.infer<typeof OfflineRecipeSchema>;
export type UnavailableRecipe = z.infer<typeof UnavailableRecipeSchema>;
export type Recipe = RegistryRecipe | OfflineRecipe;
export type EnvironmentFeature = z.infer<typeof EnvironmentFeatureSchema>;

export function isUnavailable(recipe: Recipe | UnavailableRecipe): recipe is UnavailableRecipe {
  return "unavailable" in recipe;
}

/**
 * What an environment really is, read from inside its container (lab/runtime/detect.ts); the
 * reports show this. Declared once, here: the type is inferred from it.
 */
export const DetectedEnvironmentSchema = z.strictObject({
  id: z.string(),
  description: z.string(),
  imageMode: ImageModeSchema,
  imageTag: z.string(),
  imageId: z.string(),
  libc: z.strictObject({ family: LibcFamilySchema, version: z.string() }),
  /** PRETTY_NAME from /etc/os-release. */
  distro: z.string(),
  kernel: z.string(),
  /** `locale -a`, or null where there is no `locale` command (musl has no locale data). */
  locales: z.array(z.string()).nullable(),
});
export type DetectedEnvironment = z.infer<typeof DetectedEnvironmentSchema>;
