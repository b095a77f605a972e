import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as api from "../api/client";
import type { UsernameCheck } from "../api/bindings/UsernameCheck";
import * as fx from "../test/fixtures";
import { renderWithClient } from "../test/render";
import { ProfileForm } from "./ProfileForm";
import { profileCard, relation } from "./socialFixtures";

vi.mock("../api/client", () => import("../test/clientMock"));
const client = vi.mocked(api);

const mine = profileCard({ id: "me", username: "hana", display_name: "Hana", relation: relation({ me: true }) });
const answer = (patch: Partial<UsernameCheck>): UsernameCheck => ({
  name: "x",
  verdict: "available",
  rule: null,
  character: null,
  similar_to: null,
  server: "checked",
  message: null,
  ...patch,
});

async function typeName(name: string) {
  const field = screen.getByTestId("profile-username");
  await userEvent.clear(field);
  await userEvent.type(field, name);
}

describe("ProfileForm's username check", () => {
  beforeEach(() => {
    client.appState.mockResolvedValue(fx.appState());
  });

  it("checks once the typing pauses and says available, taken, or the look-alike", async () => {
    client.usernameAvailable.mockImplementation(async (name) =>
      name === "mika" ? answer({ name, verdict: "taken" }) : name === "rnika" ? answer({ name, verdict: "taken", similar_to: "mika" }) : answer({ name }),
    );
    renderWithClient(<ProfileForm card={mine} onDone={() => {}} />);
    expect(screen.getByTestId("username-status")).toHaveTextContent("");
    await typeName("hana_k");
    expect(screen.getByTestId("username-status")).toHaveTextContent("Checking @hana_k");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent("@hana_k is available."));
    // One check for the settled name, not one per key.
    expect(client.usernameAvailable.mock.calls).toEqual([["hana_k"]]);
    await typeName("mika");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent("@mika is taken."));
    expect(screen.getByTestId("username-status")).toHaveAttribute("data-bad", "true");
    await typeName("rnika");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent("@rnika looks like @mika, which is taken."));
    // My own name needs no check.
    await typeName("hana");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent(""));
    expect(client.usernameAvailable).not.toHaveBeenCalledWith("hana");
  });

  it("names the rule a username breaks, in words", async () => {
    client.usernameAvailable.mockImplementation(async (name) =>
      name.includes("!") ? answer({ name, verdict: "invalid", rule: "character", character: "!" }) : answer({ name, verdict: "invalid", rule: "whitespace" }),
    );
    renderWithClient(<ProfileForm card={mine} onDone={() => {}} />);
    await typeName("hana!");
    await waitFor(() =>
      expect(screen.getByTestId("username-status")).toHaveTextContent("A username has letters, digits, “_” and “.” only (“!” is none of them)."),
    );
    await typeName("my name");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent("A username cannot contain spaces."));
  });

  it("says the server checks at the next sync when not signed in or unreachable", async () => {
    client.usernameAvailable.mockImplementation(async (name) => answer({ name, server: name === "kenji" ? "unreachable" : "not_signed_in" }));
    renderWithClient(<ProfileForm card={mine} onDone={() => {}} />);
    await typeName("sora");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent("not signed in to a sync server: the server checks it at the next sync"));
    await typeName("kenji");
    await waitFor(() => expect(screen.getByTestId("username-status")).toHaveTextContent("could not be reached: it checks it at the next sync"));
  });
});
