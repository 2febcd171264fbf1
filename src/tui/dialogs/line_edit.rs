//! A small line editor for form fields: a cursor (a char index; `None` = at the end, so a
//! value set from elsewhere keeps the cursor after it), Left/Right, Home/End, Backspace,
//! Delete and Ctrl-W (delete the word before the cursor). Widths are terminal columns, so a
//! Chinese character counts two.

use unicode_width::UnicodeWidthStr;

/// The longest value a field takes (characters).
pub const MAX_CHARS: usize = 200;

/// One edit of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
    DeleteWord,
}

fn at(value: &str, cursor: Option<usize>) -> usize {
    let n = value.chars().count();
    cursor.unwrap_or(n).min(n)
}

fn byte(value: &str, ch: usize) -> usize {
    value
        .char_indices()
        .nth(ch)
        .map(|(b, _)| b)
        .unwrap_or(value.len())
}

/// Apply `e`; returns whether the text changed.
pub fn apply(value: &mut String, cursor: &mut Option<usize>, e: Edit) -> bool {
    apply_up_to(value, cursor, e, MAX_CHARS)
}

/// [`apply`] for a field whose length its validation bounds (a note): typing goes on past
/// [`MAX_CHARS`] up to `max`, so the check can say how long it is instead of a silent stop.
pub fn apply_up_to(value: &mut String, cursor: &mut Option<usize>, e: Edit, max: usize) -> bool {
    let n = value.chars().count();
    let c = at(value, *cursor);
    let (text_changed, new) = match e {
        Edit::Insert(ch) if n < max && !ch.is_control() => {
            value.insert(byte(value, c), ch);
            (true, c + 1)
        }
        Edit::Insert(_) => (false, c),
        Edit::Left => (false, c.saturating_sub(1)),
        Edit::Right => (false, (c + 1).min(n)),
        Edit::Home => (false, 0),
        Edit::End => (false, n),
        Edit::Backspace if c > 0 => {
            value.remove(byte(value, c - 1));
            (true, c - 1)
        }
        Edit::Delete if c < n => {
            value.remove(byte(value, c));
            (true, c)
        }
        Edit::Backspace | Edit::Delete => (false, c),
        Edit::DeleteWord => {
            let chars: Vec<char> = value.chars().collect();
            let mut s = c;
            while s > 0 && chars[s - 1].is_whitespace() {
                s -= 1;
            }
            while s > 0 && !chars[s - 1].is_whitespace() {
                s -= 1;
            }
            let (a, b) = (byte(value, s), byte(value, c));
            value.replace_range(a..b, "");
            (s != c, s)
        }
    };
    *cursor = if new >= value.chars().count() {
        None
    } else {
        Some(new)
    };
    text_changed
}

/// The text split at the cursor: (before, the character under the cursor or " ", after).
pub fn split(value: &str, cursor: Option<usize>) -> (String, String, String) {
    let c = at(value, cursor);
    let before: String = value.chars().take(c).collect();
    let under = value
        .chars()
        .nth(c)
        .map(String::from)
        .unwrap_or_else(|| " ".into());
    let after: String = value.chars().skip(c + 1).collect();
    (before, under, after)
}

/// The terminal column of the cursor within the value.
pub fn column(value: &str, cursor: Option<usize>) -> usize {
    let c = at(value, cursor);
    value.chars().take(c).collect::<String>().width()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(start: &str, edits: &[Edit]) -> (String, Option<usize>) {
        let mut v = start.to_string();
        let mut c = None;
        for e in edits {
            apply(&mut v, &mut c, *e);
        }
        (v, c)
    }

    #[test]
    fn insert_in_the_middle_and_delete_around_the_cursor() {
        use Edit::*;
        let (v, c) = run("1250", &[Left, Left, Insert('.')]);
        assert_eq!((v.as_str(), c), ("12.50", Some(3)));
        let (v, _) = run("abc", &[Home, Delete, End, Backspace]);
        assert_eq!(v, "b");
        let (v, _) = run("abc", &[Home, Backspace, End, Delete, Right]);
        assert_eq!(v, "abc");
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        use Edit::*;
        assert_eq!(run("after breakfast ", &[DeleteWord]).0, "after ");
        assert_eq!(
            run("one two three", &[Left, Left, DeleteWord]).0,
            "one two ee"
        );
        assert_eq!(run("one", &[Home, DeleteWord]).0, "one");
    }

    #[test]
    fn chinese_counts_two_columns_and_edits_whole_characters() {
        use Edit::*;
        let (v, c) = run("早饭后", &[Left, Backspace, Insert('午')]);
        assert_eq!(v, "早午后");
        assert_eq!(column(&v, c), 4);
        assert_eq!(split(&v, c), ("早午".into(), "后".into(), "".into()));
    }

    #[test]
    fn length_is_capped_and_controls_ignored() {
        let mut v = "x".repeat(MAX_CHARS);
        let mut c = None;
        assert!(!apply(&mut v, &mut c, Edit::Insert('y')));
        let mut w = String::new();
        assert!(!apply(&mut w, &mut c, Edit::Insert('\u{7}')));
    }
}
