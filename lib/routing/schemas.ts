import { z } from "zod";
import { routingMatchSchema } from "./match";

const minutes = (what: string) =>
  z
    .number({ error: `Enter the ${what} in whole minutes, or leave it empty for none.` })
    .int(`The ${what} is in whole minutes.`)
    .min(1, `The ${what} must be at least 1 minute.`)
    .max(525_600, `The ${what} can be at most a year (525,600 minutes).`)
    .nullable();

export const groupMemberSchema = z.object({
  userId: z.uuid("A member is not a known user; reload the page."),
  isLead: z.boolean(),
});

/** A review group as the routing page saves it. */
export const reviewGroupInputSchema = z
  .object({
    id: z.uuid("This group id is not valid; reload the page.").optional(),
    name: z.string().trim().min(1, "Give the group a name.").max(80, "Keep the name under 80 characters."),
    description: z.string().trim().max(500, "Keep the description under 500 characters.").default(""),
    members: z.array(groupMemberSchema).max(500, "A group can have at most 500 members."),
    slaMinutes: minutes("SLA target"),
    hardLimitMinutes: minutes("hard limit"),
    overflowGroupId: z.uuid("Choose an overflow group from the list.").nullable(),
    isDefault: z.boolean(),
  })
  .superRefine((g, ctx) => {
    if (g.slaMinutes !== null && g.hardLimitMinutes !== null && g.hardLimitMinutes < g.slaMinutes)
      ctx.addIssue({
        code: "custom",
        path: ["hardLimitMinutes"],
        message: "The hard limit must be at least the SLA target.",
      });
    if (g.id && g.overflowGroupId === g.id)
      ctx.addIssue({
        code: "custom",
        path: ["overflowGroupId"],
        message: "A group cannot overflow to itself: choose another group or none.",
      });
    if (new Set(g.members.map((m) => m.userId)).size !== g.members.length)
      ctx.addIssue({ code: "custom", path: ["members"], message: "A person is listed twice." });
  });
export type ReviewGroupInput = z.infer<typeof reviewGroupInputSchema>;

/** A routing rule as the routing page saves it (its place in the order is moved separately). */
export const routingRuleInputSchema = z.object({
  id: z.uuid("This rule id is not valid; reload the page.").optional(),
  name: z.string().trim().min(1, "Give the rule a name.").max(120, "Keep the name under 120 characters."),
  groupId: z.uuid("Choose the group this rule sends actions to."),
  match: routingMatchSchema.refine((m) => Object.keys(m).length > 0, {
    message: "Choose at least one condition: a rule with none would take every action.",
  }),
  enabled: z.boolean(),
});
export type RoutingRuleInput = z.infer<typeof routingRuleInputSchema>;

export const moveRuleSchema = z.object({
  id: z.uuid("This rule id is not valid; reload the page."),
  direction: z.enum(["up", "down"], "Move a rule up or down."),
});
