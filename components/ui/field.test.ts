import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InputField } from "./input-field";
import { SelectField } from "./select-field";

describe("form fields", () => {
  it("label a number input and tie its error to it", () => {
    const html = renderToStaticMarkup(
      createElement(InputField, {
        id: "g-sla",
        label: "SLA target (minutes)",
        error: "Give a whole number of minutes.",
        name: "slaMinutes",
        type: "number",
        min: 1,
        className: "w-full",
      }),
    );
    expect(html).toContain(
      '<label for="g-sla" class="block text-sm font-medium">SLA target (minutes)</label>',
    );
    const input = html.match(/<input [^>]*>/)?.[0] ?? "";
    expect(input).toMatch(/^<input id="g-sla" aria-describedby="g-sla-error" /);
    expect(input).toContain(' class="mt-1 rounded border border-slate-300 px-2 py-1 text-sm w-full"');
    expect(input).toContain(' type="number"');
    expect(input).toContain(' name="slaMinutes"');
    expect(html).toContain(
      '<p id="g-sla-error" class="mt-0.5 text-xs text-red-800">Give a whole number of minutes.</p>',
    );
  });

  it("list a select's options in order, the chosen one selected, with an empty error text", () => {
    const html = renderToStaticMarkup(
      createElement(SelectField, {
        id: "g-overflow",
        label: "Overflow group",
        name: "overflowGroupId",
        defaultValue: "b",
        options: [
          { value: "", label: "None" },
          { value: "a", label: "Leads" },
          { value: "b", label: "Billing" },
        ],
      }),
    );
    expect(html).toContain('<label for="g-overflow"');
    expect(html).toContain('<select id="g-overflow" aria-describedby="g-overflow-error"');
    expect(html).toMatch(
      /<option value="">None<\/option><option value="a">Leads<\/option><option value="b" selected="">Billing<\/option>/,
    );
    expect(html).toContain('<p id="g-overflow-error" class="mt-0.5 text-xs text-red-800"></p>');
  });
});
