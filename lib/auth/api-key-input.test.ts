import { describe, expect, it } from "vitest";
import { parseApiKeyArgs } from "./api-key-input";

describe("parseApiKeyArgs", () => {
  it("reads --name and --scopes, in either form", () => {
    expect(parseApiKeyArgs(["--name", "Zendesk", "--scopes", "tickets:ingest,metrics:read"])).toEqual({
      name: "Zendesk",
      scopes: ["tickets:ingest", "metrics:read"],
    });
    expect(parseApiKeyArgs(["--scopes=datasets:export, datasets:export", "--name=ML"])).toEqual({
      name: "ML",
      scopes: ["datasets:export"],
    });
  });

  it("refuses unknown scopes, missing values and stray arguments with the usage", () => {
    expect(() => parseApiKeyArgs(["--name", "x", "--scopes", "users:manage"])).toThrow(
      /Unknown scope "users:manage"[\s\S]*Usage: npm run apikey:create/,
    );
    expect(() => parseApiKeyArgs(["--name", "x"])).toThrow(/--scopes is required/);
    expect(() => parseApiKeyArgs(["--name", "--scopes", "tickets:ingest"])).toThrow(/--name needs a value/);
    expect(() => parseApiKeyArgs(["--name", "x", "--scopes", "tickets:ingest", "extra"])).toThrow(
      /Unknown argument/,
    );
    expect(() => parseApiKeyArgs(["--name", " ", "--scopes", "tickets:ingest"])).toThrow(
      /Give the key a name/,
    );
  });
});
