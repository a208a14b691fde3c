import type { DetectedEnvironment, LibcFamily } from "../environments/schema.js";
import { InfrastructureError } from "../errors.js";
import type { EnvironmentSession } from "./session.js";

// lab/run imports the type from here; the schema, and so the type, is in environments/schema.ts.
export type { DetectedEnvironment };

const SEPARATOR = "----musl-lab----";

/**
 * glibc answers `getconf GNU_LIBC_VERSION`; musl has no such call, but its dynamic loader prints
 * "musl libc (x86_64)\nVersion 1.2.5" when run with no arguments (and exits 1). glibc is asked
 * first because a glibc image may carry musl's loader for cross-compiling.
 */
export const DETECT_SCRIPT = [
  "getconf GNU_LIBC_VERSION 2>/dev/null",
  `echo ${SEPARATOR}`,
  'for l in /lib/ld-musl-*.so.1 /usr/lib/ld-musl-*.so.1; do if [ -e "$l" ]; then "$l" 2>&1; break; fi; done',
  `echo ${SEPARATOR}`,
  "cat /etc/os-release 2>/dev/null",
  `echo ${SEPARATOR}`,
  "uname -r",
  `echo ${SEPARATOR}`,
  "command -v locale >/dev/null 2>&1 && locale -a 2>/dev/null",
].join("; ");

export interface ParsedDetection {
  libc: { family: LibcFamily; version: string } | null;
  distro: string;
  kernel: string;
  locales: string[] | null;
}

export function parseDetection(output: string): ParsedDetection {
  const [getconf = "", muslBanner = "", osRelease = "", uname = "", localeList = ""] = output.split(
    `${SEPARATOR}\n`,
  );
  const glibc = /^glibc (\S+)/m.exec(getconf);
  const musl = /^Version (\S+)/m.exec(muslBanner);
  const libc = glibc?.[1]
    ? { family: "glibc" as const, version: glibc[1] }
    : musl?.[1] && /musl libc/.test(muslBanner)
      ? { family: "musl" as const, version: musl[1] }
      : null;
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1];
  return {
    libc,
    distro: pretty ?? "unknown (no /etc/os-release)",
    kernel: uname.trim() || "unknown",
    locales: localeList.trim() ? localeList.trim().split("\n") : null,
  };
}

export async function detectEnvironment(
  session: EnvironmentSession,
  imageId: string,
): Promise<DetectedEnvironment> {
  const result = await session.plumbing(["sh", "-c", DETECT_SCRIPT]);
  const parsed = parseDetection(result.stdout);
  const { environment } = session;
  if (!parsed.libc) {
    throw new InfrastructureError(
      `environment "${environment.id}" (${session.imageTag}): neither glibc nor musl could be detected`,
      result.stdout + result.stderr,
    );
  }
  if (parsed.libc.family !== environment.family) {
    throw new InfrastructureError(
      `environment "${environment.id}" should be ${environment.family} but its image ${session.imageTag} runs ${parsed.libc.family} ${parsed.libc.version}`,
    );
  }
  return {
    id: environment.id,
    description: environment.description,
    imageMode: session.mode,
    imageTag: session.imageTag,
    imageId,
    libc: parsed.libc,
    distro: parsed.distro,
    kernel: parsed.kernel,
    locales: parsed.locales,
  };
}
