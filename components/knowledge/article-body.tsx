import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * An article's Markdown, rendered safely: raw HTML in the source is dropped
 * (`skipHtml`), and react-markdown's URL filter removes javascript: and other
 * unsafe link targets. Used by the article page and the editor's preview.
 */
export function ArticleBody({ markdown }: { markdown: string }) {
  return (
    <div className="prose max-w-none [&_a]:text-sky-800 [&_a]:underline [&_h2]:mt-4 [&_h2]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_p]:my-2 [&_ul]:list-disc [&_table]:my-2 [&_table]:block [&_table]:overflow-x-auto [&_td]:border [&_td]:border-slate-300 [&_td]:px-2 [&_th]:border [&_th]:border-slate-300 [&_th]:bg-slate-50 [&_th]:px-2 [&_th]:text-left break-words">
      <Markdown skipHtml remarkPlugins={[remarkGfm]}>
        {markdown}
      </Markdown>
    </div>
  );
}
