// A text widget's Markdown, rendered as React elements (never as HTML): raw HTML in the
// text is dropped, links open only for http(s) and mailto, and images show only when they
// are the user's own attachments; a remote image shows its alt text instead, so a note can
// never load something from the network or run a script.
import Markdown from "react-markdown";
import type { Components } from "react-markdown";
import { useMediaSrc } from "../feed/mediaRef";
import { openableLink } from "../lib/externalLinks";

const components: Components = {
  a: ({ href, children }) => {
    const link = openableLink(href);
    return link ? <a href={link} target="_blank" rel="noreferrer noopener">{children}</a> : <span>{children}</span>;
  },
  img: ({ src, alt }) => <LocalImage reference={typeof src === "string" ? src : null} alt={alt ?? ""} />,
};

/** One of my attachments (`attachment:<sha256>.<ext>`), or its alt text for anything else. */
export function LocalImage({ reference, alt }: { reference: string | null; alt: string }) {
  const src = useMediaSrc(reference);
  return src ? <img src={src} alt={alt} /> : <span className="text-widget-image-alt">{alt}</span>;
}

export function TextWidget({ markdown }: { markdown: string }) {
  return (
    <div className="text-widget">
      <Markdown skipHtml components={components} urlTransform={(url) => url}>
        {markdown}
      </Markdown>
    </div>
  );
}
