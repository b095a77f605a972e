// The three curated lists of Home: focus areas, quick links and playlists.
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { useApiMutation } from "../api/queries";
import type { FocusEntry } from "../api/bindings/FocusEntry";
import type { StudyPlaylist } from "../api/bindings/StudyPlaylist";
import type { StudyResource } from "../api/bindings/StudyResource";
import { Card, EmptyNote } from "../components/Card";
import { Icon } from "../components/Icon";
import { AddDisclosure, InlineForm, opt } from "../components/InlineForm";
import { quickSession, useStartSession } from "../focus/useStartSession";
import "./ContentCards.css";
import { LIMITS } from "../api/limits";

function DeleteButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="icon-button danger" onClick={onClick} aria-label={label}>
      <Icon name="trash" size={16} />
    </button>
  );
}

export function FocusAreasCard({ entries }: { entries: FocusEntry[] }) {
  const { t } = useTranslation();
  const add = useApiMutation(api.focusEntryAdd);
  const remove = useApiMutation(api.focusEntryDelete);
  const start = useStartSession();
  return (
    <Card id="focus_areas" title={t("cards.focus_areas")}>
      {entries.length === 0 ? <EmptyNote>{t("focus.empty")}</EmptyNote> : null}
      <ul className="focus-list">
        {entries.map((f) => (
          <li key={f.id} className="focus-item" data-testid="focus-item">
            <div className="focus-main">
              <span className="focus-title">{f.title}</span>
              {f.description ? <span className="focus-desc">{f.description}</span> : null}
            </div>
            <button
              type="button"
              className="button subtle small"
              aria-label={t("session.startNamed", { name: f.title })}
              data-testid={`focus-area-start-${f.id}`}
              disabled={start.isPending}
              onClick={() => start.mutate(quickSession({ name: f.title }))}
            >
              <Icon name="play" size={14} />
              {t("activities.start")}
            </button>
            <DeleteButton label={t("focus.delete", { name: f.title })} onClick={() => remove.mutate(f.id)} />
          </li>
        ))}
      </ul>
      <AddDisclosure label={t("focus.showForm")}>
        {(close) => (
          <InlineForm
            submitLabel={t("focus.add")}
            onCancel={close}
            fields={[
              { name: "title", label: t("focus.title"), required: true, maxLength: LIMITS.focusEntry.title, width: "wide" },
              { name: "description", label: t("focus.description"), maxLength: LIMITS.focusEntry.description, width: "wide" },
            ]}
            onSubmit={(v) => {
              const description = opt(v.description);
              return add.mutateAsync(
                description ? { title: (v.title ?? "").trim(), description } : { title: (v.title ?? "").trim() },
              );
            }}
          />
        )}
      </AddDisclosure>
    </Card>
  );
}

export function QuickLinksCard({ resources }: { resources: StudyResource[] }) {
  const { t } = useTranslation();
  const add = useApiMutation(api.resourceAdd);
  const remove = useApiMutation(api.resourceDelete);
  const start = useStartSession();
  return (
    <Card id="quick_links" title={t("cards.quick_links")}>
      {resources.length === 0 ? <EmptyNote>{t("links.empty")}</EmptyNote> : null}
      <ul className="link-grid">
        {resources.map((r) => (
          <li key={r.id} className="link-tile" data-testid="quick-link">
            {r.url ? (
              <a className="link-button" href={r.url} target="_blank" rel="noreferrer" aria-label={t("links.open", { name: r.label })}>
                <span className="link-emoji" aria-hidden="true">
                  {r.emoji ?? "🔗"}
                </span>
                <span className="link-label">{r.label}</span>
              </a>
            ) : (
              <span className="link-button disabled" aria-label={t("links.noUrl", { name: r.label })} role="note">
                <span className="link-emoji" aria-hidden="true">
                  {r.emoji ?? "🔗"}
                </span>
                <span className="link-label">{r.label}</span>
              </span>
            )}
            <DeleteButton label={t("links.delete", { name: r.label })} onClick={() => remove.mutate(r.id)} />
            {r.url ? (
              // A real link, so it opens the way every quick link opens; the click also starts the session.
              <a
                className="link-start"
                href={r.url}
                target="_blank"
                rel="noreferrer"
                aria-label={t("session.startLink", { name: r.label })}
                title={t("session.startLink", { name: r.label })}
                data-testid={`quick-link-start-${r.id}`}
                onClick={() => start.mutate(quickSession({ name: r.label }))}
              >
                <Icon name="play" size={14} />
              </a>
            ) : (
              <button
                type="button"
                className="link-start"
                aria-label={t("session.startNamed", { name: r.label })}
                title={t("session.startNamed", { name: r.label })}
                data-testid={`quick-link-start-${r.id}`}
                onClick={() => start.mutate(quickSession({ name: r.label }))}
              >
                <Icon name="play" size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
      <AddDisclosure label={t("links.showForm")}>
        {(close) => (
          <InlineForm
            submitLabel={t("links.add")}
            onCancel={close}
            fields={[
              { name: "label", label: t("links.label"), required: true, maxLength: LIMITS.resource.label },
              { name: "emoji", type: "emoji", label: t("links.emoji"), maxLength: LIMITS.resource.emoji, width: "narrow" },
              { name: "url", label: t("links.url"), type: "url", placeholder: "https://", width: "wide" },
            ]}
            onSubmit={(v) => {
              const emoji = opt(v.emoji);
              const url = opt(v.url);
              return add.mutateAsync({
                label: (v.label ?? "").trim(),
                ...(emoji ? { emoji } : {}),
                ...(url ? { url } : {}),
              });
            }}
          />
        )}
      </AddDisclosure>
    </Card>
  );
}

export function PlaylistsCard({ playlists }: { playlists: StudyPlaylist[] }) {
  const { t } = useTranslation();
  const add = useApiMutation(api.playlistAdd);
  const remove = useApiMutation(api.playlistDelete);
  return (
    <Card id="playlists" title={t("cards.playlists")}>
      {playlists.length === 0 ? <EmptyNote>{t("playlists.empty")}</EmptyNote> : null}
      <ul className="playlist-list">
        {playlists.map((p) => (
          <li key={p.id} className="playlist-item" data-testid="playlist-item">
            <span className="playlist-icon" aria-hidden="true">
              <Icon name="play" size={16} />
            </span>
            <div className="playlist-main">
              {p.embed_url ? (
                <a href={p.embed_url} target="_blank" rel="noreferrer" aria-label={t("playlists.open", { name: p.title })}>
                  {p.title}
                </a>
              ) : (
                <span>{p.title}</span>
              )}
              <span className="playlist-provider">{p.provider ?? t("playlists.noProvider")}</span>
            </div>
            <DeleteButton label={t("playlists.delete", { name: p.title })} onClick={() => remove.mutate(p.id)} />
          </li>
        ))}
      </ul>
      <AddDisclosure label={t("playlists.showForm")}>
        {(close) => (
          <InlineForm
            submitLabel={t("playlists.add")}
            onCancel={close}
            fields={[
              { name: "title", label: t("playlists.title"), required: true, maxLength: LIMITS.playlist.title, width: "wide" },
              { name: "provider", label: t("playlists.provider"), maxLength: LIMITS.playlist.provider },
              { name: "embed_url", label: t("playlists.url"), type: "url", placeholder: "https://", required: true, width: "wide" },
            ]}
            onSubmit={(v) => {
              const provider = opt(v.provider);
              return add.mutateAsync({
                title: (v.title ?? "").trim(),
                embed_url: (v.embed_url ?? "").trim(),
                ...(provider ? { provider } : {}),
              });
            }}
          />
        )}
      </AddDisclosure>
    </Card>
  );
}
