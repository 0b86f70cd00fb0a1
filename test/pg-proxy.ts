import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

export type ProxyMode = "forward" | "blackhole";

/** A TCP proxy on loopback in front of PostgreSQL that can cut, swallow or refuse connections. */
export async function startProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = "forward";
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      const listener = createServer((client) => {
        sockets.add(client);
        client.on("close", () => sockets.delete(client));
        client.on("error", () => undefined);
        if (mode === "blackhole") return; // accepted, never answered
        const upstream = connect(target.port, target.host);
        sockets.add(upstream);
        upstream.on("close", () => sockets.delete(upstream));
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
      server = listener;
      listener.listen(port, "127.0.0.1", () => {
        port = (listener.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    setMode: (m: ProxyMode) => {
      mode = m;
    },
    /** Terminates every open connection (as a restart or a network cut does). */
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    /** Stops listening: new connections are refused. */
    refuse: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    restore: async () => {
      mode = "forward";
      await listen();
    },
  };
}

export type PgProxy = Awaited<ReturnType<typeof startProxy>>;
