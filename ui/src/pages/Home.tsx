import { useLayoutEffect, useState } from "react";
import type { Ref } from "react";
import { useTranslation } from "react-i18next";
import { useHome } from "../api/queries";
import type { CardId } from "../api/bindings/CardId";
import type { HomeData } from "../api/bindings/HomeData";
import type { QuickAction } from "../api/bindings/QuickAction";
import { ActivityCard } from "../cards/ActivityCard";
import { AssignmentsCard } from "../cards/AssignmentsCard";
import { FocusAreasCard, PlaylistsCard, QuickLinksCard } from "../cards/ContentCards";
import { ProgressCard } from "../cards/ProgressCard";
import { TodoCard } from "../cards/TodoCard";
import { Icon } from "../components/Icon";
import { LoadError, Loading } from "../components/Status";
import { dateFormat } from "../lib/dates";
import { usePrefs } from "../lib/prefs";
import { CustomizePanel } from "./CustomizePanel";

function renderCard(id: CardId, home: HomeData, onQuickAction: (a: QuickAction) => void) {
  switch (id) {
    case "todo":
      return <TodoCard key={id} today={home.today} />;
    case "assignments":
      return <AssignmentsCard key={id} buckets={home.assignments} courses={home.courses} />;
    case "progress":
      return <ProgressCard key={id} progress={home.progress} />;
    case "focus_areas":
      return <FocusAreasCard key={id} entries={home.focus_entries} />;
    case "quick_links":
      return <QuickLinksCard key={id} resources={home.resources} />;
    case "playlists":
      return <PlaylistsCard key={id} playlists={home.playlists} />;
    case "activity":
      return <ActivityCard key={id} onQuickAction={onQuickAction} />;
    default:
      return null;
  }
}

function formatLocalDate(date: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  // Japanese reads "2026年11月22日(日)"; English "Sunday, November 22, 2026".
  return dateFormat(locale === "ja" ? "ja-JP" : "en-US", {
    timeZone: "UTC",
    weekday: locale === "ja" ? "short" : "long",
    year: "numeric",
    month: "long",
    day: "numeric",
  }).format(d);
}

/** Where a quick action of the Activity card leads. */
export type HomeNavigate = (page: "focus" | "feed" | "calendar") => void;

function quickAction(action: QuickAction, navigate?: HomeNavigate) {
  switch (action) {
    case "start_focus":
      return navigate?.("focus");
    case "write_post":
    case "open_feed":
      return navigate?.("feed");
    case "open_calendar":
      return navigate?.("calendar");
    case "add_task":
      return document.querySelector<HTMLInputElement>('[data-testid="todo-input"]')?.focus();
  }
}

export function Home({ headingRef, onNavigate }: { headingRef?: Ref<HTMLHeadingElement>; onNavigate?: HomeNavigate }) {
  const { t } = useTranslation();
  const { locale } = usePrefs();
  const home = useHome();
  const [customizing, setCustomizing] = useState(false);
  // Start-up mark (scripts/bench-startup.sh): Home with its data is in the DOM; the
  // frame's style and layout come next.
  useLayoutEffect(() => {
    if (home.data && !performance.getEntriesByName("studydesk:home-committed").length) performance.mark("studydesk:home-committed");
  }, [home.data]);

  if (home.isPending) return <Loading />;
  if (home.isError) return <LoadError error={home.error} onRetry={() => void home.refetch()} />;

  const data = home.data;
  const hidden = new Set(data.layout.hidden);
  const visible = data.layout.order.filter((id) => !hidden.has(id));

  return (
    <div className="page home" data-testid="home">
      <header className="page-header">
        <div>
          <h1 ref={headingRef} tabIndex={-1}>
            {t("home.title")}
          </h1>
          <p className="page-subtitle">{t("home.today", { date: formatLocalDate(data.local_date, locale) })}</p>
        </div>
        <button
          type="button"
          className={`button ${customizing ? "primary" : "subtle"}`}
          data-testid="customize"
          aria-expanded={customizing}
          onClick={() => setCustomizing((c) => !c)}
        >
          <Icon name="sliders" size={16} />
          {t("home.customize")}
        </button>
      </header>
      {customizing ? <CustomizePanel layout={data.layout} onClose={() => setCustomizing(false)} /> : null}
      {visible.length === 0 ? <p className="empty-note page-empty">{t("home.allHidden")}</p> : null}
      <div className="card-grid">{visible.map((id) => renderCard(id, data, (a) => quickAction(a, onNavigate)))}</div>
    </div>
  );
}
