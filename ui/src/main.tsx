import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { i18nReady } from "./i18n";
import "./styles.css";
import { createQueryClient, prefetchFirstScreen } from "./api/queries";
import { Root } from "./App";
import { installExternalLinks } from "./lib/externalLinks";

// Start-up marks, read by scripts/bench-startup.sh (performance.mark costs next to nothing).
performance.mark("studydesk:bundle-evaluated");
const container = document.getElementById("root");
const client = createQueryClient();
prefetchFirstScreen(client);
installExternalLinks();
// The first language's strings are there at once for English; Japanese (a machine in
// Japanese before the user chose) waits for its chunk rather than showing English first.
void i18nReady.finally(() => {
  if (!container) return;
  performance.mark("studydesk:render-start");
  createRoot(container).render(
    <StrictMode>
      <Root client={client} />
    </StrictMode>,
  );
});
