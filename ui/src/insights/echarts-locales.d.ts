// ECharts ships its Japanese strings as a plain object module without types.
declare module "echarts/i18n/langJA-obj.js" {
  const lang: Record<string, unknown>;
  export default lang;
}
