import Markdown from "react-markdown";

/**
 * An article's Markdown, rendered safely: raw HTML in the source is dropped
 * (`skipHtml`), and react-markdown's URL filter removes javascript: and other
 * unsafe link targets. Used by the article page and the editor's preview.
 */
export function ArticleBody({ markdown }: { markdown: string }) {
  return (
    <div className="prose max-w-none [&_a]:text-sky-800 [&_a]:underline [&_h2]:mt-4 [&_h2]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_p]:my-2 [&_ul]:list-disc">
      <Markdown skipHtml>{markdown}</Markdown>
    </div>
  );
}
