// "History" for one item: a button that opens the item's History panel in a dialog.
// Any view with an item id can show it (tasks, events, assignments, dashboards...).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../components/Dialog";
import { HistoryPanel } from "./HistoryPanel";

export function HistoryButton({ entityId, name }: { entityId: string; name: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button small ghost" onClick={() => setOpen(true)} aria-label={t("history.openFor", { name })} data-testid="history-open">
        {t("history.open")}
      </button>
      {open ? (
        <Dialog title={t("history.itemTitle", { name })} onClose={() => setOpen(false)} testId="history-dialog">
          <HistoryPanel entityId={entityId} />
          <button type="button" className="button ghost" onClick={() => setOpen(false)}>
            {t("history.close")}
          </button>
        </Dialog>
      ) : null}
    </>
  );
}
