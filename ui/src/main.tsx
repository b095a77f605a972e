import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./i18n";
import "./styles.css";
import { createQueryClient } from "./api/queries";
import { Root } from "./App";

const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <StrictMode>
      <Root client={createQueryClient()} />
    </StrictMode>,
  );
}
