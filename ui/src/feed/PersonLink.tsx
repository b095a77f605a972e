// A person's name (and avatar) that opens their profile page: used on posts, comments and
// people lists. The name is a button, so Enter and Space work.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Face } from "../api/bindings/Face";
import { useNavigate } from "../lib/navigation";
import { Avatar } from "./Avatar";
import "./PersonLink.css";

/** A person's display name, else their @username, else `fallback`. */
export function nameOf(face: { display_name: string | null; username: string | null }, fallback: string): string {
  return face.display_name || (face.username ? `@${face.username}` : fallback);
}

export function PersonLink({ face, children, className, testId }: { face: Face; children?: ReactNode; className?: string; testId?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const name = nameOf(face, t("feed.someone"));
  return (
    <button
      type="button"
      className={`person-link ${className ?? ""}`}
      data-testid={testId ?? "person-link"}
      title={t("profile.open", { name })}
      onClick={() => navigate({ page: "profile", user: face.id })}
    >
      {children ?? name}
    </button>
  );
}

/**
 * A person's avatar that opens their profile on a click. Beside their name (a
 * PersonLink, the keyboard's way in), so it is no second tab stop and says nothing.
 */
export function PersonAvatarLink({ face, size }: { face: Face; size?: number }) {
  const navigate = useNavigate();
  return (
    <button type="button" className="person-avatar-link" tabIndex={-1} aria-hidden="true" data-testid="person-avatar-link" onClick={() => navigate({ page: "profile", user: face.id })}>
      <Avatar person={face} size={size} />
    </button>
  );
}
