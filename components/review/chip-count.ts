/** A filter chip's figure: "10,000+" when counting stopped at the cap (at least that many wait). */
export function chipCount(
  counts: Record<string, number> | undefined,
  capped: Record<string, boolean> | undefined,
  key: string,
): string {
  const n = (counts?.[key] ?? 0).toLocaleString("en-US");
  return capped?.[key] ? `${n}+` : n;
}
