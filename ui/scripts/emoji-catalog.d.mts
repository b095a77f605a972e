/** The catalog text `emoji-catalog.mjs` writes (see that file). */
export function buildCatalog(): string;
export const CATALOG_PATH: string;
/** The committed catalog.tsv. */
export function committedCatalog(): string;
