import type { ReactNode } from "react";
import type { CardId } from "../api/bindings/CardId";

export function Card({
  id,
  title,
  subtitle,
  actions,
  children,
}: {
  id: CardId;
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const headingId = `card-title-${id}`;
  return (
    <section className={`card card-${id}`} data-testid={`card-${id}`} aria-labelledby={headingId}>
      <header className="card-header">
        <div>
          <h2 id={headingId} className="card-title">
            {title}
          </h2>
          {subtitle ? <p className="card-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

export function EmptyNote({ children }: { children: ReactNode }) {
  return <p className="empty-note">{children}</p>;
}
