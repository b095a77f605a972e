// Settings › Custom emoji: add an image under a :shortcode: (file, shortcode, name) and
// list mine with Delete behind a confirmation. The shortcode is checked as typed by the
// same rules as the core (2 to 32 of a-z, 0-9, _); the core checks everything again (the
// image by its content, size and pixels; not a standard emoji's shortcode; not one of
// mine) and its refusal is shown in words. Custom emoji sync to everyone who can see my
// posts, so the card says so.
import { useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { CustomEmoji } from "../api/bindings/CustomEmoji";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CustomEmojiImage } from "../emoji/EmojiText";
import { useCustomEmoji, useCustomEmojiAdd, useCustomEmojiDelete } from "../emoji/queries";
import "./CustomEmojiCard.css";

/** The limits the core enforces (crates/core/src/social/emoji/custom.rs), checked early. */
export const MAX_BYTES = 256 * 1024;
const TYPES = ["image/png", "image/gif", "image/webp", "image/jpeg"];

/** Why a typed shortcode breaks the rules (an i18n key and its values), or null. */
export function shortcodeProblem(typed: string): { key: string; values?: Record<string, string | number> } | null {
  const name = typed.trim().replace(/^:+|:+$/g, "").toLowerCase();
  if (!name) return null;
  const bad = [...name].find((c) => !/[a-z0-9_]/.test(c));
  if (bad) return { key: "customEmoji.badChar", values: { char: bad } };
  if (name.length < 2 || name.length > 32) return { key: "customEmoji.badLength", values: { count: name.length } };
  return null;
}

function AddForm() {
  const { t } = useTranslation();
  const add = useCustomEmojiAdd();
  const [file, setFile] = useState<File | null>(null);
  const [shortcode, setShortcode] = useState("");
  const [name, setName] = useState("");
  const [early, setEarly] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement | null>(null);
  const ids = { file: useId(), code: useId(), name: useId(), hint: useId() };
  const problem = shortcodeProblem(shortcode);

  const choose = (f: File | null) => {
    setEarly(null);
    add.reset();
    if (f && f.type && !TYPES.includes(f.type)) setEarly(t("customEmoji.badType"));
    else if (f && f.size > MAX_BYTES) setEarly(t("customEmoji.tooLarge", { kib: Math.ceil(f.size / 1024) }));
    setFile(f);
    if (f && !shortcode) setShortcode(f.name.replace(/\.[^.]*$/, "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, 32));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || problem || early || !shortcode.trim()) return;
    add.mutate(
      { file, shortcode: shortcode.trim(), name: name.trim() || null },
      {
        onSuccess: () => {
          setFile(null);
          setShortcode("");
          setName("");
          if (fileRef.current) fileRef.current.value = "";
        },
      },
    );
  };
  return (
    <form className="custom-emoji-form" onSubmit={submit} data-testid="custom-emoji-form">
      <div className="field">
        <span className="field-label" id={ids.file}>
          {t("customEmoji.image")}
        </span>
        {/* WebKit's own file button speaks English: a button in the user's language opens it. */}
        <span className="custom-emoji-file">
          <button type="button" className="button subtle" aria-describedby={`${ids.file} ${ids.hint}`} onClick={() => fileRef.current?.click()}>
            {t("customEmoji.choose")}
          </button>
          <span className="muted" data-testid="custom-emoji-file-name">
            {file ? file.name : t("customEmoji.noFile")}
          </span>
        </span>
        <input
          ref={fileRef}
          className="sr-only"
          type="file"
          tabIndex={-1}
          accept={TYPES.join(",")}
          aria-label={t("customEmoji.image")}
          data-testid="custom-emoji-file"
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
        />
        <p id={ids.hint} className="hint">
          {t("customEmoji.imageHint")}
        </p>
      </div>
      <div className="field">
        <label htmlFor={ids.code}>{t("customEmoji.shortcode")}</label>
        <span className="custom-emoji-code">
          <span aria-hidden="true">:</span>
          <input
            id={ids.code}
            data-testid="custom-emoji-shortcode"
            value={shortcode}
            maxLength={40}
            autoCapitalize="off"
            spellCheck={false}
            aria-invalid={problem ? true : undefined}
            onChange={(e) => {
              add.reset();
              setShortcode(e.target.value);
            }}
          />
          <span aria-hidden="true">:</span>
        </span>
        {problem ? (
          <p className="field-error" role="alert">
            {t(problem.key, problem.values)}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={ids.name}>{t("customEmoji.name")}</label>
        <input id={ids.name} data-testid="custom-emoji-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
      </div>
      {early ? (
        <p className="field-error" role="alert">
          {early}
        </p>
      ) : null}
      {add.isError ? (
        <p className="field-error" role="alert">
          {errorText(t, add.error)}
        </p>
      ) : null}
      <button type="submit" className="button primary" data-testid="custom-emoji-add" disabled={!file || !shortcode.trim() || Boolean(problem || early) || add.isPending}>
        {t("customEmoji.add")}
      </button>
    </form>
  );
}

export function CustomEmojiCard() {
  const { t } = useTranslation();
  const list = useCustomEmoji();
  const remove = useCustomEmojiDelete();
  const [chosen, setChosen] = useState<CustomEmoji | null>(null);
  const mine = (list.data ?? []).filter((e) => e.mine);
  return (
    <section className="card settings-card" aria-labelledby="settings-custom-emoji" data-testid="settings-custom-emoji">
      <h2 id="settings-custom-emoji" className="card-title">
        {t("customEmoji.title")}
      </h2>
      <p className="hint">{t("customEmoji.intro")}</p>
      <AddForm />
      {list.isError ? <p role="alert">{errorText(t, list.error)}</p> : null}
      {remove.isError ? <p role="alert">{errorText(t, remove.error)}</p> : null}
      {mine.length === 0 && list.isSuccess ? <p className="muted">{t("customEmoji.none")}</p> : null}
      <ul className="custom-emoji-list" aria-label={t("customEmoji.mine")}>
        {mine.map((e) => (
          <li key={e.id} data-testid="custom-emoji-item">
            <CustomEmojiImage emoji={e} className="custom-emoji custom-emoji-large" />
            <span className="custom-emoji-label">
              <code>{e.shortcode}</code>
              {e.name !== e.shortcode.replace(/:/g, "") ? <span className="muted">{e.name}</span> : null}
            </span>
            <button type="button" className="button subtle" aria-label={t("customEmoji.delete", { code: e.shortcode })} onClick={() => setChosen(e)}>
              {t("common.delete")}
            </button>
          </li>
        ))}
      </ul>
      {chosen ? (
        <ConfirmDialog
          title={t("customEmoji.confirmTitle", { code: chosen.shortcode })}
          message={t("customEmoji.confirmMessage")}
          confirmLabel={t("customEmoji.confirm")}
          testId="custom-emoji-delete"
          onCancel={() => setChosen(null)}
          onConfirm={() => {
            remove.mutate(chosen.id);
            setChosen(null);
          }}
        />
      ) : null}
    </section>
  );
}
