// A person's round picture: their avatar (an image attachment, through the asset
// protocol) or, when they have none or its file is not on this device yet, their initials
// on a colour picked from their id, so two people without pictures still look apart.
import { useState } from "react";
import { useMediaSrc } from "./mediaRef";
import "./Avatar.css";

export interface AvatarPerson {
  id: string;
  display_name: string;
  username: string | null;
  avatar_url: string | null;
}

/** Up to two letters: the first of the first two words of the name, else of the username
 * (empty for someone with neither: the avatar then shows a person's outline). */
export function initials(p: Pick<AvatarPerson, "display_name" | "username">): string {
  const words = p.display_name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 0 ? words.slice(0, 2).map((w) => Array.from(w)[0]) : Array.from(p.username ?? "").slice(0, 1);
  return letters.join("").toUpperCase();
}

/** A hue from the id: the same person always gets the same colour. */
function hue(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

export function Avatar({ person, size = 40, label }: { person: AvatarPerson; size?: number; label?: string }) {
  const src = useMediaSrc(person.avatar_url);
  const [failed, setFailed] = useState<string | null>(null);
  const style = { width: size, height: size, fontSize: Math.round(size * 0.4), "--avatar-hue": hue(person.id) } as React.CSSProperties;
  // `label` names the picture for a screen reader; without it the name next to it says who.
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": true };
  if (src && failed !== src) {
    return (
      <span className="avatar" style={style} data-testid="avatar" {...a11y}>
        <img src={src} alt="" onError={() => setFailed(src)} />
      </span>
    );
  }
  const letters = initials(person);
  return (
    <span className="avatar avatar-initials" style={style} data-testid="avatar" {...a11y}>
      {letters || (
        <svg viewBox="0 0 24 24" width="60%" height="60%" aria-hidden="true" fill="currentColor">
          <circle cx="12" cy="8" r="4" />
          <path d="M4 20c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5z" />
        </svg>
      )}
    </span>
  );
}
