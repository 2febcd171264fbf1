//! The report's fonts: the embedded subset, a system fallback for the characters it lacks,
//! text widths and line breaking.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::sync::OnceLock;

use krilla::Data;
use krilla::text::Font;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-report.otf");

/// System fonts tried for characters the embedded subset lacks.
const FALLBACKS: [&str; 4] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
];

/// The first system CJK font found, read once per process (its bytes stay for the process's
/// life, so repeated exports from the terminal diary do not read or keep it again).
fn system_font() -> Option<(&'static [u8], u32)> {
    static FOUND: OnceLock<Option<(&'static [u8], u32)>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        FALLBACKS.iter().find_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let index = if p.contains("NotoSansCJK") { 2 } else { 0 };
            FontRef::from_index(&bytes, index).ok()?;
            Some((&*Box::leak(bytes.into_boxed_slice()), index))
        })
    })
}

pub(super) struct Face {
    pub(super) font: Font,
    font_ref: FontRef<'static>,
    upem: f64,
    /// Advance width in em of each character seen, `None` when the face lacks it.
    cache: RefCell<HashMap<char, Option<f64>>>,
}

impl Face {
    fn load(data: &'static [u8], index: u32) -> Option<Face> {
        let font = Font::new(Data::from(data), index)?;
        let font_ref = FontRef::from_index(data, index).ok()?;
        let upem = f64::from(
            font_ref
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em
                .max(1),
        );
        Some(Face {
            font,
            font_ref,
            upem,
            cache: RefCell::new(HashMap::new()),
        })
    }

    fn em(&self, c: char) -> Option<f64> {
        if let Some(w) = self.cache.borrow().get(&c) {
            return *w;
        }
        let gm = self
            .font_ref
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        let w = self
            .font_ref
            .charmap()
            .map(c)
            .filter(|g| g.to_u32() != 0)
            .map(|g| {
                gm.advance_width(g)
                    .map_or(0.5, |w| f64::from(w) / self.upem)
            });
        self.cache.borrow_mut().insert(c, w);
        w
    }

    fn covers(&self, c: char) -> bool {
        self.em(c).is_some()
    }
}

pub(super) struct Fonts {
    main: Face,
    fallback: Option<Face>,
}

impl Fonts {
    pub(super) fn new() -> io::Result<Fonts> {
        let main = Face::load(FONT, 0)
            .ok_or_else(|| io::Error::other("the embedded report font cannot be read"))?;
        Ok(Fonts {
            main,
            fallback: None,
        })
    }

    /// Load a system font only when a text needs a character the subset lacks.
    pub(super) fn need(&mut self, text: &str) {
        let missing = |c: char| !c.is_control() && !self.main.covers(c) && superscript(c).is_none();
        if self.fallback.is_some() || !text.chars().any(missing) {
            return;
        }
        self.fallback = system_font().and_then(|(data, index)| Face::load(data, index));
    }

    /// The text split into runs of one face each (the main face unless only the fallback has it).
    pub(super) fn runs<'a>(&self, text: &'a str) -> Vec<(&Face, &'a str)> {
        let mut out: Vec<(&Face, &str)> = Vec::new();
        let mut start = 0;
        let mut cur: Option<bool> = None;
        for (k, c) in text.char_indices() {
            let alt = !self.main.covers(c) && self.fallback.as_ref().is_some_and(|f| f.covers(c));
            if cur.is_some_and(|a| a != alt) {
                out.push((self.face(cur == Some(true)), &text[start..k]));
                start = k;
            }
            cur = Some(alt);
        }
        if start < text.len() {
            out.push((self.face(cur == Some(true)), &text[start..]));
        }
        out
    }

    fn face(&self, alt: bool) -> &Face {
        match (&self.fallback, alt) {
            (Some(f), true) => f,
            _ => &self.main,
        }
    }

    /// Superscript digits the font lacks (⁹ in ×10⁹/L) are drawn as small raised digits.
    pub(super) fn segments(&self, text: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in text.chars() {
            let sup = (!self.main.covers(c)).then(|| superscript(c)).flatten();
            let (is_sup, ch) = match sup {
                Some(d) => (true, d),
                None => (false, c),
            };
            match out.last_mut() {
                Some((k, s)) if *k == is_sup => s.push(ch),
                _ => out.push((is_sup, ch.to_string())),
            }
        }
        out
    }

    pub(super) fn width(&self, text: &str, size: f64) -> f64 {
        self.segments(text)
            .iter()
            .map(|(sup, s)| self.run_width(s, if *sup { size * SUP } else { size }))
            .sum()
    }

    pub(super) fn run_width(&self, text: &str, size: f64) -> f64 {
        self.runs(text)
            .into_iter()
            .map(|(face, s)| {
                s.chars()
                    .map(|c| face.em(c).unwrap_or(0.5) * size)
                    .sum::<f64>()
            })
            .sum()
    }

    /// Greedy line breaking: at spaces, and between CJK characters.
    pub(super) fn wrap(&self, text: &str, size: f64, width: f64) -> Vec<String> {
        // Control and text-direction characters are shown (as in every report), and measured
        // as shown.
        let text = &*crate::present::sanitize::visible(text);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut brk: Option<usize> = None;
        let mut w = 0.0;
        let mut buf = [0u8; 4];
        for c in text.chars() {
            if is_cjk(c) && !CLOSING.contains(c) {
                brk = Some(line.len());
            }
            line.push(c);
            w += self.width(c.encode_utf8(&mut buf), size);
            if w > width && line.chars().count() > 1 {
                line.pop();
                let rest = match brk.filter(|b| *b > 0 && *b < line.len()) {
                    Some(b) => line.split_off(b),
                    None => String::new(),
                };
                lines.push(line.trim_end().to_string());
                line = rest.trim_start().to_string();
                line.push(c);
                w = self.width(&line, size);
                brk = None;
            }
            if c == ' ' || c == '/' || c == '·' || (is_cjk(c) && CLOSING.contains(c)) {
                brk = Some(line.len());
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

pub(super) const SUP: f64 = 0.68;
/// Punctuation that must not start a line.
const CLOSING: &str = "）)，。、；：！？」』】%";

fn is_cjk(c: char) -> bool {
    c as u32 >= 0x2E80
}

fn superscript(c: char) -> Option<char> {
    let d = match c {
        '⁰' => 0,
        '¹' => 1,
        '²' => 2,
        '³' => 3,
        '⁴'..='⁹' => c as u32 - '⁰' as u32,
        _ => return None,
    };
    char::from_digit(d, 10)
}
