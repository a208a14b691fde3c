import { posix } from "node:path";
import type { ElfInfo } from "../elf/read-elf.js";
import type { LibcFamily } from "../environments/schema.js";
import type { Prediction, SymbolGroup } from "./check-result.js";
import { fileInImage, type ImageContents, type ImageElf } from "./image-contents.js";
import {
  execFormatMessage,
  expandOrigin,
  glibcLoaderPath,
  isMuslSelfName,
  muslLoaderPath,
  notFoundMessage,
  systemSearchPath,
  type LoaderKind,
} from "./loader-rules.js";

/**
 * Will this ELF file start (an executable) or load (a shared object) in this environment? Decided
 * from the file's bytes and the environment image's contents alone, walking the same steps as the
 * loader: the kernel and PT_INTERP, then DT_NEEDED along the loader's search path (transitively),
 * then symbol versions (glibc), then every non-weak import against what the loaded objects export.
 * The first wall met is the verdict, as it is for the user. Pure: no Docker, no files.
 */
export interface PredictInput {
  artifact: ElfInfo;
  /** Where the artifact sits when the lab runs it in the container: the path in the messages. */
  runPath: string;
  family: LibcFamily;
  contents: ImageContents;
  /** The libc exports of the other environments in this check, to say why a symbol is missing. */
  others: { family: LibcFamily; exports: ReadonlySet<string> }[];
}

/**
 * Symbols a shared object leaves to the program that loads it: a Python extension binds `Py*`
 * to the interpreter, a Node.js addon `napi_*` and V8 to `node`. No library in the image has them,
 * on either libc, so they are not counted as missing.
 */
const HOST_SYMBOLS: readonly { host: string; pattern: RegExp }[] = [
  { host: "Python", pattern: /^_?Py[A-Z_a-z]/ },
  { host: "Node.js", pattern: /^(napi_|node_api_|uv_|_ZN2v8|_ZN4node)/ },
];

/** glibc's fortified variants (`-D_FORTIFY_SOURCE`): `__printf_chk`, `__memcpy_chk`. */
const FORTIFY_SYMBOL = /^__\w+_chk$/;

interface Loaded {
  /** The path the loader opened it by (search folder + name), as its messages name it. */
  openedAs: string;
  elf: Pick<
    ImageElf,
    "soname" | "needed" | "rpath" | "runpath" | "exports" | "exportVersions" | "versionRequirements"
  >;
  /** Non-weak imports that must bind. */
  imports: string[];
  /** Objects that loaded it, nearest first, for glibc's RPATH chain. */
  loaders: Loaded[];
}

export function predict(input: PredictInput): Prediction {
  const { artifact, runPath, contents } = input;
  const base = {
    missingLibraries: [] as string[],
    missingVersions: [] as string[],
    missingSymbols: [] as Prediction["missingSymbols"],
    hostSymbols: null as Prediction["hostSymbols"],
    resolved: {} as Record<string, string>,
  };
  const machine = imageMachine(contents);
  if (machine && (artifact.machine !== machine.machine || artifact.class !== machine.class)) {
    return {
      ...base,
      verdict: "wrong-architecture",
      message: execFormatMessage(contents, runPath),
      reason: `built for ${artifact.machine} (${artifact.class}-bit); the environment is ${machine.machine} (${machine.class}-bit): the kernel refuses it (ENOEXEC)`,
    };
  }
  const isLibrary = artifact.kind === "shared-object";
  if (!isLibrary && artifact.interpreter === null) {
    return {
      ...base,
      verdict: "runs",
      message: null,
      reason: `${artifact.kind === "static-pie" ? "static PIE" : "static"}: no interpreter and no libraries to find; the kernel starts it directly`,
    };
  }

  // The loader: the one PT_INTERP names (whatever file sits there: on Alpine with libc6-compat,
  // glibc's loader name leads to musl's), or, for a shared object, the environment's own.
  let loaderKind: LoaderKind = input.family;
  let loaderPath: string | null;
  if (artifact.interpreter !== null && !isLibrary) {
    loaderPath = fileInImage(contents, artifact.interpreter);
    if (loaderPath === null) {
      return {
        ...base,
        verdict: "missing-interpreter",
        message: notFoundMessage(contents, runPath),
        reason: `its interpreter ${artifact.interpreter} (PT_INTERP) is not in the image, so execve fails with ENOENT and the shell reports the program itself as not found`,
      };
    }
    base.resolved[artifact.interpreter] = loaderPath;
    const named = contents.elves.get(loaderPath);
    // musl's loader is its libc: it exports printf. glibc's ld.so exports no stdio.
    if (named) loaderKind = named.exports.includes("printf") ? "musl" : "glibc";
  } else {
    const name =
      input.family === "musl"
        ? muslLoaderPath(artifact.machine)
        : glibcLoaderPath(artifact.machine);
    loaderPath = name === null ? null : fileInImage(contents, name);
  }
  const loaderElf = loaderPath ? contents.elves.get(loaderPath) : undefined;

  const searchPath = systemSearchPath(loaderKind, contents, artifact.machine);
  const hostFilter = isLibrary ? hostOf(artifact) : null;
  const root: Loaded = {
    openedAs: runPath,
    elf: artifact,
    imports: artifact.imports
      .filter((i) => !i.weak && !(hostFilter && hostFilter.pattern.test(i.name)))
      .map((i) => i.name),
    loaders: [],
  };
  if (hostFilter) {
    const count = artifact.imports.filter((i) => !i.weak && hostFilter.pattern.test(i.name)).length;
    base.hostSymbols = { host: hostFilter.host, count };
  }

  const loaded: Loaded[] = [root];
  const bySoname = new Map<string, Loaded>();
  const preload = (path: string, elf: ImageElf) => {
    const entry: Loaded = { openedAs: path, elf, imports: [], loaders: [] };
    loaded.push(entry);
    bySoname.set(elf.soname ?? posix.basename(path), entry);
    bySoname.set(posix.basename(path), entry);
    return entry;
  };
  const self = loaderPath && loaderElf ? preload(loaderPath, loaderElf) : null;
  if (isLibrary && loaderKind === "glibc") {
    // The dlopen probe itself needs libc.so.6: it is in the global scope before the library.
    const libc = findLibrary("libc.so.6", root);
    if (libc) preload(libc.openedAs, libc.elf);
  }

  const missingLibraries: { name: string; neededBy: string }[] = [];
  for (let i = 0; i < loaded.length; i++) {
    const object = loaded[i]!;
    for (const name of object.elf.needed) {
      if (loaderKind === "musl" && isMuslSelfName(name)) continue;
      if (bySoname.has(name)) continue;
      const found = findLibrary(name, object);
      if (!found) {
        missingLibraries.push({ name, neededBy: object.openedAs });
        continue;
      }
      const entry: Loaded = {
        openedAs: found.openedAs,
        elf: found.elf,
        imports: found.elf.imports,
        loaders: [object, ...object.loaders],
      };
      base.resolved[name] = found.path;
      loaded.push(entry);
      bySoname.set(name, entry);
      if (found.elf.soname) bySoname.set(found.elf.soname, entry);
    }
  }
  if (missingLibraries.length > 0) {
    const first = missingLibraries[0]!;
    return {
      ...base,
      missingLibraries: unique(missingLibraries.map((m) => m.name)),
      verdict: "missing-library",
      message:
        loaderKind === "musl"
          ? `Error loading shared library ${first.name}: No such file or directory (needed by ${first.neededBy})`
          : isLibrary
            ? `${first.name}: cannot open shared object file: No such file or directory`
            : `${runPath}: error while loading shared libraries: ${first.name}: cannot open shared object file: No such file or directory`,
      reason: `${unique(missingLibraries.map((m) => m.name)).join(", ")} not found in ${[...new Set(searchPath)].join(":")}${loaderKind === "musl" ? " (musl's search path)" : " (glibc's search path)"}`,
    };
  }

  if (loaderKind === "glibc") {
    const missing: { version: string; file: string; requiredBy: string }[] = [];
    for (const object of loaded) {
      for (const need of object.elf.versionRequirements) {
        const target = bySoname.get(need.file);
        // A library without version definitions satisfies every need: glibc only warns
        // ("no version information available") and runs the program.
        if (!target || target.elf.exportVersions.length === 0) continue;
        for (const version of need.versions) {
          if (!target.elf.exportVersions.includes(version)) {
            missing.push({ version, file: target.openedAs, requiredBy: object.openedAs });
          }
        }
      }
    }
    if (missing.length > 0) {
      // glibc's loader stops at the first; a GLIBC_ version names glibc itself, any other
      // (GLIBCXX_3.4.32, OPENSSL_3.0.0) a library of the image older than the one linked against.
      const first = missing.find((m) => m.version.startsWith("GLIBC_")) ?? missing[0]!;
      const glibc = first.version.startsWith("GLIBC_");
      const text = `${first.file}: version \`${first.version}' not found (required by ${first.requiredBy})`;
      const versions = unique(missing.map((m) => m.version));
      return {
        ...base,
        missingVersions: versions,
        verdict: glibc ? "glibc-too-old" : "missing-symbols",
        message: isLibrary ? text : `${runPath}: ${text}`,
        reason: glibc
          ? `needs ${versions.join(", ")}, which ${posix.basename(first.file)} in this image does not define: the image's glibc is older than the one it was built against`
          : `needs ${versions.join(", ")}, which ${posix.basename(first.file)} in this image does not define: that library is older than the one it was built against (its newer symbols are missing)`,
      };
    }
  }

  const scope = new Set<string>();
  for (const object of loaded) for (const name of object.elf.exports) scope.add(name);
  const missing: { object: string; symbol: string }[] = [];
  for (const object of loaded) {
    if (object === self) continue;
    for (const symbol of object.imports) {
      if (!scope.has(symbol)) missing.push({ object: object.openedAs, symbol });
    }
  }
  if (missing.length > 0) {
    const first = missing[0]!;
    const symbols = unique(missing.map((m) => m.symbol));
    return {
      ...base,
      missingSymbols: groupSymbols(symbols, input),
      verdict: "missing-symbols",
      message:
        loaderKind === "musl"
          ? `Error relocating ${first.object}: ${first.symbol}: symbol not found`
          : isLibrary
            ? `${first.object}: undefined symbol: ${first.symbol}`
            : `${runPath}: symbol lookup error: ${first.object}: undefined symbol: ${first.symbol}`,
      reason: `${symbols.length} imported symbol${symbols.length === 1 ? "" : "s"} that no loaded library exports (${symbols.slice(0, 5).join(", ")}${symbols.length > 5 ? ", …" : ""})`,
    };
  }

  const libraries = loaded.length - 1 - (self ? 1 : 0);
  return {
    ...base,
    verdict: "runs",
    message: null,
    reason: `${loaderPath ? `loader ${loaderPath} (${loaderKind})` : `${loaderKind} loader`}, ${libraries} librar${libraries === 1 ? "y" : "ies"} found, every non-weak import bound${loaderKind === "glibc" ? " and every GLIBC_ version defined" : ""}`,
  };

  function findLibrary(
    name: string,
    object: Loaded,
  ): { path: string; openedAs: string; elf: ImageElf } | null {
    const candidates: string[] = [];
    if (name.includes("/")) candidates.push(name);
    else {
      const dirs: string[] = [];
      if (loaderKind === "musl") {
        // musl walks the needing object and every object that loaded it (load_library's
        // `p = p->needed_by` loop), each with its DT_RUNPATH, else its DT_RPATH.
        for (const o of [object, ...object.loaders]) {
          const own = o.elf.runpath.length > 0 ? o.elf.runpath : o.elf.rpath;
          dirs.push(...own.map((d) => expandOrigin(d, o.openedAs)));
        }
      } else {
        // glibc: when the needing object has no DT_RUNPATH, the DT_RPATH of it and of each object
        // above it (an object with a DT_RUNPATH has its DT_RPATH ignored, and the walk goes on);
        // then the needing object's own DT_RUNPATH.
        if (object.elf.runpath.length === 0) {
          for (const o of [object, ...object.loaders]) {
            if (o.elf.runpath.length > 0) continue;
            dirs.push(...o.elf.rpath.map((d) => expandOrigin(d, o.openedAs)));
          }
        }
        dirs.push(...object.elf.runpath.map((d) => expandOrigin(d, object.openedAs)));
      }
      dirs.push(...searchPath);
      for (const dir of dirs) candidates.push(posix.join(dir, name));
    }
    for (const openedAs of candidates) {
      const path = fileInImage(contents, openedAs);
      if (path === null) continue;
      const elf = contents.elves.get(path);
      // A file of another class or machine is passed over, as glibc's loader does.
      if (!elf || elf.machine !== artifact.machine || elf.class !== artifact.class) continue;
      return { path, openedAs, elf };
    }
    return null;
  }
}

/** The architecture of the image: that of its loaders and libraries. */
function imageMachine(contents: ImageContents): { machine: string; class: 32 | 64 } | null {
  const counts = new Map<string, number>();
  for (const elf of contents.elves.values()) {
    const key = `${elf.machine}\u0000${elf.class}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  if (!best) return null;
  const [machine, bits] = best[0].split("\u0000") as [string, string];
  return { machine, class: bits === "32" ? 32 : 64 };
}

/** For the confirming run: whether a symbol a loader named is one the host program provides. */
export function isHostSymbolOf(artifact: ElfInfo): (name: string) => boolean {
  const host = artifact.kind === "shared-object" ? hostOf(artifact) : null;
  return (name) => !!host && host.pattern.test(name);
}

function hostOf(artifact: ElfInfo): { host: string; pattern: RegExp } | null {
  return (
    HOST_SYMBOLS.find((h) => artifact.imports.some((i) => !i.weak && h.pattern.test(i.name))) ??
    null
  );
}

function groupSymbols(symbols: string[], input: PredictInput): Prediction["missingSymbols"] {
  const versions = new Map(input.artifact.imports.map((i) => [i.name, i.version]));
  const groups = new Map<SymbolGroup, string[]>();
  for (const symbol of symbols) {
    const group: SymbolGroup = FORTIFY_SYMBOL.test(symbol)
      ? "fortify"
      : input.others.some((o) => o.family === input.family && o.exports.has(symbol))
        ? "newer-libc"
        : versions.get(symbol)?.startsWith("GLIBC_") ||
            input.others.some((o) => o.family === "glibc" && o.exports.has(symbol))
          ? "glibc-only"
          : "other";
    groups.set(group, [...(groups.get(group) ?? []), symbol]);
  }
  const order: SymbolGroup[] = ["fortify", "glibc-only", "newer-libc", "other"];
  return order.flatMap((group) => {
    const list = groups.get(group);
    return list ? [{ group, symbols: list }] : [];
  });
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
