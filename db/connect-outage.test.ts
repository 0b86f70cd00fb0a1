import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { availableDrivers, testDatabaseUrl } from "@/test/db";
import { type DatabaseHandle, openDatabase } from "./client";

/**
 * A proxy that forwards a new connection until the driver sends its first
 * catalog query (the array types postgres.js reads on every new connection),
 * then cuts that connection and refuses every later one: the database went
 * away while the connection was starting up.
 */
async function startCuttingProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    upstream.pipe(client);
    client.on("data", (chunk: Buffer) => {
      if (!chunk.toString("latin1").includes("pg_catalog.pg_type")) {
        upstream.write(chunk);
        return;
      }
      server.close();
      for (const s of sockets) s.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: url.toString(), close: () => server.close() };
}

describe.skipIf(!availableDrivers().includes("postgres"))("a connection lost while it starts", () => {
  let handle: DatabaseHandle | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  afterEach(async () => {
    process.off("unhandledRejection", onUnhandled);
    await handle?.close().catch(() => undefined);
  });

  it("fails the waiting query and leaves no unhandled rejection", async () => {
    process.on("unhandledRejection", onUnhandled);
    const proxy = await startCuttingProxy(new URL(testDatabaseUrl()));
    handle = await openDatabase({
      kind: "postgres",
      url: proxy.url,
      max: 1,
      deadlines: { connectTimeoutSeconds: 1 },
    });
    const { sql } = await import("drizzle-orm");
    await expect(handle.db.execute(sql`select 1`)).rejects.toThrow();
    // Unhandled rejections are reported after the microtask queue drains.
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.close();
    expect(unhandled).toEqual([]);
  });
});
