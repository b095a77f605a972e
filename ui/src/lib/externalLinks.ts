// Web and mail links leave the app: the webview opens no second window, so a click on a
// link (a study resource, a playlist, an event's link, Markdown in a text widget) would do
// nothing. One listener, in the capture phase, hands every such click to Rust, which
// opens the system's browser or mail program (`link_open`, refusing anything but http,
// https and mailto); a failure (no browser set up) is said in the error toasts.
import { linkOpen } from "../api/client";
import { reportError } from "./errors";

const EXTERNAL = /^(https?:|mailto:)/i;

/** The link a click landed on that must leave the app, if any. */
export function externalLinkOf(target: EventTarget | null): string | null {
  const anchor = target instanceof Element ? target.closest("a[href]") : null;
  const href = anchor?.getAttribute("href") ?? "";
  return EXTERNAL.test(href.trim()) ? href.trim() : null;
}

/** Installs the listener on `doc`; answers how to remove it. */
export function installExternalLinks(doc: Document = document, open: (url: string) => Promise<unknown> = linkOpen): () => void {
  const onClick = (e: MouseEvent) => {
    const link = e.button === 0 || e.button === 1 ? externalLinkOf(e.target) : null;
    if (!link) return;
    e.preventDefault();
    open(link).catch((error: unknown) => reportError(error, "save"));
  };
  doc.addEventListener("click", onClick, true);
  doc.addEventListener("auxclick", onClick, true);
  return () => {
    doc.removeEventListener("click", onClick, true);
    doc.removeEventListener("auxclick", onClick, true);
  };
}
