// Web and mail links leave the app: the webview opens no second window, so a click on a
// link (a study resource, a playlist, an event's link, Markdown in a text widget) would do
// nothing. One listener, in the capture phase, hands every such click to Rust, which
// opens the system's browser or mail program (`link_open`, refusing anything but http,
// https and mailto); a failure (no browser set up) is said in the error toasts.
import { linkOpen } from "../api/client";
import { reportError } from "./errors";

/** The longest link opened (as the core's `links::LINK_MAX`). */
const LINK_MAX = 2048;
/** http(s) with a host, or mailto with an address; no spaces, controls or bidi marks. */
const OPENABLE = /^(https?:\/\/[^/\s]|mailto:[^\s]*@)/i;
// eslint-disable-next-line no-control-regex
const UNSAFE_CHAR = /[\s\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The link as the app may open it, or null: the UI's side of the core's `links::check`
 * (the same rule, so what is drawn as a link is what Rust will open). Imported calendars
 * and Markdown may carry any URI (javascript:, file:, a custom scheme); those stay text.
 */
export function openableLink(href: string | null | undefined): string | null {
  const link = (href ?? "").trim();
  return OPENABLE.test(link) && !UNSAFE_CHAR.test(link) && [...link].length <= LINK_MAX ? link : null;
}

/** The link a click landed on that must leave the app, if any. */
export function externalLinkOf(target: EventTarget | null): string | null {
  const anchor = target instanceof Element ? target.closest("a[href]") : null;
  return openableLink(anchor?.getAttribute("href"));
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
