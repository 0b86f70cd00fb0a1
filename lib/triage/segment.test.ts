import { describe, expect, it } from "vitest";
import { sentences } from "@/lib/triage/segment";

describe("sentences", () => {
  it("keeps prices, domains and abbreviations inside their sentence", () => {
    expect(
      sentences(
        "Express delivery costs $9.99 and arrives next day. Visit shop.example.com for details. Some items, e.g. Furniture, ship separately.",
      ),
    ).toEqual([
      "Express delivery costs $9.99 and arrives next day.",
      "Visit shop.example.com for details.",
      "Some items, e.g. Furniture, ship separately.",
    ]);
  });

  it("splits on question and exclamation marks", () => {
    expect(sentences("Done! Really? Yes.")).toEqual(["Done!", "Really?", "Yes."]);
  });

  it("keeps a text without punctuation whole", () => {
    expect(sentences("Just a note")).toEqual(["Just a note"]);
  });
});
