//! The PDF report: A4 pages laid out here and drawn by krilla.
//!
//! Contract: page 1 starts with the report's title, the dashboard, the period and when it
//! was made; then each widget under its title: a chart as vector paths (lines, bars, area
//! polygons, pie wedges; never a bitmap) with its axis labels and legend, a table with its
//! header row repeated at the top of every page it continues on (at most [`MAX_COLUMNS`]
//! columns, a cell cut with `…` to its width), a metric card as its number. Every page
//! ends with "n / N". Text is drawn with one font that has Japanese glyphs ([`find_font`]),
//! subset and embedded with its Unicode map, so a reader finds and copies the text.
//! A report longer than [`MAX_PAGES`] pages is refused whole (nothing is drawn): such a
//! PDF is not read, and its rows belong in Excel or CSV.
//!
//! The layout is computed first as a list of drawing operations per page ([`layout`],
//! pure), so the page count is known before anything is drawn.

use super::{ReportData, ReportWidget, Shape};
use crate::insights::table::Cell;
use crate::{CoreError, Result};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use std::path::PathBuf;

/// The most pages a PDF report may have.
pub const MAX_PAGES: usize = 300;
/// The most table columns a page shows (the rest are in the Excel and CSV reports).
pub const MAX_COLUMNS: usize = 8;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN - 20.0;
const ROW_H: f32 = 15.0;
const CHART_H: f32 = 190.0;
const PALETTE: [(u8, u8, u8); 6] = [(37, 99, 235), (234, 88, 12), (22, 163, 74), (147, 51, 234), (219, 39, 119), (100, 116, 139)];

/// Where to look for a font with Japanese glyphs, in order: `STUDYDESK_PDF_FONT` (a .ttf,
/// .otf or .ttc; the first face), then the system's usual places (Debian's fonts-noto-cjk,
/// macOS, Windows).
const FONT_PLACES: [&str; 6] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:\\Windows\\Fonts\\YuGothR.ttc",
];

/// The bytes of the font reports are drawn with (see [`FONT_PLACES`]), or which places were
/// tried and what to install.
pub fn find_font() -> Result<Vec<u8>> {
    let mut places: Vec<PathBuf> = std::env::var_os("STUDYDESK_PDF_FONT").map(PathBuf::from).into_iter().collect();
    places.extend(FONT_PLACES.iter().map(PathBuf::from));
    for p in &places {
        if let Ok(bytes) = std::fs::read(p) {
            return Ok(bytes);
        }
    }
    Err(CoreError::validation(format!(
        "a PDF report needs a font with Japanese characters and none was found (looked for {}); install Noto Sans CJK (fonts-noto-cjk), set STUDYDESK_PDF_FONT to a font file, or choose Excel or CSV",
        places.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )))
}

/// One drawing operation, in points from the page's top left.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text { x: f32, y: f32, size: f32, text: String, grey: bool },
    /// An open line through the points.
    Line { points: Vec<(f32, f32)>, width: f32, colour: (u8, u8, u8) },
    /// A closed, filled shape.
    Shape { points: Vec<(f32, f32)>, colour: (u8, u8, u8), opacity: f32 },
}

/// The pages of a report, each a list of operations (page numbers not yet added).
pub fn layout(data: &ReportData) -> Result<Vec<Vec<Op>>> {
    let mut l = Layout { pages: vec![Vec::new()], y: MARGIN };
    l.text(MARGIN, 20.0, &data.title, false);
    l.y += 6.0;
    l.text(MARGIN, 10.0, &format!("{} · {} – {}", data.dashboard, data.from, data.to), true);
    l.text(MARGIN, 9.0, &data.made_at, true);
    l.y += 12.0;
    for w in &data.widgets {
        l.widget(w)?;
    }
    Ok(l.pages)
}

struct Layout {
    pages: Vec<Vec<Op>>,
    /// The top of the next thing on the last page.
    y: f32,
}

impl Layout {
    fn ops(&mut self) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `h` points still fit on this one.
    fn room(&mut self, h: f32) -> Result<bool> {
        if self.y + h <= BOTTOM {
            return Ok(false);
        }
        if self.pages.len() >= MAX_PAGES {
            return Err(CoreError::validation(format!(
                "this report would have more than {MAX_PAGES} pages; a PDF report may have at most {MAX_PAGES}: choose fewer widgets or a shorter period, or Excel or CSV for long tables"
            )));
        }
        self.pages.push(Vec::new());
        self.y = MARGIN;
        Ok(true)
    }

    /// A line of text whose top is at the cursor; moves the cursor below it.
    fn text(&mut self, x: f32, size: f32, text: &str, grey: bool) {
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, text: text.to_string(), grey });
        self.y += size * 1.4;
    }

    fn widget(&mut self, w: &ReportWidget) -> Result<()> {
        let body = match (&w.error, w.shape) {
            (Some(_), _) => 20.0,
            (None, s) if s.is_chart() => CHART_H + 40.0,
            (None, Shape::Number) => 40.0,
            (None, _) => 3.0 * ROW_H,
        };
        self.room(22.0 + body)?;
        self.text(MARGIN, 13.0, &w.title, false);
        self.y += 4.0;
        if let Some(why) = &w.error {
            self.text(MARGIN, 9.0, &fit(why, WIDTH, 9.0), true);
        } else {
            match w.shape {
                Shape::Line | Shape::Area | Shape::Bar => self.xy_chart(w),
                Shape::Pie => self.pie(w),
                Shape::Number => {
                    let v = w.value.map(number).unwrap_or_else(|| "–".to_string());
                    self.text(MARGIN, 24.0, &v, false);
                }
                Shape::Table => self.table(w)?,
            }
        }
        self.y += 16.0;
        Ok(())
    }

    fn xy_chart(&mut self, w: &ReportWidget) {
        let series = w.series();
        let rows = &w.table.rows;
        let (x0, top, h) = (MARGIN + 40.0, self.y, CHART_H - 30.0);
        let (cw, bottom) = (WIDTH - 40.0, top + h);
        let values = |s: usize| rows.iter().map(move |r| r.get(s).and_then(Cell::as_f64).unwrap_or(0.0));
        let max = series.iter().flat_map(|&s| values(s)).fold(0.0_f64, f64::max);
        let min = series.iter().flat_map(|&s| values(s)).fold(0.0_f64, f64::min);
        let span = if max - min > 0.0 { max - min } else { 1.0 };
        let y_of = |v: f64| bottom - ((v - min) / span) as f32 * h;
        let grey = (148, 163, 184);
        self.ops().push(Op::Line { points: vec![(x0, top), (x0, bottom), (x0 + cw, bottom)], width: 0.8, colour: grey });
        for v in [min, max] {
            let label = number(v);
            self.ops().push(Op::Text { x: x0 - 6.0 - text_width(&label, 8.0), y: y_of(v) + 3.0, size: 8.0, text: label, grey: true });
        }
        let n = rows.len().max(1);
        let slot = cw / n as f32;
        for (k, &s) in series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let pts: Vec<(f32, f32)> = values(s).enumerate().map(|(i, v)| (x0 + slot * (i as f32 + 0.5), y_of(v))).collect();
            match w.shape {
                Shape::Bar => {
                    let bw = slot * 0.8 / series.len() as f32;
                    for (i, v) in values(s).enumerate() {
                        let left = x0 + slot * i as f32 + slot * 0.1 + bw * k as f32;
                        let (a, b) = (y_of(v.max(min.max(0.0))), y_of(0.0_f64.max(min)));
                        let (t, u) = (a.min(b), a.max(b));
                        self.ops().push(Op::Shape { points: vec![(left, t), (left + bw, t), (left + bw, u), (left, u)], colour, opacity: 1.0 });
                    }
                }
                Shape::Area => {
                    let mut poly = pts.clone();
                    if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
                        poly.push((last.0, bottom));
                        poly.push((first.0, bottom));
                    }
                    self.ops().push(Op::Shape { points: poly, colour, opacity: 0.35 });
                    self.ops().push(Op::Line { points: pts, width: 1.5, colour });
                }
                _ => self.ops().push(Op::Line { points: pts, width: 1.5, colour }),
            }
        }
        // The first and last categories under the axis.
        let label = |i: usize| rows.get(i).and_then(|r| r.get(w.x)).map(cell_text).unwrap_or_default();
        self.ops().push(Op::Text { x: x0, y: bottom + 12.0, size: 8.0, text: fit(&label(0), cw / 2.0, 8.0), grey: true });
        if rows.len() > 1 {
            let last = fit(&label(rows.len() - 1), cw / 2.0, 8.0);
            self.ops().push(Op::Text { x: x0 + cw - text_width(&last, 8.0), y: bottom + 12.0, size: 8.0, text: last, grey: true });
        }
        self.y = bottom + 18.0;
        self.legend(series.iter().map(|&s| w.table.columns[s].name.clone()).collect());
    }

    fn legend(&mut self, names: Vec<String>) {
        let mut x = MARGIN + 40.0;
        let y = self.y;
        for (k, name) in names.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            self.ops().push(Op::Shape { points: vec![(x, y + 2.0), (x + 8.0, y + 2.0), (x + 8.0, y + 10.0), (x, y + 10.0)], colour, opacity: 1.0 });
            let name = fit(name, 140.0, 9.0);
            let wdt = text_width(&name, 9.0);
            self.ops().push(Op::Text { x: x + 12.0, y: y + 10.0, size: 9.0, text: name, grey: false });
            x += wdt + 28.0;
        }
        self.y += 14.0;
    }

    fn pie(&mut self, w: &ReportWidget) {
        let Some(&s) = w.series().first() else { return };
        let values: Vec<f64> = w.table.rows.iter().map(|r| r.get(s).and_then(Cell::as_f64).unwrap_or(0.0).max(0.0)).collect();
        let total: f64 = values.iter().sum();
        let (r, cx, cy) = (75.0_f32, MARGIN + 90.0, self.y + 85.0);
        let mut start = -std::f32::consts::FRAC_PI_2;
        let mut y = self.y + 10.0;
        for (i, v) in values.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let sweep = if total > 0.0 { (*v / total) as f32 * std::f32::consts::TAU } else { 0.0 };
            if sweep > 0.0 {
                let steps = ((sweep / 0.05).ceil() as usize).max(2);
                let mut pts = vec![(cx, cy)];
                pts.extend((0..=steps).map(|k| {
                    let a = start + sweep * k as f32 / steps as f32;
                    (cx + r * a.cos(), cy + r * a.sin())
                }));
                self.ops().push(Op::Shape { points: pts, colour, opacity: 1.0 });
            }
            start += sweep;
            if i < 12 {
                let lx = MARGIN + 200.0;
                self.ops().push(Op::Shape { points: vec![(lx, y), (lx + 8.0, y), (lx + 8.0, y + 8.0), (lx, y + 8.0)], colour, opacity: 1.0 });
                let name = w.table.rows[i].get(w.x).map(cell_text).unwrap_or_default();
                let text = format!("{}  {}", fit(&name, 180.0, 9.0), number(*v));
                self.ops().push(Op::Text { x: lx + 12.0, y: y + 8.0, size: 9.0, text, grey: false });
                y += 14.0;
            }
        }
        self.y += 2.0 * r + 20.0;
    }

    fn table(&mut self, w: &ReportWidget) -> Result<()> {
        let cols = w.table.columns.len().min(MAX_COLUMNS);
        if cols == 0 {
            self.text(MARGIN, 9.0, "—", true);
            return Ok(());
        }
        let cw = WIDTH / cols as f32;
        let header: Vec<String> = w.table.columns.iter().take(cols).map(|c| c.name.clone()).collect();
        self.row(&header, cw, true);
        for r in &w.table.rows {
            if self.room(ROW_H)? {
                self.row(&header, cw, true);
            }
            let cells: Vec<String> = r.iter().take(cols).map(cell_text).collect();
            self.row(&cells, cw, false);
        }
        if w.table.columns.len() > MAX_COLUMNS || w.table.truncated {
            self.y += 4.0;
            self.text(MARGIN, 8.0, "More columns or rows are in the Excel and CSV reports.", true);
        }
        Ok(())
    }

    fn row(&mut self, cells: &[String], cw: f32, header: bool) {
        let y = self.y;
        if header {
            let shade = (226, 232, 240);
            self.ops().push(Op::Shape { points: vec![(MARGIN, y), (MARGIN + WIDTH, y), (MARGIN + WIDTH, y + ROW_H), (MARGIN, y + ROW_H)], colour: shade, opacity: 1.0 });
        }
        for (i, c) in cells.iter().enumerate() {
            let text = fit(c, cw - 6.0, 8.5);
            self.ops().push(Op::Text { x: MARGIN + 3.0 + cw * i as f32, y: y + 11.0, size: 8.5, text, grey: false });
        }
        self.y += ROW_H;
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(r) => number(*r),
        Cell::Text(t) => t.clone(),
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { format!("{v:.2}") }
}

/// About how wide `s` is at `size` points: CJK characters are square, others about half.
fn text_width(s: &str, size: f32) -> f32 {
    s.chars().map(|c| if c >= '\u{2E80}' { 1.0 } else { 0.56 }).sum::<f32>() * size
}

/// `s` on one line, cut with `…` to `width` points.
fn fit(s: &str, width: f32, size: f32) -> String {
    let s = s.replace(['\r', '\n', '\t'], " ");
    if text_width(&s, size) <= width {
        return s;
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out, size) + text_width(&c.to_string(), size) + size > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The PDF's bytes, drawn with `font` (a font file's bytes, see [`find_font`]).
pub fn render(data: &ReportData, font: Vec<u8>) -> Result<Vec<u8>> {
    let pages = layout(data)?;
    let font = Font::new(font.into(), 0).ok_or_else(|| CoreError::validation("the font for PDF reports could not be read; set STUDYDESK_PDF_FONT to another font file"))?;
    let mut doc = Document::new();
    doc.set_metadata(krilla::metadata::Metadata::new().title(data.title.clone()));
    let total = pages.len();
    for (n, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| CoreError::validation("bad page size"))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &font, op);
        }
        let label = format!("{} / {total}", n + 1);
        let footer = Op::Text { x: (PAGE_W - text_width(&label, 9.0)) / 2.0, y: PAGE_H - MARGIN + 10.0, size: 9.0, text: label, grey: true };
        draw(&mut surface, &font, &footer);
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| CoreError::io("could not make the PDF report", std::io::Error::other(format!("{e:?}"))))
}

fn fill(colour: (u8, u8, u8), opacity: f32) -> Fill {
    Fill { paint: rgb::Color::new(colour.0, colour.1, colour.2).into(), opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE), rule: Default::default() }
}

fn draw(surface: &mut krilla::surface::Surface, font: &Font, op: &Op) {
    match op {
        Op::Text { x, y, size, text, grey } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(if *grey { (71, 85, 105) } else { (15, 23, 42) }, 1.0)));
            surface.draw_text(Point::from_xy(*x, *y), font.clone(), *size, text, false, TextDirection::Auto);
        }
        Op::Line { points, width, colour } => {
            let Some(path) = path(points, false) else { return };
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke { paint: rgb::Color::new(colour.0, colour.1, colour.2).into(), width: *width, ..Default::default() }));
            surface.draw_path(&path);
        }
        Op::Shape { points, colour, opacity } => {
            let Some(path) = path(points, true) else { return };
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*colour, *opacity)));
            surface.draw_path(&path);
        }
    }
}

fn path(points: &[(f32, f32)], closed: bool) -> Option<krilla::geom::Path> {
    let (first, rest) = points.split_first()?;
    let mut b = PathBuilder::new();
    b.move_to(first.0, first.1);
    for p in rest {
        b.line_to(p.0, p.1);
    }
    if closed {
        b.close();
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::*;
    use std::process::Command;

    fn poppler(tool: &str, pdf: &std::path::Path) -> String {
        let out = Command::new(tool).arg(pdf).arg("-").output().or_else(|_| Command::new(tool).arg(pdf).output());
        let out = out.unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
        assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn a_real_reader_finds_the_title_the_cells_and_the_page_count() {
        let data = sample::report(120);
        let pages = layout(&data).unwrap();
        let bytes = render(&data, find_font().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.pdf");
        std::fs::write(&file, &bytes).unwrap();
        let info = Command::new("pdfinfo").arg(&file).output().expect("pdfinfo (poppler-utils) must be installed");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let count: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
        assert_eq!(count, pages.len());
        assert!(count >= 3, "120 rows continue over pages: {count}");
        assert!(info.contains("Weekly study 週報"), "the title is the PDF's title: {info}");
        let text = poppler("pdftotext", &file);
        assert!(text.contains("Weekly study 週報"), "{text}");
        assert!(text.contains("2026-11-01 – 2026-11-07"));
        assert!(text.contains("row 119 行"), "the last table cell");
        assert!(text.contains("数学"), "a pie slice's name");
        // "n / N" (pdftotext may drop the spaces around the slash).
        let compact = text.replace(' ', "");
        assert!(compact.contains(&format!("1/{count}")) && compact.contains(&format!("{count}/{count}")), "{text}");
        // The header row is repeated on each page the table continues on.
        let pages_text: Vec<&str> = text.split('\u{c}').collect();
        let with_header = pages_text.iter().filter(|p| p.contains("note")).count();
        assert!(with_header >= 2, "header on every page of the table");
        // Charts are paths: no image in the file.
        assert!(!String::from_utf8_lossy(&bytes).contains("/Subtype /Image"), "no bitmap");
    }

    #[test]
    fn charts_are_drawn_as_vector_paths() {
        let data = sample::report(1);
        let pages = layout(&data).unwrap();
        let ops = &pages[0];
        let lines = ops.iter().filter(|o| matches!(o, Op::Line { points, .. } if points.len() == 7)).count();
        assert!(lines >= 1, "the line chart's 7 points are one path");
        let wedges = ops.iter().filter(|o| matches!(o, Op::Shape { points, .. } if points.len() > 20)).count();
        assert_eq!(wedges, 2, "two pie wedges");
    }

    #[test]
    fn a_report_of_500_pages_is_refused_in_words() {
        let data = sample::report(500 * 50);
        let err = layout(&data).unwrap_err().to_string();
        assert!(err.contains("more than 300 pages"), "{err}");
    }
}
