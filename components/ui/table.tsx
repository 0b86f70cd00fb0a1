import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

/**
 * A data table that scrolls inside its own box on narrow screens, with long
 * cell values wrapping rather than widening the page. Named by `label`.
 */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="relative overflow-x-auto">
      <table
        aria-label={label}
        className="w-full border-collapse rounded bg-white text-sm shadow-sm [&_td]:[overflow-wrap:anywhere]"
      >
        {children}
      </table>
    </div>
  );
}

export function TableHead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-100 text-left">
      <tr>{children}</tr>
    </thead>
  );
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={`px-3 py-2${className ? ` ${className}` : ""}`} {...props} />;
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`px-3 py-2${className ? ` ${className}` : ""}`} {...props} />;
}
