// Settings › Sync: sign in to a sync server (or create the account), the status in
// words, "Sync now", sign out, the account actions (change the password, sign out
// everywhere), the changes the server refused with retry / discard, and the attachment
// files it would not take.
// Sync is opt-in: until the user signs in nothing here touches the network.
import { useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError, RefusedChange, RefusedFile, RoundReport, SignInMode, SyncStatus } from "../api/client";
import { useApiMutation, useQueryClient } from "../api/queries";
import { settingsKeys, useSyncRefused, useSyncStatus } from "./queries";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Dialog } from "../components/Dialog";
import { Loading } from "../components/Status";
import "./SyncCard.css";
import { errorText } from "../api/errorText";

export function SyncCard() {
  const { t } = useTranslation();
  const status = useSyncStatus();
  return (
    <section className="card settings-card" aria-labelledby="settings-sync" data-testid="settings-sync">
      <h2 id="settings-sync" className="card-title">
        {t("sync.title")}
      </h2>
      {status.isPending ? <Loading /> : null}
      {status.isError ? (
        <p role="alert" className="field-error">
          {t("sync.loadFailed", { message: errorText(t, status.error) })}
        </p>
      ) : null}
      {status.data ? <SyncBody status={status.data} /> : null}
    </section>
  );
}

/**
 * What the last account action said, and for which state of the card (the notice of a
 * sign-out everywhere goes with the signed-out card). Signing in or out clears it.
 */
type Notice = { tone: "ok" | "error"; text: string; signedIn: boolean } | null;

function SyncBody({ status }: { status: SyncStatus }) {
  const signedIn = status.phase !== "off" && status.phase !== "signed_out";
  const [notice, setNotice] = useState<Notice>(null);
  return (
    <>
      <StatusLine status={status} />
      {notice && notice.signedIn === signedIn ? (
        <p
          className={notice.tone === "ok" ? "sync-notice" : "sync-notice field-error"}
          role={notice.tone === "ok" ? "status" : "alert"}
          data-testid="sync-notice"
          data-tone={notice.tone}
        >
          {notice.text}
        </p>
      ) : null}
      {signedIn ? <SignedIn onNotice={setNotice} /> : <SignInForm status={status} onNotice={setNotice} />}
      <RefusedList />
      <RefusedFiles files={status.refused_files} />
    </>
  );
}

function StatusLine({ status }: { status: SyncStatus }) {
  const { t, i18n } = useTranslation();
  const text =
    status.phase === "pending"
      ? t("sync.pending", { count: Number(status.pending) })
      : status.phase === "error"
        ? t("sync.error", { message: status.last_error ?? "" })
        : t(`sync.${status.phase}`);
  const last = status.last_sync_at
    ? new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(status.last_sync_at))
    : null;
  return (
    <div className="sync-status">
      <p data-testid="sync-status" data-phase={status.phase} aria-live="polite" className={`sync-phase sync-${status.phase}`}>
        {text}
      </p>
      {status.server_url && status.phase !== "off" ? (
        <p className="hint">
          {status.email ? `${status.email} · ` : ""}
          {status.server_url}
        </p>
      ) : null}
      {last ? <p className="hint">{t("sync.lastSync", { time: last })}</p> : null}
      {status.clock_offset_ms != null && status.phase !== "off" ? <ClockWarning offsetMs={status.clock_offset_ms} /> : null}
    </div>
  );
}

/** Says how far this computer's clock is from the server's (positive offset: behind). */
function ClockWarning({ offsetMs }: { offsetMs: number }) {
  const { t, i18n } = useTranslation();
  const minutes = Math.max(1, Math.round(Math.abs(offsetMs) / 60_000));
  const [value, unit] = minutes >= 120 ? [Math.round(minutes / 60), "hour"] : [minutes, "minute"];
  const amount = new Intl.NumberFormat(i18n.language, { style: "unit", unit, unitDisplay: "long" }).format(value);
  return (
    <p className="sync-clock-warning" role="status" data-testid="sync-clock-warning">
      {t(offsetMs < 0 ? "sync.clockAhead" : "sync.clockBehind", { amount })}
    </p>
  );
}

function SignInForm({ status, onNotice }: { status: SyncStatus; onNotice: (notice: Notice) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [server, setServer] = useState(status.server_url ?? "");
  const [email, setEmail] = useState(status.email ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const signIn = useApiMutation((mode: SignInMode) => api.syncSignIn(mode, { server_url: server, email, password }), {
    meta: { inlineError: true },
    onMutate: () => {
      setError(null);
      onNotice(null);
    },
    onSuccess: (next) => qc.setQueryData(settingsKeys.syncStatus(), next),
    onError: (e) => setError(errorText(t, e)),
    onSettled: () => {
      setPassword("");
      void qc.invalidateQueries();
    },
  });
  const submit = (mode: SignInMode) => (e?: FormEvent) => {
    e?.preventDefault();
    if (!signIn.isPending) signIn.mutate(mode);
  };
  return (
    <form className="sync-form" onSubmit={submit("login")} aria-busy={signIn.isPending}>
      <p className="hint">{t("sync.intro")}</p>
      <div className="field">
        <label htmlFor="sync-server">{t("sync.server")}</label>
        <input
          id="sync-server"
          data-testid="sync-server"
          type="url"
          required
          placeholder="https://sync.example.org"
          value={server}
          onChange={(e) => setServer(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="sync-email">{t("sync.email")}</label>
        <input id="sync-email" data-testid="sync-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="sync-password">{t("sync.password")}</label>
        <input
          id="sync-password"
          data-testid="sync-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      {error ? (
        <p role="alert" className="field-error" data-testid="sync-error">
          {error}
        </p>
      ) : null}
      <div className="button-row">
        <button type="submit" className="button primary" data-testid="sync-login" disabled={signIn.isPending}>
          {signIn.isPending && signIn.variables === "login" ? t("sync.signingIn") : t("sync.signIn")}
        </button>
        <button type="button" className="button ghost" data-testid="sync-signup" disabled={signIn.isPending} onClick={submit("signup")}>
          {signIn.isPending && signIn.variables === "signup" ? t("sync.signingIn") : t("sync.signUp")}
        </button>
      </div>
    </form>
  );
}

function SignedIn({ onNotice }: { onNotice: (notice: Notice) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [result, setResult] = useState<RoundReport | null>(null);
  const [confirm, setConfirm] = useState<"logout" | "everywhere" | null>(null);
  const [changing, setChanging] = useState(false);
  const now = useApiMutation(() => api.syncNow(), {
    onMutate: () => setResult(null),
    onSuccess: (report) => setResult(report),
    // Pulled changes may touch any page; a failure shows in the status line too.
    onSettled: () => void qc.invalidateQueries(),
  });
  const logout = useApiMutation(() => api.syncLogout(), {
    onMutate: () => onNotice(null),
    onSuccess: (next) => qc.setQueryData(settingsKeys.syncStatus(), next),
    onSettled: () => void qc.invalidateQueries({ queryKey: settingsKeys.syncStatus() }),
  });
  const everywhere = useApiMutation(() => api.syncLogoutEverywhere(), {
    meta: { inlineError: true },
    onMutate: () => onNotice(null),
    onSuccess: (next) => {
      onNotice({ tone: "ok", text: t("sync.signedOutEverywhere"), signedIn: false });
      qc.setQueryData(settingsKeys.syncStatus(), next);
    },
    // Signed out already: this device's key is gone, and the card shows the sign-in form.
    onError: (e) => onNotice({ tone: "error", text: everywhereError(t, e), signedIn: e.kind !== "sync_signed_out" }),
    onSettled: () => void qc.invalidateQueries({ queryKey: settingsKeys.syncStatus() }),
  });
  return (
    <>
      <div className="button-row">
        <button type="button" className="button primary" data-testid="sync-now" disabled={now.isPending} onClick={() => now.mutate(undefined)}>
          {now.isPending ? t("sync.syncing") : t("sync.now")}
        </button>
        <button type="button" className="button ghost" data-testid="sync-logout" onClick={() => setConfirm("logout")}>
          {t("sync.signOut")}
        </button>
        {result ? (
          <p className="hint" data-testid="sync-result" role="status">
            {t("sync.result", { sent: result.pushed + result.superseded, received: result.pulled })}
            {result.files_sent + result.files_received > 0
              ? ` · ${t("sync.filesResult", { sent: result.files_sent, received: result.files_received })}`
              : null}
          </p>
        ) : null}
      </div>
      <div className="sync-account" role="group" aria-labelledby="sync-account-title">
        <h3 id="sync-account-title">{t("sync.account")}</h3>
        <div className="button-row">
          <button
            type="button"
            className="button ghost"
            data-testid="sync-change-password"
            onClick={() => {
              onNotice(null);
              setChanging(true);
            }}
          >
            {t("sync.changePassword")}
          </button>
          <button
            type="button"
            className="button ghost danger-text"
            data-testid="sync-logout-everywhere"
            disabled={everywhere.isPending}
            onClick={() => setConfirm("everywhere")}
          >
            {everywhere.isPending ? t("sync.signingOut") : t("sync.signOutEverywhere")}
          </button>
        </div>
      </div>
      {confirm === "logout" ? (
        <ConfirmDialog
          title={t("sync.signOutTitle")}
          message={t("sync.signOutMessage")}
          confirmLabel={t("sync.signOut")}
          testId="sync-logout-dialog"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            logout.mutate(undefined);
          }}
        />
      ) : null}
      {confirm === "everywhere" ? (
        <ConfirmDialog
          title={t("sync.signOutEverywhereTitle")}
          message={t("sync.signOutEverywhereMessage")}
          confirmLabel={t("sync.signOutEverywhere")}
          testId="sync-logout-everywhere-dialog"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            everywhere.mutate(undefined);
          }}
        />
      ) : null}
      {changing ? (
        <ChangePasswordDialog
          onClose={() => setChanging(false)}
          onChanged={() => {
            setChanging(false);
            onNotice({ tone: "ok", text: t("sync.passwordChanged"), signedIn: true });
          }}
        />
      ) : null}
    </>
  );
}

type T = ReturnType<typeof useTranslation>["t"];

/** Sign out everywhere failed: nothing was revoked (or this device had been signed out already). */
function everywhereError(t: T, e: ApiError): string {
  switch (e.kind) {
    case "sync_offline":
      return t("sync.everywhereError.offline");
    case "sync_server":
      return t("sync.everywhereError.busy");
    case "sync_signed_out":
      return t("sync.everywhereError.signedOut");
    default:
      return t("sync.everywhereError.other", { message: errorText(t, e) });
  }
}

/** The server's answers to a password change, in the user's words. */
function passwordError(t: T, e: ApiError): string {
  switch (e.kind) {
    case "sync_wrong_password":
      return t("sync.passwordError.wrongPassword");
    case "sync_too_many_attempts":
      return t("sync.passwordError.tooManyAttempts");
    case "sync_server":
      return t("sync.passwordError.busy");
    case "sync_offline":
      return t("sync.passwordError.offline");
    case "sync_signed_out":
      return t("sync.passwordError.signedOut");
    default:
      return t("sync.passwordError.other", { message: errorText(t, e) });
  }
}

// The server's limits (NEW_PASSWORD_MIN_BYTES and PASSWORD_MAX_BYTES in
// crates/core/src/sync/session.rs). The minimum is asked for in characters, which is
// never fewer bytes, so a password this form accepts is never refused as too short.
const NEW_PASSWORD_MIN = 10;
const PASSWORD_MAX_BYTES = 1024;
const byteLength = (text: string) => new TextEncoder().encode(text).length;

type PasswordField = "current" | "next" | "confirm";

function ChangePasswordDialog({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const id = useId();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<{ field: PasswordField | null; text: string } | null>(null);
  const inputs = { current: useRef<HTMLInputElement>(null), next: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };
  const fail = (field: PasswordField | null, text: string) => {
    setError({ field, text });
    if (field) inputs[field].current?.focus();
  };
  const change = useApiMutation(() => api.syncChangePassword(current, next), {
    meta: { inlineError: true },
    onMutate: () => setError(null),
    onSuccess: (status) => {
      qc.setQueryData(settingsKeys.syncStatus(), status);
      onChanged();
    },
    onError: (e) => {
      if (e.kind === "sync_wrong_password") setCurrent("");
      fail(e.kind === "sync_wrong_password" ? "current" : null, passwordError(t, e));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: settingsKeys.syncStatus() }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (change.isPending) return;
    if (current.length === 0 || byteLength(current) > PASSWORD_MAX_BYTES) return fail("current", t("sync.passwordError.currentRequired"));
    if ([...next].length < NEW_PASSWORD_MIN) return fail("next", t("sync.passwordError.tooShort", { min: NEW_PASSWORD_MIN }));
    if (byteLength(next) > PASSWORD_MAX_BYTES) return fail("next", t("sync.passwordError.tooLong"));
    if (next !== confirm) return fail("confirm", t("sync.passwordError.mismatch"));
    change.mutate(undefined);
  };
  const errorId = `${id}-error`;
  const field = (name: PasswordField, label: string, value: string, set: (v: string) => void, extra: { hint?: string } = {}) => {
    const invalid = error?.field === name;
    const hintId = extra.hint ? `${id}-${name}-hint` : undefined;
    return (
      <div className="field">
        <label htmlFor={`${id}-${name}`}>{label}</label>
        <input
          ref={inputs[name]}
          id={`${id}-${name}`}
          data-testid={`sync-password-${name}`}
          type="password"
          autoComplete={name === "current" ? "current-password" : "new-password"}
          required
          minLength={name === "current" ? undefined : NEW_PASSWORD_MIN}
          value={value}
          aria-invalid={invalid || undefined}
          aria-describedby={[hintId, invalid ? errorId : undefined].filter(Boolean).join(" ") || undefined}
          data-autofocus={name === "current" ? true : undefined}
          onChange={(e) => set(e.target.value)}
        />
        {extra.hint ? (
          <span id={hintId} className="hint">
            {extra.hint}
          </span>
        ) : null}
      </div>
    );
  };
  return (
    <Dialog
      title={t("sync.changePasswordTitle")}
      testId="sync-password-dialog"
      className="sync-password-dialog"
      describedBy={`${id}-intro`}
      // While the server is asked, the dialog stays: its answer is shown here.
      onClose={() => {
        if (!change.isPending) onClose();
      }}
    >
      {/* noValidate: the checks below say what is wrong in the app's words and language. */}
      <form className="sync-password-form" noValidate onSubmit={submit} aria-busy={change.isPending}>
        <p id={`${id}-intro`} className="hint">
          {t("sync.changePasswordIntro")}
        </p>
        {field("current", t("sync.currentPassword"), current, setCurrent)}
        {field("next", t("sync.newPassword"), next, setNext, { hint: t("sync.newPasswordHint", { min: NEW_PASSWORD_MIN }) })}
        {field("confirm", t("sync.confirmPassword"), confirm, setConfirm)}
        {error ? (
          <p id={errorId} role="alert" className="field-error" data-testid="sync-password-error">
            {error.text}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button ghost" disabled={change.isPending} onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button primary" data-testid="sync-password-submit" disabled={change.isPending}>
            {change.isPending ? t("sync.changing") : t("sync.changePassword")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const KNOWN_TABLES = ["tasks", "task_lists", "calendar_events", "assignments", "courses"];

function RefusedList() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const refused = useSyncRefused();
  const [discarding, setDiscarding] = useState<RefusedChange | null>(null);
  const after = {
    onSuccess: (list: RefusedChange[]) => qc.setQueryData(settingsKeys.syncRefused(), list),
    onSettled: () => void qc.invalidateQueries({ queryKey: settingsKeys.syncStatus() }),
  };
  const retry = useApiMutation((id: number) => api.syncRetry(id), after);
  const discard = useApiMutation((id: number) => api.syncDiscard(id), after);
  const items = refused.data ?? [];
  if (items.length === 0) return null;
  return (
    <div className="sync-refused" data-testid="sync-refused">
      <h3>{t("sync.refusedTitle")}</h3>
      <p className="hint">{t("sync.refusedHint")}</p>
      <ul>
        {items.map((r) => {
          const what = KNOWN_TABLES.includes(r.table) ? t(`sync.table.${r.table as "tasks"}`) : r.table;
          const op = t(`sync.op.${r.op as "insert"}`, { defaultValue: r.op });
          return (
            <li key={Number(r.id)} className="sync-refused-item">
              <span>
                <strong>
                  {op} · {what}
                </strong>
                <span className="hint"> {r.message}</span>
              </span>
              <span className="button-row">
                <button type="button" className="button ghost" data-testid={`sync-retry-${r.id}`} onClick={() => retry.mutate(Number(r.id))}>
                  {t("sync.retry")}
                </button>
                <button type="button" className="button ghost" data-testid={`sync-discard-${r.id}`} onClick={() => setDiscarding(r)}>
                  {t("sync.discard")}
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {discarding ? (
        <ConfirmDialog
          title={t("sync.discardTitle")}
          message={t("sync.discardMessage")}
          confirmLabel={t("sync.discard")}
          testId="sync-discard-dialog"
          onCancel={() => setDiscarding(null)}
          onConfirm={() => {
            discard.mutate(Number(discarding.id));
            setDiscarding(null);
          }}
        />
      ) : null}
    </div>
  );
}

const FILE_REFUSALS = ["payload_too_large", "quota_exceeded", "hash_mismatch"] as const;

/** Attachment files the server would not take; sync offers each again a day later. */
function RefusedFiles({ files }: { files: RefusedFile[] }) {
  const { t, i18n } = useTranslation();
  if (files.length === 0) return null;
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="sync-refused" data-testid="sync-refused-files">
      <h3>{t("sync.refusedFilesTitle")}</h3>
      <p className="hint">{t("sync.refusedFilesHint")}</p>
      <ul>
        {files.map((f) => {
          const known = FILE_REFUSALS.find((code) => code === f.code);
          return (
            <li key={f.attachment_id} className="sync-refused-item" data-code={f.code}>
              <span className="sync-refused-file">
                <strong>{f.name ?? t("sync.unnamedFile")}</strong>
                {/* The server's own words (English) stay a tooltip when we have ours. */}
                <span title={known ? f.message : undefined}>{known ? t(`sync.fileRefusal.${known}`) : f.message}</span>
                <span className="hint">{when.format(new Date(f.refused_at))}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
