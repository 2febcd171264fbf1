//! One sanitiser for everything the diary prints for a person to read: what a terminal would
//! take as a command (control characters: escape sequences that set the window title or write
//! the clipboard with OSC 52) and what reorders text (bidi overrides and isolates, U+202A–202E
//! and U+2066–2069) is made visible instead. Newlines and tabs are kept. Machine formats (JSON,
//! CSV files) keep the raw value; the CSV writer neutralises formulas itself.

use std::borrow::Cow;
use std::io::{self, Write};

/// A character a terminal would act on or that reorders the text around it.
pub fn is_unsafe(c: char) -> bool {
    crate::domain::validate::is_unsafe_char(c)
}

/// How an unsafe character is shown: C0 controls as their Unicode control pictures (ESC is
/// `␛`), everything else as `<U+XXXX>`.
fn shown(c: char, out: &mut String) {
    match c {
        '\u{0}'..='\u{1F}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7F}' => out.push('\u{2421}'),
        _ => out.push_str(&format!("<U+{:04X}>", c as u32)),
    }
}

/// `s` with every unsafe character made visible.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            shown(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that passes text through [`visible`] (for a terminal, a shell profile, a pipe a
/// person reads). UTF-8 split across writes is held until complete; invalid bytes become
/// U+FFFD.
pub struct Visible<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Self {
        Visible {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let (text, rest) = match std::str::from_utf8(&self.pending) {
            Ok(t) => (t.to_string(), Vec::new()),
            Err(e) if e.error_len().is_none() => {
                let ok = e.valid_up_to();
                (
                    String::from_utf8_lossy(&self.pending[..ok]).into_owned(),
                    self.pending[ok..].to_vec(),
                )
            }
            Err(_) => (
                String::from_utf8_lossy(&self.pending).into_owned(),
                Vec::new(),
            ),
        };
        self.pending = rest;
        self.inner.write_all(visible(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let t = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.inner.write_all(visible(&t).as_bytes())?;
        }
        self.inner.flush()
    }
}

/// The longest free text accepted (notes, names, questions).
pub const MAX_TEXT: usize = 4000;

/// Whether `c` ends a line somewhere: LF, CR, VT, FF, NEL, and the Unicode line and paragraph
/// separators.
fn breaks_line(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `s` as one visible line, for text that comes from a file or from SQLite and is printed
/// inside a sentence (a recorded backup failure, an integrity check's findings): every line
/// break (a CR LF pair counts once) is shown as `⏎`, so nothing it carries can pose as a line
/// of its own, and every other unsafe character is made visible as by [`visible`].
pub fn visible_line(s: &str) -> String {
    let mut one = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if breaks_line(c) {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            one.push('⏎');
        } else {
            one.push(c);
        }
    }
    visible(&one).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_are_made_visible() {
        assert_eq!(visible("plain 血小板\n\tok"), "plain 血小板\n\tok");
        assert_eq!(visible("\u{1b}]52;c;SGk=\u{7}x"), "␛]52;c;SGk=␇x");
        assert_eq!(visible("a\u{202E}b\u{2066}c"), "a<U+202E>b<U+2066>c");
        assert_eq!(visible("\u{9b}31m"), "<U+009B>31m");
        assert_eq!(visible("\r"), "␍");
    }

    #[test]
    fn the_writer_keeps_split_utf8() {
        let mut out = Vec::new();
        {
            let mut w = Visible::new(&mut out);
            let s = "血\u{1b}".as_bytes();
            w.write_all(&s[..2]).unwrap();
            w.write_all(&s[2..]).unwrap();
            w.flush().unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "血␛");
    }

    #[test]
    fn one_visible_line_keeps_nothing_that_breaks_the_line() {
        for (raw, want) in [
            ("disk full", "disk full"),
            (
                "a\r\nfake: all your data is lost",
                "a⏎fake: all your data is lost",
            ),
            ("a\nb\rc", "a⏎b⏎c"),
            ("a\u{2028}b\u{2029}c\u{85}d\u{0B}e\u{0C}f", "a⏎b⏎c⏎d⏎e⏎f"),
            ("row 1\nrow 2\n", "row 1⏎row 2⏎"),
            ("\u{1b}]0;x\u{7}", "␛]0;x␇"),
            ("tab\tkept", "tab\tkept"),
        ] {
            assert_eq!(visible_line(raw), want, "{raw:?}");
            assert!(!visible_line(raw).contains(['\n', '\r']), "{raw:?}");
        }
    }
}
