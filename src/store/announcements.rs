//! What `remind --notify` announced (table `announcements`, migration 0004).

use chrono::{DateTime, FixedOffset};

use super::{Result, Store, StoreError};
use crate::domain::announce::Announced;
use crate::domain::reminders::Severity;

fn severity_of(code: &str) -> Result<Severity> {
    match code {
        "info" => Ok(Severity::Info),
        "warning" => Ok(Severity::Warning),
        "urgent" => Ok(Severity::Urgent),
        other => Err(StoreError::Corrupt(format!(
            "announcement severity '{other}'"
        ))),
    }
}

impl Store {
    /// Everything remembered as announced.
    pub fn announced(&self) -> Result<Vec<Announced>> {
        let mut st = self
            .conn
            .prepare("SELECT key, severity FROM announcements ORDER BY key")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (key, sev) = row?;
            out.push(Announced {
                key,
                severity: severity_of(&sev)?,
            });
        }
        Ok(out)
    }

    /// In one transaction: remember `sent` as announced at `at`, and forget every item whose
    /// key is not in `open`.
    pub fn record_announcements(
        &mut self,
        sent: &[Announced],
        open: &[String],
        at: DateTime<FixedOffset>,
    ) -> Result<()> {
        let at = at.to_rfc3339();
        self.write(|tx| {
            let keys: Vec<String> = {
                let mut st = tx.prepare("SELECT key FROM announcements")?;
                st.query_map([], |r| r.get(0))?
                    .collect::<std::result::Result<_, _>>()?
            };
            for k in keys.iter().filter(|k| !open.contains(k)) {
                tx.execute("DELETE FROM announcements WHERE key = ?1", [k])?;
            }
            for a in sent {
                tx.execute(
                    "INSERT INTO announcements (key, severity, announced_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET severity = excluded.severity,
                         announced_at = excluded.announced_at",
                    [&a.key, a.severity.code(), &at],
                )?;
            }
            Ok(())
        })
    }
}
