import { describe, expect, test } from "vitest";
import type { ElfInfo } from "../../../lab/elf/read-elf.js";
import type { ImageContents, ImageElf } from "../../../lab/check/image-contents.js";
import { resolveInImage } from "../../../lab/check/image-contents.js";
import { predict } from "../../../lab/check/predict.js";
import { observe } from "../../../lab/check/observe.js";
import { cellOf } from "../../../lab/check/classify-check.js";

const RUN_PATH = "/lab/check/1/app";
const GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2";
const MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";

function elf(overrides: Partial<ElfInfo>): ElfInfo {
  return {
    class: 64,
    endian: "little",
    machine: "x86-64",
    type: "shared-object",
    pie: true,
    interpreter: GLIBC_LOADER,
    needed: ["libc.so.6"],
    linkage: "dynamic",
    versionRequirements: [{ file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.34"] }],
    highestGlibcVersion: "GLIBC_2.34",
    gnuStackSize: null,
    soname: null,
    rpath: [],
    runpath: [],
    kind: "pie",
    imports: [
      { name: "__libc_start_main", weak: false, version: "GLIBC_2.34", library: "libc.so.6" },
      { name: "printf", weak: false, version: "GLIBC_2.2.5", library: "libc.so.6" },
      { name: "__gmon_start__", weak: true, version: null, library: null },
    ],
    exports: [],
    exportVersions: [],
    tls: null,
    ...overrides,
  };
}

function library(overrides: Partial<ImageElf>): ImageElf {
  return {
    class: 64,
    machine: "x86-64",
    soname: null,
    needed: [],
    rpath: [],
    runpath: [],
    exports: [],
    exportVersions: [],
    imports: [],
    versionRequirements: [],
    ...overrides,
  };
}

/** A Debian-like glibc image: merged /usr, multiarch folders, dash as /bin/sh. */
function glibcImage(libcVersions = ["GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.41"]): ImageContents {
  const dir = "/usr/lib/x86_64-linux-gnu";
  return {
    entries: new Map([
      ["/lib", { type: "symlink", target: "usr/lib" }],
      ["/lib64", { type: "symlink", target: "usr/lib64" }],
      ["/bin", { type: "symlink", target: "usr/bin" }],
      ["/usr", { type: "directory", target: null }],
      ["/usr/bin", { type: "directory", target: null }],
      ["/usr/bin/sh", { type: "symlink", target: "dash" }],
      ["/usr/bin/dash", { type: "file", target: null }],
      ["/usr/lib", { type: "directory", target: null }],
      ["/usr/lib64", { type: "directory", target: null }],
      [
        "/usr/lib64/ld-linux-x86-64.so.2",
        { type: "symlink", target: `${dir}/ld-linux-x86-64.so.2` },
      ],
      [dir, { type: "directory", target: null }],
      [`${dir}/ld-linux-x86-64.so.2`, { type: "file", target: null }],
      [`${dir}/libc.so.6`, { type: "file", target: null }],
    ]),
    elves: new Map([
      [
        `${dir}/ld-linux-x86-64.so.2`,
        library({
          soname: "ld-linux-x86-64.so.2",
          exports: ["_dl_find_object"],
          exportVersions: ["GLIBC_2.2.5", "GLIBC_2.35"],
        }),
      ],
      [
        `${dir}/libc.so.6`,
        library({
          soname: "libc.so.6",
          needed: ["ld-linux-x86-64.so.2"],
          exports: ["__libc_start_main", "printf", "__printf_chk", "gnu_get_libc_version"],
          exportVersions: libcVersions,
        }),
      ],
    ]),
    configFiles: new Map([
      ["/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n"],
      ["/etc/ld.so.conf.d/x86_64-linux-gnu.conf", `${dir}\n`],
    ]),
  };
}

/** Debian's musl runtime as the lab builds it: busybox as /bin/sh, musl's loader is its libc. */
function muslImage(compat = false): ImageContents {
  const entries: ImageContents["entries"] = new Map([
    ["/lib", { type: "symlink", target: "usr/lib" }],
    ["/bin", { type: "symlink", target: "usr/bin" }],
    ["/usr", { type: "directory", target: null }],
    ["/usr/bin", { type: "directory", target: null }],
    ["/usr/bin/sh", { type: "symlink", target: "busybox" }],
    ["/usr/bin/busybox", { type: "file", target: null }],
    ["/usr/lib", { type: "directory", target: null }],
    ["/usr/lib/ld-musl-x86_64.so.1", { type: "symlink", target: "x86_64-linux-musl/libc.so" }],
    ["/usr/lib/x86_64-linux-musl", { type: "directory", target: null }],
    ["/usr/lib/x86_64-linux-musl/libc.so", { type: "file", target: null }],
  ]);
  if (compat) {
    entries.set("/lib64", { type: "directory", target: null });
    entries.set("/lib64/ld-linux-x86-64.so.2", { type: "symlink", target: MUSL_LOADER });
  }
  return {
    entries,
    elves: new Map([
      [
        "/usr/lib/x86_64-linux-musl/libc.so",
        library({ exports: ["__libc_start_main", "printf", "pthread_create"] }),
      ],
    ]),
    configFiles: new Map([
      ["/etc/ld-musl-x86_64.path", "/lib/x86_64-linux-musl\n/usr/lib/x86_64-linux-musl\n"],
    ]),
  };
}

const glibcExports = {
  family: "glibc" as const,
  exports: new Set(["__printf_chk", "gnu_get_libc_version", "printf"]),
};

describe("predict", () => {
  test("a glibc PIE runs on glibc: loader found through /lib64's link, libc.so.6 in the multiarch folder", () => {
    const p = predict({
      artifact: elf({}),
      runPath: RUN_PATH,
      family: "glibc",
      contents: glibcImage(),
      others: [],
    });
    expect(p.verdict).toBe("runs");
    expect(p.message).toBeNull();
    expect(p.resolved["libc.so.6"]).toBe("/usr/lib/x86_64-linux-gnu/libc.so.6");
  });

  test("the same binary on musl: its interpreter is missing, and busybox says `not found`", () => {
    const p = predict({
      artifact: elf({}),
      runPath: RUN_PATH,
      family: "musl",
      contents: muslImage(),
      others: [glibcExports],
    });
    expect(p.verdict).toBe("missing-interpreter");
    expect(p.message).toBe(`sh: ${RUN_PATH}: not found`);
  });

  test("with libc6-compat's link it meets the next wall: fortified symbols musl does not have", () => {
    const fortified = elf({
      imports: [
        { name: "__libc_start_main", weak: false, version: "GLIBC_2.34", library: "libc.so.6" },
        { name: "__printf_chk", weak: false, version: "GLIBC_2.3.4", library: "libc.so.6" },
        { name: "gnu_get_libc_version", weak: false, version: "GLIBC_2.1", library: "libc.so.6" },
      ],
    });
    const p = predict({
      artifact: fortified,
      runPath: RUN_PATH,
      family: "musl",
      contents: muslImage(true),
      others: [glibcExports],
    });
    expect(p.verdict).toBe("missing-symbols");
    // libc.so.6 is not looked for at all: musl's loader takes every libc.* name as itself.
    expect(p.missingLibraries).toEqual([]);
    expect(p.message).toBe(`Error relocating ${RUN_PATH}: __printf_chk: symbol not found`);
    expect(p.missingSymbols).toEqual([
      { group: "fortify", symbols: ["__printf_chk"] },
      { group: "glibc-only", symbols: ["gnu_get_libc_version"] },
    ]);
  });

  test("weak undefined symbols are never fatal", () => {
    const p = predict({
      artifact: elf({
        imports: [
          { name: "__libc_start_main", weak: false, version: null, library: null },
          { name: "not_anywhere", weak: true, version: null, library: null },
        ],
      }),
      runPath: RUN_PATH,
      family: "musl",
      contents: muslImage(true),
      others: [],
    });
    expect(p.verdict).toBe("runs");
  });

  test("a musl binary on musl: NEEDED libc.so is the loader itself", () => {
    const muslBuilt = elf({
      interpreter: MUSL_LOADER,
      needed: ["libc.so"],
      versionRequirements: [],
      highestGlibcVersion: null,
      imports: [{ name: "printf", weak: false, version: null, library: null }],
    });
    expect(
      predict({
        artifact: muslBuilt,
        runPath: RUN_PATH,
        family: "musl",
        contents: muslImage(),
        others: [],
      }).verdict,
    ).toBe("runs");
    const onGlibc = predict({
      artifact: muslBuilt,
      runPath: RUN_PATH,
      family: "glibc",
      contents: glibcImage(),
      others: [],
    });
    expect(onGlibc.verdict).toBe("missing-interpreter");
    expect(onGlibc.message).toBe(`sh: 1: ${RUN_PATH}: not found`);
  });

  test("a library that is not in the image, with each loader's own words", () => {
    const cxx = elf({ needed: ["libstdc++.so.6", "libc.so.6"] });
    const glibc = predict({
      artifact: cxx,
      runPath: RUN_PATH,
      family: "glibc",
      contents: glibcImage(),
      others: [],
    });
    expect(glibc.verdict).toBe("missing-library");
    expect(glibc.message).toBe(
      `${RUN_PATH}: error while loading shared libraries: libstdc++.so.6: cannot open shared object file: No such file or directory`,
    );
    const musl = predict({
      artifact: { ...cxx, interpreter: MUSL_LOADER },
      runPath: RUN_PATH,
      family: "musl",
      contents: muslImage(),
      others: [],
    });
    expect(musl.message).toBe(
      `Error loading shared library libstdc++.so.6: No such file or directory (needed by ${RUN_PATH})`,
    );
    expect(musl.missingLibraries).toEqual(["libstdc++.so.6"]);
  });

  test("a glibc too old for the versions it needs", () => {
    const newer = elf({
      versionRequirements: [{ file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.38"] }],
    });
    const p = predict({
      artifact: newer,
      runPath: RUN_PATH,
      family: "glibc",
      contents: glibcImage(["GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.36"]),
      others: [],
    });
    expect(p.verdict).toBe("glibc-too-old");
    expect(p.missingVersions).toEqual(["GLIBC_2.38"]);
    expect(p.message).toBe(
      `${RUN_PATH}: /usr/lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.38' not found (required by ${RUN_PATH})`,
    );
  });

  test("another architecture, as each shell reports ENOEXEC", () => {
    const arm = elf({ machine: "AArch64" });
    const i386 = elf({ class: 32, machine: "x86" });
    expect(
      predict({
        artifact: i386,
        runPath: RUN_PATH,
        family: "glibc",
        contents: glibcImage(),
        others: [],
      }).reason,
    ).toMatch(/^built for x86 \(32-bit\); the environment is x86-64 \(64-bit\)/);
    expect(
      predict({
        artifact: arm,
        runPath: RUN_PATH,
        family: "glibc",
        contents: glibcImage(),
        others: [],
      }).message,
    ).toBe(`sh: 1: ${RUN_PATH}: Exec format error`);
    expect(
      predict({
        artifact: arm,
        runPath: RUN_PATH,
        family: "musl",
        contents: muslImage(),
        others: [],
      }).verdict,
    ).toBe("wrong-architecture");
  });

  test("static programs need nothing from the image", () => {
    const p = predict({
      artifact: elf({
        interpreter: null,
        needed: [],
        kind: "static",
        linkage: "static",
        imports: [],
      }),
      runPath: RUN_PATH,
      family: "musl",
      contents: muslImage(),
      others: [],
    });
    expect(p.verdict).toBe("runs");
  });

  test("a Python extension's Py* imports are the host's, not missing", () => {
    const extension = elf({
      kind: "shared-object",
      interpreter: null,
      pie: false,
      needed: ["libc.so.6"],
      imports: [
        { name: "PyLong_FromLong", weak: false, version: null, library: null },
        { name: "printf", weak: false, version: "GLIBC_2.2.5", library: "libc.so.6" },
      ],
    });
    const p = predict({
      artifact: extension,
      runPath: RUN_PATH,
      family: "glibc",
      contents: glibcImage(),
      others: [],
    });
    expect(p.verdict).toBe("runs");
    expect(p.hostSymbols).toEqual({ host: "Python", count: 1 });
  });
});

describe("resolveInImage", () => {
  test("follows relative and absolute links in every component, and refuses loops", () => {
    const image = muslImage(true);
    expect(resolveInImage(image, "/lib64/ld-linux-x86-64.so.2")).toBe(
      "/usr/lib/x86_64-linux-musl/libc.so",
    );
    image.entries.set("/loop", { type: "symlink", target: "/loop" });
    expect(resolveInImage(image, "/loop/x")).toBeNull();
  });
});

describe("observe", () => {
  const run = {
    exitCode: 0,
    signal: null,
    timedOut: false,
    stdout: "",
    stderr: "",
    viaDlopen: false,
  };
  test("the walls, told apart by what was printed, not by the exit status", () => {
    const notHost = () => false;
    expect(
      observe({ ...run, exitCode: 127, stderr: "sh: /lab/check/1/app: not found" }, notHost)
        .observed,
    ).toBe("missing-interpreter");
    expect(
      observe(
        {
          ...run,
          exitCode: 127,
          stderr: "Error relocating /lab/check/1/app: __printf_chk: symbol not found",
        },
        notHost,
      ).observed,
    ).toBe("missing-symbols");
    expect(
      observe(
        {
          ...run,
          exitCode: 127,
          stderr:
            "Error loading shared library libz.so.1: No such file or directory (needed by /x)",
        },
        notHost,
      ).observed,
    ).toBe("missing-library");
    expect(
      observe(
        { ...run, exitCode: 127, stderr: "/lab/check/1/app: line 1: \u007fELF\u0002: not found" },
        notHost,
      ).observed,
    ).toBe("wrong-architecture");
    expect(
      observe(
        {
          ...run,
          exitCode: 127,
          stderr:
            "/x: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.99' not found (required by /x)",
        },
        notHost,
      ).observed,
    ).toBe("glibc-too-old");
  });

  test("a program that starts and then fails for its own reasons has started", () => {
    const seen = observe(
      { ...run, exitCode: 1, stderr: "app: cannot read config.yaml" },
      () => false,
    );
    expect(seen.observed).toBe("runs");
    expect(seen.note).toContain("exit 1");
  });

  test("a dlopen stopped by a host symbol cannot tell", () => {
    const seen = observe(
      {
        ...run,
        viaDlopen: true,
        stdout: "dlopen_error=Error relocating /x.so: PyExc_TypeError: symbol not found\n",
      },
      (n) => n.startsWith("Py"),
    );
    expect(seen.observed).toBeNull();
  });
});

describe("cellOf", () => {
  const prediction = predict({
    artifact: elf({}),
    runPath: RUN_PATH,
    family: "musl",
    contents: muslImage(),
    others: [],
  });
  const confirmation = (observed: "runs" | "missing-interpreter") => ({
    command: RUN_PATH,
    exitCode: 127,
    signal: null,
    timedOut: false,
    stdout: "",
    stderr: "",
    durationMs: 3,
    observed,
    note: "n",
  });
  test("a failure the prediction named is an expected failure, with fixes", () => {
    const cell = cellOf(
      { id: "musl", family: "musl" },
      prediction,
      confirmation("missing-interpreter"),
      null,
    );
    expect(cell.outcome).toBe("expected-failure");
    expect(cell.verdict).toBe("missing-interpreter");
    expect(cell.fixes.join(" ")).toMatch(/musl-gcc/);
  });
  test("a wrong prediction is unexpected, and the run's verdict counts", () => {
    const cell = cellOf({ id: "musl", family: "musl" }, prediction, confirmation("runs"), null);
    expect(cell.outcome).toBe("unexpected-pass");
    expect(cell.verdict).toBe("runs");
    expect(cell.explanation).toMatch(/^PREDICTION WRONG/);
  });
});

describe("the review's cases", () => {
  const cxxImage = (versions: string[]): ImageContents => {
    const image = glibcImage();
    const path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
    image.entries.set(path, { type: "file", target: null });
    image.elves.set(
      path,
      library({ soname: "libstdc++.so.6", exports: ["_ZSt4cout"], exportVersions: versions }),
    );
    return image;
  };
  const cxx = elf({
    needed: ["libstdc++.so.6", "libc.so.6"],
    versionRequirements: [
      { file: "libstdc++.so.6", versions: ["GLIBCXX_3.4.32"] },
      { file: "libc.so.6", versions: ["GLIBC_2.34"] },
    ],
  });

  test("a libstdc++ older than the one linked against: its version, not glibc, and missing-symbols", () => {
    const p = predict({
      artifact: cxx,
      runPath: RUN_PATH,
      family: "glibc",
      contents: cxxImage(["GLIBCXX_3.4.30"]),
      others: [],
    });
    expect(p.verdict).toBe("missing-symbols");
    expect(p.missingVersions).toEqual(["GLIBCXX_3.4.32"]);
    expect(p.message).toContain("version `GLIBCXX_3.4.32' not found");
  });

  test("a library that defines no versions satisfies every need (glibc only warns)", () => {
    const p = predict({
      artifact: cxx,
      runPath: RUN_PATH,
      family: "glibc",
      contents: cxxImage([]),
      others: [],
    });
    expect(p.verdict).toBe("runs");
  });

  test("musl searches the RUNPATH of every object above the needing one", () => {
    const image = muslImage();
    for (const dir of ["/opt", "/opt/app", "/opt/app/lib"]) {
      image.entries.set(dir, { type: "directory", target: null });
    }
    image.entries.set("/opt/app/lib/liba.so", { type: "file", target: null });
    image.entries.set("/opt/app/lib/libb.so", { type: "file", target: null });
    image.elves.set("/opt/app/lib/liba.so", library({ soname: "liba.so", needed: ["libb.so"] }));
    image.elves.set("/opt/app/lib/libb.so", library({ soname: "libb.so" }));
    const app = elf({
      interpreter: MUSL_LOADER,
      needed: ["liba.so", "libc.so"],
      runpath: ["/opt/app/lib"],
      versionRequirements: [],
      imports: [],
    });
    expect(
      predict({ artifact: app, runPath: RUN_PATH, family: "musl", contents: image, others: [] })
        .verdict,
    ).toBe("runs");
  });

  const run = {
    exitCode: 1,
    signal: null,
    timedOut: false,
    stdout: "",
    stderr: "",
    viaDlopen: false,
  };
  test("a program's own loader-like words are the program talking; a 127 in unknown words cannot tell", () => {
    expect(
      observe(
        { ...run, stderr: "plugin.so: cannot open shared object file: No such file or directory" },
        () => false,
      ).observed,
    ).toBe("runs");
    expect(
      observe({ ...run, exitCode: 127, stderr: "something else" }, () => false).observed,
    ).toBeNull();
    // A static program's 127 is its own (busybox: "--version: applet not found").
    const applet = {
      ...run,
      exitCode: 127,
      stderr: "--version: applet not found",
      loaderless: true,
    };
    expect(observe(applet, () => false).observed).toBe("runs");
    expect(
      observe(
        {
          ...run,
          exitCode: 127,
          stderr:
            "/x: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /x)",
        },
        () => false,
      ).observed,
    ).toBe("missing-symbols");
  });

  test("a dlopen probe that died is no confirmation: an unexpected failure", () => {
    const prediction = predict({
      artifact: elf({ kind: "shared-object", interpreter: null }),
      runPath: RUN_PATH,
      family: "glibc",
      contents: glibcImage(),
      others: [],
    });
    const died = {
      command: "probe x.so",
      exitCode: null,
      signal: "SIGSEGV",
      timedOut: false,
      stdout: "",
      stderr: "",
      durationMs: 5,
      observed: null,
      note: "the dlopen probe died of SIGSEGV",
    };
    const cell = cellOf({ id: "glibc", family: "glibc" }, prediction, died, null);
    expect(cell.outcome).toBe("unexpected-failure");
    expect(cell.explanation).toMatch(/could not confirm it: the dlopen probe died of SIGSEGV$/);
  });
});
