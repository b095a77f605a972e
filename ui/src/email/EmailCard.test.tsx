import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { OutboxEntry } from "../api/bindings/OutboxEntry";
import type { SmtpSettings } from "../api/bindings/SmtpSettings";
import i18n from "../i18n";
import { renderWithClient } from "../test/render";
import { EmailCard } from "./EmailCard";

vi.mock("../api/client", () => import("../test/clientMock"));

const saved: SmtpSettings = {
  configured: true,
  host: "smtp.example.com",
  port: 587,
  security: "starttls",
  username: "ann",
  from: "ann@example.com",
  password_saved: true,
  password_store: "keychain",
};

const entry = (patch: Partial<OutboxEntry>): OutboxEntry => ({
  id: "m1",
  source: "report:r1",
  recipients: ["bo@example.org"],
  subject: "Studydesk report: Weekly",
  attachment_name: "weekly.pdf",
  attachment_size: 1200,
  status: "sent",
  attempts: 1,
  next_attempt_at: null,
  last_error: null,
  last_error_kind: null,
  sent_at: "2026-11-22T03:03:00.000Z",
  created_at: "2026-11-22T03:00:00.000Z",
  ...patch,
});

describe("Settings › Email", () => {
  beforeEach(async () => {
    await i18n.changeLanguage("en");
    vi.mocked(api.smtpSettingsGet).mockResolvedValue({ ...saved, configured: false, host: "", username: null, from: "", password_saved: false });
    vi.mocked(api.outboxList).mockResolvedValue([]);
  });

  it("saves the server with its password, which is then only said to be saved", async () => {
    const user = userEvent.setup();
    vi.mocked(api.smtpSettingsSet).mockResolvedValue(saved);
    renderWithClient(<EmailCard locale="en" timezone="Asia/Tokyo" />);
    await user.type(await screen.findByLabelText("Server (host)"), "smtp.example.com");
    expect(screen.getByLabelText("Port")).toHaveValue("587");
    // Choosing TLS moves the usual port with it.
    await user.selectOptions(screen.getByLabelText("Security"), "tls");
    expect(screen.getByLabelText("Port")).toHaveValue("465");
    await user.selectOptions(screen.getByLabelText("Security"), "starttls");
    await user.type(screen.getByLabelText("User name"), "ann");
    await user.type(screen.getByLabelText("Password"), "s3cret");
    await user.type(screen.getByLabelText("From address"), "ann@example.com");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(api.smtpSettingsSet).toHaveBeenCalledWith({ host: "smtp.example.com", port: 587, security: "starttls", from: "ann@example.com", username: "ann", password: "s3cret" }),
    );
    expect(await screen.findByTestId("smtp-password-hint")).toHaveTextContent("A password is saved in the system keychain");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByTestId("smtp-saved")).toHaveTextContent("Saved.");
  });

  it("shows the core's refusal in words, such as no TLS for a server on the network", async () => {
    const user = userEvent.setup();
    vi.mocked(api.smtpSettingsSet).mockRejectedValue({ kind: "validation", message: "without TLS the password and the messages would cross the network in clear: choose STARTTLS or TLS for smtp.example.com" });
    renderWithClient(<EmailCard locale="en" timezone="UTC" />);
    await user.type(await screen.findByLabelText("Server (host)"), "smtp.example.com");
    await user.selectOptions(screen.getByLabelText("Security"), "none");
    expect(screen.getByText(/only for a mail server running on this computer/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("From address"), "ann@example.com");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByTestId("smtp-save-error")).toHaveTextContent("in clear");
  });

  it("sends a test e-mail and words a refused password in the user's language", async () => {
    const user = userEvent.setup();
    vi.mocked(api.smtpSettingsGet).mockResolvedValue(saved);
    vi.mocked(api.smtpTestSend).mockResolvedValueOnce({ sent: true, to: "ann@example.com", failure: null });
    renderWithClient(<EmailCard locale="en" timezone="UTC" />);
    await user.type(await screen.findByLabelText("Send a test e-mail to"), "ann@example.com");
    await user.click(screen.getByRole("button", { name: "Send test email" }));
    expect(await screen.findByTestId("smtp-test-result")).toHaveTextContent("Sent a test e-mail to ann@example.com.");

    vi.mocked(api.smtpTestSend).mockResolvedValueOnce({ sent: false, to: "ann@example.com", failure: { kind: "auth", message: "the mail server smtp.example.com:587 refused the user name or password (535)" } });
    await i18n.changeLanguage("ja");
    await user.click(screen.getByRole("button", { name: "テストメールを送る" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("メールサーバーがユーザー名またはパスワードを受け付けませんでした。");
  });

  it("lists recent e-mails with their state and retries a failed one", async () => {
    const user = userEvent.setup();
    vi.mocked(api.outboxList).mockResolvedValue([
      entry({}),
      entry({ id: "m2", subject: "Studydesk: Reading", status: "pending", sent_at: null, last_error: "could not connect", last_error_kind: "connect", next_attempt_at: "2026-11-22T03:35:00.000Z" }),
      entry({ id: "m3", subject: "Old", status: "failed", sent_at: null, last_error: "x", last_error_kind: "starttls" }),
    ]);
    vi.mocked(api.outboxRetry).mockResolvedValue(entry({ id: "m3", status: "pending" }));
    renderWithClient(<EmailCard locale="en" timezone="Asia/Tokyo" />);
    const rows = within(await screen.findByTestId("outbox-list")).getAllByRole("listitem");
    expect(rows[0]).toHaveTextContent("E-mail sent");
    expect(rows[0]).toHaveTextContent("12:03");
    expect(rows[1]).toHaveTextContent("E-mail failed: Could not connect to the mail server.");
    expect(rows[1]).toHaveTextContent("Retrying at");
    expect(rows[1]).toHaveTextContent("12:35");
    expect(rows[2]).toHaveTextContent("E-mail not sent: The mail server does not offer STARTTLS");
    expect(within(rows[0]!).queryByRole("button")).toBeNull();
    await user.click(within(rows[2]!).getByRole("button", { name: "Retry sending Old" }));
    await waitFor(() => expect(api.outboxRetry).toHaveBeenCalledWith("m3"));
  });
});
