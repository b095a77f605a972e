// Settings › Sync: sign in to a sync server (or create the account), the status in
// words, "Sync now", sign out, the changes the server refused with retry / discard, and
// the attachment files it would not take.
// Sync is opt-in: until the user signs in nothing here touches the network.
import { useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { RefusedChange, RefusedFile, RoundReport, SignInMode, SyncStatus } from "../api/client";
import { keys, useApiMutation, useQueryClient, useSyncRefused, useSyncStatus } from "../api/queries";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Loading } from "../components/Status";

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
          {t("sync.loadFailed", { message: status.error.message })}
        </p>
      ) : null}
      {status.data ? <SyncBody status={status.data} /> : null}
    </section>
  );
}

function SyncBody({ status }: { status: SyncStatus }) {
  const signedIn = status.phase !== "off" && status.phase !== "signed_out";
  return (
    <>
      <StatusLine status={status} />
      {signedIn ? <SignedIn /> : <SignInForm status={status} />}
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

function SignInForm({ status }: { status: SyncStatus }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [server, setServer] = useState(status.server_url ?? "");
  const [email, setEmail] = useState(status.email ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const signIn = useApiMutation((mode: SignInMode) => api.syncSignIn(mode, { server_url: server, email, password }), {
    meta: { inlineError: true },
    onMutate: () => setError(null),
    onSuccess: (next) => qc.setQueryData(keys.syncStatus, next),
    onError: (e) => setError(e.message),
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

function SignedIn() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [result, setResult] = useState<RoundReport | null>(null);
  const [confirm, setConfirm] = useState(false);
  const now = useApiMutation(() => api.syncNow(), {
    onMutate: () => setResult(null),
    onSuccess: (report) => setResult(report),
    // Pulled changes may touch any page; a failure shows in the status line too.
    onSettled: () => void qc.invalidateQueries(),
  });
  const logout = useApiMutation(() => api.syncLogout(), {
    onSuccess: (next) => qc.setQueryData(keys.syncStatus, next),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.syncStatus }),
  });
  return (
    <div className="button-row">
      <button type="button" className="button primary" data-testid="sync-now" disabled={now.isPending} onClick={() => now.mutate(undefined)}>
        {now.isPending ? t("sync.syncing") : t("sync.now")}
      </button>
      <button type="button" className="button ghost" data-testid="sync-logout" onClick={() => setConfirm(true)}>
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
      {confirm ? (
        <ConfirmDialog
          title={t("sync.signOutTitle")}
          message={t("sync.signOutMessage")}
          confirmLabel={t("sync.signOut")}
          testId="sync-logout-dialog"
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            setConfirm(false);
            logout.mutate(undefined);
          }}
        />
      ) : null}
    </div>
  );
}

const KNOWN_TABLES = ["tasks", "task_lists", "calendar_events", "assignments", "courses"];

function RefusedList() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const refused = useSyncRefused();
  const [discarding, setDiscarding] = useState<RefusedChange | null>(null);
  const after = {
    onSuccess: (list: RefusedChange[]) => qc.setQueryData(keys.syncRefused, list),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.syncStatus }),
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
