import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { GenericContainer, StartedTestContainer } from "testcontainers";
import { InfrastructureError } from "../errors.js";
import { trackContainer, trackStart, untrackContainer } from "./container-registry.js";
import { withDeadline } from "./deadline.js";
import { dockerClient } from "./docker-client.js";
import { engineSubject } from "./docker-engine.js";
import { readSingleFileFromTar } from "./tar.js";

/**
 * Deadlines of the engine calls around the batches (whose own budget is the batch program's).
 * Each is far above what the call takes here (a start 150-240 ms, a copy ~50 ms, an exec ~50 ms)
 * so a busy host never meets them, and an engine that stopped answering is named within a
 * minute, not never.
 */
const CONTAINER_START_DEADLINE_MS = 60_000;
const COPY_DEADLINE_MS = 60_000;
const PLUMBING_EXEC_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A probe container the engine has started, and the engine calls on it: execs and copies, each
 * under a deadline, each failure one line that names the environment. It knows nothing of what
 * runs in it (lab/runtime/batch-program.ts, lab/runtime/session.ts).
 */
export class StartedProbeContainer {
  private constructor(
    private readonly environmentId: string,
    private readonly container: StartedTestContainer,
  ) {}

  /** Starts `container` (lab/runtime/container-spec.ts makes it), tracked for the way out. */
  static async start(
    container: GenericContainer,
    environmentId: string,
    imageTag: string,
  ): Promise<StartedProbeContainer> {
    const starting = trackStart(
      container
        .start()
        // Tracked inside the start itself: once the start has settled (what a clean-up in
        // progress waits for), the container is already in the registry, never a tick later.
        .then((started) => {
          trackContainer(started.getId(), () => started.stop({ timeout: 0 }).then(() => undefined));
          return started;
        }),
    );
    // A start that ends after its deadline is still tracked (trackStart) and removed on the way out.
    const started = await engineDeadline(
      () => starting,
      `a container start for environment "${environmentId}"`,
      CONTAINER_START_DEADLINE_MS,
    ).catch((error: unknown) => {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(
        `could not start a container for environment "${environmentId}" from ${imageTag}: ${firstLine(error)}`,
      );
    });
    return new StartedProbeContainer(environmentId, started);
  }

  /**
   * Runs argv directly (no shell), with no deadline of its own. The output is kept as bytes and
   * decoded once at the end: testcontainers' own exec decodes each chunk of the stream by itself,
   * which breaks a UTF-8 character that straddles two chunks (seen here as "Ångstr��m" in a sort
   * order, once a batch's output was large enough).
   */
  async exec(argv: string[]): Promise<ExecResult> {
    try {
      const docker = await dockerClient();
      const exec = await docker
        .getContainer(this.container.getId())
        .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ Detach: false, Tty: false });
      const stdout = new ByteSink();
      const stderr = new ByteSink();
      docker.modem.demuxStream(stream, stdout, stderr);
      await new Promise((resolve, reject) => {
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      stream.destroy();
      stdout.end();
      stderr.end();
      await Promise.all([finished(stdout), finished(stderr)]);
      const { ExitCode } = await exec.inspect();
      return { exitCode: ExitCode ?? -1, stdout: stdout.text(), stderr: stderr.text() };
    } catch (error) {
      throw new InfrastructureError(
        `exec in environment "${this.environmentId}" failed: ${firstLine(error)}`,
      );
    }
  }

  /** exec() for the harness's short plumbing (mkdir, detection), under a deadline of its own. */
  plumbing(argv: string[]): Promise<ExecResult> {
    return engineDeadline(
      () => this.exec(argv),
      `an exec of \`${argv[0]}\` in environment "${this.environmentId}"`,
      PLUMBING_EXEC_DEADLINE_MS,
    );
  }

  /** exec() that may take `ms` (a batch's budget); `what` names it when the deadline passes. */
  execWithin(argv: string[], ms: number, what: string): Promise<ExecResult> {
    const subject = `environment "${this.environmentId}"`;
    return withDeadline(() => this.exec(argv), {
      subject,
      call: what,
      ms,
      // The engine answered; what it runs (a batch) did not end: said as such.
      message: `${subject} did not return from ${what} within ${ms / 1000} s`,
    });
  }

  async putFiles(
    files: { path: string; content: string | Buffer; mode?: number }[],
  ): Promise<void> {
    try {
      await engineDeadline(
        () =>
          this.container.copyContentToContainer(
            files.map((f) => ({ content: f.content, target: f.path, mode: f.mode ?? 0o644 })),
          ),
        `a copy of ${files.length} file(s) into environment "${this.environmentId}"`,
        COPY_DEADLINE_MS,
      );
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(
        `copying files into environment "${this.environmentId}" failed: ${firstLine(error)}`,
      );
    }
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await engineDeadline(
        async () => {
          const archive = await this.container.copyArchiveFromContainer(path);
          const chunks: Buffer[] = [];
          for await (const chunk of archive as AsyncIterable<Buffer>) chunks.push(chunk);
          return readSingleFileFromTar(Buffer.concat(chunks));
        },
        `a copy of ${path} out of environment "${this.environmentId}"`,
        COPY_DEADLINE_MS,
      );
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(
        `reading ${path} from environment "${this.environmentId}" failed: ${firstLine(error)}`,
      );
    }
  }

  async stop(): Promise<void> {
    const id = this.container.getId();
    untrackContainer(id);
    // timeout 0: `sleep` as PID 1 ignores SIGTERM, and waiting 10 s for nothing helps no one.
    await engineDeadline(
      () => this.container.stop({ timeout: 0 }),
      `the removal of the container of environment "${this.environmentId}"`,
      STOP_DEADLINE_MS,
    ).catch(() => {
      // Still there as far as we know: the clean-up on the way out tries once more.
      trackContainer(id, () => this.container.stop({ timeout: 0 }).then(() => undefined));
    });
  }
}

/** Keeps what is written to it as bytes, to be decoded once when the stream is complete. */
class ByteSink extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

function engineDeadline<T>(work: () => Promise<T>, call: string, ms: number): Promise<T> {
  return withDeadline(work, { subject: engineSubject(), call, ms });
}

/**
 * The first line of an engine error; a lost connection is said in words, since "socket hang up"
 * or "connect ENOENT" alone does not tell a user that the Docker engine went away.
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0] ?? message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  const lost =
    /^(ECONNREFUSED|ECONNRESET|ENOENT|EPIPE)$/.test(code) ||
    /socket hang up|ECONNREFUSED|ECONNRESET|connect ENOENT/.test(line);
  return lost ? `the Docker engine stopped answering (${line})` : line;
}
