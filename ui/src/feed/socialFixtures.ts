// Profiles, relations and posts for the social components' tests.
import type { Face } from "../api/bindings/Face";
import type { Post } from "../api/bindings/Post";
import type { ProfileCard } from "../api/bindings/ProfileCard";
import type { Relation } from "../api/bindings/Relation";

export const face = (id: string, username: string, display_name = ""): Face => ({ id, username, display_name, avatar_url: null });

export const relation = (patch: Partial<Relation> = {}): Relation => ({
  me: false,
  following: "none",
  follows_me: "none",
  blocked: false,
  muted: false,
  ...patch,
});

export function profileCard(patch: { id?: string; username?: string; display_name?: string; policy?: "open" | "approve"; relation?: Relation; reaches_others?: boolean } = {}): ProfileCard {
  return {
    profile: {
      id: patch.id ?? "u2",
      username: patch.username ?? "ada",
      display_name: patch.display_name ?? "Ada Lovelace",
      bio: "Notes on the Analytical Engine",
      location: "London",
      avatar_url: null,
      banner_image_url: null,
      joined_at: "2026-11-01",
      followers_count: 12,
      following_count: 3,
      posts_count: 40,
      follow_policy: patch.policy ?? "open",
    },
    tags: ["maths", "engines"],
    relation: patch.relation ?? relation(),
    reaches_others: patch.reaches_others ?? true,
  };
}

// `as Post`: the fields a post card reads (media, added by the post media work, is empty).
export const post = (id: string, content: string, author: Face, mine = false): Post =>
  ({
  id,
  user_id: author.id,
  content,
  book_title: null,
  study_duration: null,
  subject: null,
  image_url: null,
  like_count: 0,
  comment_count: 0,
  created_at: new Date(Date.now() - 3600_000).toISOString(),
  updated_at: new Date().toISOString(),
  visibility: "public",
  author,
  tags: [],
  liked_by_me: false,
  mine,
  media: [],
  }) as Post;
