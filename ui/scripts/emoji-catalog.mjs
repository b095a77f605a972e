// Builds the emoji catalog the core ships (crates/core/src/social/emoji/catalog.tsv) from
// the pinned `emojibase-data` package: Unicode's emoji list with CLDR names and keywords
// in English and Japanese, GitHub and Emojibase shortcodes, and skin-tone variants.
//
//   node scripts/emoji-catalog.mjs          rewrites the file
//   (src/lib/emojiCatalog.test.ts fails when the file is not what this script writes)
//
// Format (UTF-8, tab-separated, one record per line; fields never contain a tab or a
// newline, lists are joined with "|"):
//   V <emojibase-data version> <newest Emoji version included (MAX_EMOJI_VERSION)>
//   C <category id> <name> <English name> <icon>
//   E <hexcode> <emoji> <category id> <shortcode> <English name> <Japanese name> <keywords>
//   S <base hexcode> <hexcode> <emoji> <tones, e.g. "5" or "5-4">
// E records are in Unicode's order; S records follow their base.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..", "node_modules", "emojibase-data");
export const CATALOG_PATH = join(here, "..", "..", "crates", "core", "src", "social", "emoji", "catalog.tsv");

// The newest Emoji version offered: Debian 12's colour font (fonts-noto-color-emoji 2.042)
// draws Emoji 15.0; newer emoji would show as empty boxes there. Raise it with the oldest
// supported system's font.
export const MAX_EMOJI_VERSION = 15;

const read = (path) => JSON.parse(readFileSync(join(pkg, path), "utf8"));
const clean = (s) => String(s).replace(/[\t\r\n|]/g, " ").trim();
const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The catalog as committed (what the core compiles in). */
export function committedCatalog() {
  return readFileSync(CATALOG_PATH, "utf8");
}

/** The catalog's text. */
export function buildCatalog() {
  const version = read("package.json").version;
  const en = read("en/data.json");
  const ja = new Map(read("ja/data.json").map((e) => [e.hexcode, e]));
  const github = read("en/shortcodes/github.json");
  const emojibase = read("en/shortcodes/emojibase.json");
  const groups = read("en/messages.json").groups;
  // Component (skin tones, hair) and the ungrouped regional indicators are not picked alone.
  const skipped = new Set(["component"]);
  const lines = [];
  lines.push(["V", version, String(MAX_EMOJI_VERSION)].join("\t"));
  const categoryOf = new Map();
  for (const g of groups) {
    if (skipped.has(g.key)) continue;
    const id = g.order + 1;
    categoryOf.set(g.order, id);
    const icon = en.find((e) => e.group === g.order)?.emoji ?? "";
    lines.push(["C", id, g.key, clean(g.message), icon].join("\t"));
  }
  const drawable = (e) => (e.version ?? 0) <= MAX_EMOJI_VERSION;
  const sorted = en.filter((e) => categoryOf.has(e.group) && drawable(e)).sort((a, b) => a.order - b.order);
  for (const e of sorted) {
    const j = ja.get(e.hexcode);
    const codes = [...new Set([...list(github[e.hexcode]), ...list(emojibase[e.hexcode])])];
    const shortcode = codes.length ? `:${codes[0]}:` : "";
    const keywords = [...new Set([...list(e.tags), ...codes.slice(1), ...list(j?.tags)].map(clean).filter(Boolean))];
    lines.push(
      ["E", e.hexcode, e.emoji, categoryOf.get(e.group), shortcode, clean(e.label), clean(j?.label ?? ""), keywords.join("|")].join(
        "\t",
      ),
    );
    for (const s of (e.skins ?? []).filter(drawable)) {
      lines.push(["S", e.hexcode, s.hexcode, s.emoji, list(s.tone).join("-")].join("\t"));
    }
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = buildCatalog();
  writeFileSync(CATALOG_PATH, text);
  console.log(`wrote ${CATALOG_PATH} (${text.length} characters)`);
}
