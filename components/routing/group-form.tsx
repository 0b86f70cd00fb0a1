"use client";

import { useActionState, useId } from "react";
import { deleteGroupAction, saveGroupAction } from "@/app/(app)/routing/actions";
import { Button } from "@/components/ui/button";
import { InputField } from "@/components/ui/input-field";
import { SelectField } from "@/components/ui/select-field";
import type { ReviewGroupRow } from "@/db/queries/routing";
import type { ActionResult } from "@/lib/errors";
import { FieldError, fieldError, SaveOutcome } from "./form-bits";

interface Person {
  id: string;
  name: string;
  role: string;
}

/** How wide the group's text, number and select fields are. */
const WIDTH = "w-full max-w-80";

/** A review group: name, SLA, overflow, default, and its members (each possibly a lead). */
export function GroupForm({
  group,
  people,
  groups,
}: {
  group?: ReviewGroupRow;
  people: Person[];
  groups: { id: string; name: string }[];
}) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(saveGroupAction, { ok: true });
  const [deleted, remove, deleting] = useActionState<ActionResult, FormData>(deleteGroupAction, { ok: true });
  const id = useId();
  const title = group ? `Group ${group.name}` : "New group";
  const member = (userId: string) => group?.members.find((m) => m.userId === userId);
  return (
    <section aria-label={title} className="space-y-3 rounded bg-white p-4 shadow-sm">
      <h3 className="font-semibold">
        {group ? group.name : "New group"}
        {group ? (
          <span className="ml-2 text-sm font-normal text-slate-600">
            {group.undecided.toLocaleString("en")} undecided {group.undecided === 1 ? "action" : "actions"}
          </span>
        ) : null}
      </h3>
      <form action={action} className="space-y-3">
        {group ? <input type="hidden" name="id" value={group.id} /> : null}
        <div className="grid gap-3 md:grid-cols-2">
          <InputField
            id={`${id}-name`}
            label="Name"
            error={fieldError(state, "name")}
            name="name"
            required
            maxLength={80}
            defaultValue={group?.name}
            className={WIDTH}
          />
          <InputField
            id={`${id}-description`}
            label="Description"
            error={fieldError(state, "description")}
            name="description"
            maxLength={500}
            defaultValue={group?.description}
            className={WIDTH}
          />
          <InputField
            id={`${id}-sla`}
            label="SLA target (minutes)"
            error={fieldError(state, "slaMinutes")}
            name="slaMinutes"
            type="number"
            min={1}
            defaultValue={group?.slaMinutes ?? ""}
            className={WIDTH}
          />
          <InputField
            id={`${id}-hard`}
            label="Hard limit (minutes)"
            error={fieldError(state, "hardLimitMinutes")}
            name="hardLimitMinutes"
            type="number"
            min={1}
            defaultValue={group?.hardLimitMinutes ?? ""}
            className={WIDTH}
          />
          <SelectField
            id={`${id}-overflow`}
            label="Overflow group"
            error={fieldError(state, "overflowGroupId")}
            name="overflowGroupId"
            defaultValue={group?.overflowGroupId ?? ""}
            options={[
              { value: "", label: "None" },
              ...groups.filter((g) => g.id !== group?.id).map((g) => ({ value: g.id, label: g.name })),
            ]}
            className={WIDTH}
          />
          <label className="flex items-center gap-2 self-end text-sm">
            <input
              type="checkbox"
              name="isDefault"
              defaultChecked={group?.isDefault ?? groups.length === 0}
            />
            Default group (gets what no rule matches)
          </label>
        </div>
        <fieldset aria-describedby={`${id}-members-error`}>
          <legend className="text-sm font-medium">Members</legend>
          <table className="mt-1 text-sm">
            <thead className="text-left text-slate-600">
              <tr>
                <th className="pr-4 font-normal">Person</th>
                <th className="pr-4 font-normal">Member</th>
                <th className="font-normal">Lead</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td className="pr-4">
                    {p.name} <span className="text-slate-600">({p.role})</span>
                  </td>
                  <td className="pr-4">
                    <input
                      type="checkbox"
                      name="member"
                      value={p.id}
                      aria-label={`${p.name} is a member`}
                      defaultChecked={Boolean(member(p.id))}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      name="lead"
                      value={p.id}
                      aria-label={`${p.name} is a lead`}
                      defaultChecked={Boolean(member(p.id)?.isLead)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <FieldError id={`${id}-members-error`} state={state} field="members" />
        </fieldset>
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? "Saving…" : group ? "Save group" : "Create group"}
        </Button>
        <SaveOutcome state={state} />
      </form>
      {group ? (
        <form action={remove}>
          <input type="hidden" name="id" value={group.id} />
          <Button
            type="submit"
            variant="danger"
            disabled={deleting}
            aria-label={`Delete group ${group.name}`}
          >
            Delete group
          </Button>
          <SaveOutcome state={deleted} />
        </form>
      ) : null}
    </section>
  );
}
