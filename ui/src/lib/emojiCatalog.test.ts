// The emoji catalog the core compiles in (crates/core/src/social/emoji/catalog.tsv) is
// what ui/scripts/emoji-catalog.mjs makes from the pinned emojibase-data: after an update
// of the package, run `node scripts/emoji-catalog.mjs` and commit the file.
import { describe, expect, it } from "vitest";
import { buildCatalog, committedCatalog } from "../../scripts/emoji-catalog.mjs";

describe("emoji catalog", () => {
  it("matches the pinned emojibase-data", () => {
    const committed = committedCatalog();
    const built = buildCatalog();
    expect(built.split("\n")[0]).toBe(committed.split("\n")[0]);
    expect(built === committed, "catalog.tsv is stale: run `node scripts/emoji-catalog.mjs` in ui/").toBe(true);
  });
});
