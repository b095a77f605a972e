import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { SyncStatus } from "../api/client";
import i18n from "../i18n";
import { syncOff } from "../test/clientMock";
import { renderWithClient } from "../test/render";
import { SyncCard } from "./SyncCard";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.setConfig({ testTimeout: 20_000 });

const base: SyncStatus = syncOff;
const signedIn: SyncStatus = {
  ...base,
  phase: "synced",
  server_url: "http://127.0.0.1:8787",
  email: "ada@example.org",
  last_sync_at: "2026-11-22T10:00:00.000Z",
};

afterEach(async () => {
  vi.clearAllMocks();
  await i18n.changeLanguage("en");
});

describe("Settings › Sync", () => {
  it("signs in with the typed server, email and password, then says Synced", async () => {
    const user = userEvent.setup();
    vi.mocked(api.syncStatus).mockResolvedValueOnce(base).mockResolvedValue(signedIn);
    vi.mocked(api.syncSignIn).mockResolvedValue(signedIn);
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-status")).toHaveTextContent("Sync is off. Your data stays on this device.");
    await user.type(screen.getByLabelText("Server"), "http://127.0.0.1:8787");
    await user.type(screen.getByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "correct horse battery");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(api.syncSignIn).toHaveBeenCalledWith("login", {
      server_url: "http://127.0.0.1:8787",
      email: "ada@example.org",
      password: "correct horse battery",
    });
    await waitFor(() => expect(screen.getByTestId("sync-status")).toHaveAttribute("data-phase", "synced"));
    expect(screen.getByTestId("sync-status")).toHaveTextContent("Synced");
    expect(screen.getByRole("button", { name: "Sync now" })).toBeInTheDocument();
  });

  it("shows the server's refusal and keeps the form, with the password cleared", async () => {
    const user = userEvent.setup();
    vi.mocked(api.syncSignIn).mockRejectedValue({ kind: "sync_signed_out", message: "the email or the password is wrong" });
    renderWithClient(<SyncCard />);
    await user.type(await screen.findByLabelText("Server"), "http://127.0.0.1:8787");
    await user.type(screen.getByLabelText("Email"), "ada@example.org");
    await user.type(screen.getByLabelText("Password"), "nope nope");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(api.syncSignIn).toHaveBeenCalledWith("signup", expect.objectContaining({ email: "ada@example.org" }));
    expect(await screen.findByTestId("sync-error")).toHaveTextContent("the email or the password is wrong");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.org");
  });

  it("counts the changes waiting, and Sync now reports what it sent and received", async () => {
    const user = userEvent.setup();
    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, phase: "pending", pending: 3 });
    vi.mocked(api.syncNow).mockResolvedValue({ pushed: 3, superseded: 0, refused: 0, pulled: 5, apply_errors: 0, files_sent: 0, files_received: 0, files_refused: 0 });
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-status")).toHaveTextContent("3 changes waiting to sync");
    expect(screen.getByText(/ada@example.org/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    expect(api.syncNow).toHaveBeenCalled();
    expect(await screen.findByTestId("sync-result")).toHaveTextContent("Sent 3, received 5");
    expect(screen.getByTestId("sync-result")).not.toHaveTextContent("files");

    vi.mocked(api.syncNow).mockResolvedValue({ pushed: 0, superseded: 0, refused: 0, pulled: 1, apply_errors: 0, files_sent: 0, files_received: 2, files_refused: 0 });
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    await waitFor(() => expect(screen.getByTestId("sync-result")).toHaveTextContent("Sent 0, received 1 · files: 0 sent, 2 received"));
  });

  it("lists the attached files the server would not take, with the reason in the user's words", async () => {
    vi.mocked(api.syncStatus).mockResolvedValue({
      ...signedIn,
      refused_files: [
        { attachment_id: "a1", name: "lecture.mp4", code: "payload_too_large", message: "the file (600.0 MiB) is larger than the 512.0 MiB a synced file may be", refused_at: "2026-11-22T10:00:00.000Z" },
        { attachment_id: "a2", name: null, code: "quota_exceeded", message: "the file (3.0 MiB) does not fit", refused_at: "2026-11-22T10:05:00.000Z" },
        { attachment_id: "a3", name: "desk.png", code: "hash_mismatch", message: "the body's SHA-256 is f23d, not the b5fd of the path", refused_at: "2026-11-22T10:06:00.000Z" },
        { attachment_id: "a4", name: "odd.png", code: "teapot", message: "a reason this app does not know", refused_at: "2026-11-22T10:07:00.000Z" },
      ],
    });
    renderWithClient(<SyncCard />);
    const list = await screen.findByTestId("sync-refused-files");
    expect(list).toHaveTextContent("Files not synced");
    const items = within(list).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent("lecture.mp4Too large to sync: the server takes smaller files.");
    expect(items[1]).toHaveTextContent("Unnamed fileYour storage on the sync server is full.");
    expect(items[2]).toHaveTextContent("desk.pngThe file changed on this computer after it was attached. Attach it again to sync the new version.");
    expect(items[2]).not.toHaveTextContent("SHA-256");
    expect(within(items[2]!).getByTitle("the body's SHA-256 is f23d, not the b5fd of the path")).toBeInTheDocument();
    expect(items[3]).toHaveTextContent("odd.pnga reason this app does not know");
  });

  it("shows no file list when every file synced", async () => {
    vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-status")).toBeInTheDocument();
    expect(screen.queryByTestId("sync-refused-files")).not.toBeInTheDocument();
  });

  it("discards a refused change only after confirmation", async () => {
    const user = userEvent.setup();
    const refused = {
      id: 7,
      table: "tasks",
      row_id: "r1",
      op: "update",
      code: "forbidden",
      message: "this account may not change that row",
      retryable: false,
      refused_at: "2026-11-22T10:00:00.000Z",
      attempts: 1,
    };
    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, refused: 1 });
    vi.mocked(api.syncRefused).mockResolvedValue([refused]);
    vi.mocked(api.syncRetry).mockResolvedValue([]);
    vi.mocked(api.syncDiscard).mockResolvedValue([]);
    renderWithClient(<SyncCard />);
    const list = await screen.findByTestId("sync-refused");
    expect(list).toHaveTextContent("Edit · Task");
    expect(list).toHaveTextContent("this account may not change that row");
    await user.click(screen.getByTestId("sync-discard-7"));
    expect(api.syncDiscard).not.toHaveBeenCalled();
    await user.click(await screen.findByTestId("sync-discard-dialog-confirm"));
    expect(api.syncDiscard).toHaveBeenCalledWith(7);
    await waitFor(() => expect(screen.queryByTestId("sync-refused")).not.toBeInTheDocument());
  });

  it("retries with the change's id", async () => {
    const user = userEvent.setup();
    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, refused: 1 });
    vi.mocked(api.syncRefused).mockResolvedValue([
      { id: 9, table: "calendar_events", row_id: "e", op: "insert", code: "fk_missing", message: "refers to a course the server does not have", retryable: true, refused_at: "2026-11-22T10:00:00.000Z", attempts: 1 },
    ]);
    vi.mocked(api.syncRetry).mockResolvedValue([]);
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-refused")).toHaveTextContent("New · Event");
    await user.click(screen.getByTestId("sync-retry-9"));
    expect(api.syncRetry).toHaveBeenCalledWith(9);
    await waitFor(() => expect(screen.queryByTestId("sync-refused")).not.toBeInTheDocument());
  });

  it("says when this computer's clock is off, ahead or behind, and says nothing when it is right", async () => {
    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, clock_offset_ms: -12 * 60_000 });
    const { unmount } = renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-clock-warning")).toHaveTextContent("This computer's clock is 12 minutes ahead of the sync server.");
    unmount();

    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, clock_offset_ms: 3 * 3_600_000 + 60_000 });
    const behind = renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-clock-warning")).toHaveTextContent("This computer's clock is 3 hours behind the sync server.");
    behind.unmount();

    await i18n.changeLanguage("ja");
    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, clock_offset_ms: -5 * 60_000 });
    const ja = renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-clock-warning")).toHaveTextContent("同期サーバーより 5 分 進んでいます");
    ja.unmount();

    vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-status")).toBeInTheDocument();
    expect(screen.queryByTestId("sync-clock-warning")).not.toBeInTheDocument();
  });

  it("renders the signed-in card with its account actions", async () => {
    vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-status")).toHaveTextContent("Synced");
    const account = screen.getByRole("group", { name: "Account" });
    expect(within(account).getByRole("button", { name: "Change password" })).toBeInTheDocument();
    expect(within(account).getByRole("button", { name: "Sign out everywhere" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign out" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sync now" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Server")).not.toBeInTheDocument();
  });

  it("signs out everywhere only after confirmation, then shows the signed-out card", async () => {
    const user = userEvent.setup();
    const signedOut: SyncStatus = { ...signedIn, phase: "signed_out", last_sync_at: null };
    vi.mocked(api.syncStatus).mockResolvedValueOnce(signedIn).mockResolvedValue(signedOut);
    vi.mocked(api.syncLogoutEverywhere).mockResolvedValue(signedOut);
    renderWithClient(<SyncCard />);
    const button = await screen.findByRole("button", { name: "Sign out everywhere" });

    // Escape cancels, and the focus comes back to the button.
    await user.click(button);
    const dialog = await screen.findByRole("alertdialog", { name: "Sign out everywhere?" });
    expect(dialog).toHaveTextContent(
      "Every device signed in to this account, this one included, will need to sign in again. Your data stays on each device.",
    );
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(api.syncLogoutEverywhere).not.toHaveBeenCalled();

    // Keyboard only: Enter opens, Tab to the confirm button, Enter signs out.
    await user.keyboard("{Enter}");
    await screen.findByRole("alertdialog", { name: "Sign out everywhere?" });
    await user.tab();
    expect(screen.getByTestId("sync-logout-everywhere-dialog-confirm")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(api.syncLogoutEverywhere).toHaveBeenCalledTimes(1);
    expect(api.syncLogout).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByTestId("sync-status")).toHaveAttribute("data-phase", "signed_out"));
    expect(screen.getByTestId("sync-status")).toHaveTextContent("Signed out — sign in again to resume");
    expect(screen.getByLabelText("Password")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.org");
    expect(screen.queryByRole("button", { name: "Sign out everywhere" })).not.toBeInTheDocument();
    expect(screen.getByTestId("sync-notice")).toHaveTextContent("Every device of this account is signed out.");

    // Signing in again clears the notice.
    vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
    vi.mocked(api.syncSignIn).mockResolvedValue(signedIn);
    await user.type(screen.getByLabelText("Password"), "correct horse battery");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByTestId("sync-status")).toHaveAttribute("data-phase", "synced"));
    expect(screen.queryByTestId("sync-notice")).not.toBeInTheDocument();
  });

  it("says so on the signed-out card when this device had been signed out already", async () => {
    const user = userEvent.setup();
    const signedOut: SyncStatus = { ...signedIn, phase: "signed_out" };
    vi.mocked(api.syncStatus).mockResolvedValueOnce(signedIn).mockResolvedValue(signedOut);
    vi.mocked(api.syncLogoutEverywhere).mockRejectedValue({ kind: "sync_signed_out", message: "this key was revoked" });
    renderWithClient(<SyncCard />);
    await user.click(await screen.findByRole("button", { name: "Sign out everywhere" }));
    await user.click(await screen.findByTestId("sync-logout-everywhere-dialog-confirm"));
    await waitFor(() => expect(screen.getByTestId("sync-status")).toHaveAttribute("data-phase", "signed_out"));
    expect(screen.getByRole("alert")).toHaveTextContent("This device was already signed out, so it could not sign out the others.");
  });

  it("says in words that nothing was signed out when the server cannot be reached", async () => {
    const user = userEvent.setup();
    vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
    vi.mocked(api.syncLogoutEverywhere).mockRejectedValue({ kind: "sync_offline", message: "could not reach the sync server at http://127.0.0.1:8787: connection refused" });
    renderWithClient(<SyncCard />);
    await user.click(await screen.findByRole("button", { name: "Sign out everywhere" }));
    await user.click(await screen.findByTestId("sync-logout-everywhere-dialog-confirm"));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not reach the sync server, so no device was signed out.");
    expect(screen.getByTestId("sync-status")).toHaveAttribute("data-phase", "synced");
    expect(screen.getByRole("button", { name: "Sign out everywhere" })).toBeEnabled();
  });

  describe("change password", () => {
    async function openDialog() {
      const user = userEvent.setup();
      vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
      renderWithClient(<SyncCard />);
      const button = await screen.findByRole("button", { name: "Change password" });
      await user.click(button);
      const dialog = await screen.findByRole("dialog", { name: "Change your password" });
      return { user, button, dialog };
    }

    it("opens with the focus on the current password, labelled fields and the minimum shown; Escape cancels", async () => {
      const { user, button, dialog } = await openDialog();
      const current = within(dialog).getByLabelText("Current password");
      const next = within(dialog).getByLabelText("New password");
      const confirm = within(dialog).getByLabelText("Confirm new password");
      expect(current).toHaveFocus();
      expect(current).toHaveAttribute("type", "password");
      expect(current).toHaveAttribute("autocomplete", "current-password");
      expect(next).toHaveAttribute("autocomplete", "new-password");
      expect(confirm).toHaveAttribute("autocomplete", "new-password");
      expect(next).toHaveAccessibleDescription("At least 10 characters.");
      expect(dialog).toHaveAccessibleDescription(/Every other device signed in to this account will be signed out/);
      await user.keyboard("{Escape}");
      expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
      expect(button).toHaveFocus();
      expect(api.syncChangePassword).not.toHaveBeenCalled();
    });

    it("says a too-short or mismatched new password before sending anything", async () => {
      const { user, dialog } = await openDialog();
      const next = within(dialog).getByLabelText("New password");
      const confirm = within(dialog).getByLabelText("Confirm new password");

      await user.click(within(dialog).getByRole("button", { name: "Change password" }));
      expect(within(dialog).getByRole("alert")).toHaveTextContent("Enter your current password.");

      await user.type(within(dialog).getByLabelText("Current password"), "old password");
      await user.type(next, "short");
      await user.type(confirm, "short");
      await user.click(within(dialog).getByRole("button", { name: "Change password" }));
      expect(within(dialog).getByRole("alert")).toHaveTextContent("The new password must be at least 10 characters.");
      expect(next).toHaveAttribute("aria-invalid", "true");
      expect(next).toHaveFocus();

      await user.clear(next);
      await user.type(next, "a long new password");
      await user.clear(confirm);
      await user.type(confirm, "a long new passwort{Enter}");
      expect(within(dialog).getByRole("alert")).toHaveTextContent("The new passwords do not match.");
      expect(confirm).toHaveAttribute("aria-invalid", "true");
      expect(confirm).toHaveAccessibleDescription("The new passwords do not match.");
      expect(api.syncChangePassword).not.toHaveBeenCalled();
    });

    it("changes the password with both passwords, then says so and stays signed in", async () => {
      const { user, button, dialog } = await openDialog();
      vi.mocked(api.syncChangePassword).mockResolvedValue(signedIn);
      await user.type(within(dialog).getByLabelText("Current password"), "old password");
      await user.type(within(dialog).getByLabelText("New password"), "a long new password");
      await user.type(within(dialog).getByLabelText("Confirm new password"), "a long new password{Enter}");
      expect(api.syncChangePassword).toHaveBeenCalledWith("old password", "a long new password");
      await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
      expect(screen.getByTestId("sync-notice")).toHaveTextContent(
        "Password changed. Your other devices must sign in again with the new password.",
      );
      expect(screen.getByTestId("sync-notice")).toHaveAttribute("role", "status");
      expect(screen.getByTestId("sync-status")).toHaveAttribute("data-phase", "synced");
      expect(button).toHaveFocus();
    });

    it("says a wrong current password in words, keeps the dialog and clears that field", async () => {
      const { user, dialog } = await openDialog();
      vi.mocked(api.syncChangePassword).mockRejectedValue({ kind: "sync_wrong_password", message: "the current password is wrong" });
      const current = within(dialog).getByLabelText("Current password");
      await user.type(current, "not it");
      await user.type(within(dialog).getByLabelText("New password"), "a long new password");
      await user.type(within(dialog).getByLabelText("Confirm new password"), "a long new password");
      await user.click(within(dialog).getByRole("button", { name: "Change password" }));
      expect(api.syncChangePassword).toHaveBeenCalledWith("not it", "a long new password");
      expect(await within(dialog).findByRole("alert")).toHaveTextContent("The current password is wrong. Nothing was changed.");
      expect(current).toHaveValue("");
      expect(current).toHaveFocus();
      expect(screen.queryByTestId("sync-notice")).not.toBeInTheDocument();
    });

    it.each([
      ["sync_too_many_attempts", "too many failed sign-ins; try again later", "Too many wrong password attempts. Wait 15 minutes, then try again."],
      ["sync_server", "the server is busy checking other passwords; try again in a few seconds", "The sync server is busy. Nothing was changed; try again in a moment."],
      ["sync_offline", "could not reach the sync server", "Could not reach the sync server. Check your connection and try again."],
      ["sync_refused", "something new", "Could not change the password: something new"],
    ])("words the server's %s answer for the user", async (kind, message, words) => {
      const { user, dialog } = await openDialog();
      vi.mocked(api.syncChangePassword).mockRejectedValue({ kind, message });
      await user.type(within(dialog).getByLabelText("Current password"), "old password");
      await user.type(within(dialog).getByLabelText("New password"), "a long new password");
      await user.type(within(dialog).getByLabelText("Confirm new password"), "a long new password{Enter}");
      expect(await within(dialog).findByRole("alert")).toHaveTextContent(words);
    });
  });

  it("says the account actions in Japanese", async () => {
    const user = userEvent.setup();
    await i18n.changeLanguage("ja");
    vi.mocked(api.syncStatus).mockResolvedValue(signedIn);
    vi.mocked(api.syncChangePassword).mockRejectedValue({ kind: "sync_wrong_password", message: "the current password is wrong" });
    renderWithClient(<SyncCard />);
    expect(await screen.findByRole("group", { name: "アカウント" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "すべてのデバイスでサインアウト" }));
    expect(await screen.findByRole("alertdialog", { name: "すべてのデバイスでサインアウトしますか？" })).toHaveTextContent(
      "このデバイスを含め、このアカウントにサインインしているすべてのデバイスで、もう一度サインインが必要になります。データはそれぞれのデバイスに残ります。",
    );
    await user.click(screen.getByRole("button", { name: "キャンセル" }));

    await user.click(screen.getByRole("button", { name: "パスワードを変更" }));
    const dialog = await screen.findByRole("dialog", { name: "パスワードの変更" });
    expect(within(dialog).getByLabelText("新しいパスワード")).toHaveAccessibleDescription("10 文字以上で入力してください。");
    await user.type(within(dialog).getByLabelText("現在のパスワード"), "old password");
    await user.type(within(dialog).getByLabelText("新しいパスワード"), "a long new password");
    await user.type(within(dialog).getByLabelText("新しいパスワード（確認）"), "a long new passwort{Enter}");
    expect(within(dialog).getByRole("alert")).toHaveTextContent("新しいパスワードが一致しません。");
    await user.clear(within(dialog).getByLabelText("新しいパスワード（確認）"));
    await user.type(within(dialog).getByLabelText("新しいパスワード（確認）"), "a long new password{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("現在のパスワードが正しくありません。何も変更されていません。");
  });

  it("speaks Japanese", async () => {
    await i18n.changeLanguage("ja");
    vi.mocked(api.syncStatus).mockResolvedValue({ ...signedIn, phase: "offline" });
    renderWithClient(<SyncCard />);
    expect(await screen.findByTestId("sync-status")).toHaveTextContent("オフライン — あとで再試行します");
    expect(screen.getByRole("button", { name: "今すぐ同期" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "同期" })).toBeInTheDocument();
  });
});
