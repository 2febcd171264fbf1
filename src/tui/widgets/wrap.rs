//! Wrapping text to terminal columns (Chinese characters are two columns wide), so that a
//! list can know each item's height before drawing it.

use unicode_width::UnicodeWidthChar;

fn wide(c: char) -> bool {
    c.width().unwrap_or(0) > 1
}

/// Chinese punctuation that never starts a line (it closes or follows what is before it).
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】〕…”’".contains(c)
}

/// Where the text that moves down with a no-line-start character begins: the last wide
/// character, or the word the line ends with.
fn carry_from(line: &str) -> usize {
    match line.char_indices().next_back() {
        Some((i, c)) if wide(c) => i,
        _ => line
            .char_indices()
            .rev()
            .find(|(_, c)| *c == ' ' || wide(*c))
            .map_or(0, |(i, c)| i + c.len_utf8()),
    }
}

/// `s` cut into lines of at most `width` columns: at the last space for words, anywhere
/// between wide (CJK) characters (never before closing punctuation such as `）` or `；`:
/// the character before it moves down too), mid-word only when a word is longer than a line.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > width {
            if c == ' ' {
                lines.push(line.trim_end().to_string());
                line.clear();
                used = 0;
                continue;
            }
            let at_space = line
                .rfind(' ')
                .filter(|_| !wide(c) && !line.ends_with(wide));
            match at_space {
                Some(b) if b > 0 => {
                    let rest = line.split_off(b + 1);
                    lines.push(line.trim_end().to_string());
                    used = rest.chars().map(|c| c.width().unwrap_or(0)).sum();
                    line = rest;
                }
                _ if no_line_start(c) => {
                    let carry = line.split_off(carry_from(&line));
                    let carry_w: usize = carry.chars().map(|c| c.width().unwrap_or(0)).sum();
                    if line.is_empty() || carry_w + cw > width {
                        // Nothing to carry, or it would not fit: break here after all.
                        line.push_str(&carry);
                        lines.push(std::mem::take(&mut line));
                        used = 0;
                    } else {
                        lines.push(std::mem::replace(&mut line, carry));
                        used = carry_w;
                    }
                }
                _ => {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
            }
        }
        line.push(c);
        used += cw;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn words_break_at_spaces_and_chinese_anywhere() {
        assert_eq!(wrap("one two three", 8), ["one two", "three"]);
        assert_eq!(wrap("总胆固醇高于上限", 6), ["总胆固", "醇高于", "上限"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn chinese_closing_punctuation_never_starts_a_line() {
        assert_eq!(
            wrap("确诊日期；记录新体重）", 8),
            ["确诊日", "期；记录", "新体重）"]
        );
        assert_eq!(
            wrap("（添加、标为已解答）", 18),
            ["（添加、标为已解", "答）"]
        );
    }

    #[test]
    fn no_line_is_wider_than_asked() {
        let text =
            "请称体重（2026-03-11）：mg/(kg·d) 按最近体重计算 — the app's own choice (app default)";
        for width in 2..40 {
            for l in wrap(text, width) {
                assert!(l.width() <= width, "{width}: {l:?}");
            }
        }
    }
}
