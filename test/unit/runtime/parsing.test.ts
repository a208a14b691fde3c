import { describe, expect, test } from "vitest";
import { parseDetection } from "../../../lab/runtime/detect.js";
import { dockerEndpoint } from "../../../lab/runtime/docker-engine.js";
import { decodeExitStatus, endedByTimeLimit, signalName } from "../../../lab/runtime/signals.js";
import { readSingleFileFromTar } from "../../../lab/runtime/tar.js";

const SEP = "----musl-lab----\n";

describe("parseDetection", () => {
  test("glibc is read from getconf even when a musl loader is present too", () => {
    const output =
      `glibc 2.41\n${SEP}musl libc (x86_64)\nVersion 1.2.5\n${SEP}` +
      `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\n${SEP}6.1.0\n` +
      `${SEP}C\nC.utf8\nPOSIX\nde_DE.utf8\n`;
    expect(parseDetection(output)).toEqual({
      libc: { family: "glibc", version: "2.41" },
      distro: "Debian GNU/Linux 13 (trixie)",
      kernel: "6.1.0",
      locales: ["C", "C.utf8", "POSIX", "de_DE.utf8"],
    });
  });

  test("musl is read from its loader's banner", () => {
    const output =
      `${SEP}musl libc (x86_64)\nVersion 1.2.3\nDynamic Program Loader\n${SEP}` +
      `PRETTY_NAME="Alpine Linux v3.17"\n${SEP}6.1.0\n`;
    expect(parseDetection(output).libc).toEqual({ family: "musl", version: "1.2.3" });
  });

  test("an image without os-release or libc is reported as such", () => {
    expect(parseDetection(`${SEP}${SEP}${SEP}\n`)).toEqual({
      libc: null,
      distro: "unknown (no /etc/os-release)",
      kernel: "unknown",
      locales: null,
    });
  });
});

describe("decodeExitStatus", () => {
  test("128+N is death by signal N, as the shell reports it", () => {
    expect(decodeExitStatus(139)).toEqual({ exitCode: null, signal: "SIGSEGV" });
    expect(decodeExitStatus(137)).toEqual({ exitCode: null, signal: "SIGKILL" });
    expect(decodeExitStatus(134)).toEqual({ exitCode: null, signal: "SIGABRT" });
  });
  test("other statuses are plain exit codes", () => {
    expect(decodeExitStatus(0)).toEqual({ exitCode: 0, signal: null });
    expect(decodeExitStatus(127)).toEqual({ exitCode: 127, signal: null });
    expect(decodeExitStatus(128)).toEqual({ exitCode: 128, signal: null });
    expect(decodeExitStatus(255)).toEqual({ exitCode: 255, signal: null });
  });
  test("unknown numbers still get a name", () => {
    expect(signalName(11)).toBe("SIGSEGV");
    expect(signalName(99)).toBe("SIG99");
  });
});

describe("dockerEndpoint", () => {
  test("the default socket is not explicit; DOCKER_HOST is", () => {
    expect(dockerEndpoint({})).toMatchObject({
      socketPath: "/var/run/docker.sock",
      explicit: false,
    });
    expect(dockerEndpoint({ DOCKER_HOST: "unix:///tmp/d.sock" })).toMatchObject({
      socketPath: "/tmp/d.sock",
      explicit: true,
    });
    expect(dockerEndpoint({ DOCKER_HOST: "tcp://127.0.0.1:2375" })).toMatchObject({
      host: "127.0.0.1",
      port: 2375,
    });
  });
  test("an unusable DOCKER_HOST is a one-line error", () => {
    expect(() => dockerEndpoint({ DOCKER_HOST: "ssh://box" })).toThrow(
      /DOCKER_HOST=ssh:\/\/box is not understood/,
    );
  });
});

describe("readSingleFileFromTar", () => {
  const header = (name: string, size: number, type: string) => {
    const block = Buffer.alloc(512);
    block.write(name, 0);
    block.write(size.toString(8).padStart(11, "0"), 124);
    block.write(type, 156);
    return block;
  };
  const pad = (data: Buffer) =>
    Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);

  test("skips a pax header and returns the first regular file", () => {
    const pax = Buffer.from("30 path=some/very/long/name\n");
    const body = Buffer.from("\x7fELF binary bytes");
    const archive = Buffer.concat([
      header("PaxHeader", pax.length, "x"),
      pad(pax),
      header("hello", body.length, "0"),
      pad(body),
      Buffer.alloc(1024),
    ]);
    expect(readSingleFileFromTar(archive).toString()).toBe("\x7fELF binary bytes");
  });
  test("an archive without a file is an error", () => {
    expect(() => readSingleFileFromTar(Buffer.alloc(1024))).toThrow(/no regular file/);
  });
});

describe("a run that ended at its time limit", () => {
  test("a SIGKILL when the limit was up is a timeout", () => {
    expect(endedByTimeLimit("SIGKILL", 1_000, 1_000)).toBe(true);
    expect(endedByTimeLimit("SIGKILL", 990, 1_000)).toBe(true); // timed to 10 ms
    expect(endedByTimeLimit("SIGKILL", 3_020, 3_000)).toBe(true);
  });

  test("an early SIGKILL (the OOM killer) or another signal is not", () => {
    expect(endedByTimeLimit("SIGKILL", 400, 30_000)).toBe(false);
    expect(endedByTimeLimit("SIGSEGV", 1_000, 1_000)).toBe(false);
    expect(endedByTimeLimit(null, 1_000, 1_000)).toBe(false);
  });
});
