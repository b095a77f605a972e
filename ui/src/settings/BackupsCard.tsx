// Settings › Backups: the automatic copies of the database (daily, before upgrades, before
// the first sync, and the file a restore replaced), newest first, each restorable after a
// confirmation. A restore restarts Studydesk, which puts the copy in place before opening
// anything; the current file is kept as a backup, so a restore can itself be undone.
// `BackupList` is also the damaged-file page's list (components/DamagedFile).
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { BackupFile } from "../api/bindings/BackupFile";
import type { Locale } from "../api/bindings/Locale";
import { useApiMutation } from "../api/queries";
import { errorText } from "../api/errorText";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Loading } from "../components/Status";
import { formatDateTime } from "../lib/dates";
import { settingsKeys } from "./queries";
import "./BackupsCard.css";

function size(bytes: number, locale: Locale): string {
  const fmt = (n: number, unit: "kilobyte" | "megabyte" | "gigabyte") =>
    new Intl.NumberFormat(locale === "ja" ? "ja-JP" : "en", { style: "unit", unit, maximumFractionDigits: 1 }).format(n);
  if (bytes >= 1024 ** 3) return fmt(bytes / 1024 ** 3, "gigabyte");
  if (bytes >= 1024 ** 2) return fmt(bytes / 1024 ** 2, "megabyte");
  return fmt(Math.max(1, Math.ceil(bytes / 1024)), "kilobyte");
}

export function useBackups() {
  return useQuery<BackupFile[], ApiError>({ queryKey: settingsKeys.backups(), queryFn: api.backupsList });
}

/** The backups with a Restore button each (after a confirmation). */
export function BackupList({ locale, tz }: { locale: Locale; tz: string }) {
  const { t } = useTranslation();
  const backups = useBackups();
  const [chosen, setChosen] = useState<BackupFile | null>(null);
  const restore = useApiMutation((path: string) => api.backupRestore(path), {
    meta: { inlineError: true, appUnchanged: true },
  });
  const when = (b: BackupFile) => formatDateTime(b.taken_at, locale, tz);

  if (backups.isPending) return <Loading />;
  if (backups.isError) {
    return (
      <p role="alert" className="field-error">
        {errorText(t, backups.error)}
      </p>
    );
  }
  return (
    <>
      {backups.data.length === 0 ? (
        <p className="muted" data-testid="backups-empty">
          {t("backups.empty")}
        </p>
      ) : (
        <ul className="backup-list plain-list" data-testid="backup-list">
          {backups.data.map((b) => (
            <li key={b.path} className="backup-row">
              <span className="backup-when">{when(b)}</span>
              <span className="backup-kind">{t(`backups.kind.${b.kind}`)}</span>
              <span className="backup-size">{size(b.size_bytes, locale)}</span>
              <button
                type="button"
                className="button ghost"
                aria-label={t("backups.restoreNamed", { when: when(b) })}
                disabled={restore.isPending}
                onClick={() => setChosen(b)}
              >
                {t("backups.restore")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {restore.isError ? (
        <p role="alert" className="field-error" data-testid="backup-restore-error">
          {errorText(t, restore.error)}
        </p>
      ) : null}
      {restore.isPending ? (
        <p role="status" className="hint">
          {t("backups.restarting")}
        </p>
      ) : null}
      {chosen ? (
        <ConfirmDialog
          title={t("backups.confirmTitle", { when: when(chosen) })}
          message={t("backups.confirmMessage")}
          confirmLabel={t("backups.confirm")}
          testId="backup-restore"
          onCancel={() => setChosen(null)}
          onConfirm={() => {
            restore.mutate(chosen.path);
            setChosen(null);
          }}
        />
      ) : null}
    </>
  );
}

export function BackupsCard({ locale, tz }: { locale: Locale; tz: string }) {
  const { t } = useTranslation();
  return (
    <section className="card settings-card" aria-labelledby="settings-backups" data-testid="settings-backups">
      <h2 id="settings-backups" className="card-title">
        {t("backups.title")}
      </h2>
      <p className="hint">{t("backups.intro")}</p>
      <BackupList locale={locale} tz={tz} />
    </section>
  );
}
