import { MATCH_FIELDS } from "./match";

/** Text of a form field ("" when absent or a file). */
function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function texts(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === "string");
}

/** Empty means none; anything else must read as a number (zod says what is wrong with it). */
function minutesOf(form: FormData, name: string): number | null {
  const value = text(form, name).trim();
  return value === "" ? null : Number(value);
}

/** The group form's fields as reviewGroupInputSchema reads them. */
export function groupFormInput(form: FormData): Record<string, unknown> {
  const leads = new Set(texts(form, "lead"));
  const id = text(form, "id");
  return {
    id: id || undefined,
    name: text(form, "name"),
    description: text(form, "description"),
    members: texts(form, "member").map((userId) => ({ userId, isLead: leads.has(userId) })),
    slaMinutes: minutesOf(form, "slaMinutes"),
    hardLimitMinutes: minutesOf(form, "hardLimitMinutes"),
    overflowGroupId: text(form, "overflowGroupId") || null,
    isDefault: text(form, "isDefault") === "on",
  };
}

/** The rule form's fields as routingRuleInputSchema reads them (one checkbox list per condition). */
export function ruleFormInput(form: FormData): Record<string, unknown> {
  const id = text(form, "id");
  const match: Record<string, string[]> = {};
  for (const field of MATCH_FIELDS) match[field] = texts(form, field);
  return {
    id: id || undefined,
    name: text(form, "name"),
    groupId: text(form, "groupId"),
    match,
    enabled: text(form, "enabled") === "on",
  };
}
