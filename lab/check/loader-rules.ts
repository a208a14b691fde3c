import { posix } from "node:path";
import type { ImageContents } from "./image-contents.js";
import { resolveInImage } from "./image-contents.js";

/**
 * How each dynamic loader looks for libraries, and what each one prints when it fails: the rules
 * are the loaders' code, the places are the image's contents. Sources:
 * - musl ldso/dynlink.c, load_library(): names `lib{c,pthread,rt,m,dl,util,xnet}.*` are the loader
 *   itself ("Catch and block attempts to reload the implementation itself"), then
 *   LD_LIBRARY_PATH (the lab sets none), the DT_RUNPATH (else DT_RPATH) of the needing object and
 *   of each object that loaded it, the lines of /etc/ld-musl-ARCH.path, and otherwise
 *   /lib:/usr/local/lib:/usr/lib. Symbol versions are ignored; weak undefined symbols bind to 0.
 * - glibc elf/dl-load.c, _dl_map_object(): DT_RPATH of the object and its loaders (only when the
 *   object has no DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, the system
 *   directories. The cache is built by ldconfig from /etc/ld.so.conf, so the directories of
 *   ld.so.conf stand in for it here: a library dropped into such a directory without running
 *   ldconfig is found here and not by glibc (rare in images: package installs run ldconfig).
 *   Each DT_VERNEED version must be defined by the library named in it (elf/dl-version.c).
 */
export type LoaderKind = "musl" | "glibc";

/** musl's load_library() treats these as itself, whatever the file system holds. */
const MUSL_SELF_NAMES = /^lib(c|pthread|rt|m|dl|util|xnet)\./;

/** musl's LDSO_ARCH and the Debian multiarch triplet, by e_machine name. */
const ARCH_NAMES: Readonly<Record<string, { musl: string; triplet: string }>> = {
  "x86-64": { musl: "x86_64", triplet: "x86_64-linux-gnu" },
  AArch64: { musl: "aarch64", triplet: "aarch64-linux-gnu" },
  x86: { musl: "i386", triplet: "i386-linux-gnu" },
  ARM: { musl: "arm", triplet: "arm-linux-gnueabihf" },
  "RISC-V": { musl: "riscv64", triplet: "riscv64-linux-gnu" },
  "S/390": { musl: "s390x", triplet: "s390x-linux-gnu" },
  PowerPC64: { musl: "powerpc64le", triplet: "powerpc64le-linux-gnu" },
};

const MUSL_DEFAULT_PATH = ["/lib", "/usr/local/lib", "/usr/lib"];

export function isMuslSelfName(name: string): boolean {
  return MUSL_SELF_NAMES.test(name);
}

/** Where musl's loader of this architecture sits in any musl system (its PT_INTERP name). */
export function muslLoaderPath(machine: string): string | null {
  const arch = ARCH_NAMES[machine]?.musl;
  return arch ? `/lib/ld-musl-${arch}.so.1` : null;
}

/** The loader every dynamic glibc program of this architecture names (its PT_INTERP). */
export function glibcLoaderPath(machine: string): string | null {
  return machine === "x86-64"
    ? "/lib64/ld-linux-x86-64.so.2"
    : machine === "AArch64"
      ? "/lib/ld-linux-aarch64.so.1"
      : machine === "x86"
        ? "/lib/ld-linux.so.2"
        : null;
}

/** The loader's own search list after an object's RPATH/RUNPATH, from the image's files. */
export function systemSearchPath(
  kind: LoaderKind,
  contents: ImageContents,
  machine: string,
): string[] {
  const names = ARCH_NAMES[machine];
  if (kind === "musl") {
    const file = names ? contents.configFiles.get(`/etc/ld-musl-${names.musl}.path`) : undefined;
    if (file === undefined) return MUSL_DEFAULT_PATH;
    // Newer musl reads the whole file and takes newlines as separators, as the docs say.
    return file
      .split(/[:\n]/)
      .map((d) => d.trim())
      .filter(Boolean);
  }
  const triplet = names?.triplet;
  return unique([
    ...ldSoConfDirectories(contents, "/etc/ld.so.conf", 0),
    ...(triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : []),
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
  ]);
}

/** `include` nests; ldconfig gives up on deep nesting, and so do we. */
const MAX_INCLUDE_DEPTH = 8;

function ldSoConfDirectories(contents: ImageContents, file: string, depth: number): string[] {
  const text = contents.configFiles.get(file);
  if (text === undefined || depth > MAX_INCLUDE_DEPTH) return [];
  const dirs: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const include = /^include\s+(.+)$/.exec(line);
    if (include?.[1]) {
      const pattern = globPattern(posix.resolve(posix.dirname(file), include[1]));
      const files = [...contents.configFiles.keys()].filter((f) => pattern.test(f)).sort();
      for (const included of files)
        dirs.push(...ldSoConfDirectories(contents, included, depth + 1));
    } else if (line.startsWith("/")) {
      dirs.push(line.split(/[\s=]/)[0]!);
    }
  }
  return dirs;
}

function globPattern(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}

/** `$ORIGIN` and `${ORIGIN}` are the needing object's own folder; other tokens stay as written. */
export function expandOrigin(dir: string, objectPath: string): string {
  return dir.replace(/\$(\{ORIGIN\}|ORIGIN)/g, posix.dirname(objectPath));
}

/**
 * What the program's start looks like through the image's /bin/sh when execve fails with ENOENT
 * (the interpreter is missing), as the shells word it: dash `sh: 1: X: not found`, busybox ash
 * `sh: X: not found`, bash `sh: line 1: X: cannot execute: required file not found`; an image
 * without a shell gets the OCI runtime's own line.
 */
export function notFoundMessage(contents: ImageContents, path: string): string {
  switch (shellOf(contents)) {
    case "dash":
      return `sh: 1: ${path}: not found`;
    case "busybox":
      return `sh: ${path}: not found`;
    case "bash":
      return `sh: line 1: ${path}: cannot execute: required file not found`;
    case null:
      return `exec ${path}: no such file or directory`;
    default:
      return `sh: ${path}: not found`;
  }
}

/**
 * execve's ENOEXEC (another architecture) through the image's shell. dash says `Exec format
 * error` (exit 126); busybox ash, as POSIX asks, runs the file as a shell script instead, and the
 * ELF header becomes a command that is `not found` (exit 127): measured on the lab's images.
 */
export function execFormatMessage(contents: ImageContents, path: string): string {
  switch (shellOf(contents)) {
    case "dash":
      return `sh: 1: ${path}: Exec format error`;
    case "busybox":
      return `${path}: line 1: \\x7fELF…: not found`;
    case null:
      return `exec ${path}: exec format error`;
    default:
      return `sh: ${path}: cannot execute binary file: Exec format error`;
  }
}

function shellOf(contents: ImageContents): "dash" | "busybox" | "bash" | "other" | null {
  const resolved = resolveInImage(contents, "/bin/sh");
  if (resolved === null || contents.entries.get(resolved)?.type !== "file") return null;
  const name = posix.basename(resolved);
  return name === "dash" || name === "busybox" || name === "bash" ? name : "other";
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
