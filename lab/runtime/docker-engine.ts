import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, closeSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { execa } from "execa";
import { InfrastructureError } from "../errors.js";
import { secondsSince } from "../seconds-since.js";
import { withDeadline } from "./deadline.js";
import { withHostLock } from "./host-lock.js";
import { labCacheDir } from "./paths.js";
import { makeFolders } from "../make-folders.js";

const DEFAULT_SOCKET = "/var/run/docker.sock";
const PING_TIMEOUT_MS = 2_000;
/** An engine answers /info in milliseconds; a busy 2-core host within a few seconds. */
export const ENGINE_INFO_DEADLINE_MS = 15_000;
/** /info is a few KiB; more is not an engine talking. */
const INFO_BODY_LIMIT = 65_536;
const MAX_PORT = 65_535;
const DAEMON_START_TIMEOUT_MS = 60_000;
/**
 * How long apt waits for dpkg's lock when something other than a lab holds it (an admin's apt,
 * unattended-upgrades); labs among themselves already take turns through the host lock.
 */
const APT_LOCK_TIMEOUT_S = 120;
/** One lock for everything that installs or starts something on the host. */
const PROVISION_LOCK = "provision";
const HOW_TO_GET_DOCKER =
  "install and start Docker (Docker Desktop, or `apt-get install docker.io && dockerd &` as root), " +
  "or point DOCKER_HOST at a running engine";

export type Log = (line: string) => void;

export interface DockerEndpoint {
  /** What the user would recognise: `unix:///var/run/docker.sock` or `tcp://host:2375`. */
  readonly description: string;
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
  /** True when DOCKER_HOST chose it: then the lab never starts a daemon of its own. */
  readonly explicit: boolean;
}

export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const dockerHost = env["DOCKER_HOST"];
  if (!dockerHost) {
    return { description: `unix://${DEFAULT_SOCKET}`, socketPath: DEFAULT_SOCKET, explicit: false };
  }
  if (dockerHost.startsWith("unix://")) {
    return {
      description: dockerHost,
      socketPath: dockerHost.slice("unix://".length),
      explicit: true,
    };
  }
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (tcp?.[1] && tcp[2]) {
    const port = Number(tcp[2]);
    // Node's http client throws (ERR_SOCKET_BAD_PORT) instead of failing the request.
    if (port < 1 || port > MAX_PORT) {
      throw new InfrastructureError(
        `DOCKER_HOST=${dockerHost} names port ${tcp[2]}, but a TCP port is 1 to ${MAX_PORT}`,
      );
    }
    return { description: dockerHost, host: tcp[1], port, explicit: true };
  }
  throw new InfrastructureError(
    `DOCKER_HOST=${dockerHost} is not understood: use unix:///path/to/docker.sock or tcp://host:port`,
  );
}

/**
 * Asks the engine's `/_ping`. A dead or missing socket is simply `false` (the caller may start an
 * engine); a socket the user may not open is an error of its own: an engine runs there, and
 * installing or starting another one would not help.
 */
export function pingDocker(endpoint: DockerEndpoint): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: endpoint.socketPath,
        host: endpoint.host,
        port: endpoint.port,
        path: "/_ping",
        timeout: PING_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EACCES" && endpoint.socketPath) {
        reject(new InfrastructureError(socketPermissionMessage(endpoint.socketPath)));
      } else {
        resolve(false);
      }
    });
    req.end();
  });
}

export function socketPermissionMessage(socketPath: string): string {
  return (
    `permission denied on ${socketPath}: a Docker engine may be running, but this user may not use it; ` +
    "add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again) or run as root"
  );
}

/** How the engine is named in messages about it. */
export function engineSubject(endpoint: DockerEndpoint = dockerEndpoint()): string {
  return `the Docker engine at ${endpoint.description}`;
}

/**
 * `/_ping` is answered by proxies and half-broken engines alike; the lab needs the real API. Asks
 * `/info` itself, under a deadline, before testcontainers does: testcontainers would wait forever
 * on an engine that never replies, and on one that refuses `/info` it silently tries the next
 * engine it can find (`/var/run/docker.sock`) or ends in "Could not find a working container
 * runtime strategy".
 */
export async function checkEngineApi(endpoint: DockerEndpoint, log: Log): Promise<void> {
  const subject = engineSubject(endpoint);
  const { status, body } = await withDeadline(
    (signal) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            socketPath: endpoint.socketPath,
            host: endpoint.host,
            port: endpoint.port,
            path: "/info",
            signal,
          },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              if (body.length < INFO_BODY_LIMIT) body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end();
      }).catch((error: NodeJS.ErrnoException) => {
        if (signal.aborted) return new Promise<never>(() => undefined);
        throw new InfrastructureError(
          `${subject} answers /_ping but GET /info failed: ${error.code ?? error.message}`,
        );
      }),
    { subject, call: "GET /info", ms: ENGINE_INFO_DEADLINE_MS, log },
  );
  if (status !== 200) {
    const message = /"message"\s*:\s*"([^"]*)"/.exec(body)?.[1] ?? body.trim().split("\n")[0];
    throw new InfrastructureError(
      `${subject} answers /_ping but GET /info failed with HTTP ${status}` +
        (message ? ` (${message.slice(0, 200)})` : "") +
        ": the lab needs the whole Docker API; a socket proxy must also allow /info, /images, /containers, /build and /exec",
    );
  }
}

export interface EngineReport {
  endpoint: DockerEndpoint;
  /** One line per thing the lab did to the host (installed a package, started dockerd). */
  actions: string[];
}

/**
 * Makes sure a Docker engine answers. An engine that already answers is used untouched; otherwise,
 * on a root Debian-like host with apt, Debian's docker.io is installed and dockerd started in the
 * background (there is no systemd on the machines this lab targets). Anything else is a one-line
 * error that tells the user what to do.
 */
export async function ensureDockerEngine(log: Log): Promise<EngineReport> {
  const endpoint = dockerEndpoint();
  if (await pingDocker(endpoint)) return { endpoint, actions: [] };

  if (process.env["LAB_NO_PROVISION"] === "1") {
    throw new InfrastructureError(
      `no Docker engine answers at ${endpoint.description} and LAB_NO_PROVISION=1 forbids starting one: ${HOW_TO_GET_DOCKER}`,
    );
  }
  if (endpoint.explicit) {
    throw new InfrastructureError(
      `no Docker engine answers at DOCKER_HOST=${endpoint.description}: start that engine or unset DOCKER_HOST`,
    );
  }
  assertCanProvision("a Docker engine");

  const actions: string[] = [];
  const say = (line: string) => {
    actions.push(line);
    log(line);
  };
  await withHostLock(PROVISION_LOCK, "starting a Docker engine", log, async () => {
    // Another lab may have started one while this one waited for the lock.
    if (await pingDocker(endpoint)) {
      say(`provision: a Docker engine answers at ${endpoint.description} (started meanwhile)`);
      return;
    }
    if (!(await hasCommand("dockerd"))) {
      await aptInstall(["docker.io"], say);
    }
    await startDockerd(endpoint, say);
  });
  return { endpoint, actions };
}

/** Installs host tools the offline image recipes need (debootstrap), the same way as docker.io. */
export async function ensureHostCommands(
  wanted: { command: string; debianPackage: string }[],
  log: Log,
): Promise<void> {
  const missingOf = async () => {
    const missing: string[] = [];
    for (const { command, debianPackage } of wanted) {
      if (!(await hasCommand(command))) missing.push(debianPackage);
    }
    return missing;
  };
  const missing = await missingOf();
  if (missing.length === 0) return;
  if (process.env["LAB_NO_PROVISION"] === "1") {
    throw new InfrastructureError(
      `offline images need ${missing.join(", ")} and LAB_NO_PROVISION=1 forbids installing it: run \`apt-get install ${missing.join(" ")}\` as root, or use --images registry`,
    );
  }
  assertCanProvision(missing.join(", "));
  await withHostLock(PROVISION_LOCK, `installing ${missing.join(", ")}`, log, async () => {
    // The image built beside this one (or another lab) may have installed it while we waited.
    const stillMissing = await missingOf();
    if (stillMissing.length > 0) await aptInstall(stillMissing, log);
  });
}

function assertCanProvision(what: string): void {
  const root = process.getuid?.() === 0;
  const debianLike = isDebianLike();
  if (!root || !debianLike || !existsSync("/usr/bin/apt-get")) {
    const why = !root
      ? "not running as root"
      : !debianLike
        ? "not a Debian/Ubuntu host"
        : "no apt-get";
    throw new InfrastructureError(
      `${what} is needed and the lab cannot install it here (${why}): ${HOW_TO_GET_DOCKER}`,
    );
  }
}

function isDebianLike(): boolean {
  try {
    const osRelease = readFileSync("/etc/os-release", "utf8");
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease);
  } catch {
    return false;
  }
}

async function hasCommand(command: string): Promise<boolean> {
  const result = await execa("sh", ["-c", `command -v ${command}`], { reject: false });
  return result.exitCode === 0;
}

async function aptInstall(packages: string[], log: Log): Promise<void> {
  const started = Date.now();
  log(`provision: installing ${packages.join(", ")} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const lockTimeout = ["-o", `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_S}`];
  const install = () =>
    execa("apt-get", [...lockTimeout, "install", "-y", "--no-install-recommends", ...packages], {
      env,
      reject: false,
      all: true,
    });
  let result = await install();
  if (result.exitCode !== 0) {
    // A fresh machine may have no package lists yet; one update is cheap and usually the fix.
    await execa("apt-get", [...lockTimeout, "update"], { env, reject: false });
    result = await install();
  }
  if (result.exitCode !== 0) {
    throw new InfrastructureError(
      `apt-get install ${packages.join(" ")} failed with exit code ${result.exitCode}`,
      tail(String(result.all ?? ""), 15),
    );
  }
  log(`provision: installed ${packages.join(", ")} with apt-get (${secondsSince(started)})`);
}

async function startDockerd(endpoint: DockerEndpoint, log: Log): Promise<void> {
  const started = Date.now();
  const logDir = labCacheDir();
  makeFolders(logDir);
  const logPath = join(logDir, "dockerd.log");
  const out = openSync(logPath, "a");
  // No bridge and no iptables: probe containers only ever use network mode `none`, and a bridge
  // needs kernel features that sandboxes and CI runners often lack.
  const daemon = spawn("dockerd", ["--iptables=false", "--bridge=none"], {
    detached: true,
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  daemon.unref();
  let exited: number | null = null;
  daemon.on("exit", (code) => (exited = code ?? -1));

  while (Date.now() - started < DAEMON_START_TIMEOUT_MS) {
    if (await pingDocker(endpoint)) {
      log(`provision: started dockerd (pid ${daemon.pid}, log ${logPath}) (${secondsSince(started)})`);
      return;
    }
    if (exited !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const logTail = existsSync(logPath) ? tail(readFileSync(logPath, "utf8"), 10) : "";
  throw new InfrastructureError(
    exited !== null
      ? `dockerd exited with code ${exited} right after start; see ${logPath}`
      : `dockerd did not answer within ${DAEMON_START_TIMEOUT_MS / 1000} s; see ${logPath}`,
    logTail,
  );
}

/**
 * testcontainers must be told how to live without a registry before it is first used: Ryuk (its
 * reaper) is an image we cannot pull, so the lab owns cleanup itself; and host detection would
 * otherwise try to pull `alpine` to find the gateway. A user's own settings win.
 */
export function configureTestcontainersEnv(env: NodeJS.ProcessEnv = process.env): void {
  env["TESTCONTAINERS_RYUK_DISABLED"] ??= "true";
  env["TESTCONTAINERS_HOST_OVERRIDE"] ??= "localhost";
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

