// Where the frame can take the user, with a small payload: another person's profile page
// (and which of its lists), or the Feed with the composer filled in (a focus session to
// share). Pages ask for a move with `useNavigate()`; the frame provides it.
import { createContext, useContext } from "react";
import type { PeopleList } from "../api/bindings/PeopleList";

export type Page = "home" | "calendar" | "focus" | "feed" | "profile" | "insights" | "settings";

/** What the Feed composer starts with; `nonce` makes each request a new draft. */
export type ComposerPrefill = { subject: string | null; studyDuration: string | null; nonce: number };

export type Route =
  | { page: Exclude<Page, "profile" | "feed"> }
  | { page: "feed"; prefill?: ComposerPrefill }
  /** `user`: an id or `@username`; `null`: me. */
  | { page: "profile"; user: string | null; list?: PeopleList };

export const NavigateContext = createContext<(route: Route) => void>(() => {});

/** Moves the frame to a route (outside the frame, does nothing). */
export function useNavigate(): (route: Route) => void {
  return useContext(NavigateContext);
}
