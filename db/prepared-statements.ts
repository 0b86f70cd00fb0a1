import type { Sql, TransactionSql } from "postgres";

type Client = Sql | TransactionSql;

/**
 * drizzle sends every statement to postgres.js with `prepare: false` unless it was built with
 * `.prepare()`. For such a statement with parameters postgres.js first asks PostgreSQL for the
 * parameters' types (Parse, Describe, Flush) and only then binds and runs it: two round trips a
 * statement, and the statements a transaction sends together wait for each other. This wrapper
 * gives postgres.js back its own default: each statement text is prepared once per connection,
 * then bound and run in one round trip, and several are pipelined. Plans are still made for each
 * execution's values (`plan_cache_mode = force_custom_plan` on the connection), so a search for a
 * rare term and one for a common term keep their different plans.
 */
export function preparingStatements<T extends Client>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
          (target.unsafe as (q: string, p?: unknown[], o?: Record<string, unknown>) => unknown)(
            query,
            parameters,
            { ...options, prepare: true },
          );
      }
      if (property === "begin" || property === "savepoint") {
        // A transaction's (or savepoint's) own client gets the same treatment.
        return (...args: unknown[]) => {
          const body = args.at(-1) as (tx: TransactionSql) => unknown;
          const method = Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown;
          return method.apply(target, [
            ...args.slice(0, -1),
            (tx: TransactionSql) => body(preparingStatements(tx)),
          ]);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}
