import { expect, test } from "vitest";
import { silenceDeadline, withDeadline } from "../../../lab/runtime/deadline.js";

const ENGINE = "the Docker engine at unix:///tmp/fake.sock";

test("work that ends in time is untouched", async () => {
  await expect(
    withDeadline(async () => 42, { subject: ENGINE, call: "GET /info", ms: 5_000 }),
  ).resolves.toBe(42);
});

test("work that never ends is one line naming who did not answer what, for how long", async () => {
  let aborted = false;
  let expired: Error | null = null;
  const never = (signal: AbortSignal) =>
    new Promise<never>(() => signal.addEventListener("abort", () => (aborted = true)));
  await expect(
    withDeadline(never, {
      subject: ENGINE,
      call: "GET /info",
      ms: 200,
      onExpired: (error) => (expired = error),
    }),
  ).rejects.toThrow(`${ENGINE} did not answer GET /info within 0.2 s`);
  expect(aborted).toBe(true);
  expect(expired).toBeInstanceOf(Error);
});

test("work that answers but does not end says so in its own words", async () => {
  // A batch: the engine answered the exec; what runs in the container did not end.
  await expect(
    withDeadline(() => new Promise<never>(() => undefined), {
      subject: 'environment "musl"',
      call: "a batch of 2 runs",
      ms: 200,
      message: 'environment "musl" did not return from a batch of 2 runs within 0.2 s',
    }),
  ).rejects.toThrow(/^environment "musl" did not return from a batch of 2 runs within 0.2 s$/);
});

test("a long wait says what it waits for", async () => {
  const lines: string[] = [];
  await withDeadline(() => new Promise((resolve) => setTimeout(resolve, 3_500)), {
    subject: ENGINE,
    call: "GET /info",
    ms: 60_000,
    log: (line) => lines.push(line),
  });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^waiting for the Docker engine at unix:\/\/\/tmp\/fake\.sock to answer GET \/info… \(\d+ s, at most 60 s\)$/,
  );
}, 20_000);

test("a silence deadline is reset by every sign of life and fires only after silence", async () => {
  const silence = silenceDeadline({ subject: ENGINE, call: "the build of x", ms: 300 });
  const started = Date.now();
  const ticks = setInterval(silence.touch, 50);
  await new Promise((resolve) => setTimeout(resolve, 600));
  clearInterval(ticks);
  await expect(silence.expired).rejects.toThrow(
    `${ENGINE} sent nothing for 0.3 s during the build of x`,
  );
  // The last touch came after ~550 ms: nothing may fire before that plus the 300 ms of silence.
  expect(Date.now() - started).toBeGreaterThanOrEqual(800);
});
