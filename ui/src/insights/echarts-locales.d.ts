// ECharts modules imported by path, which have no types beside them.
// Its Japanese strings: a plain object module.
declare module "echarts/i18n/langJA-obj.js" {
  const lang: Record<string, unknown>;
  export default lang;
}

// ECharts' SVG renderer installer, imported by its path so it can load on its own (its types
// live under echarts/types, not beside the module).
declare module "echarts/lib/renderer/installSVGRenderer.js" {
  export const install: Exclude<Parameters<typeof import("echarts/core").use>[0], unknown[]>;
}
declare module "echarts/lib/renderer/installCanvasRenderer.js" {
  export const install: Exclude<Parameters<typeof import("echarts/core").use>[0], unknown[]>;
}
