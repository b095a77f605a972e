import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { DataSource } from "../api/bindings/DataSource";
import i18n from "../i18n";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { DatabaseForm, sqlName } from "./DatabaseForm";
import type { DatabaseEdit } from "./DatabaseForm";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const edit: DatabaseEdit = {
  id: "s9",
  name: "Grades",
  view: {
    engine: "postgresql",
    host: "db.school.example",
    port: 5433,
    database: "grades",
    user: "teacher",
    tls: "require",
    query: "SELECT * FROM  WHERE score > 50",
    password_saved: true,
    tables: [
      { schema: "public", name: "scores", columns: ["student", "score", "taken_on"] },
      { schema: "archive", name: "Old Scores", columns: ["student", "score"] },
    ],
  },
};

/** Types each value into the field its label names, in order; a select gets the option chosen. */
async function fill(fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) {
    const field = screen.getByLabelText(label);
    if (field instanceof HTMLSelectElement) await userEvent.selectOptions(field, value);
    else await userEvent.type(field, value);
  }
}

/** The request of the last call (the second argument of add and of edit). */
const lastRequest = (fn: { mock: { calls: unknown[][] } }) => fn.mock.calls.at(-1)?.[1] as Record<string, unknown>;

describe("DatabaseForm", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
    client.sourcePasswordStore.mockResolvedValue("keychain");
  });

  it("sends the connection as the core's request, the port as a number, while saying it is connecting", async () => {
    const done = vi.fn();
    let answer: (s: DataSource) => void = () => {};
    client.sourceAddDatabase.mockReturnValue(new Promise<DataSource>((resolve) => (answer = resolve)));
    renderWithClient(<DatabaseForm onDone={done} onCancel={() => {}} />);
    expect(screen.getByLabelText("Name")).toHaveFocus();
    expect(screen.getByLabelText("Name")).toHaveAttribute("placeholder", "database@host");
    expect(screen.getByLabelText("Port")).toHaveAttribute("placeholder", "5432");
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(screen.getByLabelText("Password")).toHaveAttribute("autocomplete", "off");
    expect(await screen.findByText("Saved in your system's keychain, never in Studydesk's database.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Saved in your system's keychain, never in Studydesk's database.");

    await fill({
      Name: "Grades",
      Host: " db.school.example ",
      Port: "5433",
      Database: "grades",
      "User name": "teacher",
      Password: "s3cret pw",
      "Encryption (TLS)": "require",
      "Query (SQL)": "SELECT student, score FROM public.scores",
    });
    expect(screen.getByLabelText("Encryption (TLS)")).toHaveAccessibleDescription("Encrypted or not at all: an unencrypted server is refused.");
    await userEvent.click(screen.getByRole("button", { name: "Connect and add" }));

    const busy = screen.getByTestId("source-db-submit");
    expect(busy).toHaveTextContent("Connecting…");
    expect(busy).toBeDisabled();
    expect(client.sourceAddDatabase).toHaveBeenCalledTimes(1);
    expect(client.sourceAddDatabase).toHaveBeenCalledWith("Grades", {
      engine: "postgresql",
      host: "db.school.example",
      port: 5433,
      database: "grades",
      user: "teacher",
      password: "s3cret pw",
      tls: "require",
      query: "SELECT student, score FROM public.scores",
    });
    expect(typeof lastRequest(client.sourceAddDatabase).port).toBe("number");
    answer({ id: "s9", name: "Grades", rows: 3 } as DataSource);
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(done.mock.calls[0]?.[0]).toMatchObject({ id: "s9" });
  });

  it("leaves out a blank port and a blank password, and prefers TLS by default", async () => {
    client.sourceAddDatabase.mockResolvedValue({ id: "s9", name: "grades@localhost", rows: 0 } as DataSource);
    renderWithClient(<DatabaseForm onDone={() => {}} onCancel={() => {}} />);
    await fill({ Host: "localhost", Database: "grades", "User name": "me", "Query (SQL)": "SELECT 1" });
    await userEvent.click(screen.getByTestId("source-db-submit"));
    await waitFor(() => expect(client.sourceAddDatabase).toHaveBeenCalled());
    const request = lastRequest(client.sourceAddDatabase);
    expect(client.sourceAddDatabase.mock.calls.at(-1)?.[0]).toBe("");
    expect(request).toEqual({ engine: "postgresql", host: "localhost", database: "grades", user: "me", tls: "prefer", query: "SELECT 1" });
    expect("port" in request).toBe(false);
    expect("password" in request).toBe(false);
  });

  it("shows the server's refusal in words as an alert and keeps what was typed", async () => {
    const done = vi.fn();
    client.sourceAddDatabase.mockRejectedValue({ kind: "validation", message: 'the server said: syntax error at or near "score" (at character 33 of the query)' });
    renderWithClient(<DatabaseForm onDone={done} onCancel={() => {}} />);
    await fill({ Host: "localhost", Database: "grades", "User name": "teacher", Password: "pw", "Query (SQL)": "SELECT student FROM scores score score" });
    await userEvent.click(screen.getByTestId("source-db-submit"));
    const alert = await within(screen.getByTestId("source-db-form")).findByRole("alert");
    expect(alert).toHaveTextContent('the server said: syntax error at or near "score" (at character 33 of the query)');
    expect(done).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Host")).toHaveValue("localhost");
    expect(screen.getByLabelText("Password")).toHaveValue("pw");
    expect(screen.getByLabelText("Query (SQL)")).toHaveValue("SELECT student FROM scores score score");
    expect(screen.getByTestId("source-db-submit")).toBeEnabled();
    expect(screen.getByTestId("source-db-submit")).toHaveTextContent("Connect and add");
  });

  it("edits a connection: prefilled from the core, the tables listed, a blank password kept", async () => {
    client.sourceEditDatabase.mockResolvedValue({ id: "s9", name: "Grades", rows: 12 } as DataSource);
    const done = vi.fn();
    renderWithClient(<DatabaseForm edit={edit} onDone={done} onCancel={() => {}} />);
    expect(screen.getByRole("form", { name: "Connection of “Grades”" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Name")).toBeNull();
    expect(screen.getByLabelText("Host")).toHaveFocus();
    expect(screen.getByLabelText("Host")).toHaveValue("db.school.example");
    expect(screen.getByLabelText("Port")).toHaveValue(5433);
    expect(screen.getByLabelText("Database")).toHaveValue("grades");
    expect(screen.getByLabelText("User name")).toHaveValue("teacher");
    expect(screen.getByLabelText("Encryption (TLS)")).toHaveValue("require");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByLabelText("Password")).toHaveAttribute("placeholder", "•••••• saved — leave blank to keep");

    const tables = within(screen.getByRole("region", { name: "Tables on the server" }));
    expect(tables.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["public.scoresstudent, score, taken_on", 'archive."Old Scores"student, score']);
    const query = screen.getByLabelText<HTMLTextAreaElement>("Query (SQL)");
    query.focus();
    query.setSelectionRange(14, 14);
    await userEvent.click(tables.getByRole("button", { name: "Insert public.scores into the query" }));
    expect(query).toHaveValue("SELECT * FROM public.scores WHERE score > 50");
    expect(query).toHaveFocus();
    expect(query.selectionStart).toBe(27);

    await userEvent.click(screen.getByRole("button", { name: "Connect and save" }));
    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(client.sourceEditDatabase).toHaveBeenCalledWith("s9", {
      engine: "postgresql",
      host: "db.school.example",
      port: 5433,
      database: "grades",
      user: "teacher",
      tls: "require",
      query: "SELECT * FROM public.scores WHERE score > 50",
    });
    expect("password" in lastRequest(client.sourceEditDatabase)).toBe(false);
    expect(client.sourceAddDatabase).not.toHaveBeenCalled();
  });

  it("sends a new password typed on an edit", async () => {
    client.sourceEditDatabase.mockResolvedValue({ id: "s9", name: "Grades", rows: 12 } as DataSource);
    renderWithClient(<DatabaseForm edit={edit} onDone={() => {}} onCancel={() => {}} />);
    await fill({ Password: "new one" });
    await userEvent.click(screen.getByTestId("source-db-submit"));
    await waitFor(() => expect(client.sourceEditDatabase).toHaveBeenCalled());
    expect(lastRequest(client.sourceEditDatabase).password).toBe("new one");
  });

  it("adds a MySQL or MariaDB source: the engine chosen, its port shown as 3306", async () => {
    client.sourceAddDatabase.mockResolvedValue({} as DataSource);
    renderWithClient(<DatabaseForm onDone={() => {}} onCancel={() => {}} />);
    await fill({ Server: "mysql" });
    expect(screen.getByLabelText("Port")).toHaveAttribute("placeholder", "3306");
    await fill({ Host: "127.0.0.1", Database: "grades", "User name": "reader", "Query (SQL)": "SELECT 1" });
    await userEvent.click(screen.getByRole("button", { name: "Connect and add" }));
    expect(client.sourceAddDatabase).toHaveBeenCalledWith("", { engine: "mysql", host: "127.0.0.1", database: "grades", user: "reader", tls: "prefer", query: "SELECT 1" });
  });

  it("closes on Escape from any field", async () => {
    const cancel = vi.fn();
    renderWithClient(<DatabaseForm edit={edit} onDone={() => {}} onCancel={cancel} />);
    await userEvent.type(screen.getByLabelText("Database"), "{Escape}");
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it("says when no keychain answered and the encrypted file keeps the password", async () => {
    client.sourcePasswordStore.mockResolvedValue("encrypted_file");
    renderWithClient(<DatabaseForm onDone={() => {}} onCancel={() => {}} />);
    const hint = await screen.findByText(/No system keychain answered: saved in Studydesk's encrypted file/);
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription(hint.textContent ?? "");
  });

  it("in Japanese, labels every field and words the password's store", async () => {
    await i18n.changeLanguage("ja");
    client.sourcePasswordStore.mockResolvedValue("keychain");
    client.sourceAddDatabase.mockRejectedValue({ kind: "validation", message: "localhost:5432 refused the user name or password (password authentication failed for user \"me\")" });
    renderWithClient(<DatabaseForm onDone={() => {}} onCancel={() => {}} />);
    expect(screen.getByRole("form", { name: "データベースを追加（PostgreSQL・MySQL・MariaDB）" })).toBeInTheDocument();
    for (const label of ["名前", "ホスト", "ポート", "データベース", "ユーザー名", "パスワード", "暗号化（TLS）", "クエリ（SQL）"]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(await screen.findByText("OS のキーチェーンに保存されます。Studydesk のデータベースには保存されません。")).toBeInTheDocument();
    expect(screen.getByRole("option", { name: "必須（常に暗号化）" })).toBeInTheDocument();
    await fill({ ホスト: "localhost", データベース: "grades", ユーザー名: "me", "クエリ（SQL）": "SELECT 1" });
    await userEvent.click(screen.getByRole("button", { name: "接続して追加" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("入力内容を確認してください。");
    expect(alert).toHaveTextContent("詳細: localhost:5432 refused the user name or password");
  });
});

describe("sqlName", () => {
  it("quotes names PostgreSQL would fold or refuse", () => {
    expect(sqlName("scores")).toBe("scores");
    expect(sqlName("Scores")).toBe('"Scores"');
    expect(sqlName('odd"name')).toBe('"odd""name"');
  });
});
