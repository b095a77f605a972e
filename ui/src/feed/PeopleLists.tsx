// The people lists of a profile: followers and following (anyone's I can see), and mine
// only: follow requests (Accept / Decline), blocked and muted accounts (Unblock /
// Unmute). The core answers at most 500 people a list, newest first; the list shows them
// a page at a time ("Show more").
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { Face } from "../api/bindings/Face";
import type { PeopleList } from "../api/bindings/PeopleList";
import { useApiMutation, useQueryClient } from "../api/queries";
import { errorText } from "../api/errorText";
import { Loading } from "../components/Status";
import { nameOf, PersonAvatarLink, PersonLink } from "./PersonLink";
import "./PeopleLists.css";

/** People shown at first, and added by each "Show more". */
export const PEOPLE_PAGE = 20;

/** The lists only the owner sees. */
export const OWN_LISTS: PeopleList[] = ["requests", "blocked", "muted"];

export const peopleKey = (user: string | null, list: PeopleList) => ["people_list", user, list] as const;

/** After a follow, block, mute or answer: every view that shows who is related to whom. */
export function useRelationRefresh() {
  const qc = useQueryClient();
  return () =>
    Promise.all(
      ["profile_card", "people_list", "posts_page", "people_suggestions"].map((k) => qc.invalidateQueries({ queryKey: [k] })),
    );
}

function Row({ face, list, mine }: { face: Face; list: PeopleList; mine: boolean }) {
  const { t } = useTranslation();
  const refresh = useRelationRefresh();
  const done = { meta: { inlineError: true }, onSuccess: () => void refresh() };
  const answer = useApiMutation((accept: boolean) => api.followRequestAnswer(face.id, accept), done);
  const unblock = useApiMutation(() => api.blockSet(face.id, false), done);
  const unmute = useApiMutation(() => api.muteSet(face.id, false), done);
  const busy = answer.isPending || unblock.isPending || unmute.isPending;
  const error = answer.error ?? unblock.error ?? unmute.error;
  const name = nameOf(face, t("feed.someone"));
  const action = (label: string, aria: string, testId: string, run: () => void, primary = false) => (
    <button type="button" className={`button ${primary ? "primary" : "subtle"}`} data-testid={testId} aria-label={aria} disabled={busy} onClick={run}>
      {label}
    </button>
  );
  let actions: Array<ReturnType<typeof action>> = [];
  if (mine && list === "requests") {
    actions = [
      action(t("people.accept"), t("people.acceptWho", { name }), "request-accept", () => answer.mutate(true), true),
      action(t("people.decline"), t("people.declineWho", { name }), "request-decline", () => answer.mutate(false)),
    ];
  } else if (mine && list === "blocked") {
    actions = [action(t("profile.unblock"), t("people.unblockWho", { name }), "person-unblock", () => unblock.mutate(undefined))];
  } else if (mine && list === "muted") {
    actions = [action(t("profile.unmute"), t("people.unmuteWho", { name }), "person-unmute", () => unmute.mutate(undefined))];
  }
  return (
    <li className="person-row" data-testid="person-row">
      <PersonAvatarLink face={face} size={28} />
      <span className="person-row-name">
        <PersonLink face={face} />
        {face.username && face.display_name ? <span className="post-handle">@{face.username}</span> : null}
      </span>
      {actions.length ? <span className="person-row-actions">{actions}</span> : null}
      {error ? (
        <p role="alert" className="field-error person-row-error">
          {errorText(t, error)}
        </p>
      ) : null}
    </li>
  );
}

/** One list of people of `user` (`null`: me); `mine` offers the owner's actions. */
export function PeopleListView({ user, list, mine }: { user: string | null; list: PeopleList; mine: boolean }) {
  const { t } = useTranslation();
  const people = useQuery<Face[], ApiError>({
    queryKey: peopleKey(user, list),
    queryFn: () => api.peopleList(user, list),
  });
  const [shown, setShown] = useState(PEOPLE_PAGE);
  const all = people.data ?? [];
  return (
    <section className="card people-list" data-testid={`people-${list}`} aria-label={t(`people.${list}`)}>
      {people.isPending ? <Loading /> : null}
      {people.isError ? <p role="alert">{errorText(t, people.error)}</p> : null}
      {people.data && all.length === 0 ? <p className="empty-note">{t(`people.empty.${list}`)}</p> : null}
      <ul className="plain-list people-rows">
        {all.slice(0, shown).map((f) => (
          <Row key={f.id} face={f} list={list} mine={mine} />
        ))}
      </ul>
      {all.length > PEOPLE_PAGE ? (
        <p className="people-more">
          <span className="hint">{t("people.shown", { shown: Math.min(shown, all.length), total: all.length })}</span>
          {shown < all.length ? (
            <button type="button" className="button subtle" data-testid="people-more" onClick={() => setShown((n) => n + PEOPLE_PAGE)}>
              {t("people.showMore")}
            </button>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
