import { Suspense, lazy, startTransition, useCallback, useEffect, useRef, useState } from "react";
import type { ComponentType } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { AppState } from "./api/bindings/AppState";
import { Icon } from "./components/Icon";
import type { IconName } from "./components/Icon";
import { FocusOverlays } from "./focus/FocusOverlays";
import { NotificationCenter } from "./notifications/NotificationCenter";
import { SessionPill } from "./focus/SessionPill";
import { Home } from "./pages/Home";
import { Placeholder } from "./pages/Placeholder";
import { NavigateContext } from "./lib/navigation";
import type { Page, Route } from "./lib/navigation";
import { useSyncEvents } from "./settings/queries";
import { prefetchInsights, useWarmInsights } from "./insights/queries";
import * as api from "./api/client";
import "./Frame.css";
import "./immerse/immerse.css";

// Immerse mode (and its grid library) loads only when the user first enters it.
const Immerse = lazy(() => import("./immerse/Immerse").then((m) => ({ default: m.Immerse })));
// Every page but Home loads when first opened, never at start (start-up pays for Home
// only): its code from the moment the pointer or the keyboard reaches its button, and
// Insights' data from the click (charts, the grid and Markdown are the largest). Insights'
// code alone is also loaded once the app is idle after start, when my first dashboard has
// widgets (`useWarmInsights`): its charts' code is what a first open waited for most.
const pageCode = {
  calendar: () => import("./pages/Calendar"),
  focus: () => import("./pages/Focus"),
  settings: () => import("./pages/Settings"),
  feed: () => import("./feed/FeedPage"),
  profile: () => import("./feed/ProfilePage"),
  insights: () => import("./insights/InsightsPage"),
};
const preload = (page: Page) => {
  if (page in pageCode) void pageCode[page as keyof typeof pageCode]().catch(() => {});
};
const preloadInsights = () => preload("insights");
/** The component `name` of a lazily loaded page module. */
// ComponentType<any>: the bound React puts on lazy() itself; the props stay typed (M[K]).
function lazyPage<M extends Record<K, ComponentType<any>>, K extends keyof M>(load: () => Promise<M>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
const Calendar = lazyPage(pageCode.calendar, "Calendar");
const Focus = lazyPage(pageCode.focus, "Focus");
const Settings = lazyPage(pageCode.settings, "Settings");
const FeedPage = lazyPage(pageCode.feed, "FeedPage");
const ProfilePage = lazyPage(pageCode.profile, "ProfilePage");
const InsightsPage = lazyPage(pageCode.insights, "InsightsPage");

export type { Page };
const MAIN_PAGES: Page[] = ["home", "calendar", "focus", "feed", "insights"];

export function Frame({ state, initialPage = "home" }: { state: AppState; initialPage?: Page }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  // Changes pulled from other devices can touch any page.
  useSyncEvents();
  // Insights' first dashboard read ahead in Rust when idle after start, then its code.
  useWarmInsights(preloadInsights);
  // The page, and what a move to it carried (whose profile, the composer's first draft).
  const [route, setShownRoute] = useState<Route>({ page: initialPage } as Route);
  const page = route.page;
  // Every move is a transition: the page before stays on screen until the next one's code
  // is there, then the next shows at once (through Suspense's fallback React would hold it
  // back up to 300 ms more).
  const setRoute = useCallback((r: Route) => startTransition(() => setShownRoute(r)), []);
  const setPage = useCallback((p: Page) => setRoute({ page: p } as Route), [setRoute]);
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const shownPage = useRef(page);
  const [immersed, setImmersed] = useState(false);
  const immerseButton = useRef<HTMLElement | null>(null);

  const enterImmerse = useCallback(() => {
    immerseButton.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setImmersed(true);
  }, []);
  const leaveImmerse = useCallback(() => {
    setImmersed(false);
    // Back where the user came from.
    requestAnimationFrame(() => immerseButton.current?.focus());
  }, []);

  // Each page opened (and Immerse entered) goes to the user's activity log.
  useEffect(() => {
    // A profile page is part of the feed.
    void api.activityLogPageOpened(immersed ? "immerse" : page === "profile" ? "feed" : page).catch(() => {});
  }, [page, immersed]);

  // Moving to another page (or another profile) puts keyboard focus on its heading, so screen
  // readers say where they are. A composer opened filled in keeps the focus in its text.
  useEffect(() => {
    if (shownPage.current === page && page !== "profile") return;
    shownPage.current = page;
    if (route.page === "feed" && route.prefill) return;
    headingRef.current?.focus();
  }, [route, page]);

  const navButton = (id: Page) => (
    <li key={id}>
      <button
        type="button"
        className="nav-item"
        data-testid={`nav-${id}`}
        aria-current={page === id || (id === "feed" && page === "profile") ? "page" : undefined}
        onClick={() => {
          if (id === "insights" && page !== "insights") void prefetchInsights(queryClient);
          setPage(id);
        }}
        onPointerEnter={() => preload(id)}
        onFocus={() => preload(id)}
      >
        <Icon name={id as IconName} size={20} />
        <span>{t(`nav.${id}`)}</span>
      </button>
    </li>
  );

  let content;
  switch (page) {
    case "home":
      content = <Home headingRef={headingRef} onNavigate={setPage} />;
      break;
    case "calendar":
      content = <Calendar headingRef={headingRef} />;
      break;
    case "focus":
      content = <Focus headingRef={headingRef} onImmerse={enterImmerse} />;
      break;
    case "settings":
      content = <Settings state={state} headingRef={headingRef} />;
      break;
    case "feed":
      content = <FeedPage headingRef={headingRef} prefill={route.page === "feed" ? route.prefill : undefined} />;
      break;
    case "profile":
      content = route.page === "profile" ? <ProfilePage key={route.user ?? ""} headingRef={headingRef} user={route.user} list={route.list} /> : null;
      break;
    case "insights":
      content = <InsightsPage headingRef={headingRef} />;
      break;
    default:
      content = <Placeholder page={page} headingRef={headingRef} />;
  }

  return (
    <NavigateContext.Provider value={setRoute}>
    <div className="frame" inert={immersed} aria-hidden={immersed ? true : undefined}>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            S
          </span>
          <span className="brand-text">
            <span className="brand-name">{t("app.name")}</span>
            <span className="brand-tagline">{t("app.tagline")}</span>
          </span>
        </div>
        <nav aria-label={t("nav.label")} className="nav">
          <ul className="plain-list">{MAIN_PAGES.map(navButton)}</ul>
          <SessionPill current={page === "focus"} onOpen={() => setPage("focus")} />
          <ul className="plain-list nav-bottom">{navButton("settings")}</ul>
        </nav>
      </aside>
      <main className="main" id="main">
        <header className="main-topbar">
          <NotificationCenter />
        </header>
        {/* One boundary for every page, always there: a move to a page whose code is still
            loading (in a transition) keeps the page before it on screen until it is ready. */}
        <Suspense fallback={null}>{content}</Suspense>
      </main>
    </div>
    {immersed ? (
      <Suspense fallback={<div className="immerse immerse-loading" />}>
        <Immerse onLeave={leaveImmerse} />
      </Suspense>
    ) : null}
    <FocusOverlays />
    </NavigateContext.Provider>
  );
}
