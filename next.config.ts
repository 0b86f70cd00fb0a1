import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package directory at run time.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@node-rs/argon2",
    "pg-boss",
    "nodemailer",
    "@opentelemetry/sdk-trace-node",
  ],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
};

export default nextConfig;
