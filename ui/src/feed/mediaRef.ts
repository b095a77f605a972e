// Files named by shared rows as `attachment:<sha256>.<ext>` (crates/sync/src/media.rs):
// the device keeps them at `<media folder>/<first 2 hex>/<sha256>.<ext>`. Anything else
// (a web address, a path) names no file and is never loaded.
import { useQuery } from "@tanstack/react-query";
import * as api from "../api/client";

const REF = /^attachment:([0-9a-f]{64})\.(png|jpg|gif|webp|bmp|avif|mp4|webm|mov|ogv)$/;

/** The local path of a reference in `folder`, or null when `url` is not one. */
export function mediaPath(folder: string, url: string | null | undefined): string | null {
  const m = url ? REF.exec(url) : null;
  const [hash, ext] = [m?.[1], m?.[2]];
  if (!hash || !ext) return null;
  const sep = folder.includes("\\") && !folder.includes("/") ? "\\" : "/";
  return [folder.replace(/[\\/]+$/, ""), hash.slice(0, 2), `${hash}.${ext}`].join(sep);
}

/** The media folder of this device (asked once). */
export function useMediaFolder(): string | undefined {
  return useQuery({ queryKey: ["media_folder"], queryFn: () => api.mediaFolder(), staleTime: Infinity }).data;
}

/** The address the webview loads a reference from, or null (no file, or folder unknown yet). */
export function useMediaSrc(url: string | null | undefined): string | null {
  const folder = useMediaFolder();
  const path = folder ? mediaPath(folder, url) : null;
  return path ? api.fileSrc(path) : null;
}
