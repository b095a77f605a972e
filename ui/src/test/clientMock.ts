// The stand-in for ../api/client in component tests: every command is a vi.fn(), the
// error helpers are the real ones. Use with
//   vi.mock("../api/client", () => import("../test/clientMock"));
import { vi } from "vitest";
import type * as Real from "../api/client";

export { isApiError, toApiError } from "../api/apiError";

type Commands = Omit<typeof Real, "isApiError" | "toApiError">;

export const appState = vi.fn<Commands["appState"]>();
export const onboardingComplete = vi.fn<Commands["onboardingComplete"]>();
export const homeGet = vi.fn<Commands["homeGet"]>();
export const taskAdd = vi.fn<Commands["taskAdd"]>();
export const taskRename = vi.fn<Commands["taskRename"]>();
export const taskSetCompleted = vi.fn<Commands["taskSetCompleted"]>();
export const taskSetDue = vi.fn<Commands["taskSetDue"]>();
export const taskReorder = vi.fn<Commands["taskReorder"]>();
export const taskDelete = vi.fn<Commands["taskDelete"]>();
export const courseAdd = vi.fn<Commands["courseAdd"]>();
export const courseDelete = vi.fn<Commands["courseDelete"]>();
export const assignmentAdd = vi.fn<Commands["assignmentAdd"]>();
export const assignmentUpdate = vi.fn<Commands["assignmentUpdate"]>();
export const assignmentDelete = vi.fn<Commands["assignmentDelete"]>();
export const focusEntryAdd = vi.fn<Commands["focusEntryAdd"]>();
export const focusEntryDelete = vi.fn<Commands["focusEntryDelete"]>();
export const resourceAdd = vi.fn<Commands["resourceAdd"]>();
export const resourceDelete = vi.fn<Commands["resourceDelete"]>();
export const playlistAdd = vi.fn<Commands["playlistAdd"]>();
export const playlistDelete = vi.fn<Commands["playlistDelete"]>();
export const settingsUpdate = vi.fn<Commands["settingsUpdate"]>();
export const layoutUpdate = vi.fn<Commands["layoutUpdate"]>();
