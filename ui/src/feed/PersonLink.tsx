// A person's name (and initials, where a face is wanted) that opens their profile page:
// used on posts, comments and people lists. A button, so Enter and Space work.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Face } from "../api/bindings/Face";
import { useNavigate } from "../lib/navigation";
import "./PersonLink.css";

/** A person's display name, else their @username, else `fallback`. */
export function nameOf(face: Pick<Face, "display_name" | "username">, fallback: string): string {
  return face.display_name || (face.username ? `@${face.username}` : fallback);
}

/** One or two letters of a name, for a face without a picture. */
export function initials(face: Pick<Face, "display_name" | "username">): string {
  const name = (face.display_name || face.username || "?").trim();
  const words = name.split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map((w) => Array.from(w)[0]) : Array.from(name).slice(0, 2);
  return letters.join("").toUpperCase();
}

/** Initials in a circle (the avatar of a face without a picture). */
export function Initials({ face, size = "m" }: { face: Pick<Face, "display_name" | "username">; size?: "s" | "m" | "l" }) {
  return (
    <span className={`person-initials person-initials-${size}`} aria-hidden="true">
      {initials(face)}
    </span>
  );
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
