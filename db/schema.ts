/**
 * The database schema, one file per concept; drizzle-kit and the app read it all from here
 * (`@/db/schema`). The files import each other directly, never this barrel.
 */
export * from "./schema-agent";
export * from "./schema-audit";
export * from "./schema-auth";
export * from "./schema-autopilot";
export * from "./schema-customers";
export * from "./schema-delivery";
export * from "./schema-imports";
export * from "./schema-kb";
export * from "./schema-metrics";
export * from "./schema-review";
export * from "./schema-routing";
export * from "./schema-tickets";
