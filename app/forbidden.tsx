import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="mt-3 text-slate-600">
        Your role does not give you access to this page. If you need it, ask an admin to change your role.
      </p>
      <Link href="/tickets" className="mt-6 inline-block text-sky-800 underline">
        Back to tickets
      </Link>
    </div>
  );
}
