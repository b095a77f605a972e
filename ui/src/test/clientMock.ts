// The stand-in for ../api/client in component tests: every command is a vi.fn(), the
// error helpers are the real ones. Use with
//   vi.mock("../api/client", () => import("../test/clientMock"));
import { vi } from "vitest";
import type * as Real from "../api/client";

export { isApiError, toApiError } from "../api/apiError";

type Commands = Omit<typeof Real, "isApiError" | "toApiError">;

export const appState = vi.fn<Commands["appState"]>();
export const onboardingComplete = vi.fn<Commands["onboardingComplete"]>();
export const homeGet = vi.fn<Commands["homeGet"]>();
export const taskAdd = vi.fn<Commands["taskAdd"]>();
export const taskRename = vi.fn<Commands["taskRename"]>();
export const taskSetCompleted = vi.fn<Commands["taskSetCompleted"]>();
export const taskSetDue = vi.fn<Commands["taskSetDue"]>();
export const taskReorder = vi.fn<Commands["taskReorder"]>();
export const taskDelete = vi.fn<Commands["taskDelete"]>();
export const courseAdd = vi.fn<Commands["courseAdd"]>();
export const courseDelete = vi.fn<Commands["courseDelete"]>();
export const assignmentAdd = vi.fn<Commands["assignmentAdd"]>();
export const assignmentUpdate = vi.fn<Commands["assignmentUpdate"]>();
export const assignmentDelete = vi.fn<Commands["assignmentDelete"]>();
export const focusEntryAdd = vi.fn<Commands["focusEntryAdd"]>();
export const focusEntryDelete = vi.fn<Commands["focusEntryDelete"]>();
export const resourceAdd = vi.fn<Commands["resourceAdd"]>();
export const resourceDelete = vi.fn<Commands["resourceDelete"]>();
export const playlistAdd = vi.fn<Commands["playlistAdd"]>();
export const playlistDelete = vi.fn<Commands["playlistDelete"]>();
export const settingsUpdate = vi.fn<Commands["settingsUpdate"]>();
export const layoutUpdate = vi.fn<Commands["layoutUpdate"]>();

// ---- focus: activities, sessions, progress
export const activityList = vi.fn<Commands["activityList"]>();
export const activityAdd = vi.fn<Commands["activityAdd"]>();
export const activityDelete = vi.fn<Commands["activityDelete"]>();
export const activityFavorite = vi.fn<Commands["activityFavorite"]>();
export const activityUnfavorite = vi.fn<Commands["activityUnfavorite"]>();
// The overlays of the frame ask these on every page: by default nothing is running.
export const sessionCurrent = vi.fn<Commands["sessionCurrent"]>(async () => null);
export const sessionStart = vi.fn<Commands["sessionStart"]>();
export const sessionPause = vi.fn<Commands["sessionPause"]>();
export const sessionResume = vi.fn<Commands["sessionResume"]>();
export const sessionComplete = vi.fn<Commands["sessionComplete"]>();
export const sessionAbandon = vi.fn<Commands["sessionAbandon"]>();
export const sessionNextPhase = vi.fn<Commands["sessionNextPhase"]>();
export const sessionResolveIdle = vi.fn<Commands["sessionResolveIdle"]>();
export const sessionRecovery = vi.fn<Commands["sessionRecovery"]>(async () => null);
export const sessionRecover = vi.fn<Commands["sessionRecover"]>();
export const sessionHistory = vi.fn<Commands["sessionHistory"]>(async () => []);
export const focusSettingsGet = vi.fn<Commands["focusSettingsGet"]>();
export const focusSettingsUpdate = vi.fn<Commands["focusSettingsUpdate"]>();
export const focusStats = vi.fn<Commands["focusStats"]>();

// ---- immerse mode
export const workspaceList = vi.fn<Commands["workspaceList"]>();
export const workspaceAdd = vi.fn<Commands["workspaceAdd"]>();
export const workspaceRename = vi.fn<Commands["workspaceRename"]>();
export const workspaceDelete = vi.fn<Commands["workspaceDelete"]>();
export const widgetAdd = vi.fn<Commands["widgetAdd"]>();
export const widgetRemove = vi.fn<Commands["widgetRemove"]>();
export const widgetUpdate = vi.fn<Commands["widgetUpdate"]>();
export const widgetLayout = vi.fn<Commands["widgetLayout"]>();
export const workspaceSetBackgroundColor = vi.fn<Commands["workspaceSetBackgroundColor"]>();
export const workspaceSetBackgroundFile = vi.fn<Commands["workspaceSetBackgroundFile"]>();

// ---- planner: calendar
export const eventAdd = vi.fn<Commands["eventAdd"]>();
export const eventQuickAdd = vi.fn<Commands["eventQuickAdd"]>();
export const eventGet = vi.fn<Commands["eventGet"]>();
export const eventUpdate = vi.fn<Commands["eventUpdate"]>();
export const eventMove = vi.fn<Commands["eventMove"]>();
export const eventDelete = vi.fn<Commands["eventDelete"]>();
export const calendarRange = vi.fn<Commands["calendarRange"]>();
export const calendarAgenda = vi.fn<Commands["calendarAgenda"]>();
export const icsExport = vi.fn<Commands["icsExport"]>();
export const courseSetColour = vi.fn<Commands["courseSetColour"]>();
export const calendarSubscribe = vi.fn<Commands["calendarSubscribe"]>();
export const calendarSubscriptions = vi.fn<Commands["calendarSubscriptions"]>(async () => []);
export const calendarSubscriptionUpdate = vi.fn<Commands["calendarSubscriptionUpdate"]>();
export const calendarSubscriptionRefresh = vi.fn<Commands["calendarSubscriptionRefresh"]>();
export const calendarUnsubscribe = vi.fn<Commands["calendarUnsubscribe"]>();
export const icsImport = vi.fn<Commands["icsImport"]>();

// ---- notifications, item reminders, background (by default: nothing, all off)
export const notificationsList = vi.fn<Commands["notificationsList"]>(async () => ({ items: [], unread: 0 }));
export const notificationSetRead = vi.fn<Commands["notificationSetRead"]>();
export const notificationsMarkAllRead = vi.fn<Commands["notificationsMarkAllRead"]>(async () => 0);
export const notificationsClearAll = vi.fn<Commands["notificationsClearAll"]>(async () => 0);
export const notificationSnooze = vi.fn<Commands["notificationSnooze"]>();
export const itemRemindersGet = vi.fn<Commands["itemRemindersGet"]>(async () => []);
export const itemRemindersSet = vi.fn<Commands["itemRemindersSet"]>(async () => []);
export const backgroundSettingsGet = vi.fn<Commands["backgroundSettingsGet"]>(async () => ({ close_to_tray: true, start_at_login: false, os_timer: false }));
export const backgroundSettingsUpdate = vi.fn<Commands["backgroundSettingsUpdate"]>();

// ---- sync (by default: off, nothing refused)
export const syncOff: Awaited<ReturnType<Commands["syncStatus"]>> = {
  phase: "off",
  server_url: null,
  email: null,
  account_id: null,
  pending: 0,
  refused: 0,
  apply_errors: 0,
  last_sync_at: null,
  last_error: null,
  clock_offset_ms: null,
  refused_files: [],
};
export const syncStatus = vi.fn<Commands["syncStatus"]>(async () => ({ ...syncOff }));
export const syncSignIn = vi.fn<Commands["syncSignIn"]>();
export const syncNow = vi.fn<Commands["syncNow"]>();
export const syncLogout = vi.fn<Commands["syncLogout"]>();
export const syncLogoutEverywhere = vi.fn<Commands["syncLogoutEverywhere"]>();
export const syncChangePassword = vi.fn<Commands["syncChangePassword"]>();
export const syncRefused = vi.fn<Commands["syncRefused"]>(async () => []);
export const syncRetry = vi.fn<Commands["syncRetry"]>();
export const syncDiscard = vi.fn<Commands["syncDiscard"]>();
export const onSyncChanged = vi.fn<Commands["onSyncChanged"]>(async () => () => {});

// ---- shell
export const onNotificationsChanged = vi.fn<Commands["onNotificationsChanged"]>(async () => () => {});
/** The shell shows its window when told the first screen is about to render. */
export const firstScreenReady = vi.fn<Commands["firstScreenReady"]>();
export const onFocusChanged = vi.fn<Commands["onFocusChanged"]>(async () => () => {});
export const onSourcesChanged = vi.fn<Commands["onSourcesChanged"]>(async () => () => {});
export const onSubscriptionsChanged = vi.fn<Commands["onSubscriptionsChanged"]>(async () => () => {});
export const onReportsChanged = vi.fn<Commands["onReportsChanged"]>(async () => () => {});
export const fileSrc = vi.fn<Commands["fileSrc"]>((path: string) => `asset://localhost/${encodeURIComponent(path)}`);
export const setFullscreen = vi.fn<Commands["setFullscreen"]>(async () => true);

// ---- social: the emoji picker
export const emojiCatalog = vi.fn<Commands["emojiCatalog"]>();
export const customEmojiAdd = vi.fn<Commands["customEmojiAdd"]>();
export const customEmojiDelete = vi.fn<Commands["customEmojiDelete"]>();
export const customEmojiList = vi.fn<Commands["customEmojiList"]>(async () => []);
export const emojiSearch = vi.fn<Commands["emojiSearch"]>();
export const emojiUse = vi.fn<Commands["emojiUse"]>();
export const emojiFavoriteSet = vi.fn<Commands["emojiFavoriteSet"]>();
export const emojiSkinToneSet = vi.fn<Commands["emojiSkinToneSet"]>();
export const activityLogSummary = vi.fn<Commands["activityLogSummary"]>(async () => ({ enabled: true, since: "2026-10-23T01:00:00.000Z", actions: [], total: 0 }));
export const activityLogPageOpened = vi.fn<Commands["activityLogPageOpened"]>(async () => null);
export const activityCardSettings = vi.fn<Commands["activityCardSettings"]>(async () => ({
  filter: { unread_only: false, types: [] },
  quick_actions: ["start_focus", "add_task", "write_post"],
}));
export const activityCardSettingsSet = vi.fn<Commands["activityCardSettingsSet"]>(async (s) => s);
export const activityFeedPage = vi.fn<Commands["activityFeedPage"]>(async () => ({ items: [], next_cursor: null, unread: 0 }));
export const activityItemRead = vi.fn<Commands["activityItemRead"]>(async () => null);
export const activityItemPin = vi.fn<Commands["activityItemPin"]>(async () => null);
export const activityItemEngage = vi.fn<Commands["activityItemEngage"]>(async () => null);
export const activityReadAll = vi.fn<Commands["activityReadAll"]>(async () => 0);
export const responseNotifyGet = vi.fn<Commands["responseNotifyGet"]>(async () => true);
export const responseNotifySet = vi.fn<Commands["responseNotifySet"]>(async (on) => on);
export const postsPage = vi.fn<Commands["postsPage"]>(async () => ({ posts: [], next_cursor: null }));
export const postCreate = vi.fn<Commands["postCreate"]>();
export const postMediaAdd = vi.fn<Commands["postMediaAdd"]>();
export const profileImageSet = vi.fn<Commands["profileImageSet"]>();
export const mediaFolder = vi.fn<Commands["mediaFolder"]>(async () => "/data/attachments");
export const postLikeSet = vi.fn<Commands["postLikeSet"]>();
export const postDelete = vi.fn<Commands["postDelete"]>(async () => null);
export const postComment = vi.fn<Commands["postComment"]>();
export const commentDelete = vi.fn<Commands["commentDelete"]>(async () => null);
export const commentsList = vi.fn<Commands["commentsList"]>(async () => []);
export const profileCard = vi.fn<Commands["profileCard"]>();
export const postEdit = vi.fn<Commands["postEdit"]>();
export const profileSave = vi.fn<Commands["profileSave"]>();
export const peopleSuggestions = vi.fn<Commands["peopleSuggestions"]>(async () => []);
export const follow = vi.fn<Commands["follow"]>();
export const unfollow = vi.fn<Commands["unfollow"]>();
export const followRequestAnswer = vi.fn<Commands["followRequestAnswer"]>();
export const followPolicySet = vi.fn<Commands["followPolicySet"]>(async (p) => p);
export const blockSet = vi.fn<Commands["blockSet"]>();
export const muteSet = vi.fn<Commands["muteSet"]>();
export const peopleList = vi.fn<Commands["peopleList"]>(async () => []);
export const usernameAvailable = vi.fn<Commands["usernameAvailable"]>(async (name) => ({
  name,
  verdict: "available",
  rule: null,
  character: null,
  similar_to: null,
  server: "not_signed_in",
  message: null,
}));
export const activityLogSetEnabled = vi.fn<Commands["activityLogSetEnabled"]>();
export const activityLogClear = vi.fn<Commands["activityLogClear"]>();
export const backupsList = vi.fn<Commands["backupsList"]>(async () => []);
export const backupRestore = vi.fn<Commands["backupRestore"]>();
export const exportReadable = vi.fn<Commands["exportReadable"]>();

// ---- insights: the SQL sandbox (by default: no tables, an empty answer)
export const insightsQuery = vi.fn<Commands["insightsQuery"]>(async () => ({ columns: [], rows: [], truncated: false }));
export const insightsQueryCancel = vi.fn<Commands["insightsQueryCancel"]>(async () => null);
export const insightsSchema = vi.fn<Commands["insightsSchema"]>(async () => []);

// ---- insights: dashboards, widgets, widget data, metric catalog
export const dashboardsList = vi.fn<Commands["dashboardsList"]>();
export const dashboardGet = vi.fn<Commands["dashboardGet"]>();
export const dashboardSetPublic = vi.fn<Commands["dashboardSetPublic"]>();
export const dashboardCreate = vi.fn<Commands["dashboardCreate"]>();
export const dashboardUpdate = vi.fn<Commands["dashboardUpdate"]>();
export const dashboardDuplicate = vi.fn<Commands["dashboardDuplicate"]>();
export const dashboardDelete = vi.fn<Commands["dashboardDelete"]>();
export const dashboardReorder = vi.fn<Commands["dashboardReorder"]>();
export const insightsWidgetAdd = vi.fn<Commands["insightsWidgetAdd"]>();
export const insightsWidgetUpdate = vi.fn<Commands["insightsWidgetUpdate"]>();
export const insightsWidgetPositionsSave = vi.fn<Commands["insightsWidgetPositionsSave"]>();
export const insightsWidgetDelete = vi.fn<Commands["insightsWidgetDelete"]>();
export const insightsWidgetData = vi.fn<Commands["insightsWidgetData"]>();
// The read-ahead every Frame asks for a second after start: answered, so it is silent.
export const insightsWarm = vi.fn<Commands["insightsWarm"]>(async () => 0);
export const insightsMetricCatalog = vi.fn<Commands["insightsMetricCatalog"]>();
export const insightsImageAdd = vi.fn<Commands["insightsImageAdd"]>();
export const dashboardPictureSave = vi.fn<Commands["dashboardPictureSave"]>();
export const dashboardPictureFinish = vi.fn<Commands["dashboardPictureFinish"]>();

// ---- insights: data sources (CSV, REST, databases)
export const sourceAddCsv = vi.fn<Commands["sourceAddCsv"]>();
export const sourceReimportCsv = vi.fn<Commands["sourceReimportCsv"]>();
export const sourceSetColumns = vi.fn<Commands["sourceSetColumns"]>();
export const sourceAddRest = vi.fn<Commands["sourceAddRest"]>();
export const sourceAddDatabase = vi.fn<Commands["sourceAddDatabase"]>();
export const sourceEditDatabase = vi.fn<Commands["sourceEditDatabase"]>();
export const sourcePasswordStore = vi.fn<Commands["sourcePasswordStore"]>(async () => "keychain");
export const sourceRefresh = vi.fn<Commands["sourceRefresh"]>();
export const sourceSetSchedule = vi.fn<Commands["sourceSetSchedule"]>();
export const sourceList = vi.fn<Commands["sourceList"]>(async () => []);
export const sourcePreview = vi.fn<Commands["sourcePreview"]>(async () => ({ columns: [], rows: [], truncated: false }));
export const sourceRename = vi.fn<Commands["sourceRename"]>();
export const sourceDelete = vi.fn<Commands["sourceDelete"]>(async () => null);

// ---- insights: data models
export const modelList = vi.fn<Commands["modelList"]>(async () => []);
export const modelGet = vi.fn<Commands["modelGet"]>();
export const modelSave = vi.fn<Commands["modelSave"]>();
export const modelDelete = vi.fn<Commands["modelDelete"]>(async () => null);
export const modelPreview = vi.fn<Commands["modelPreview"]>(async () => ({ columns: [], rows: [], truncated: false }));
export const modelRun = vi.fn<Commands["modelRun"]>(async () => ({ columns: [], rows: [], truncated: false }));
export const apiKeysList = vi.fn<Commands["apiKeysList"]>(async () => []);
export const apiKeyCreate = vi.fn<Commands["apiKeyCreate"]>();
export const apiKeyRevoke = vi.fn<Commands["apiKeyRevoke"]>();
export const localApiSettingsGet = vi.fn<Commands["localApiSettingsGet"]>(async () => ({ enabled: false, port: 27631 }));

// ---- Settings › Email: the SMTP server, the test e-mail, the outbox
export const smtpSettingsGet = vi.fn<Commands["smtpSettingsGet"]>(async () => ({
  configured: false,
  host: "",
  port: 587,
  security: "starttls",
  username: null,
  from: "",
  password_saved: false,
  password_store: "keychain",
}));
export const smtpSettingsSet = vi.fn<Commands["smtpSettingsSet"]>();
export const smtpTestSend = vi.fn<Commands["smtpTestSend"]>();
export const outboxList = vi.fn<Commands["outboxList"]>(async () => []);
export const outboxRetry = vi.fn<Commands["outboxRetry"]>();
export const onOutboxChanged = vi.fn<Commands["onOutboxChanged"]>(async () => () => {});
export const localApiSettingsSet = vi.fn<Commands["localApiSettingsSet"]>();

// ---- insights: reports
export const reportList = vi.fn<Commands["reportList"]>(async () => []);
export const reportCreate = vi.fn<Commands["reportCreate"]>();
export const reportUpdate = vi.fn<Commands["reportUpdate"]>();
export const reportSetActive = vi.fn<Commands["reportSetActive"]>();
export const reportDelete = vi.fn<Commands["reportDelete"]>(async () => null);
export const reportRunNow = vi.fn<Commands["reportRunNow"]>();
export const reportNextRun = vi.fn<Commands["reportNextRun"]>(async () => null);
// ---- insights: alerts
export const alertList = vi.fn<Commands["alertList"]>(async () => []);
export const alertCreate = vi.fn<Commands["alertCreate"]>();
export const alertUpdate = vi.fn<Commands["alertUpdate"]>();
export const alertSetActive = vi.fn<Commands["alertSetActive"]>();
export const alertSnooze = vi.fn<Commands["alertSnooze"]>();
export const alertDelete = vi.fn<Commands["alertDelete"]>(async () => null);
export const alertTest = vi.fn<Commands["alertTest"]>();
export const alertChannels = vi.fn<Commands["alertChannels"]>(async () => []);
export const alertCheckNow = vi.fn<Commands["alertCheckNow"]>(async () => ({ evaluated: 0, delivered: [] }));
export const shareAdd = vi.fn<Commands["shareAdd"]>();
export const shareList = vi.fn<Commands["shareList"]>(async () => ({ by_me: [], with_me: [] }));
export const shareRevoke = vi.fn<Commands["shareRevoke"]>(async () => null);
export const accessRequest = vi.fn<Commands["accessRequest"]>();
export const accessRequests = vi.fn<Commands["accessRequests"]>(async () => ({ to_me: [], mine: [] }));
export const accessDecide = vi.fn<Commands["accessDecide"]>();
export const accessClose = vi.fn<Commands["accessClose"]>(async () => null);

// ---- history and undo
const noHistory = { entries: [], next: null };
export const historyItem = vi.fn<Commands["historyItem"]>(async () => noHistory);
export const historyAccount = vi.fn<Commands["historyAccount"]>(async () => noHistory);
export const historyUndo = vi.fn<Commands["historyUndo"]>();
export const historyUndoLast = vi.fn<Commands["historyUndoLast"]>();
export const historyUndoSince = vi.fn<Commands["historyUndoSince"]>();
export const historyRetention = vi.fn<Commands["historyRetention"]>(async () => 365);
export const historySetRetention = vi.fn<Commands["historySetRetention"]>(async (d) => d);
