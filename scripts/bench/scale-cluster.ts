/**
 * The processes of `npm run bench:scale`: app instances (`next start`), `npm run worker`
 * processes and a webhook receiver on loopback that counts idempotency keys. Every wait is
 * bounded; every process is started in a process group of its own and stopped by its id.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { verifyWebhookSignature } from "@/lib/delivery/channels/webhook";

export interface Managed {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, shown when something fails. */
  tail: string[];
  /** Resolves when a line matching the pattern is printed (see waitForLine). */
  lines: { pattern: RegExp; resolve: () => void }[];
  exited: Promise<number | null>;
}

const TAIL_LINES = 40;

/** Starts a command in a process group of its own (so stopping it also stops what it spawned). */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Managed {
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const managed: Managed = {
    name,
    child,
    tail: [],
    lines: [],
    exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      managed.tail.push(line);
      if (managed.tail.length > TAIL_LINES) managed.tail.shift();
      for (const waiter of managed.lines.filter((w) => w.pattern.test(line))) {
        managed.lines.splice(managed.lines.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return managed;
}

/** Resolves with the time the process printed a matching line; rejects after timeoutMs or when it exits. */
export function waitForLine(managed: Managed, pattern: RegExp, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${managed.name} did not print ${pattern} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    managed.lines.push({
      pattern,
      resolve: () => {
        clearTimeout(timer);
        resolve(performance.now());
      },
    });
    void managed.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${managed.name} exited (code ${code}) before printing ${pattern}`));
    });
  });
}

/** SIGTERM to the process group, then SIGKILL if it is still there after graceMs. */
export async function stopProcess(managed: Managed, graceMs = 15_000): Promise<void> {
  const pid = managed.child.pid;
  if (pid === undefined || managed.child.exitCode !== null || managed.child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const stopped = await Promise.race([
    managed.exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
  ]);
  if (!stopped) {
    signal("SIGKILL");
    await Promise.race([managed.exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  } else {
    // Whatever it spawned in its group goes too.
    signal("SIGKILL");
  }
}

/** Polls `check` every intervalMs until it returns true; throws after timeoutMs, naming what was awaited. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
}

export const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);

/** A webhook receiver on loopback: checks each signature and counts deliveries per idempotency key. */
export interface Receiver {
  url: string;
  counts: Map<string, number>;
  badSignatures: number;
  close: () => Promise<void>;
}

export async function startReceiver(port: number, secret: string): Promise<Receiver> {
  const counts = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const key = request.headers["idempotency-key"];
      const signature = request.headers["x-countersign-signature"];
      if (
        typeof key !== "string" ||
        typeof signature !== "string" ||
        !verifyWebhookSignature(body, signature, secret)
      ) {
        receiver.badSignatures++;
        response.writeHead(401).end();
        return;
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/webhook`,
    counts,
    badSignatures: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return receiver;
}

/** Signs in through Auth.js's credentials endpoint; returns the session cookie for later requests. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`, { signal: AbortSignal.timeout(30_000) });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: base }),
    signal: AbortSignal.timeout(30_000),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`Signing in as ${email} on ${base} failed (HTTP ${response.status})`);
  return session;
}
