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

/// Chinese opening punctuation that never ends a line (it opens what follows it).
fn no_line_end(c: char) -> bool {
    "（《「『【〔“‘".contains(c)
}

fn width_of(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Where the word `line` ends with begins: after the last space or wide character (a Latin
/// word, number or key name such as `Ctrl-W`, `mg/(kg·d)` or `12` is one word even when it
/// touches Chinese). The length of `line` when it ends with a space or a wide character.
fn word_start(line: &str) -> usize {
    line.char_indices()
        .rev()
        .find(|(_, c)| *c == ' ' || wide(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Where the text that moves down with a no-line-start character begins: the last wide
/// character, or the word the line ends with, before any closing punctuation the line ends
/// with (`查）` moves down with a following `；`).
fn carry_from(line: &str) -> usize {
    let mut end = line.len();
    while let Some((i, c)) = line[..end].char_indices().next_back() {
        if !no_line_start(c) {
            break;
        }
        end = i;
    }
    match line[..end].char_indices().next_back() {
        Some((i, c)) if wide(c) => i,
        _ => word_start(&line[..end]),
    }
}

/// `b` moved before an opening bracket the line would otherwise end with (`（FHIR` moves
/// down whole); `b` itself when there is none or nothing would stay on the line.
fn before_opening(line: &str, b: usize) -> usize {
    match line[..b].char_indices().next_back() {
        Some((i, c)) if i > 0 && no_line_end(c) => i,
        _ => b,
    }
}

/// Break `line` at byte `b` when something stays and the moved text plus `next_w` columns
/// fits in `width`: the finished line is pushed, `line` keeps the moved text; its width.
fn break_at(
    lines: &mut Vec<String>,
    line: &mut String,
    b: usize,
    next_w: usize,
    width: usize,
) -> Option<usize> {
    if b == 0 || width_of(&line[b..]) + next_w > width {
        return None;
    }
    let rest = line.split_off(b);
    lines.push(line.trim_end().to_string());
    *line = rest;
    Some(width_of(line))
}

/// `s` cut into lines of at most `width` columns: at the last space for words, anywhere
/// between wide (CJK) characters, between Chinese and a Latin word or number but never
/// inside one (`Ctrl-W`, `mg/(kg·d)`, `12`), never before closing punctuation such as `）`
/// or `；` (the character before it moves down too) nor after opening punctuation such as
/// `（`; mid-word only when a word is longer than a line.
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
            let b = if no_line_start(c) {
                carry_from(&line)
            } else if wide(c) {
                line.len()
            } else {
                word_start(&line)
            };
            let b = before_opening(&line, b);
            used = match break_at(&mut lines, &mut line, b, cw, width) {
                Some(w) => w,
                None => {
                    // Nothing to carry, or it would not fit: break here after all.
                    lines.push(std::mem::take(&mut line));
                    0
                }
            };
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
    fn latin_words_numbers_and_key_names_are_never_split_beside_chinese() {
        // (text, width, lines): the break goes between the Chinese and the word.
        let cases: [(&str, usize, &[&str]); 5] = [
            ("查看Ctrl-W删除", 7, &["查看", "Ctrl-W", "删除"]),
            ("全部、30天、12个月", 13, &["全部、30天、", "12个月"]),
            ("按体重计算mg/(kg·d)", 14, &["按体重计算", "mg/(kg·d)"]),
            // An opening bracket goes down with what it opens.
            ("导出日历（FHIR）", 10, &["导出日历", "（FHIR）"]),
            ("每天服药两次（早8点）", 13, &["每天服药两次", "（早8点）"]),
        ];
        for (text, width, want) in cases {
            assert_eq!(wrap(text, width), want, "{text} at {width}");
        }
        // A word longer than a line is still cut (nothing else fits).
        assert_eq!(wrap("按Backspace键", 6), ["按", "Backsp", "ace键"]);
    }

    /// Every break between two narrow word characters is inside a word longer than a line.
    #[test]
    fn mixed_text_at_every_width_keeps_words_whole() {
        let text = "搜索历史（备注、数值、类型、药物或检查）；回车确认；再按/后按Esc显示全部，\
                    日期范围（全部、30天、90天、12个月、自上次复诊），按Ctrl-W删除，mg/(kg·d)按最近体重";
        let word = |c: char| c.is_ascii_alphanumeric() || "-/()·".contains(c);
        for width in 8..60 {
            let lines = wrap(text, width);
            for pair in lines.windows(2) {
                let (Some(a), Some(b)) = (pair[0].chars().last(), pair[1].chars().next()) else {
                    continue;
                };
                if word(a) && word(b) {
                    let tail: String = pair[0].chars().rev().take_while(|c| word(*c)).collect();
                    let head: String = pair[1].chars().take_while(|c| word(*c)).collect();
                    assert!(
                        tail.chars().count() + head.chars().count() > width,
                        "{width}: {pair:?}"
                    );
                }
                assert!(!no_line_start_for_test(b), "{width}: {pair:?}");
            }
        }
    }

    fn no_line_start_for_test(c: char) -> bool {
        super::no_line_start(c)
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
