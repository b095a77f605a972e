// "Are you sure?" before something that cannot be undone: Cancel has the focus, the
// destructive button says what it does.
import { useId } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "./Dialog";

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onCancel,
  testId,
  children,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** The dialog's test id; its confirm button is `<testId>-confirm`. */
  testId?: string;
  /** Extra choices shown between the message and the buttons. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const messageId = useId();
  return (
    <Dialog title={title} role="alertdialog" describedBy={messageId} onClose={onCancel} testId={testId} className="confirm-dialog">
      <p id={messageId}>{message}</p>
      {children}
      <div className="dialog-actions">
        <button type="button" className="button ghost" data-autofocus onClick={onCancel}>
          {t("common.cancel")}
        </button>
        <button type="button" className="button danger" data-testid={testId ? `${testId}-confirm` : undefined} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
