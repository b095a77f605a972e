// A view of the Insights page shown instead of the dashboards (data sources, data models):
// a section named by its heading, which takes the focus when the view opens (and again when
// the view calls `headingRef.current.focus()`), a hint under the title and the view's
// buttons at the header's end.
import { useEffect, useId } from "react";
import type { ReactNode, RefObject } from "react";
import "./Panel.css";

export function Panel({ title, hint, tools, headingRef, testId, children }: {
  title: string;
  hint: string;
  /** The buttons beside the title (open a form, back to the dashboards…). */
  tools: ReactNode;
  headingRef: RefObject<HTMLHeadingElement | null>;
  testId: string;
  children: ReactNode;
}) {
  const titleId = useId();
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section className="insights-panel" aria-labelledby={titleId} data-testid={testId}>
      <header className="insights-panel-head">
        <div>
          <h2 id={titleId} ref={headingRef} tabIndex={-1}>
            {title}
          </h2>
          <p className="hint">{hint}</p>
        </div>
        <div className="insights-panel-tools">{tools}</div>
      </header>
      {children}
    </section>
  );
}
