"use client";

/**
 * What a person sees when a page or an action fails: the message when it is
 * one written for them (e.g. a form too large to send), a generic one otherwise.
 */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  // Errors rendered on the server arrive with a digest and no message worth showing.
  const message = error.digest ? "Something went wrong on our side. Try again in a moment." : error.message;
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-xl font-semibold">This did not work</h1>
      <p role="alert" className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
        {message}
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded bg-brand px-4 py-2 font-medium text-white"
      >
        Try again
      </button>
    </main>
  );
}
