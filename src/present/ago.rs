//! How long ago, in words: "today", "yesterday", "26 d ago" (not "0 d ago").

use chrono::NaiveDate;

use super::i18n::I18n;

/// The age of something dated `then`, seen on `today`.
pub fn days_ago(then: NaiveDate, today: NaiveDate, i: &I18n) -> String {
    match (today - then).num_days() {
        0 => i.t("ago.today").to_string(),
        1 => i.t("ago.yesterday").to_string(),
        n if n < 0 => i.t("ago.future").to_string(),
        n => i.tf("today.days_ago", &[("days", &n.to_string())]),
    }
}

/// A short gap between two moments: "5 min", "3 h 55 min".
pub fn gap(minutes: i64, i: &I18n) -> String {
    let m = minutes.max(0);
    if m < 60 {
        i.tf("take_guard.ago_min", &[("m", &m.to_string())])
    } else {
        let (h, m) = (m / 60, m % 60);
        i.tf(
            "take_guard.ago_hm",
            &[("h", &h.to_string()), ("m", &m.to_string())],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::i18n::Lang;

    #[test]
    fn today_is_today_not_zero_days_ago() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let en = I18n::new(Lang::En);
        let zh = I18n::new(Lang::Zh);
        let today = d("2026-03-10");
        assert_eq!(days_ago(today, today, &en), "today");
        assert_eq!(days_ago(today, today, &zh), "今天");
        assert_eq!(days_ago(d("2026-03-09"), today, &en), "yesterday");
        assert_eq!(days_ago(d("2026-02-12"), today, &en), "26 d ago");
    }
}
