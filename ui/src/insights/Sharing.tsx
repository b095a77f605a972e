// Insights' sharing (issue 16 item 3): the dashboards shared with me (read only for a view
// share or a public dashboard, editable for an edit share), my dashboards' shares with a
// form to share one by email (view or edit) and a revoke button each, and the access
// requests: those sent to me, approved (which shares the dashboard as asked) or rejected
// here, and mine with their status, closed once decided. A dashboard shared with me opens
// in the dashboards' grid; the owner makes the chosen dashboard public (after a
// confirmation) with the switch under the form. The sync server resolves the
// email and enforces every right; a refusal is shown in words under the form.
import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/bindings/ApiError";
import type { DashboardEntry } from "../api/bindings/DashboardEntry";
import type { RequestInbox } from "../api/bindings/RequestInbox";
import type { SharePermission } from "../api/bindings/SharePermission";
import { errorText } from "../api/errorText";
import type { SharedDashboard } from "../api/bindings/SharedDashboard";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { nameOf } from "../feed/PersonLink";
import { Loading, LoadError } from "../components/Status";
import { Panel } from "./Panel";
import { SHARES_KEY, useInsightsMutation, useShareList } from "./queries";
import "./Sharing.css";

const REQUESTS_KEY = ["access_requests"] as const;

type Translate = ReturnType<typeof useTranslation>["t"];

/** "by Ada" (or "by @ada"); never an account id, which says nothing to a person. */
export function ownerText(t: Translate, d: SharedDashboard): string {
  const name = nameOf({ display_name: d.owner_display_name, username: d.owner_username }, "");
  return name ? t("insights.sharing.owner", { name }) : t("insights.sharing.ownerUnnamed");
}

/** The owner's "public" switch of the dashboard chosen in the form: turning it on asks first. */
function PublicSwitch({ dashboard }: { dashboard: DashboardEntry }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = useInsightsMutation((isPublic: boolean) => api.dashboardSetPublic(dashboard.row.id, isPublic), {
    onSuccess: () => setError(null),
    onError: (e: ApiError) => setError(errorText(t, e)),
  }, [SHARES_KEY]);
  return (
    <div className="sharing-public">
      <label className="sharing-public-switch">
        <input
          type="checkbox"
          role="switch"
          data-testid="share-public"
          checked={dashboard.row.is_public}
          disabled={set.isPending}
          aria-describedby="share-public-hint"
          onChange={(e) => (e.target.checked ? setAsking(true) : set.mutate(false))}
        />
        <span>{t("insights.sharing.publicSwitch")}</span>
      </label>
      <p id="share-public-hint" className="hint">
        {t(dashboard.row.is_public ? "insights.sharing.publicOn" : "insights.sharing.publicOff")}
      </p>
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={t("insights.sharing.publicConfirmTitle")}
          message={t("insights.sharing.publicConfirm", { name: dashboard.row.name })}
          confirmLabel={t("insights.sharing.publicConfirmButton")}
          testId="share-public-confirm"
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            set.mutate(true);
          }}
        />
      ) : null}
    </div>
  );
}

export function Sharing({ dashboards, onClose, onOpen }: { dashboards: DashboardEntry[]; onClose: () => void; onOpen: (dashboardId: string) => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement | null>(null);
  const shares = useShareList();
  const requests = useQuery<RequestInbox, ApiError>({ queryKey: REQUESTS_KEY, queryFn: api.accessRequests });
  const [dashboard, setDashboard] = useState(dashboards[0]?.row.id ?? "");
  const [email, setEmail] = useState("");
  const [permission, setPermission] = useState<SharePermission>("view");
  const [error, setError] = useState<string | null>(null);
  const refresh = [SHARES_KEY, REQUESTS_KEY];
  const chosen = dashboards.find((d) => d.row.id === dashboard);
  const onError = (e: ApiError) => setError(errorText(t, e));
  const share = useInsightsMutation(() => api.shareAdd(dashboard, email, permission), { onSuccess: () => { setEmail(""); setError(null); }, onError }, refresh);
  const revoke = useInsightsMutation((id: string) => api.shareRevoke(id), { onError }, refresh);
  const decide = useInsightsMutation(({ id, approve }: { id: string; approve: boolean }) => api.accessDecide(id, approve), { onError }, refresh);
  const close = useInsightsMutation((id: string) => api.accessClose(id), { onError }, refresh);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim()) {
      setError(t("insights.sharing.emailMissing"));
      return;
    }
    share.mutate(undefined);
  };
  const rights = (p: SharePermission | null) => t(p === "edit" ? "insights.sharing.canEdit" : p === "view" ? "insights.sharing.viewOnly" : "insights.sharing.public");
  const tools = (
    <button type="button" className="button subtle" data-testid="sharing-close" onClick={onClose}>
      {t("insights.sharing.back")}
    </button>
  );
  return (
    <Panel title={t("insights.sharing.title")} hint={t("insights.sharing.hint")} tools={tools} headingRef={heading} testId="sharing">
      {shares.isPending || requests.isPending ? <Loading /> : null}
      {shares.isError ? <LoadError error={shares.error} onRetry={() => void shares.refetch()} /> : null}
      <section aria-labelledby="sharing-with-me" className="sharing-section">
        <h3 id="sharing-with-me">{t("insights.sharing.withMe")}</h3>
        {shares.data && shares.data.with_me.length === 0 ? <p className="hint">{t("insights.sharing.noneWithMe")}</p> : null}
        <ul className="sharing-list" data-testid="shared-with-me">
          {shares.data?.with_me.map((d) => (
            <li key={d.dashboard_id}>
              <span className="sharing-name">{d.name}</span>
              <span className="hint">{ownerText(t, d)}</span>
              <span className={`sharing-badge ${d.permission === "edit" ? "edit" : "read"}`}>{rights(d.permission)}</span>
              <button type="button" className="button subtle" data-testid={`shared-open-${d.dashboard_id}`} onClick={() => onOpen(d.dashboard_id)} aria-label={t("insights.sharing.openNamed", { name: d.name })}>
                {t("insights.sharing.openShared")}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="sharing-mine" className="sharing-section">
        <h3 id="sharing-mine">{t("insights.sharing.share")}</h3>
        <form className="sharing-form" onSubmit={submit} data-testid="share-form">
          <label className="field">
            <span>{t("insights.sharing.dashboard")}</span>
            <select data-testid="share-dashboard" value={dashboard} onChange={(e) => setDashboard(e.target.value)}>
              {dashboards.map((d) => (
                <option key={d.row.id} value={d.row.id}>
                  {d.row.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("insights.sharing.email")}</span>
            <input data-testid="share-email" type="email" value={email} maxLength={255} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label className="field">
            <span>{t("insights.sharing.permission")}</span>
            <select data-testid="share-permission" value={permission} onChange={(e) => setPermission(e.target.value as SharePermission)}>
              <option value="view">{t("insights.sharing.viewOnly")}</option>
              <option value="edit">{t("insights.sharing.canEdit")}</option>
            </select>
          </label>
          <button type="submit" className="button primary" data-testid="share-submit" disabled={share.isPending || !dashboard}>
            {t("insights.sharing.shareButton")}
          </button>
        </form>
        {chosen ? <PublicSwitch key={chosen.row.id} dashboard={chosen} /> : null}
        {error ? (
          <p role="alert" className="field-error" data-testid="share-error">
            {error}
          </p>
        ) : null}
        <ul className="sharing-list" data-testid="shares-by-me">
          {shares.data?.by_me.map((s) => (
            <li key={s.id}>
              <span className="sharing-name">{s.dashboard_name}</span>
              <span>{nameOf(s, t("insights.sharing.unnamedAccount"))}</span>
              <span className={`sharing-badge ${s.permission === "edit" ? "edit" : "read"}`}>{rights(s.permission)}</span>
              <button type="button" className="button ghost" onClick={() => revoke.mutate(s.id)} aria-label={t("insights.sharing.revokeOf", { name: nameOf(s, t("insights.sharing.unnamedAccount")), dashboard: s.dashboard_name })}>
                {t("insights.sharing.revoke")}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="sharing-requests" className="sharing-section">
        <h3 id="sharing-requests">{t("insights.sharing.requests")}</h3>
        {requests.data && requests.data.to_me.length + requests.data.mine.length === 0 ? <p className="hint">{t("insights.sharing.noRequests")}</p> : null}
        <ul className="sharing-list" data-testid="requests-to-me">
          {requests.data?.to_me.map((r) => (
            <li key={r.id}>
              <span className="sharing-name">{r.dashboard_name}</span>
              <span>{t("insights.sharing.asks", { name: r.requester_name || r.requester_id, rights: rights(r.permission) })}</span>
              <span className={`sharing-priority ${r.priority}`}>{t(`insights.sharing.priorities.${r.priority}`)}</span>
              {r.message ? <q className="sharing-message">{r.message}</q> : null}
              {r.status === "pending" ? (
                <span className="sharing-actions">
                  <button type="button" className="button primary" onClick={() => decide.mutate({ id: r.id, approve: true })}>
                    {t("insights.sharing.approve")}
                  </button>
                  <button type="button" className="button ghost" onClick={() => decide.mutate({ id: r.id, approve: false })}>
                    {t("insights.sharing.reject")}
                  </button>
                </span>
              ) : (
                <span className="hint">{t(`insights.sharing.statuses.${r.status}`)}</span>
              )}
            </li>
          ))}
          {requests.data?.mine.map((r) => (
            <li key={r.id}>
              <span className="sharing-name">{r.dashboard_name}</span>
              <span>{t("insights.sharing.asked", { name: r.approver_name || r.approver_id, rights: rights(r.permission) })}</span>
              <span className="hint">{t(`insights.sharing.statuses.${r.status}`)}</span>
              {r.status !== "completed" ? (
                <button type="button" className="button ghost" onClick={() => close.mutate(r.id)}>
                  {t(r.status === "pending" ? "insights.sharing.withdraw" : "insights.sharing.dismiss")}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </Panel>
  );
}
