import "./styles.css";
import { createQueryClient, prefetchFirstScreen } from "./api/queries";
import { boot } from "./boot";
import { installExternalLinks } from "./lib/externalLinks";

// Start-up marks, read by scripts/bench-startup.sh (performance.mark costs next to nothing).
performance.mark("studydesk:bundle-evaluated");
const container = document.getElementById("root");
const client = createQueryClient();
prefetchFirstScreen(client);
installExternalLinks();
if (container) void boot(container, client);
