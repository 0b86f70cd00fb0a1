import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-3 text-slate-600">
        There is nothing at this address. It may have been removed, or the link is wrong.
      </p>
      <Link href="/tickets" className="mt-6 inline-block text-sky-800 underline">
        Back to tickets
      </Link>
    </div>
  );
}
