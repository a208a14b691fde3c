import type { LibcFamily } from "../environments/schema.js";
import type { Scenario } from "../scenarios/schema.js";
import type { ArtifactFacts, CheckVerdict, Prediction } from "./check-result.js";

/**
 * What to do about each wall, most direct first. Which symbols gcompat covers is not something
 * the lab can know offline (it is an Alpine package Debian does not have), so the advice says
 * "try", never "will work".
 */
export function fixesFor(
  verdict: CheckVerdict,
  family: LibcFamily,
  prediction: Prediction | null,
): string[] {
  const musl = family === "musl";
  switch (verdict) {
    case "runs":
      return [];
    case "not-elf":
      return [
        "not an ELF program or library: nothing a loader runs (a script runs through its #! interpreter instead)",
      ];
    case "wrong-architecture":
      return [
        "build (or download) it for this machine's architecture; multi-arch images pick the right one by platform",
      ];
    case "missing-interpreter":
      return musl
        ? [
            "rebuild it on Alpine, or with musl-gcc (the interpreter becomes /lib/ld-musl-*.so.1)",
            "link it statically (no interpreter at all; for glibc mind NSS: getaddrinfo and getpwnam still want glibc's shared modules)",
            "gcompat or libc6-compat (`apk add gcompat`) provide glibc's loader name; then the next wall is every glibc-only symbol (`Error relocating …: symbol not found`)",
          ]
        : [
            "it was built for musl: rebuild it with gcc against glibc, or link it statically with musl-gcc -static",
            "or install musl's loader (Debian: apt-get install musl) so its PT_INTERP exists",
          ];
    case "missing-library": {
      const names = prediction?.missingLibraries ?? [];
      return musl
        ? [
            ...names.map(
              (n) => `apk add so:${n} (Alpine's package index knows which package provides ${n})`,
            ),
            "or ship the library next to it and set RPATH/RUNPATH to $ORIGIN, or link it statically",
          ]
        : [
            ...names.map(
              (n) => `apt-get install the package that provides ${n} (apt-file search ${n})`,
            ),
            "or ship the library next to it with RUNPATH $ORIGIN, or link it statically",
          ];
    }
    case "glibc-too-old":
      return [
        `build it on the oldest glibc you must support (it needs ${prediction?.missingVersions.join(", ") || "a newer glibc"}): symbols are versioned, and a new glibc's versions do not exist in an old one`,
        "or use a newer base image, or link statically",
      ];
    case "missing-symbols": {
      const groups = new Set(prediction?.missingSymbols.map((g) => g.group));
      return [
        ...(groups.has("fortify")
          ? [
              "rebuild without fortification (-U_FORTIFY_SOURCE or -D_FORTIFY_SOURCE=0): musl has no __*_chk functions; Ubuntu's gcc fortifies by default",
            ]
          : []),
        musl
          ? "rebuild it against musl (musl-gcc, or on Alpine): glibc-only API must be replaced or guarded by #ifdef __GLIBC__"
          : "rebuild it against this glibc, or provide the library that exports these symbols",
        ...(musl
          ? [
              "gcompat covers some glibc-only symbols (which ones cannot be known offline: try it, `apk add gcompat`)",
            ]
          : []),
      ];
    }
  }
}

/** The lessons an artifact's imports point at, from each scenario's `checkHint`. */
export function hintsFor(
  facts: Pick<ArtifactFacts, "imports" | "weakImports" | "gnuStackSize">,
  scenarios: readonly Scenario[],
): { scenario: string; text: string }[] {
  const imported = new Set([...facts.imports, ...facts.weakImports]);
  return scenarios.flatMap((scenario) => {
    const hint = scenario.checkHint;
    if (!hint) return [];
    const hits = hint.imports.filter((name) => imported.has(name));
    if (hits.length === 0) return [];
    if (hint.unlessStackSize && facts.gnuStackSize !== null) return [];
    return [{ scenario: scenario.id, text: `imports ${hits.join(", ")}: ${hint.text}` }];
  });
}
