// Which event links the calendar opens: only http, https and mailto. An imported calendar
// may carry any URI (javascript:, file:, a custom scheme); those stay visible as text in
// the editor but are never made clickable.

const SAFE = /^(https?:\/\/\S+|mailto:\S+)$/i;

/** The link to open for an event's URL, or null when it is not http, https or mailto. */
export function linkHref(url: string | null | undefined): string | null {
  const v = (url ?? "").trim();
  return SAFE.test(v) ? v : null;
}
