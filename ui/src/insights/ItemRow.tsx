// One row of an Insights list of things that run on their own (alerts, reports): what it
// is, its state, and the same actions in the same places (on/off, the row's own actions,
// Edit, Delete after a confirmation), so the two lists read and work alike. The form and
// list styles they share are in ItemRow.css; a list adds only what is its own (an alert's
// status colour).
import { useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmDialog } from "../components/ConfirmDialog";
import "./ItemRow.css";

type Props = {
  /** The list's test-id prefix: the row is `${kind}-row`, its controls `${kind}-active`, `-edit`, `-delete`. */
  kind: string;
  /** Extra classes of the row (a status colour). */
  className?: string;
  main: ReactNode;
  state: ReactNode;
  /** The row's own buttons, between on/off and Edit. */
  actions?: ReactNode;
  active: boolean;
  onActive: (on: boolean) => void;
  onEdit: () => void;
  deleteTitle: string;
  deleteMessage: string;
  onDelete: () => void;
};

export function ItemRow({ kind, className, main, state, actions, active, onActive, onEdit, deleteTitle, deleteMessage, onDelete }: Props) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  return (
    <li className={`item-row ${className ?? ""}`} data-testid={`${kind}-row`}>
      <div className="item-main">{main}</div>
      <div className="item-state">{state}</div>
      <div className="item-actions">
        <label className="field-check">
          <input type="checkbox" data-testid={`${kind}-active`} checked={active} onChange={(e) => onActive(e.target.checked)} />
          <span>{t("insights.itemOn")}</span>
        </label>
        {actions}
        <button type="button" className="button subtle" data-testid={`${kind}-edit`} onClick={onEdit}>
          {t("insights.itemEdit")}
        </button>
        <button type="button" className="button subtle danger" data-testid={`${kind}-delete`} onClick={() => setConfirming(true)}>
          {t("common.delete")}
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={deleteTitle}
          message={deleteMessage}
          confirmLabel={t("common.delete")}
          testId={`${kind}-delete-confirm`}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onDelete();
          }}
        />
      ) : null}
    </li>
  );
}
