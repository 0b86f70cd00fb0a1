import Link from "next/link";
import { Table, TableHead, Td, Th } from "@/components/ui/table";
import { humanize } from "@/lib/format";
import type { AgreementFigures, AgreementReport } from "@/lib/metrics/agreement";

const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)} %`);
/** Kappa is not defined with no pairs or when both reviewers used a single class. */
const kappa = (value: number | null) => (value === null ? "not defined" : value.toFixed(2));

function FiguresCells({ figures }: { figures: AgreementFigures }) {
  return (
    <>
      <Td className="text-right tabular-nums">{figures.pairs}</Td>
      <Td className="text-right tabular-nums">{percent(figures.rate)}</Td>
      <Td className="text-right tabular-nums">{kappa(figures.kappa)}</Td>
    </>
  );
}

const FIGURE_HEADS = (
  <>
    <Th className="text-right">Pairs</Th>
    <Th className="text-right">Agreement</Th>
    <Th className="text-right">Cohen's kappa</Th>
  </>
);

/** Blind second reviews against first decisions: overall, per category and reviewer, and each disagreement. */
export function AgreementSection({ agreement }: { agreement: AgreementReport }) {
  if (agreement.pairs === 0) {
    return (
      <p className="mt-2 text-sm text-slate-600">
        No second review was given in this period. A sample of decisions waits for one under Second reviews on
        the queue.
      </p>
    );
  }
  return (
    <div className="mt-2 space-y-4">
      <p className="text-sm">
        {agreement.agreed} of {agreement.pairs} second reviews agreed with the first decision (
        {percent(agreement.rate)}); Cohen's kappa {kappa(agreement.kappa)}.
      </p>
      <div className="grid gap-4 lg:grid-cols-2">
        <Table label="Agreement per category">
          <TableHead>
            <Th>Category</Th>
            {FIGURE_HEADS}
          </TableHead>
          <tbody>
            {agreement.byCategory.map((c) => (
              <tr key={`${c.intent}|${c.actionKind}`} className="border-t border-slate-100">
                <Td>
                  {humanize(c.intent)} · {c.actionKind}
                </Td>
                <FiguresCells figures={c} />
              </tr>
            ))}
          </tbody>
        </Table>
        <Table label="Agreement per reviewer">
          <TableHead>
            <Th>Reviewer</Th>
            {FIGURE_HEADS}
          </TableHead>
          <tbody>
            {agreement.byReviewer.map((r) => (
              <tr key={r.reviewerId ?? r.reviewerName} className="border-t border-slate-100">
                <Td>{r.reviewerName}</Td>
                <FiguresCells figures={r} />
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {agreement.disagreements.length > 0 ? (
        <Table label="Disagreements to calibrate on">
          <TableHead>
            <Th>Ticket</Th>
            <Th>Category</Th>
            <Th>First decision</Th>
            <Th>Second decision</Th>
          </TableHead>
          <tbody>
            {agreement.disagreements.map((d) => (
              <tr key={d.actionId} className="border-t border-slate-100">
                <Td>
                  <Link href={d.ticketHref} className="text-sky-800 underline">
                    {d.subject}
                  </Link>
                </Td>
                <Td>
                  {humanize(d.intent)} · {d.actionKind}
                </Td>
                <Td>
                  {d.first.decision} ({d.first.reviewerName})
                </Td>
                <Td>
                  {d.second.decision} ({d.second.reviewerName})
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
      {agreement.disagreementsOmitted > 0 ? (
        <p className="text-sm text-slate-600">and {agreement.disagreementsOmitted} more disagreements.</p>
      ) : null}
    </div>
  );
}
