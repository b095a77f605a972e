import type { ReactNode, Ref } from "react";
import { useTranslation } from "react-i18next";
import { useHome } from "../api/queries";
import { useActivities, useFocusSettings, useFocusStats, useSession } from "../focus/queries";
import { EmptyNote } from "../components/Card";
import { Icon } from "../components/Icon";
import { LoadError, Loading } from "../components/Status";
import { ActivityList } from "../focus/ActivityList";
import { FocusSettingsForm } from "../focus/FocusSettingsForm";
import { ProgressPanel } from "../focus/ProgressPanel";
import { RecentSessions } from "../focus/RecentSessions";
import { SessionPanel } from "../focus/SessionPanel";
import { StartForm } from "../focus/StartForm";
import "../focus/focus.css";

function Section({ id, title, className, children }: { id: string; title: string; className?: string; children: ReactNode }) {
  return (
    <section className={`card ${className ?? ""}`} aria-labelledby={`focus-${id}`} data-testid={`focus-${id}`}>
      <header className="card-header">
        <h2 id={`focus-${id}`} className="card-title">
          {title}
        </h2>
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Focus({ headingRef, onImmerse }: { headingRef?: Ref<HTMLHeadingElement>; onImmerse: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const activities = useActivities();
  const stats = useFocusStats();
  const settings = useFocusSettings();
  const home = useHome();

  const running = session.data ?? null;

  return (
    <div className="page focus-page" data-testid="focus">
      <header className="page-header">
        <div>
          <h1 ref={headingRef} tabIndex={-1}>
            {t("focusPage.title")}
          </h1>
          <p className="page-subtitle">{t("focusPage.subtitle")}</p>
        </div>
        <button type="button" className="button subtle" data-testid="immerse-enter" onClick={onImmerse}>
          <Icon name="immerse" size={16} />
          {t("focusPage.immerse")}
        </button>
      </header>
      <div className="focus-grid">
        <Section id="session" title={t("session.heading")} className="focus-session-card">
          {session.isPending ? (
            <Loading />
          ) : session.isError ? (
            <LoadError error={session.error} onRetry={() => void session.refetch()} />
          ) : running ? (
            <SessionPanel session={running} />
          ) : (
            <>
              <EmptyNote>{t("session.none")}</EmptyNote>
              <StartForm activities={activities.data ?? []} courses={home.data?.courses ?? []} />
            </>
          )}
        </Section>
        <Section id="activities" title={t("activities.title")} className="focus-activities-card">
          {activities.isPending ? (
            <Loading />
          ) : activities.isError ? (
            <LoadError error={activities.error} onRetry={() => void activities.refetch()} />
          ) : (
            <ActivityList activities={activities.data} />
          )}
        </Section>
        <Section id="recent" title={t("share.recent")} className="focus-recent-card">
          <RecentSessions />
        </Section>
        <Section id="progress" title={t("stats.title")} className="focus-progress-card">
          {stats.isPending ? (
            <Loading />
          ) : stats.isError ? (
            <LoadError error={stats.error} onRetry={() => void stats.refetch()} />
          ) : (
            <ProgressPanel stats={stats.data} />
          )}
        </Section>
        <Section id="settings" title={t("focusSettings.title")} className="focus-settings-card">
          {settings.isPending ? (
            <Loading />
          ) : settings.isError ? (
            <LoadError error={settings.error} onRetry={() => void settings.refetch()} />
          ) : (
            <FocusSettingsForm settings={settings.data} />
          )}
        </Section>
      </div>
    </div>
  );
}
