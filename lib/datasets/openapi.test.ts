import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ingestOpenApi } from "@/lib/ingest/openapi";
import { buildOpenApiDocument } from "@/lib/openapi/document";
import { FILTER_KEYS } from "./filters";
import { buildManifest, emptyTally } from "./manifest";
import { datasetsOpenApi, EXPORT_PARAMETERS, exportManifestSchema } from "./openapi";

describe("the exports OpenAPI section", () => {
  it("joins the document next to the section that defines Error", () => {
    const doc = buildOpenApiDocument({ sections: [ingestOpenApi, datasetsOpenApi] });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/exports/{format}",
        "/api/v1/exports/{format}/count",
        "/api/v1/exports/{format}/manifest",
      ]),
    );
    expect(doc.components.schemas).toHaveProperty("ExportManifest");
    expect(doc.components.schemas).toHaveProperty("ExportCount");
    for (const [urlPath, item] of Object.entries(datasetsOpenApi.paths)) {
      const op = item.get as { parameters: { name: string; in: string }[]; security: object[] };
      expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(
        [...urlPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
      );
      for (const requirement of op.security) {
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes).toHaveProperty(scheme);
      }
    }
    for (const id of ["ExportManifest", "ExportCount"]) {
      expect(() => z.fromJSONSchema(doc.components.schemas[id] as never), id).not.toThrow();
    }
  });

  it("lists exactly the query parameters the handlers read", () => {
    expect(EXPORT_PARAMETERS.filter((p) => p.in === "query").map((p) => p.name)).toEqual([
      ...FILTER_KEYS,
      "asOf",
    ]);
  });

  it("describes the manifest the code builds", () => {
    const tally = emptyTally();
    tally.records = 2;
    tally.byDecision.edit = 2;
    tally.policyVersions.set("00000000-0000-4000-8000-000000000001", { version: 1, records: 2 });
    tally.models.set("offline", 2);
    const manifest = buildManifest({
      format: "dpo",
      filters: { decision: ["edit"], tags: ["tone"], demo: false, redact: true, redactOrders: false },
      asOf: new Date("2026-11-24T10:00:00Z"),
      tally,
      sha256: "a".repeat(64),
      formats: { sft: 3, dpo: 2, trl: 2, csv: 4 },
    });
    expect(exportManifestSchema.parse(manifest)).toEqual(manifest);
  });
});
