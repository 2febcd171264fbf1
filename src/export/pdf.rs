//! The clinic report as an A4 PDF made here, with no browser, network or system font: text is
//! real text (searchable, copyable) in an embedded, subset font, charts are vectors. The
//! blocks of `doc` are first laid out into positioned items per page, then painted with krilla.
//!
//! Font: a subset of Noto Sans CJK SC (OFL, `assets/fonts/`), which covers Latin, the symbols
//! and the Chinese the report prints. A character outside it is drawn from a system CJK font
//! when one is installed (else the font's blank glyph).

use std::io::{self, Write};

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::TextDirection;

use super::chart::{Anchor, GREY, INK, Rgb, Scene, Shape};
use super::doc::{Block, Cell, Doc, Tone};

mod font;
use font::{Fonts, SUP};

const PAGE_W: f64 = 595.28;
const PAGE_H: f64 = 841.89;
const MARGIN: f64 = 40.0;
const BOTTOM: f64 = PAGE_H - 52.0;
const BLUE: Rgb = (31, 78, 121);
const RED: Rgb = (176, 0, 0);
const HEAD_BG: Rgb = (236, 236, 236);

/// A positioned item on a page.
enum Item {
    Text {
        x: f64,
        y: f64,
        size: f64,
        text: String,
        color: Rgb,
    },
    Shape(Shape),
    Chart {
        x: f64,
        y: f64,
        scale: f64,
        scene: Scene,
    },
}

struct Layout<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Item>>,
    y: f64,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn ensure(&mut self, h: f64) {
        if self.y + h > BOTTOM && self.y > MARGIN + 1.0 {
            self.new_page();
        }
    }

    fn put(&mut self, it: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.push(it);
        }
    }

    fn text(&mut self, x: f64, size: f64, text: &str, color: Rgb) {
        let y = self.y + size;
        self.put(Item::Text {
            x,
            y,
            size,
            text: text.into(),
            color,
        });
    }

    fn para(&mut self, x: f64, width: f64, size: f64, text: &str, color: Rgb) {
        for l in self.fonts.wrap(text, size, width) {
            self.ensure(size * 1.35);
            self.text(x, size, &l, color);
            self.y += size * 1.35;
        }
    }

    fn block(&mut self, b: &Block) {
        let width = PAGE_W - 2.0 * MARGIN;
        match b {
            Block::Title(t) => {
                self.para(MARGIN, width, 15.0, t, INK);
                self.y += 2.0;
            }
            Block::Line(c) => self.para(MARGIN, width, 9.0, &c.text, tone(c)),
            Block::Heading(t) => {
                self.ensure(50.0);
                self.y += 7.0;
                self.para(MARGIN, width, 10.5, t, BLUE);
                let y = self.y;
                self.put(Item::Shape(Shape::Line {
                    a: (MARGIN, y),
                    b: (PAGE_W - MARGIN, y),
                    color: GREY,
                    width: 0.5,
                    dash: false,
                }));
                self.y += 3.0;
            }
            Block::Pairs(rows) => {
                let lw = rows
                    .iter()
                    .map(|(l, _)| self.fonts.width(l, 8.5))
                    .fold(0.0, f64::max)
                    .min(140.0)
                    + 8.0;
                for (l, v) in rows {
                    let top = self.y;
                    self.para(MARGIN, lw - 6.0, 8.5, l, (85, 85, 85));
                    let after_label = self.y;
                    self.y = top;
                    self.para(MARGIN + lw, width - lw, 8.5, &v.text, tone(v));
                    self.y = self.y.max(after_label) + 1.0;
                }
            }
            Block::List(items) => {
                for c in items {
                    self.ensure(12.0);
                    let y = self.y + 5.5;
                    self.put(Item::Shape(Shape::Dot {
                        at: (MARGIN + 4.0, y),
                        r: 1.2,
                        color: tone(c),
                        square: false,
                    }));
                    self.para(MARGIN + 10.0, width - 10.0, 8.5, &c.text, tone(c));
                }
            }
            Block::Table { head, rows } => self.table(head, rows, width),
            Block::Chart(scene) => {
                let scale = (width / scene.w).min(1.0);
                self.ensure(scene.h * scale);
                let (x, y) = (MARGIN, self.y);
                self.put(Item::Chart {
                    x,
                    y,
                    scale,
                    scene: scene.clone(),
                });
                self.y += scene.h * scale + 4.0;
            }
        }
    }

    fn table(&mut self, head: &[String], rows: &[Vec<Cell>], width: f64) {
        let size = if head.len() > 8 { 6.5 } else { 8.0 };
        let pad = 3.0;
        let natural: Vec<f64> = (0..head.len())
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|x| self.fonts.width(&x.text, size))
                    .chain(std::iter::once(self.fonts.width(&head[c], size)))
                    .fold(8.0, f64::max)
                    + 2.0 * pad
                    + 1.0
            })
            .collect();
        let total: f64 = natural.iter().sum();
        let widths: Vec<f64> = natural
            .iter()
            .map(|w| w * (width / total).min(1.0))
            .collect();
        let head_cells: Vec<Cell> = head
            .iter()
            .map(|h| Cell {
                text: h.clone(),
                tone: Tone::Muted,
            })
            .collect();
        self.row(&head_cells, &widths, size, true);
        for r in rows {
            if self.row_height(r, &widths, size) + self.y > BOTTOM {
                self.new_page();
                self.row(&head_cells, &widths, size, true);
            }
            self.row(r, &widths, size, false);
        }
        self.y += 2.0;
    }

    fn row_height(&self, r: &[Cell], widths: &[f64], size: f64) -> f64 {
        let lines = r
            .iter()
            .zip(widths)
            .map(|(c, w)| self.fonts.wrap(&c.text, size, w - 6.0).len())
            .max()
            .unwrap_or(1);
        lines as f64 * size * 1.3 + 3.0
    }

    fn row(&mut self, r: &[Cell], widths: &[f64], size: f64, head: bool) {
        let h = self.row_height(r, widths, size);
        let top = self.y;
        if head {
            self.put(Item::Shape(Shape::Rect {
                x: MARGIN,
                y: top,
                w: widths.iter().sum(),
                h,
                fill: Some(HEAD_BG),
                stroke: None,
            }));
        }
        let mut x = MARGIN;
        for (c, w) in r.iter().zip(widths) {
            self.y = top + 1.5;
            for l in self.fonts.wrap(&c.text, size, w - 6.0) {
                self.text(x + 3.0, size, &l, if head { INK } else { tone(c) });
                self.y += size * 1.3;
            }
            x += w;
        }
        self.y = top + h;
        self.put(Item::Shape(Shape::Line {
            a: (MARGIN, self.y),
            b: (x, self.y),
            color: (200, 200, 200),
            width: 0.4,
            dash: false,
        }));
    }
}

fn tone(c: &Cell) -> Rgb {
    match c.tone {
        Tone::Plain => INK,
        Tone::Flag => RED,
        Tone::Muted => (110, 110, 110),
    }
}

fn lay_out(doc: &Doc, fonts: &Fonts) -> Vec<Vec<Item>> {
    let mut l = Layout {
        fonts,
        pages: Vec::new(),
        y: MARGIN,
    };
    for p in &doc.pages {
        l.new_page();
        for b in &p.blocks {
            l.block(b);
        }
    }
    l.pages
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke(c: Rgb, width: f64, dash: bool) -> Stroke {
    Stroke {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        width: width as f32,
        dash: dash.then(|| StrokeDash {
            array: vec![3.0, 2.0],
            offset: 0.0,
        }),
        ..Default::default()
    }
}

struct Painter<'a, 'b> {
    s: Surface<'a>,
    fonts: &'b Fonts,
}

impl Painter<'_, '_> {
    fn text(&mut self, x: f64, y: f64, size: f64, text: &str, color: Rgb) {
        let text = &*crate::present::sanitize::visible(text);
        self.s.set_stroke(None);
        self.s.set_fill(Some(fill(color)));
        let mut x = x;
        for (sup, seg) in self.fonts.segments(text) {
            let (size, y) = if sup {
                (size * SUP, y - size * 0.38)
            } else {
                (size, y)
            };
            for (face, run) in self.fonts.runs(&seg) {
                self.s.draw_text(
                    Point::from_xy(x as f32, y as f32),
                    face.font.clone(),
                    size as f32,
                    run,
                    false,
                    TextDirection::Auto,
                );
                x += self.fonts.run_width(run, size);
            }
        }
    }

    fn path(&mut self, pts: &[(f64, f64)], close: bool, f: Option<Rgb>, st: Option<Stroke>) {
        let mut pb = PathBuilder::new();
        for (k, p) in pts.iter().enumerate() {
            if k == 0 {
                pb.move_to(p.0 as f32, p.1 as f32);
            } else {
                pb.line_to(p.0 as f32, p.1 as f32);
            }
        }
        if close {
            pb.close();
        }
        if let Some(path) = pb.finish() {
            self.s.set_fill(f.map(fill));
            self.s.set_stroke(st);
            self.s.draw_path(&path);
        }
    }

    fn shape(&mut self, sh: &Shape) {
        match sh {
            Shape::Line {
                a,
                b,
                color,
                width,
                dash,
            } => self.path(&[*a, *b], false, None, Some(stroke(*color, *width, *dash))),
            Shape::Poly { pts, color, width } => {
                self.path(pts, false, None, Some(stroke(*color, *width, false)))
            }
            Shape::Rect {
                x,
                y,
                w,
                h,
                fill: f,
                stroke: st,
            } => {
                if let Some(r) = Rect::from_xywh(*x as f32, *y as f32, *w as f32, *h as f32) {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(r);
                    if let Some(path) = pb.finish() {
                        self.s.set_fill(f.map(fill));
                        self.s.set_stroke(st.map(|c| stroke(c, 0.6, false)));
                        self.s.draw_path(&path);
                    }
                }
            }
            Shape::Dot {
                at,
                r,
                color,
                square,
            } => {
                let pts: Vec<(f64, f64)> = if *square {
                    vec![
                        (at.0 - r, at.1 - r),
                        (at.0 + r, at.1 - r),
                        (at.0 + r, at.1 + r),
                        (at.0 - r, at.1 + r),
                    ]
                } else {
                    (0..12)
                        .map(|k| f64::from(k) * std::f64::consts::PI / 6.0)
                        .map(|a| (at.0 + r * a.cos(), at.1 + r * a.sin()))
                        .collect()
                };
                self.path(&pts, true, Some(*color), None);
            }
            Shape::Mark { at, size, color } => self.path(
                &[
                    (at.0 - size / 2.0, at.1),
                    (at.0 + size / 2.0, at.1),
                    (at.0, at.1 + size),
                ],
                true,
                Some(*color),
                None,
            ),
            Shape::Text {
                at,
                size,
                text,
                color,
                anchor,
                ..
            } => {
                let w = self.fonts.width(text, *size);
                let x = match anchor {
                    Anchor::Start => at.0,
                    Anchor::Middle => at.0 - w / 2.0,
                    Anchor::End => at.0 - w,
                };
                self.text(x, at.1, *size, text, *color);
            }
        }
    }

    fn item(&mut self, it: &Item) {
        match it {
            Item::Text {
                x,
                y,
                size,
                text,
                color,
            } => self.text(*x, *y, *size, text, *color),
            Item::Shape(s) => self.shape(s),
            Item::Chart { x, y, scale, scene } => {
                self.s.push_transform(&krilla::geom::Transform::from_row(
                    *scale as f32,
                    0.0,
                    0.0,
                    *scale as f32,
                    *x as f32,
                    *y as f32,
                ));
                for sh in &scene.shapes {
                    self.shape(sh);
                }
                self.s.pop();
            }
        }
    }
}

/// Every text of the document, to load a fallback font before layout when one is needed.
fn texts(doc: &Doc) -> String {
    let mut all = doc.footer.clone();
    for b in doc.pages.iter().flat_map(|p| &p.blocks) {
        match b {
            Block::Title(t) | Block::Heading(t) => all.push_str(t),
            Block::Line(c) => all.push_str(&c.text),
            Block::Pairs(v) => v.iter().for_each(|(l, c)| {
                all.push_str(l);
                all.push_str(&c.text);
            }),
            Block::Table { head, rows } => {
                head.iter().for_each(|h| all.push_str(h));
                rows.iter().flatten().for_each(|c| all.push_str(&c.text));
            }
            Block::List(v) => v.iter().for_each(|c| all.push_str(&c.text)),
            Block::Chart(s) => s.shapes.iter().for_each(|sh| {
                if let Shape::Text { text, .. } = sh {
                    all.push_str(text);
                }
            }),
        }
    }
    all
}

/// Write the report as a PDF.
pub fn write(
    w: &mut impl Write,
    doc: &Doc,
    page_word: &dyn Fn(usize, usize) -> String,
) -> io::Result<()> {
    let mut fonts = Fonts::new()?;
    fonts.need(&texts(doc));
    let pages = lay_out(doc, &fonts);
    let mut pdf = Document::new();
    let mut meta = krilla::metadata::Metadata::new()
        .title(doc.title.clone())
        .language(doc.lang.into());
    meta = meta.creator(format!("itp-diary {}", env!("CARGO_PKG_VERSION")));
    pdf.set_metadata(meta);
    let n = pages.len();
    for (k, items) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W as f32, PAGE_H as f32)
            .ok_or_else(|| io::Error::other("page size"))?;
        let mut page = pdf.start_page_with(settings);
        {
            let mut p = Painter {
                s: page.surface(),
                fonts: &fonts,
            };
            for it in items {
                p.item(it);
            }
            let foot = format!("{} · {}", doc.footer, page_word(k + 1, n));
            let y = PAGE_H - 28.0;
            p.shape(&Shape::Line {
                a: (MARGIN, y - 10.0),
                b: (PAGE_W - MARGIN, y - 10.0),
                color: GREY,
                width: 0.4,
                dash: false,
            });
            for (j, line) in fonts
                .wrap(&foot, 7.0, PAGE_W - 2.0 * MARGIN)
                .iter()
                .enumerate()
            {
                p.text(MARGIN, y + 9.0 * j as f64, 7.0, line, (90, 90, 90));
            }
            p.s.finish();
        }
        page.finish();
    }
    let bytes = pdf
        .finish()
        .map_err(|e| io::Error::other(format!("PDF: {e:?}")))?;
    w.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscripts_the_font_lacks_are_raised_digits() {
        let f = Fonts::new().unwrap();
        assert_eq!(
            f.segments("×10⁹/L"),
            vec![
                (false, "×10".to_string()),
                (true, "9".to_string()),
                (false, "/L".to_string())
            ]
        );
    }
}
