import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a fake engine does with a request other than /_ping: answer it, or `hang` (never reply). */
export type FakeRoute = (req: IncomingMessage, res: ServerResponse) => "hang" | void;

export interface FakeEngine {
  /** `unix:///tmp/…/fake.sock`, for DOCKER_HOST. */
  dockerHost: string;
  socketPath: string;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  close: () => Promise<void>;
}

/**
 * A Docker engine as misbehaving ones are met in the wild (a socket proxy, a wedged daemon): a
 * tiny HTTP server on a unix socket in a temp folder. It always answers `/_ping`; everything else
 * goes to `route`. Nothing but this local socket is ever contacted.
 */
export async function startFakeEngine(route: FakeRoute): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), "musl-lab-fake-engine-"));
  const socketPath = join(dir, "fake.sock");
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (/\/_ping$/.test(req.url ?? "")) {
      res.end("OK");
      return;
    }
    if (route(req, res) === "hang") hanging.add(res);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    dockerHost: `unix://${socketPath}`,
    socketPath,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `/info` as a real engine answers it: enough for testcontainers to take the engine. */
export function answerInfo(res: ServerResponse): void {
  json(res, 200, {
    ServerVersion: "20.10.24",
    OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
    OSType: "linux",
    Architecture: "x86_64",
    NCPU: 2,
    MemTotal: 4_000_000_000,
    IndexServerAddress: "https://index.docker.io/v1/",
  });
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}
