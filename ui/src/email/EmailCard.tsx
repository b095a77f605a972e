// Settings › Email (issue 16): the SMTP server reports and alerts are e-mailed through.
// Host, port, security (STARTTLS by default; TLS; none only for a server on this
// computer), user name, password (kept in the OS keychain, never shown again: the field
// says whether one is saved), from address; Save; "Send test email" with the result in
// words; and the outbox's latest messages with their state and a Retry.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { Locale } from "../api/bindings/Locale";
import type { SmtpSecurity } from "../api/bindings/SmtpSecurity";
import type { SmtpSettings } from "../api/bindings/SmtpSettings";
import type { TestSend } from "../api/bindings/TestSend";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { Loading } from "../components/Status";
import { EmailState } from "./EmailState";
import { failureText } from "./failureText";
import { emailKeys, useOutbox, useSmtpSettings } from "./queries";
import "./EmailCard.css";

const SECURITIES: SmtpSecurity[] = ["starttls", "tls", "none"];
const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

export function EmailCard({ locale, timezone }: { locale: Locale; timezone: string }) {
  const { t } = useTranslation();
  const settings = useSmtpSettings();
  return (
    <section className="card settings-card" aria-labelledby="settings-email" data-testid="settings-email">
      <h2 id="settings-email" className="card-title">
        {t("email.title")}
      </h2>
      <p className="hint">{t("email.intro")}</p>
      {settings.isPending ? <Loading /> : null}
      {settings.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, settings.error)}
        </p>
      ) : null}
      {settings.data ? <SmtpForm value={settings.data} /> : null}
      {settings.data?.configured ? <TestSendForm /> : null}
      <Outbox locale={locale} timezone={timezone} />
    </section>
  );
}

function SmtpForm({ value }: { value: SmtpSettings }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [host, setHost] = useState(value.host);
  const [security, setSecurity] = useState<SmtpSecurity>(value.security);
  const [port, setPort] = useState(String(value.port));
  const [username, setUsername] = useState(value.username ?? "");
  const [password, setPassword] = useState("");
  const [from, setFrom] = useState(value.from);
  const save = useApiMutation(api.smtpSettingsSet, {
    meta: { inlineError: true },
    onSuccess: (s) => {
      qc.setQueryData(emailKeys.settings(), s);
      setPassword("");
      void qc.invalidateQueries({ queryKey: ["alert_channels"] });
    },
  });
  const portNumber = Number(port);
  const portValid = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  const ready = host.trim() !== "" && from.trim() !== "" && portValid && !save.isPending;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    save.mutate({
      host: host.trim(),
      port: portNumber,
      security,
      from: from.trim(),
      ...(username.trim() ? { username: username.trim() } : {}),
      ...(password ? { password } : {}),
    });
  };
  const passwordHint = value.password_saved
    ? value.password_store === "encrypted_file"
      ? t("email.passwordSavedFile")
      : t("email.passwordSaved")
    : t("email.passwordNone");
  return (
    <form className="email-form" onSubmit={submit} data-testid="smtp-form" aria-label={t("email.server")}>
      <div className="email-grid">
        <label htmlFor="smtp-host">{t("email.host")}</label>
        <input id="smtp-host" className="input" value={host} maxLength={253} placeholder="smtp.example.com" autoComplete="off" spellCheck={false} onChange={(e) => setHost(e.target.value)} />
        <label htmlFor="smtp-security">{t("email.security")}</label>
        <select
          id="smtp-security"
          className="input"
          value={security}
          aria-describedby="smtp-security-hint"
          onChange={(e) => {
            const next = e.target.value as SmtpSecurity;
            // Follow the usual port while the user has not chosen another one.
            if (Number(port) === DEFAULT_PORT[security]) setPort(String(DEFAULT_PORT[next]));
            setSecurity(next);
          }}
        >
          {SECURITIES.map((s) => (
            <option key={s} value={s}>
              {t(`email.securities.${s}`)}
            </option>
          ))}
        </select>
        <span id="smtp-security-hint" className="hint email-span">
          {t(`email.securityHints.${security}`)}
        </span>
        <label htmlFor="smtp-port">{t("email.port")}</label>
        <input id="smtp-port" className="input email-port" inputMode="numeric" value={port} aria-invalid={!portValid} onChange={(e) => setPort(e.target.value)} />
        <label htmlFor="smtp-user">{t("email.user")}</label>
        <input id="smtp-user" className="input" value={username} maxLength={255} autoComplete="username" onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="smtp-password">{t("email.password")}</label>
        <input
          id="smtp-password"
          className="input"
          type="password"
          value={password}
          autoComplete="new-password"
          aria-describedby="smtp-password-hint"
          placeholder={value.password_saved ? "••••••••" : ""}
          onChange={(e) => setPassword(e.target.value)}
        />
        <span id="smtp-password-hint" className="hint email-span" data-testid="smtp-password-hint">
          {passwordHint}
        </span>
        <label htmlFor="smtp-from">{t("email.from")}</label>
        <input id="smtp-from" className="input" type="email" value={from} maxLength={254} placeholder="me@example.com" aria-describedby="smtp-from-hint" onChange={(e) => setFrom(e.target.value)} />
        <span id="smtp-from-hint" className="hint email-span">
          {t("email.fromHint")}
        </span>
      </div>
      {save.isError ? (
        <p role="alert" className="field-error" data-testid="smtp-save-error">
          {errorText(t, save.error)}
        </p>
      ) : null}
      {save.isSuccess ? (
        <p role="status" className="hint" data-testid="smtp-saved">
          {t("email.saved")}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="submit" className="button primary" disabled={!ready} data-testid="smtp-save">
          {t("email.save")}
        </button>
      </div>
    </form>
  );
}

function TestSendForm() {
  const { t } = useTranslation();
  const [to, setTo] = useState("");
  const [result, setResult] = useState<TestSend | null>(null);
  const send = useApiMutation(api.smtpTestSend, { meta: { inlineError: true }, onSuccess: setResult });
  return (
    <form
      className="email-test"
      data-testid="smtp-test-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (to.trim() && !send.isPending) {
          setResult(null);
          send.mutate(to.trim());
        }
      }}
    >
      <label htmlFor="smtp-test-to">{t("email.testTo")}</label>
      <input id="smtp-test-to" className="input" type="email" value={to} placeholder="me@example.com" onChange={(e) => setTo(e.target.value)} />
      <button type="submit" className="button subtle" disabled={!to.trim() || send.isPending} data-testid="smtp-test-send">
        {send.isPending ? t("email.testSending") : t("email.testSend")}
      </button>
      <div className="email-test-result" aria-live="polite">
        {result?.sent ? (
          <p role="status" className="hint" data-testid="smtp-test-result">
            {t("email.testSent", { to: result.to })}
          </p>
        ) : null}
        {result?.failure ? (
          <p role="alert" className="field-error" data-testid="smtp-test-result">
            {failureText(t, result.failure.kind, result.failure.message)}
          </p>
        ) : null}
        {send.isError ? (
          <p role="alert" className="field-error" data-testid="smtp-test-error">
            {errorText(t, send.error)}
          </p>
        ) : null}
      </div>
    </form>
  );
}

function Outbox({ locale, timezone }: { locale: Locale; timezone: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const outbox = useOutbox();
  const retry = useApiMutation((id: string) => api.outboxRetry(id), { onSuccess: () => void qc.invalidateQueries({ queryKey: emailKeys.outbox() }) });
  return (
    <div className="email-outbox">
      <h3 className="email-subtitle">{t("email.outbox")}</h3>
      {outbox.data && outbox.data.length === 0 ? (
        <p className="muted" data-testid="outbox-empty">
          {t("email.outboxEmpty")}
        </p>
      ) : null}
      {outbox.data && outbox.data.length > 0 ? (
        <ul className="plain-list email-outbox-list" data-testid="outbox-list">
          {outbox.data.map((m) => (
            <li key={m.id} className="email-outbox-row">
              <div className="email-outbox-main">
                <span className="email-outbox-subject">{m.subject}</span>
                <span className="muted">{t("email.to", { to: m.recipients.join(", ") })}</span>
                <EmailState entry={m} locale={locale} timezone={timezone} testId="outbox-state" />
              </div>
              {m.status === "failed" || (m.status === "pending" && m.last_error) ? (
                <button type="button" className="button ghost" onClick={() => retry.mutate(m.id)} aria-label={t("email.retryNamed", { subject: m.subject })}>
                  {t("email.retry")}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {retry.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, retry.error)}
        </p>
      ) : null}
    </div>
  );
}
