// Settings › API keys (issue 16 item 4): the local HTTP API's switch (off by default) and
// port, and the keys scripts use with it. A new key is shown once, with a Copy button and a
// warning (only its hash is kept); the list shows scopes, expiry and last use; revoking
// asks first. The API itself is crates/local-api (docs/openapi/local-api-v1.yaml).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { ApiKey } from "../api/bindings/ApiKey";
import type { ApiScope } from "../api/bindings/ApiScope";
import type { CreatedApiKey } from "../api/bindings/CreatedApiKey";
import type { LocalApiSettings } from "../api/bindings/LocalApiSettings";
import type { UserSettings } from "../api/bindings/UserSettings";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Loading } from "../components/Status";
import { formatDateTime } from "../lib/dates";
import { settingsKeys } from "./queries";
import "./ApiKeysCard.css";

const SCOPES: ApiScope[] = ["tasks:read", "tasks:write", "calendar:read", "focus:read", "insights:read"];
// i18next reads ":" as its namespace separator: the words' keys use "-".
const scopeKey = (s: ApiScope) => `apiKeys.scope.${s.replace(":", "-")}`;

export function ApiKeysCard({ settings }: { settings: UserSettings }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const keys = useQuery<ApiKey[], ApiError>({ queryKey: settingsKeys.apiKeys(), queryFn: api.apiKeysList });
  const local = useQuery<LocalApiSettings, ApiError>({ queryKey: settingsKeys.localApi(), queryFn: api.localApiSettingsGet });
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: settingsKeys.apiKeys() });
  const create = useApiMutation(api.apiKeyCreate, {
    onSuccess: (c) => {
      setCreated(c);
      void refresh();
    },
  });
  const revoke = useApiMutation((id: string) => api.apiKeyRevoke(id), { onSuccess: () => void refresh() });
  const saveLocal = useApiMutation((s: LocalApiSettings) => api.localApiSettingsSet(s), {
    onSuccess: (s) => qc.setQueryData(settingsKeys.localApi(), s),
  });
  const when = (iso: string | null) =>
    iso ? formatDateTime(iso, settings.preferred_locale, settings.timezone ?? "UTC") : null;

  return (
    <section className="card settings-card" aria-labelledby="settings-api-keys" data-testid="settings-api-keys">
      <h2 id="settings-api-keys" className="card-title">
        {t("apiKeys.title")}
      </h2>
      <p className="hint">{t("apiKeys.intro")}</p>
      {local.data ? <LocalApiSwitch value={local.data} saving={saveLocal.isPending} onSave={(s) => saveLocal.mutate(s)} /> : null}
      {saveLocal.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, saveLocal.error)}
        </p>
      ) : null}
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}
      <CreateForm pending={create.isPending} error={create.isError ? errorText(t, create.error) : null} onCreate={(k) => create.mutate(k)} />
      <h3 className="api-keys-subtitle">{t("apiKeys.yourKeys")}</h3>
      {keys.isPending ? <Loading /> : null}
      {keys.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, keys.error)}
        </p>
      ) : null}
      {keys.data && keys.data.length === 0 ? (
        <p className="muted" data-testid="api-keys-empty">
          {t("apiKeys.none")}
        </p>
      ) : null}
      {keys.data && keys.data.length > 0 ? (
        <ul className="plain-list api-keys-list" data-testid="api-keys-list">
          {keys.data.map((k) => (
            <li key={k.id} className="api-key-row">
              <div className="api-key-main">
                <span className="api-key-name">{k.name}</span>
                <span className="muted api-key-scopes">{k.scopes.map((s) => t(scopeKey(s))).join(t("apiKeys.scopeJoin"))}</span>
                <span className="muted api-key-dates">
                  {k.active ? (k.expires_at ? t("apiKeys.expires", { when: when(k.expires_at) }) : t("apiKeys.noExpiry")) : t("apiKeys.revoked")}
                  {" · "}
                  {k.last_used ? t("apiKeys.lastUsed", { when: when(k.last_used) }) : t("apiKeys.neverUsed")}
                </span>
              </div>
              {k.active ? (
                <button type="button" className="button ghost danger-text" onClick={() => setRevoking(k)} aria-label={t("apiKeys.revokeNamed", { name: k.name })}>
                  {t("apiKeys.revoke")}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {revoke.isError ? (
        <p role="alert" className="field-error">
          {errorText(t, revoke.error)}
        </p>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={t("apiKeys.revokeTitle", { name: revoking.name })}
          message={t("apiKeys.revokeMessage")}
          confirmLabel={t("apiKeys.revoke")}
          testId="api-key-revoke-dialog"
          onCancel={() => setRevoking(null)}
          onConfirm={() => {
            revoke.mutate(revoking.id);
            setRevoking(null);
          }}
        />
      ) : null}
    </section>
  );
}

function LocalApiSwitch({ value, saving, onSave }: { value: LocalApiSettings; saving: boolean; onSave: (s: LocalApiSettings) => void }) {
  const { t } = useTranslation();
  const [port, setPort] = useState(String(value.port));
  const portNumber = Number(port);
  const portValid = Number.isInteger(portNumber) && portNumber >= 1024 && portNumber <= 65535;
  return (
    <div className="api-local">
      <div className="switch-row">
        <input
          id="local-api-enabled"
          type="checkbox"
          role="switch"
          className="switch"
          data-testid="local-api-enabled"
          checked={value.enabled}
          aria-describedby="local-api-hint"
          onChange={(e) => {
            if (!saving) onSave({ enabled: e.target.checked, port: value.port });
          }}
        />
        <div className="switch-text">
          <label htmlFor="local-api-enabled">{t("apiKeys.localApi")}</label>
          <p id="local-api-hint" className="hint">
            {value.enabled ? t("apiKeys.localApiOn", { url: `http://127.0.0.1:${value.port}` }) : t("apiKeys.localApiOff")}
          </p>
        </div>
      </div>
      <form
        className="api-port-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (portValid) onSave({ enabled: value.enabled, port: portNumber });
        }}
      >
        <label htmlFor="local-api-port">{t("apiKeys.port")}</label>
        <input
          id="local-api-port"
          className="input api-port"
          inputMode="numeric"
          value={port}
          aria-invalid={!portValid}
          aria-describedby="local-api-port-hint"
          onChange={(e) => setPort(e.target.value)}
        />
        <button type="submit" className="button ghost" disabled={!portValid || saving || portNumber === value.port}>
          {t("apiKeys.savePort")}
        </button>
        <span id="local-api-port-hint" className={portValid ? "hint" : "field-error"}>
          {portValid ? t("apiKeys.portHint") : t("apiKeys.portInvalid")}
        </span>
      </form>
    </div>
  );
}

function CreateForm({ pending, error, onCreate }: { pending: boolean; error: string | null; onCreate: (k: { name: string; scopes: ApiScope[]; expires_at?: string }) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiScope[]>(["tasks:read"]);
  const [expires, setExpires] = useState("");
  const toggle = (s: ApiScope, on: boolean) => setScopes((now) => (on ? [...now, s] : now.filter((x) => x !== s)));
  const ready = name.trim() !== "" && scopes.length > 0 && !pending;
  return (
    <form
      className="api-key-form"
      data-testid="api-key-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        onCreate({ name: name.trim(), scopes, ...(expires ? { expires_at: expires } : {}) });
        setName("");
      }}
    >
      <h3 className="api-keys-subtitle">{t("apiKeys.create")}</h3>
      <label htmlFor="api-key-name">{t("apiKeys.name")}</label>
      <input id="api-key-name" className="input" value={name} maxLength={255} onChange={(e) => setName(e.target.value)} placeholder={t("apiKeys.namePlaceholder")} />
      <fieldset className="api-scopes">
        <legend>{t("apiKeys.scopes")}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="api-scope">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.target.checked)} />
            {t(scopeKey(s))}
          </label>
        ))}
      </fieldset>
      <label htmlFor="api-key-expires">{t("apiKeys.expiry")}</label>
      <input id="api-key-expires" className="input api-expiry" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} aria-describedby="api-key-expires-hint" />
      <p id="api-key-expires-hint" className="hint">
        {t("apiKeys.expiryHint")}
      </p>
      {error ? (
        <p role="alert" className="field-error" data-testid="api-key-create-error">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="submit" className="button primary" disabled={!ready}>
          {t("apiKeys.createButton")}
        </button>
      </div>
    </form>
  );
}

function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="api-new-key" role="status" data-testid="api-new-key">
      <p className="api-new-key-warning">
        <strong>{t("apiKeys.shownOnce", { name: created.api_key.name })}</strong>
      </p>
      <div className="api-new-key-row">
        <code className="api-new-key-value" data-testid="api-new-key-value">
          {created.key}
        </code>
        <button
          type="button"
          className="button ghost"
          onClick={async () => {
            await navigator.clipboard?.writeText(created.key);
            setCopied(true);
          }}
        >
          {copied ? t("apiKeys.copied") : t("apiKeys.copy")}
        </button>
        <button type="button" className="button ghost" onClick={onDone}>
          {t("apiKeys.done")}
        </button>
      </div>
    </div>
  );
}
