//! An entry's edit history in words (issue 12): the lines `itp-diary history ID` prints and the
//! History screen's `h` overlay shows. Every kept version (from `entry_revisions`), oldest
//! first, then the entry as it is now; free text made visible.

use chrono::FixedOffset;

use crate::domain::entry::Entry;
use crate::present::describe;
use crate::present::i18n::I18n;
use crate::present::sanitize::visible;
use crate::store::RevisionRow;

/// One version: "2026-03-05 08:00 weight 61 kg — note [deleted]".
fn summary(e: &Entry, i: &I18n) -> String {
    let mut s = format!(
        "{} {} {}",
        e.at.format("%Y-%m-%d %H:%M"),
        describe::what(&e.data, i),
        describe::value(&e.data, i)
    );
    if let Some(n) = &e.note {
        s.push_str(&format!(" — {}", n.replace('\n', " ")));
    }
    if e.deleted {
        s.push_str(&format!(" {}", i.t("cli.deleted_mark")));
    }
    visible(&s).into_owned()
}

/// The title, one line per kept version (when, in `offset`; what was done; the version
/// before), and the current version last.
pub fn lines(
    id: i64,
    versions: &[(RevisionRow, Entry)],
    now: &Entry,
    offset: FixedOffset,
    i: &I18n,
) -> Vec<String> {
    let idt = id.to_string();
    let mut out = vec![i.tf("safety.history_title", &[("id", &idt)])];
    if versions.is_empty() {
        out.push(i.tf("safety.history_none", &[("id", &idt)]));
    }
    for (r, before) in versions {
        let when = chrono::DateTime::parse_from_rfc3339(&r.changed_at)
            .map(|t| {
                t.with_timezone(&offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| r.changed_at.clone());
        let action = i.t(&format!("safety.action_{}", r.action)).to_string();
        out.push(i.tf(
            "safety.history_row",
            &[
                ("when", &when),
                ("action", &action),
                ("what", &summary(before, i)),
            ],
        ));
    }
    out.push(format!(
        "{} {}",
        i.t("safety.history_current"),
        summary(now, i)
    ));
    out
}
