//! What Chinese lab sheets and spreadsheets produce, made readable for the lab-CSV import:
//! GBK text, `;` or tab separators, Chinese headers (检验日期, 项目, 结果, 单位, 参考范围),
//! `2026/11/20` dates, flags after the value (`106↑`, `106 H`), `41~111` ranges, and values
//! given only as a limit (`<25`), which are refused rather than guessed.

/// The text of a CSV file: UTF-8 (a byte-order mark is dropped), else GBK / GB18030 as
/// Chinese Excel writes it. `None` when it is neither.
pub fn decode(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

/// The field separator: whichever of `,`, `;` and tab the header line uses most.
pub fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let count = |c: char| first.matches(c).count();
    [(b',', count(',')), (b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .max_by_key(|&(sep, n)| (n, sep == b','))
        .map_or(b',', |(sep, _)| sep)
}

/// The diary's column name for a header, in English or as Chinese lab sheets write it.
pub fn column(header: &str) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    Some(match h.as_str() {
        "time" | "date" | "检验日期" | "日期" | "检验时间" | "采样时间" | "采集时间"
        | "报告日期" | "报告时间" | "送检日期" => "time",
        "analyte" | "test" | "项目" | "检验项目" | "项目名称" | "化验项目" => {
            "analyte"
        }
        "value" | "result" | "结果" | "检验结果" | "测定值" | "数值" => "value",
        "unit" | "units" | "单位" => "unit",
        "reference" | "range" | "参考范围" | "参考值" | "参考区间" | "正常范围" => {
            "reference"
        }
        "lab" | "laboratory" | "医院" | "检验机构" | "实验室" | "检验科" => "lab",
        "last_dose" | "末次服药时间" | "上次服药时间" | "服药时间" => "last_dose",
        "note" | "notes" | "备注" => "note",
        _ => return None,
    })
}

/// `2026/11/20 08:30` → `2026-11-20 08:30` (other spellings are left to the time parser).
pub fn date(s: &str) -> String {
    let s = s.trim();
    let (day, rest) = s.split_once([' ', 'T']).unwrap_or((s, ""));
    let parts: Vec<&str> = day.split('/').collect();
    if parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        let day = format!("{}-{:0>2}-{:0>2}", parts[0], parts[1], parts[2]);
        if rest.is_empty() {
            day
        } else {
            format!("{day} {}", rest.trim())
        }
    } else {
        s.to_string()
    }
}

/// A value with the lab's flag taken off: `106↑` → (`106`, Some(high)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    High,
    Low,
}

/// A value given only as a limit (`<25`, `>1000`): the diary needs a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Censored(pub String);

/// Split a flag off a value; refuse a limit.
pub fn value(s: &str) -> Result<(String, Option<Flag>), Censored> {
    let t = s.trim();
    if t.starts_with(['<', '>', '≤', '≥', '＜', '＞']) {
        return Err(Censored(t.to_string()));
    }
    let high = ['↑', 'H', 'h', '高', '+'];
    let low = ['↓', 'L', 'l', '低'];
    let stripped_high = t.trim_end_matches(high).trim_start_matches('↑');
    if stripped_high.len() != t.len() {
        return Ok((stripped_high.trim().to_string(), Some(Flag::High)));
    }
    let stripped_low = t.trim_end_matches(low).trim_start_matches('↓');
    if stripped_low.len() != t.len() {
        return Ok((stripped_low.trim().to_string(), Some(Flag::Low)));
    }
    Ok((t.to_string(), None))
}

/// `41~111`, `41～111`, `41–111`, `41 - 111` → `41-111`.
pub fn range(s: &str) -> String {
    s.trim()
        .replace(['~', '～', '–', '—', '－'], "-")
        .split('-')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_as_labs_write_them() {
        assert_eq!(column("检验日期"), Some("time"));
        assert_eq!(column("参考范围"), Some("reference"));
        assert_eq!(column("\u{feff}Time"), Some("time"));
        assert_eq!(column("颜色"), None);
        assert_eq!(date("2026/11/20"), "2026-11-20");
        assert_eq!(date("2026/1/5 08:30"), "2026-01-05 08:30");
        assert_eq!(date("2026-11-20 08:30"), "2026-11-20 08:30");
        for (input, want) in [
            ("106↑", ("106", Some(Flag::High))),
            ("106 H", ("106", Some(Flag::High))),
            ("3.1↓", ("3.1", Some(Flag::Low))),
            ("45 L", ("45", Some(Flag::Low))),
            ("88", ("88", None)),
        ] {
            assert_eq!(value(input), Ok((want.0.to_string(), want.1)), "{input}");
        }
        assert_eq!(value("<25"), Err(Censored("<25".into())));
        assert_eq!(range("41~111"), "41-111");
        assert_eq!(range("41 - 111"), "41-111");
        assert_eq!(range("125–350"), "125-350");
        assert_eq!(separator("检验日期;项目;结果\n"), b';');
        assert_eq!(separator("a,b,c\n"), b',');
        assert_eq!(separator("a\tb\tc\n"), b'\t');
    }

    #[test]
    fn gbk_is_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("检验日期,项目\n");
        assert_eq!(decode(&gbk).as_deref(), Some("检验日期,项目\n"));
        assert_eq!(decode(b"\xef\xbb\xbfa,b").as_deref(), Some("a,b"));
    }
}
