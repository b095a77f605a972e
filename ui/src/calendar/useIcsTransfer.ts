// .ics import (a calendar write: refreshes the ranges) and export (a read of the range on
// screen, or of everything, handed to the browser as a download). Their outcome is shown
// on the page itself, not as a toast.
import { useState } from "react";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { IcsImportReport } from "../api/bindings/IcsImportReport";
import { useCalendarMutation, useFetchIcs } from "./queries";
import { download } from "../lib/download";

export type IcsFailure = { error: ApiError; exporting: boolean };

export function useIcsTransfer(from: string, to: string) {
  const [report, setReport] = useState<IcsImportReport | null>(null);
  const [failure, setFailure] = useState<IcsFailure | null>(null);
  const fetchIcs = useFetchIcs();
  const importIcs = useCalendarMutation(api.icsImport, {
    meta: { inlineError: true },
    onSuccess: (r) => setReport(r),
    onError: (e) => setFailure({ error: api.toApiError(e), exporting: false }),
  });

  const onImport = (file: File | undefined) => {
    if (!file) return;
    setReport(null);
    setFailure(null);
    importIcs.mutate(file);
  };

  const onExport = async (whole: boolean) => {
    const text = await fetchIcs(whole ? null : from, whole ? null : to).catch((e: unknown) => {
      setFailure({ error: api.toApiError(e), exporting: true });
      return null;
    });
    if (text === null) return;
    download(new Blob([text], { type: "text/calendar" }), whole ? "studydesk.ics" : `studydesk-${from}-${to}.ics`);
  };

  return { report, failure, onImport, onExport, dismissReport: () => setReport(null), dismissFailure: () => setFailure(null) };
}
