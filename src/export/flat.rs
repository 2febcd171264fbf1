//! One flat record per entry: the shape of `list --format json|csv` and the CSV export. The
//! columns are explicit and fixed (an absent field is empty, never dropped; zero stays zero).

use serde_json::{Map, Value, json};

use crate::domain::entry::{Entry, EntryData};

/// Every column, in order. Documented in the README.
pub const COLUMNS: &[&str] = &[
    "id",
    "uid",
    "kind",
    "at",
    "subject",
    "value",
    "unit",
    "entered_value",
    "entered_unit",
    "note",
    "deleted",
    "lab",
    "method",
    "reference_low",
    "reference_high",
    "last_dose_at",
    "hours_since_dose",
    "drug",
    "route",
    "formulation",
    "status",
    "scheduled_for",
    "mg_per_ml",
    "systolic",
    "diastolic",
    "pulse",
    "site",
    "count",
    "size_cm",
    "minutes",
    "care_needed",
    "effect",
    "severity",
    "event",
    "medication",
    "source",
];

/// The entry as a JSON object: the common fields, then the kind's own.
pub fn record(e: &Entry) -> Map<String, Value> {
    let mut m = Map::new();
    let (value, unit) = e.data.value().map(|(v, u)| (json!(v), json!(u))).unzip();
    let entered = e.data.entered();
    m.insert("id".into(), json!(e.id));
    m.insert("uid".into(), json!(e.uid));
    m.insert("kind".into(), json!(e.data.kind().code()));
    m.insert("at".into(), json!(e.at.to_rfc3339()));
    m.insert("subject".into(), json!(e.data.subject()));
    m.insert("value".into(), value.unwrap_or(Value::Null));
    m.insert("unit".into(), unit.unwrap_or(Value::Null));
    m.insert("entered_value".into(), json!(entered.map(|x| x.value)));
    m.insert("entered_unit".into(), json!(entered.map(|x| &x.unit)));
    m.insert("note".into(), json!(e.note));
    m.insert("deleted".into(), json!(e.deleted));
    m.insert("source".into(), json!(e.source.code()));
    let mut put = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    match &e.data {
        EntryData::Platelets(p) => put("lab", json!(p.lab)),
        EntryData::Dose(d) => {
            put("drug", json!(d.drug.code()));
            put("route", json!(d.route.code()));
            put("formulation", json!(d.formulation));
            put("status", json!(d.status.code()));
            put(
                "scheduled_for",
                json!(d.scheduled_for.map(|t| t.to_rfc3339())),
            );
            put(
                "mg_per_ml",
                json!(d.amount.as_ref().and_then(|a| a.mg_per_ml)),
            );
        }
        EntryData::Lab(l) => {
            put("lab", json!(l.lab));
            put("method", json!(l.method));
            put("reference_low", json!(l.reference.low));
            put("reference_high", json!(l.reference.high));
            put(
                "last_dose_at",
                json!(l.last_dose_at.map(|t| t.to_rfc3339())),
            );
            put(
                "hours_since_dose",
                json!(l.last_dose_at.map(|t| {
                    let h = (e.at - t).num_minutes() as f64 / 60.0;
                    (h * 100.0).round() / 100.0
                })),
            );
        }
        EntryData::Weight(_) => {}
        EntryData::BloodPressure(b) => {
            put("systolic", json!(b.systolic));
            put("diastolic", json!(b.diastolic));
            put("pulse", json!(b.pulse));
        }
        EntryData::Bleeding(b) => {
            put("site", json!(b.site.code()));
            put("count", json!(b.count));
            put("size_cm", json!(b.size_cm));
            put("minutes", json!(b.minutes));
            put("care_needed", json!(b.care_needed));
        }
        EntryData::SideEffect(s) => {
            put("effect", json!(s.effect.code()));
            put("severity", json!(s.severity));
        }
        EntryData::Event(ev) => {
            put("event", json!(ev.event.code()));
            put("medication", json!(ev.medication));
        }
    }
    m
}

/// A JSON value as a CSV cell: null is empty, numbers in their shortest exact form.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f}"),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

/// Write entries as CSV (RFC 4180, UTF-8, header row of [`COLUMNS`]).
pub fn write_csv<W: std::io::Write>(w: W, entries: &[Entry]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(COLUMNS)?;
    for e in entries {
        let r = record(e);
        out.write_record(COLUMNS.iter().map(|c| cell(r.get(*c))))?;
    }
    out.flush()?;
    Ok(())
}
