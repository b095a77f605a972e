import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DatabaseView } from "../api/bindings/DatabaseView";
import type { DataSource } from "../api/bindings/DataSource";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { todayIn, wallTimeToIso } from "../lib/dates";
import { DataSources } from "./DataSources";
import { InsightsPage } from "./InsightsPage";

vi.mock("../api/client", () => import("../test/clientMock"));
vi.mock("./Chart", () => ({ default: ({ label }: { label: string }) => <div data-testid="chart-stub">{label}</div> }));
const client = vi.mocked(api);

const stamp = "2026-11-22T01:00:00.000Z";
function source(id: string, name: string, over: Partial<DataSource> = {}): DataSource {
  return {
    id,
    name,
    source_type: "csv",
    status: "connected",
    last_sync: new Date(Date.now() - 3 * 3600_000).toISOString(),
    table: name.toLowerCase().replace(/\W+/g, "_"),
    columns: [
      { name: "student", kind: "text" },
      { name: "score", kind: "integer" },
      { name: "taken_on", kind: "date" },
    ],
    rows: 120,
    file_name: `${name}.csv`,
    encoding: "UTF-8",
    delimiter: ",",
    has_header: true,
    bytes: 2048,
    error: null,
    refresh_minutes: null,
    next_refresh_at: null,
    connection_here: false,
    data_here: true,
    database: null,
    created_at: stamp,
    updated_at: stamp,
    ...over,
  };
}

const scores = source("s1", "Exam scores");
const elsewhere = source("s2", "Grades", { data_here: false, file_name: "grades.csv" });
const pgView: DatabaseView = {
  engine: "postgresql",
  host: "db.school.example",
  port: 5433,
  database: "grades",
  user: "teacher",
  tls: "require",
  query: "SELECT student, score FROM public.scores",
  password_saved: true,
  tables: [{ schema: "public", name: "scores", columns: ["student", "score"] }],
};
const pg = (over: Partial<DataSource> = {}) => source("s5", "Grades DB", { source_type: "postgresql", file_name: null, encoding: null, delimiter: null, has_header: null, bytes: null, rows: 12, database: pgView, connection_here: true, ...over });
const api7 = (over: Partial<DataSource> = {}) =>
  source("s7", "Study log", { source_type: "rest_api", file_name: null, encoding: null, delimiter: null, has_header: null, rows: 40, connection_here: true, ...over });
const broken = source("s3", "Reading log", { status: "error", error: "the copy of \"Reading log\"'s file is missing from the data folder: import the file again" });

describe("DataSources", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.sourceList.mockResolvedValue([scores, elsewhere, broken]);
    client.sourcePreview.mockResolvedValue({
      columns: [
        { name: "student", kind: "text" },
        { name: "score", kind: "integer" },
      ],
      rows: [["Alice", 1234], ["Bob", 85]],
      truncated: false,
    });
  });

  it("lists each source with its file, rows, typed columns, status, last import and SQL table", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s1"));
    expect(item.getByRole("heading", { name: "Exam scores" })).toBeInTheDocument();
    expect(item.getByText("File: Exam scores.csv")).toBeInTheDocument();
    expect(item.getByText("120 rows")).toBeInTheDocument();
    expect(item.getByText("3 columns")).toBeInTheDocument();
    expect(item.getByTestId("source-status-s1")).toHaveTextContent("Ready");
    expect(item.getByText("3 hours ago")).toBeInTheDocument();
    const columns = item.getByRole("list", { name: "Columns of “Exam scores”" });
    expect(within(columns).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["student Text", "score Integer", "taken_on Date"]);
    expect(item.getByTestId("source-sql")).toHaveTextContent("SELECT * FROM sources.exam_scores");
    await userEvent.click(item.getByRole("button", { name: "Copy “SELECT * FROM sources.exam_scores”" }));
    expect(writeText).toHaveBeenCalledWith("SELECT * FROM sources.exam_scores");

    const other = within(screen.getByTestId("source-s2"));
    expect(other.getByTestId("source-not-here-s2")).toHaveTextContent("Imported on another device — not here.");
    expect(other.getByTestId("source-refresh-s2")).toBeDisabled();
    const failed = within(screen.getByTestId("source-s3"));
    expect(failed.getByTestId("source-status-s3")).toHaveTextContent("Failed");
    expect(failed.getByTestId("source-error-s3")).toHaveTextContent("is missing from the data folder");

    await userEvent.click(item.getByTestId("source-preview-s1"));
    const preview = within(await item.findByTestId("source-preview-table-s1"));
    expect(preview.getByText("1,234")).toBeInTheDocument();
    expect(preview.getByText("The first 2 of 120 rows.")).toBeInTheDocument();
    expect(client.sourcePreview).toHaveBeenCalledWith("s1", 20);
  });

  it("imports a CSV named after its file and shows the new source", async () => {
    const added = source("s4", "exam scores 2026", { rows: 3 });
    client.sourceAddCsv.mockResolvedValue(added);
    renderWithClient(<DataSources onClose={() => {}} />);
    await screen.findByTestId("source-s1");
    await userEvent.click(screen.getByTestId("source-import"));
    const file = new File(["student,score\nAlice,90\n"], "exam scores 2026.csv", { type: "text/csv" });
    expect(screen.getByTestId("source-file")).toHaveFocus();
    await userEvent.upload(screen.getByTestId("source-file"), file);
    expect(screen.getByTestId("source-name")).toHaveValue("exam scores 2026");
    client.sourceList.mockResolvedValue([scores, elsewhere, broken, added]);
    await userEvent.click(screen.getByTestId("source-import-submit"));
    await waitFor(() => expect(client.sourceAddCsv).toHaveBeenCalledWith(file, "exam scores 2026"));
    await waitFor(() => expect(screen.getByTestId("source-notice")).toHaveTextContent("Imported “exam scores 2026”: 3 rows."));
    const heading = await within(await screen.findByTestId("source-s4")).findByRole("heading", { name: "exam scores 2026" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.queryByTestId("source-import-form")).toBeNull();
  });

  it("says in the form why a file is refused, and keeps the form", async () => {
    client.sourceAddCsv.mockRejectedValue({
      kind: "validation",
      message: "line 3 has 2 fields, but the first row (line 1) has 3 fields: every row must have as many fields as the first (a missing or extra delimiter, or an unclosed quote?); nothing was imported",
    });
    renderWithClient(<DataSources onClose={() => {}} />);
    await screen.findByTestId("source-s1");
    await userEvent.click(screen.getByTestId("source-import"));
    await userEvent.upload(screen.getByTestId("source-file"), new File(["a,b,c\n1,2,3\n4,5\n"], "ragged.csv", { type: "text/csv" }));
    await userEvent.clear(screen.getByTestId("source-name"));
    await userEvent.type(screen.getByTestId("source-name"), "Ragged");
    await userEvent.click(screen.getByTestId("source-import-submit"));
    const form = within(screen.getByTestId("source-import-form"));
    expect(await form.findByRole("alert")).toHaveTextContent("line 3 has 2 fields, but the first row (line 1) has 3 fields");
    expect(client.sourceAddCsv).toHaveBeenCalledWith(expect.any(File), "Ragged");
    expect(screen.getByTestId("source-name")).toHaveValue("Ragged");
    expect(screen.getByTestId("source-notice")).toBeEmptyDOMElement();
  });

  it("in Japanese, gives the core's reason as a detail under the sentence", async () => {
    await i18n.changeLanguage("ja");
    client.sourceAddCsv.mockRejectedValue({ kind: "validation", message: "the file is not CSV text: it holds a NUL byte at byte 5" });
    renderWithClient(<DataSources onClose={() => {}} />);
    await screen.findByTestId("source-s1");
    await userEvent.click(screen.getByTestId("source-import"));
    await userEvent.click(screen.getByTestId("source-import-submit"));
    expect(screen.getByRole("alert")).toHaveTextContent("取り込むファイルを選んでください。");
    expect(client.sourceAddCsv).not.toHaveBeenCalled();
    await userEvent.upload(screen.getByTestId("source-file"), new File(["\xFF\xD8\0"], "photo.csv"));
    await userEvent.click(screen.getByTestId("source-import-submit"));
    const alert = await within(screen.getByTestId("source-import-form")).findByRole("alert");
    expect(alert).toHaveTextContent("入力内容を確認してください。");
    expect(alert).toHaveTextContent("詳細: the file is not CSV text: it holds a NUL byte at byte 5");
  });

  it("applies changed column kinds and the header choice through source_set_columns", async () => {
    client.sourceSetColumns.mockResolvedValue({ ...scores, columns: [scores.columns[0]!, { name: "score", kind: "real" }, scores.columns[2]!] });
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s1"));
    await userEvent.click(item.getByTestId("source-columns-s1"));
    expect(item.getByTestId("source-columns-apply")).toBeDisabled();
    await userEvent.selectOptions(item.getByRole("combobox", { name: "Kind of column “score”" }), "real");
    await userEvent.selectOptions(item.getByRole("combobox", { name: "Kind of column “taken_on”" }), "text");
    await userEvent.click(item.getByTestId("source-columns-apply"));
    await waitFor(() => expect(client.sourceSetColumns).toHaveBeenCalledWith("s1", ["text", "real", "text"], true));
    expect(await item.findByText("Column kinds applied.")).toBeInTheDocument();

    client.sourceSetColumns.mockRejectedValue({ kind: "validation", message: "line 4, column score: \"n/a\" is not an integer" });
    await userEvent.click(item.getByTestId("source-columns-s1"));
    await userEvent.click(item.getByTestId("source-has-header"));
    await userEvent.click(item.getByTestId("source-columns-apply"));
    await waitFor(() => expect(client.sourceSetColumns).toHaveBeenLastCalledWith("s1", ["text", "integer", "date"], false));
    expect(await within(item.getByTestId("source-columns-form-s1")).findByRole("alert")).toHaveTextContent("line 4, column score: \"n/a\" is not an integer");
  });

  it("refreshes, renames and re-imports a source", async () => {
    client.sourceRefresh.mockResolvedValue(scores);
    client.sourceRename.mockResolvedValue({ ...scores, name: "Exams" });
    client.sourceReimportCsv.mockResolvedValue(scores);
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s1"));
    await userEvent.click(item.getByTestId("source-refresh-s1"));
    await waitFor(() => expect(client.sourceRefresh).toHaveBeenCalledWith("s1"));
    expect(await item.findByText("Read “Exam scores” again: 120 rows.")).toBeInTheDocument();

    await userEvent.click(item.getByTestId("source-rename-s1"));
    await userEvent.clear(item.getByTestId("source-rename-name-s1"));
    await userEvent.type(item.getByTestId("source-rename-name-s1"), "Exams{Enter}");
    await waitFor(() => expect(client.sourceRename).toHaveBeenCalledWith("s1", "Exams"));

    await userEvent.click(item.getByTestId("source-reimport-s1"));
    const file = new File(["student,score\n"], "scores-v2.csv");
    await userEvent.upload(item.getByTestId("source-reimport-file-s1"), file);
    await userEvent.click(item.getByTestId("source-reimport-submit-s1"));
    await waitFor(() => expect(client.sourceReimportCsv).toHaveBeenCalledWith(file, "s1"));
  });

  it("deletes a source only after confirming, saying its widgets will lose it", async () => {
    client.sourceDelete.mockResolvedValue(null);
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s1"));
    await userEvent.click(item.getByTestId("source-delete-s1"));
    const dialog = screen.getByTestId("source-delete-confirm");
    expect(dialog).toHaveTextContent("Delete “Exam scores”, its copied file and its rows? Widgets that use it will say that their data source is gone.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(client.sourceDelete).not.toHaveBeenCalled();
    await userEvent.click(item.getByTestId("source-delete-s1"));
    await userEvent.click(screen.getByTestId("source-delete-confirm-confirm"));
    await waitFor(() => expect(client.sourceDelete).toHaveBeenCalledWith("s1"));
  });

  it("opens from the Insights page and goes back to the dashboards", async () => {
    client.dashboardsList.mockResolvedValue([]);
    renderWithClient(<InsightsPage headingRef={null} />);
    const open = screen.getByTestId("sources-open");
    await userEvent.click(open);
    expect(open).toHaveAttribute("aria-pressed", "true");
    expect(await screen.findByRole("heading", { name: "Data sources" })).toHaveFocus();
    expect(await screen.findByTestId("source-s1")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("sources-close"));
    expect(screen.queryByTestId("data-sources")).toBeNull();
    expect(open).toHaveFocus();
  });

  it("shows a PostgreSQL source's server and edits its connection, focus back on the button", async () => {
    const edited = pg({ rows: 14 });
    client.sourceList.mockResolvedValue([pg()]);
    client.sourceEditDatabase.mockResolvedValue(edited);
    client.sourceRefresh.mockResolvedValue(edited);
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s5"));
    expect(item.getByTestId("source-db-where-s5")).toHaveTextContent("grades on db.school.example:5433");
    expect(item.getByText("12 rows")).toBeInTheDocument();
    expect(item.queryByTestId("source-not-here-s5")).toBeNull();
    expect(item.queryByTestId("source-columns-s5")).toBeNull();

    const editButton = item.getByRole("button", { name: "Edit connection" });
    await userEvent.click(editButton);
    expect(editButton).toHaveAttribute("aria-expanded", "true");
    expect(item.getByLabelText("Host")).toHaveFocus();
    expect(item.getByLabelText("Host")).toHaveValue("db.school.example");
    expect(item.getByLabelText("Password")).toHaveAttribute("placeholder", "•••••• saved — leave blank to keep");
    await userEvent.keyboard("{Escape}");
    expect(item.queryByTestId("source-db-form")).toBeNull();
    expect(editButton).toHaveFocus();

    await userEvent.click(editButton);
    await userEvent.clear(item.getByLabelText("Query (SQL)"));
    await userEvent.type(item.getByLabelText("Query (SQL)"), "SELECT * FROM public.scores");
    await userEvent.click(item.getByRole("button", { name: "Connect and save" }));
    await waitFor(() => expect(client.sourceEditDatabase).toHaveBeenCalledWith("s5", expect.objectContaining({ query: "SELECT * FROM public.scores", port: 5433 })));
    expect(await item.findByText("Connection of “Grades DB” saved: 14 rows.")).toBeInTheDocument();
    expect(item.queryByTestId("source-db-form")).toBeNull();
    expect(editButton).toHaveFocus();

    await userEvent.click(item.getByTestId("source-refresh-s5"));
    await waitFor(() => expect(client.sourceRefresh).toHaveBeenCalledWith("s5"));
  });

  it("says a PostgreSQL source added on another device keeps its connection there, and offers no edit", async () => {
    client.sourceList.mockResolvedValue([pg({ database: null, data_here: false, connection_here: false })]);
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s5"));
    expect(item.getByTestId("source-not-here-s5")).toHaveTextContent("Added on another device: its connection is kept there.");
    expect(item.queryByRole("button", { name: "Edit connection" })).toBeNull();
    expect(item.queryByTestId("source-refresh-s5")).toBeNull();
    expect(item.queryByText(/Re-import the file/)).toBeNull();
  });

  it("shows a PostgreSQL source's last error like the others", async () => {
    client.sourceList.mockResolvedValue([pg({ status: "error", error: "localhost:5432 refused the user name or password (password authentication failed)" })]);
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s5"));
    expect(item.getByTestId("source-status-s5")).toHaveTextContent("Failed");
    expect(item.getByTestId("source-error-s5")).toHaveTextContent("refused the user name or password");
  });

  it("adds a PostgreSQL source from the panel: the list refreshes and the form closes", async () => {
    const added = pg({ id: "s6", name: "grades@localhost", rows: 3 });
    client.sourceAddDatabase.mockResolvedValue(added);
    renderWithClient(<DataSources onClose={() => {}} />);
    await screen.findByTestId("source-s1");
    const open = screen.getByRole("button", { name: "Add a database…" });
    await userEvent.click(open);
    expect(screen.getByTestId("source-db-name")).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("source-db-form")).toBeNull();
    expect(open).toHaveFocus();

    await userEvent.click(open);
    const form = within(screen.getByTestId("source-db-form"));
    await userEvent.type(form.getByLabelText("Host"), "localhost");
    await userEvent.type(form.getByLabelText("Database"), "grades");
    await userEvent.type(form.getByLabelText("User name"), "me");
    await userEvent.type(form.getByLabelText("Query (SQL)"), "SELECT 1");
    client.sourceList.mockResolvedValue([scores, elsewhere, broken, added]);
    const listed = client.sourceList.mock.calls.length;
    await userEvent.click(form.getByRole("button", { name: "Connect and add" }));
    await waitFor(() => expect(client.sourceAddDatabase).toHaveBeenCalledWith("", expect.objectContaining({ host: "localhost", engine: "postgresql" })));
    expect(await screen.findByTestId("source-s6")).toBeInTheDocument();
    expect(client.sourceList.mock.calls.length).toBeGreaterThan(listed);
    expect(screen.queryByTestId("source-db-form")).toBeNull();
    expect(screen.getByTestId("source-notice")).toHaveTextContent("Imported “grades@localhost”: 3 rows.");
  });

  it("refreshes a web API automatically every hour: the choice is saved and the next refresh shown in Tokyo time", async () => {
    // Today at 14:30 in Tokyo (the user's zone), whatever the machine's zone.
    const next = wallTimeToIso(`${todayIn("Asia/Tokyo")}T14:30`, "Asia/Tokyo") ?? "";
    const scheduled = api7({ refresh_minutes: 60, next_refresh_at: next });
    client.sourceList.mockResolvedValue([api7()]);
    client.sourceSetSchedule.mockImplementation(async () => {
      client.sourceList.mockResolvedValue([scheduled]);
      return scheduled;
    });
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s7"));
    const select = item.getByLabelText("Refresh automatically");
    expect(select).toHaveValue("off");
    expect(item.getByText("While Studydesk is open on this device.")).toBeInTheDocument();
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["Off", "Every 15 minutes", "Every hour", "Every 6 hours", "Every day"]);
    expect(item.queryByTestId("source-next-refresh-s7")).toBeNull();

    await userEvent.selectOptions(select, "Every hour");
    await waitFor(() => expect(client.sourceSetSchedule).toHaveBeenCalledWith("s7", 60));
    expect(await item.findByText("Automatic refresh of “Study log”: Every hour.")).toBeInTheDocument();
    expect(await item.findByTestId("source-next-refresh-s7")).toHaveTextContent("Next refresh 2:30 PM");
    expect(item.getByTestId("source-next-refresh-s7").querySelector("time")).toHaveAttribute("datetime", next);
    expect(select).toHaveValue("60");

    // A web API read on this device can be read again by hand too.
    client.sourceRefresh.mockResolvedValue(scheduled);
    await userEvent.click(item.getByTestId("source-refresh-s7"));
    await waitFor(() => expect(client.sourceRefresh).toHaveBeenCalledWith("s7"));

    client.sourceSetSchedule.mockResolvedValue(api7());
    await userEvent.selectOptions(select, "Off");
    await waitFor(() => expect(client.sourceSetSchedule).toHaveBeenLastCalledWith("s7", null));
  });

  it("shows another day's next refresh with its date, and a refused choice goes back with the reason", async () => {
    client.sourceList.mockResolvedValue([pg({ refresh_minutes: 1440, next_refresh_at: "2030-01-02T05:30:00.000Z" })]);
    client.sourceSetSchedule.mockRejectedValue({ kind: "validation", message: "a source refreshes every 15 minutes, hour, 6 hours or day" });
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s5"));
    // The user's zone and language arrive with the app state.
    await waitFor(() => expect(item.getByTestId("source-next-refresh-s5")).toHaveTextContent("Next refresh Wed, Jan 2, 2030, 2:30 PM"));
    const select = item.getByLabelText("Refresh automatically");
    expect(select).toHaveValue("1440");
    await userEvent.selectOptions(select, "Every 15 minutes");
    expect(await item.findByRole("alert")).toHaveTextContent("a source refreshes every 15 minutes, hour, 6 hours or day");
    await waitFor(() => expect(select).toHaveValue("1440"));
  });

  it("offers no schedule for CSV files, and says where a synced source's schedule runs", async () => {
    client.sourceList.mockResolvedValue([scores, api7({ id: "s8", name: "Laptop API", connection_here: false, data_here: false, refresh_minutes: 360 }), pg({ database: null, data_here: false, connection_here: false })]);
    renderWithClient(<DataSources onClose={() => {}} />);
    await screen.findByTestId("source-s1");
    expect(screen.queryByLabelText("Refresh automatically")).toBeNull();
    expect(screen.getByTestId("source-schedule-elsewhere-s8")).toHaveTextContent("Refreshed automatically on the device that added it (Every 6 hours).");
    expect(screen.queryByTestId("source-refresh-s8")).toBeNull();
    expect(screen.queryByTestId("source-schedule-elsewhere-s5")).toBeNull();
  });

  it("in Japanese, names the schedule and its next time in 24-hour time", async () => {
    await i18n.changeLanguage("ja");
    client.appState.mockResolvedValue(fx.appState({}, { preferred_locale: "ja" }));
    const next = wallTimeToIso(`${todayIn("Asia/Tokyo")}T14:30`, "Asia/Tokyo") ?? "";
    client.sourceList.mockResolvedValue([api7({ refresh_minutes: 15, next_refresh_at: next })]);
    renderWithClient(<DataSources onClose={() => {}} />);
    const item = within(await screen.findByTestId("source-s7"));
    const select = item.getByLabelText("自動で再読み込み");
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["しない", "15分ごと", "1時間ごと", "6時間ごと", "1日ごと"]);
    // The user's zone and language arrive with the app state.
    await waitFor(() => expect(item.getByTestId("source-next-refresh-s7")).toHaveTextContent("次の再読み込み 14:30"));
  });

  it("refetches the sources when the shell says it refreshed them on their schedule", async () => {
    let notify: () => void = () => {};
    client.onSourcesChanged.mockImplementation(async (handler) => {
      notify = handler;
      return () => {};
    });
    client.dashboardsList.mockResolvedValue([]);
    client.sourceList.mockResolvedValue([api7()]);
    renderWithClient(<InsightsPage headingRef={null} />);
    await userEvent.click(screen.getByTestId("sources-open"));
    const item = within(await screen.findByTestId("source-s7"));
    expect(item.getByText("40 rows")).toBeInTheDocument();
    await waitFor(() => expect(client.onSourcesChanged).toHaveBeenCalled());
    client.sourceList.mockResolvedValue([api7({ rows: 41 })]);
    notify();
    expect(await item.findByText("41 rows")).toBeInTheDocument();
  });
});
