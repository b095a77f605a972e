// The emoji picker's reads and writes through the query cache: the whole catalog (asked
// once per launch, when a picker first opens), searches by text, and the writes that
// answer the user's favorites and recent emoji (written straight into the cached catalog).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api/client";
import type { ApiError } from "../api/client";
import type { EmojiCatalog } from "../api/bindings/EmojiCatalog";
import type { EmojiMine } from "../api/bindings/EmojiMine";
import type { Emoji } from "../api/bindings/Emoji";
import type { CustomEmoji } from "../api/bindings/CustomEmoji";

export const emojiKeys = {
  catalog: () => ["emoji_catalog"] as const,
  search: (query: string) => ["emoji_search", query] as const,
  custom: () => ["custom_emoji_list"] as const,
};

export function useEmojiCatalog() {
  return useQuery<EmojiCatalog, ApiError>({ queryKey: emojiKeys.catalog(), queryFn: api.emojiCatalog, staleTime: Infinity });
}

/** Emoji matching `query` (blank: none asked). */
export function useEmojiSearch(query: string) {
  const q = query.trim();
  return useQuery<Emoji[], ApiError>({
    queryKey: emojiKeys.search(q),
    queryFn: () => api.emojiSearch(q, 60),
    enabled: q.length > 0,
    staleTime: Infinity,
    placeholderData: (previous) => previous,
  });
}

function useMineUpdate() {
  const client = useQueryClient();
  return (mine: EmojiMine) =>
    client.setQueryData<EmojiCatalog>(emojiKeys.catalog(), (cat) => (cat ? { ...cat, mine } : cat));
}

export function useEmojiUse() {
  const update = useMineUpdate();
  return useMutation<EmojiMine, ApiError, string>({ mutationFn: (id) => api.emojiUse(id), onSuccess: update });
}

export function useEmojiFavorite() {
  const update = useMineUpdate();
  return useMutation<EmojiMine, ApiError, { id: string; favorite: boolean }>({
    mutationFn: ({ id, favorite }) => api.emojiFavoriteSet(id, favorite),
    onSuccess: update,
  });
}

export function useSkinTone() {
  const client = useQueryClient();
  return useMutation<number, ApiError, number>({
    mutationFn: (tone) => api.emojiSkinToneSet(tone),
    // Every emoji with tones changes its character: read the catalog and searches again.
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: emojiKeys.catalog() }),
        client.invalidateQueries({ queryKey: ["emoji_search"] }),
      ]),
  });
}

/** Every custom emoji on this device (mine first), for Settings and for post text. */
export function useCustomEmoji() {
  return useQuery<CustomEmoji[], ApiError>({ queryKey: emojiKeys.custom(), queryFn: api.customEmojiList, staleTime: 60_000 });
}

/** A custom emoji added or deleted changes the list, the picker and searches. */
function useCustomChanged() {
  const client = useQueryClient();
  return () =>
    Promise.all(
      [emojiKeys.custom(), emojiKeys.catalog(), ["emoji_search"]].map((queryKey) => client.invalidateQueries({ queryKey })),
    );
}

export function useCustomEmojiAdd() {
  const changed = useCustomChanged();
  return useMutation<CustomEmoji, ApiError, { file: File; shortcode: string; name: string | null }>({
    mutationFn: ({ file, shortcode, name }) => api.customEmojiAdd(file, shortcode, name),
    onSuccess: () => changed(),
  });
}

export function useCustomEmojiDelete() {
  const changed = useCustomChanged();
  return useMutation<null, ApiError, string>({ mutationFn: (id) => api.customEmojiDelete(id), onSuccess: () => changed() });
}
