import * as api from "../api/client";
import { useSessionMutation } from "./queries";
import type { NewSession } from "../api/bindings/NewSession";

/**
 * Starts a session. A second running session is refused by the core with kind
 * `conflict`; its message reaches the alert region like every failed call.
 */
export function useStartSession() {
  return useSessionMutation((input: NewSession) => api.sessionStart(input));
}

/** A one-click start: named (a focus area, a link) or from an activity's defaults. */
export function quickSession(over: Partial<NewSession>): NewSession {
  return { name: null, activity_id: null, course_id: null, config: null, ...over };
}
