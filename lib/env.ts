import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads process.env. Everything else asks this module, so a
 * misconfiguration fails once, early, with a message that says what to set.
 */
const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(5),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  AGENT_LEASE_SECONDS: z.coerce.number().positive().max(3_600).default(30),
  AGENT_HEARTBEAT_SECONDS: z.coerce.number().positive().max(3_600).default(10),
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AGENT_MODEL: z.string().min(1).default("offline"),
  AGENT_MODEL_SMALL: z.string().min(1).optional(),
  AGENT_MODEL_FALLBACK: z.string().min(1).default("offline"),
  // Per-agent model ids of the team shape (lib/agent/shapes/models.ts); unset: the role's small or large model.
  AGENT_MODEL_MANAGER: z.string().min(1).optional(),
  AGENT_MODEL_ANALYST: z.string().min(1).optional(),
  AGENT_MODEL_WRITER: z.string().min(1).optional(),
  AGENT_MODEL_REVIEWER: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  OPENAI_COMPATIBLE_BASE_URL: z.string().url().optional(),
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  BENCH_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "BENCH_DATABASE_URL must be a postgres:// URL")
    .optional(),
  REVIEW_SLA_MINUTES: z.coerce.number().int().positive().default(240),
  /** How often a working process runs the SLA sweep (lib/routing/sla.ts). */
  SLA_SWEEP_SECONDS: z.coerce
    .number("SLA_SWEEP_SECONDS must be a number of seconds, like 60")
    .int("SLA_SWEEP_SECONDS must be a whole number of seconds")
    .min(5, "SLA_SWEEP_SECONDS must be at least 5")
    .max(3_600, "SLA_SWEEP_SECONDS must be at most 3600 (an hour)")
    .default(60),
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().max(1_000_000).default(600),
  REVIEW_LEASE_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .max(24 * 60)
    .default(10),
  /** The share of decided actions opened again for a blind second reviewer (reviewer agreement). */
  SECOND_REVIEW_SHARE: z.coerce
    .number("SECOND_REVIEW_SHARE must be a number between 0 and 1, like 0.05 for 5 %")
    .min(0, "SECOND_REVIEW_SHARE must be between 0 and 1 (0.05 is 5 %)")
    .max(1, "SECOND_REVIEW_SHARE must be between 0 and 1 (0.05 is 5 %)")
    .default(0.05),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DELIVERY_CHANNEL: z.enum(["log", "webhook", "smtp"]).default("log"),
  WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: "WEBHOOK_URL must be an http:// or https:// URL" })
    .optional(),
  WEBHOOK_SECRET: z.string().min(16, "WEBHOOK_SECRET must be at least 16 characters").optional(),
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\//, "SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587")
    .optional(),
  SMTP_FROM: z.string().trim().min(1).default("Countersign <support@example.com>"),
  // OpenTelemetry: the standard variables (https://opentelemetry.io/docs/specs/otel/protocol/exporter/).
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL" })
    .optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      error: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http:// or https:// URL",
    })
    .optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(
      /^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/,
      "OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas, e.g. Authorization=Basic%20abc",
    )
    .optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(["http/protobuf", "http/json"], {
      error: "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not supported)",
    })
    .default("http/protobuf"),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_SDK_DISABLED: z.enum(["true", "false"]).default("false"),
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: z.enum(["true", "false"]).default("false"),
  APP_QUEUE_WORK: z.enum(["on", "off"], "APP_QUEUE_WORK must be on or off").default("on"),
});

export type Env = z.infer<typeof schema>;

const refined = schema.refine((e) => e.AGENT_HEARTBEAT_SECONDS < e.AGENT_LEASE_SECONDS, {
  path: ["AGENT_HEARTBEAT_SECONDS"],
  message:
    "AGENT_HEARTBEAT_SECONDS must be shorter than AGENT_LEASE_SECONDS (a lease is renewed before it runs out)",
});

export class ConfigError extends Error {
  override name = "ConfigError";
}

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  // An empty variable means "not set" (e.g. `AUTH_SECRET= npm start`).
  const vars = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
  const parsed = refined.safeParse(vars);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests and scripts that change process.env after the first read. */
export function resetEnvCache(): void {
  cached = undefined;
}

export type DatabaseKind = "pglite" | "postgres";

export function databaseKind(): DatabaseKind {
  return env().DATABASE_URL ? "postgres" : "pglite";
}

export function dataDir(): string {
  return path.resolve(env().DATA_DIR);
}

/** Deadlines for the app's PostgreSQL connections (0 turns a statement or idle timeout off). */
export function databaseDeadlines(): DatabaseDeadlines {
  const e = env();
  return {
    connectTimeoutSeconds: e.DATABASE_CONNECT_TIMEOUT_SECONDS,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: e.DATABASE_IDLE_TRANSACTION_TIMEOUT_MS,
  };
}

export interface DatabaseDeadlines {
  connectTimeoutSeconds: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/** How long a run's lease lasts and how often its heartbeat renews it (lib/agent/lease.ts). */
export interface LeaseSettings {
  leaseSeconds: number;
  heartbeatSeconds: number;
}

export function leaseSettings(): LeaseSettings {
  const e = env();
  return { leaseSeconds: e.AGENT_LEASE_SECONDS, heartbeatSeconds: e.AGENT_HEARTBEAT_SECONDS };
}

/**
 * Whether the app server drafts and delivers queued jobs itself. With PostgreSQL an instance may
 * leave them to `npm run worker` processes; the embedded database has no other process to do them.
 */
export function appWorksQueue(): boolean {
  return env().APP_QUEUE_WORK === "on" || databaseKind() === "pglite";
}

export function defaultModelId(): string {
  return env().AGENT_MODEL;
}

/**
 * The secret that signs session tokens. In embedded mode a missing secret is
 * generated once and kept beside the database, so sessions survive restarts.
 * Against real Postgres the app runs as a deployment and must be told.
 */
export function authSecret(): string {
  const { AUTH_SECRET } = env();
  if (AUTH_SECRET) return AUTH_SECRET;
  if (databaseKind() === "postgres") {
    throw new ConfigError(
      "AUTH_SECRET is not set. With DATABASE_URL set, Countersign needs a shared secret: " +
        "set AUTH_SECRET to a random string of 32+ characters (for example `openssl rand -base64 32`).",
    );
  }
  const file = path.join(dataDir(), "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir(), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    try {
      writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
    } catch {
      // Another process wrote it first: use theirs.
    }
    return readFileSync(file, "utf8").trim();
  }
}
