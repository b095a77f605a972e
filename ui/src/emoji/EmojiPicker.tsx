// The emoji picker: a dialog with a search box (English and Japanese names, shortcodes,
// keywords), the skin tone, starred and recently used emoji, then every category. The grid
// is one Tab stop: arrow keys move (up and down by a row), Home and End jump, Enter picks,
// F stars the emoji under focus. Esc closes without picking. My custom emoji have their
// own "Custom" section (after recent ones) and show their image; picking one inserts its
// `:shortcode:`.
import { useMemo, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Emoji } from "../api/bindings/Emoji";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { errorText } from "../api/errorText";
import { useEmojiCatalog, useEmojiFavorite, useEmojiSearch, useEmojiUse, useSkinTone } from "./queries";
import { CustomEmojiImage } from "./EmojiText";
import "./EmojiPicker.css";

/** Emoji per row of the grid (the CSS draws the same number). */
export const COLUMNS = 9;
const TONES = ["✋", "✋🏻", "✋🏼", "✋🏽", "✋🏾", "✋🏿"];

type Section = { key: string; title: string; emojis: Emoji[] };

export function EmojiPicker({
  onPick,
  onClose,
  custom = true,
}: {
  onPick: (emoji: Emoji) => void;
  onClose: () => void;
  /** Offer my custom emoji (text that shows them: posts, comments); `false` for an icon field, which holds one character. */
  custom?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const catalog = useEmojiCatalog();
  const [query, setQuery] = useState("");
  const found = useEmojiSearch(query);
  const use = useEmojiUse();
  const favorite = useEmojiFavorite();
  const tone = useSkinTone();
  const [active, setActive] = useState(0);
  const gridRef = useRef<HTMLDivElement | null>(null);
  const ja = i18n.language.startsWith("ja");
  const nameOf = (e: Emoji) => (ja ? (e.name_ja ?? e.name) : e.name);

  const sections: Section[] = useMemo(() => {
    const cat = catalog.data;
    if (!cat) return [];
    const offered = (list: Emoji[]) => (custom ? list : list.filter((e) => !e.image_url));
    if (query.trim()) return [{ key: "results", title: t("emoji.results"), emojis: offered(found.data ?? []) }];
    const out: Section[] = [];
    const [favorites, recent] = [offered(cat.mine.favorites), offered(cat.mine.recent)];
    if (favorites.length) out.push({ key: "favorites", title: t("emoji.favorites"), emojis: favorites });
    if (recent.length) out.push({ key: "recent", title: t("emoji.recent"), emojis: recent });
    if (custom && cat.custom.length) out.push({ key: "custom", title: t("emoji.custom"), emojis: cat.custom });
    for (const c of cat.categories) {
      out.push({ key: c.name, title: t(`emoji.category.${c.name}`, { defaultValue: c.display_name ?? c.name }), emojis: cat.emojis.filter((e) => e.category_id === c.id) });
    }
    return out;
  }, [catalog.data, found.data, query, t, custom]);
  const flat = useMemo(() => sections.flatMap((s) => s.emojis), [sections]);
  const current = flat[Math.min(active, flat.length - 1)];
  const favoriteIds = new Set(catalog.data?.mine.favorites.map((e) => e.id));

  const pick = (e: Emoji) => {
    use.mutate(e.id);
    onPick(e);
    onClose();
  };
  const focusAt = (i: number) => {
    const next = Math.max(0, Math.min(flat.length - 1, i));
    setActive(next);
    gridRef.current?.querySelector<HTMLButtonElement>(`[data-index="${next}"]`)?.focus();
  };
  const onGridKey = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (e.key in moves) {
      e.preventDefault();
      focusAt(active + moves[e.key]!);
    } else if (e.key === "Home") {
      e.preventDefault();
      focusAt(0);
    } else if (e.key === "End") {
      e.preventDefault();
      focusAt(flat.length - 1);
    } else if ((e.key === "f" || e.key === "F") && current) {
      e.preventDefault();
      favorite.mutate({ id: current.id, favorite: !favoriteIds.has(current.id) });
    }
  };
  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" && flat.length) {
      e.preventDefault();
      focusAt(0);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (flat[0]) pick(flat[0]);
    }
  };

  let index = 0;
  return (
    <Dialog title={t("emoji.title")} onClose={onClose} className="emoji-picker" testId="emoji-picker">
      <div className="emoji-picker-top">
        <input
          type="search"
          className="emoji-search"
          data-autofocus
          aria-label={t("emoji.search")}
          placeholder={t("emoji.searchPlaceholder")}
          value={query}
          maxLength={100}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onSearchKey}
        />
        <div className="emoji-tones" role="radiogroup" aria-label={t("emoji.skinTone")}>
          {TONES.map((glyph, i) => (
            <button
              key={glyph}
              type="button"
              role="radio"
              aria-checked={(catalog.data?.skin_tone ?? 0) === i}
              aria-label={t(`emoji.tone.${i}`)}
              title={t(`emoji.tone.${i}`)}
              className="emoji-tone"
              onClick={() => tone.mutate(i)}
            >
              {glyph}
            </button>
          ))}
        </div>
      </div>
      {query.trim() ? null : (
        <nav className="emoji-categories" aria-label={t("emoji.categories")}>
          {sections.map((s) => (
            <button
              key={s.key}
              type="button"
              className="emoji-category"
              aria-label={s.title}
              title={s.title}
              tabIndex={-1}
              onClick={() => gridRef.current?.querySelector(`#emoji-section-${s.key}`)?.scrollIntoView({ block: "start" })}
            >
              {s.key === "favorites" ? (
                <Icon name="star" size={16} />
              ) : s.key === "recent" ? (
                <Icon name="clock" size={16} />
              ) : s.key === "custom" && s.emojis[0] ? (
                <Glyph emoji={s.emojis[0]} />
              ) : (
                catalog.data?.categories.find((c) => c.name === s.key)?.icon
              )}
            </button>
          ))}
        </nav>
      )}
      <div className="emoji-scroll" ref={gridRef} onKeyDown={onGridKey}>
        {catalog.isError ? <p role="alert">{errorText(t, catalog.error)}</p> : null}
        {catalog.isPending ? <p className="muted">{t("app.loading")}</p> : null}
        {found.isError ? <p role="alert">{errorText(t, found.error)}</p> : null}
        {sections.map((s) => (
          <section key={s.key} id={`emoji-section-${s.key}`} aria-label={s.title}>
            <h3 className="emoji-section-title">{s.title}</h3>
            {s.emojis.length === 0 && s.key === "results" && !found.isFetching ? (
              <p className="muted">{t("emoji.noMatch", { query: query.trim() })}</p>
            ) : null}
            <div className="emoji-grid" role="group">
              {s.emojis.map((e) => {
                const i = index++;
                return (
                  <button
                    key={`${s.key}-${e.id}`}
                    type="button"
                    className="emoji-cell"
                    data-index={i}
                    tabIndex={i === Math.min(active, flat.length - 1) ? 0 : -1}
                    aria-label={nameOf(e)}
                    title={`${nameOf(e)} ${e.shortcode ?? ""}`}
                    onFocus={() => setActive(i)}
                    onClick={() => pick(e)}
                  >
                    <Glyph emoji={e} />
                  </button>
                );
              })}
            </div>
          </section>
        ))}
      </div>
      <div className="emoji-preview" aria-live="polite">
        {current ? (
          <>
            <span className="emoji-preview-glyph" aria-hidden="true">
              <Glyph emoji={current} />
            </span>
            <span className="emoji-preview-name">
              <strong>{nameOf(current)}</strong>
              <span className="muted">{current.shortcode}</span>
            </span>
            <button
              type="button"
              className={`icon-button star ${favoriteIds.has(current.id) ? "on" : ""}`}
              aria-pressed={favoriteIds.has(current.id)}
              aria-label={t("emoji.star", { name: nameOf(current) })}
              title={t("emoji.starHint")}
              onClick={() => favorite.mutate({ id: current.id, favorite: !favoriteIds.has(current.id) })}
            >
              <Icon name="star" size={18} filled={favoriteIds.has(current.id)} />
            </button>
          </>
        ) : null}
      </div>
    </Dialog>
  );
}

/** What a cell shows: the character, or a custom emoji's image (alt: its `:shortcode:`). */
function Glyph({ emoji }: { emoji: Emoji }) {
  if (!emoji.image_url) return <>{emoji.unicode}</>;
  return <CustomEmojiImage emoji={{ shortcode: emoji.unicode, image_url: emoji.image_url, name: emoji.name }} className="custom-emoji emoji-image" />;
}
