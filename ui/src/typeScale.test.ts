// Every size and weight the UI's styles use comes from the type scale in styles.css: each
// new (size, weight) costs the first layout a font lookup in WebKitGTK (about 1.5 ms each;
// docs/benchmarks.md, start-up), and a scale keeps the screens consistent.
// Every stylesheet under src/, as text (Vite reads them for the test).
const SHEETS = import.meta.glob<string>("./**/*.css", { query: "?raw", import: "default", eager: true });

// Sizes outside the scale, each for a reason: the focus dial's and Immerse's display
// figures, the heatmap's day labels, emoji glyphs in the picker, the root size, sizes
// relative to their parent (em), and the calendar's dense month and time-grid chips.
const SIZE_EXCEPTIONS = new Set(["2.4rem", "clamp(2rem, 5vw, 3.6rem)", "10px", "18px", "24px", "32px", "15px", "0.72rem"]);

describe("type scale", () => {
  const declarations = Object.entries(SHEETS).flatMap(([file, text]) =>
    [...text.matchAll(/font-(size|weight):\s*([^;}]+)/g)].map((m) => ({
      file,
      property: m[1],
      value: (m[2] ?? "").trim(),
    })),
  );

  it("finds the styles", () => {
    expect(declarations.filter((d) => d.property === "size").length).toBeGreaterThan(100);
  });

  it("sizes are the scale's, relative, or a named exception", () => {
    const off = declarations.filter(
      (d) => d.property === "size" && !/^var\(--text-(xs|sm|md|lg|xl|2xl)\)$/.test(d.value) && !/^[\d.]+em$/.test(d.value) && !SIZE_EXCEPTIONS.has(d.value),
    );
    expect(off).toEqual([]);
  });

  it("weights are 400, 600 or 700", () => {
    const off = declarations.filter((d) => d.property === "weight" && !["400", "600", "700", "normal", "bold", "inherit"].includes(d.value));
    expect(off).toEqual([]);
  });
});
