//! One flat record per entry: the shape of `list --format json|csv` and the CSV export. The
//! columns are explicit and fixed (an absent field is empty, never dropped; zero stays zero).

use std::borrow::Cow;

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

/// The common columns every kind has (in JSON they are always present, null when empty).
const COMMON: usize = 11;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Num(f64),
    Int(i64),
    Bool(bool),
}

impl<'a> Cell<'a> {
    fn opt_text(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s)))
    }
    fn opt_num(v: Option<f64>) -> Cell<'a> {
        v.map_or(Cell::Empty, Cell::Num)
    }
    fn opt_int(v: Option<i64>) -> Cell<'a> {
        v.map_or(Cell::Empty, Cell::Int)
    }

    /// The CSV text: empty when absent, numbers in their shortest exact form.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Num(v) => Cow::Owned(format!("{v}")),
            Cell::Int(v) => Cow::Owned(v.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }

    fn json(&self) -> Value {
        match self {
            Cell::Empty => Value::Null,
            Cell::Text(s) => json!(s),
            Cell::Num(v) => json!(v),
            Cell::Int(v) => json!(v),
            Cell::Bool(b) => json!(b),
        }
    }
}

fn col(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).unwrap_or(0)
}

/// The entry's cells, in [`COLUMNS`] order, and which columns its kind has.
pub fn cells(e: &Entry) -> ([Cell<'_>; 36], Vec<usize>) {
    let mut c: [Cell; 36] = std::array::from_fn(|_| Cell::Empty);
    let (value, unit) = e.data.value().unzip();
    let entered = e.data.entered();
    c[0] = Cell::Int(e.id);
    c[1] = Cell::Text(Cow::Borrowed(&e.uid));
    c[2] = Cell::Text(Cow::Borrowed(e.data.kind().code()));
    c[3] = Cell::Text(Cow::Owned(e.at.to_rfc3339()));
    c[4] = Cell::opt_text(e.data.subject());
    c[5] = Cell::opt_num(value);
    c[6] = Cell::opt_text(unit);
    c[7] = Cell::opt_num(entered.map(|x| x.value));
    c[8] = Cell::opt_text(entered.map(|x| x.unit.as_str()));
    c[9] = Cell::opt_text(e.note.as_deref());
    c[10] = Cell::Bool(e.deleted);
    c[35] = Cell::Text(Cow::Borrowed(e.source.code()));
    let mut own: Vec<usize> = Vec::new();
    let mut put = |name: &str, v: Cell<'static>| {
        let k = col(name);
        own.push(k);
        c[k] = v;
    };
    let owned = |s: Option<&String>| s.map_or(Cell::Empty, |s| Cell::Text(Cow::Owned(s.clone())));
    match &e.data {
        EntryData::Platelets(p) => put("lab", owned(p.lab.as_ref())),
        EntryData::Dose(d) => {
            put("drug", Cell::Text(Cow::Borrowed(d.drug.code())));
            put("route", Cell::Text(Cow::Borrowed(d.route.code())));
            put("formulation", owned(d.formulation.as_ref()));
            put("status", Cell::Text(Cow::Borrowed(d.status.code())));
            put(
                "scheduled_for",
                d.scheduled_for
                    .map_or(Cell::Empty, |t| Cell::Text(Cow::Owned(t.to_rfc3339()))),
            );
            put(
                "mg_per_ml",
                Cell::opt_num(d.amount.as_ref().and_then(|a| a.mg_per_ml)),
            );
        }
        EntryData::Lab(l) => {
            put("lab", owned(l.lab.as_ref()));
            put("method", owned(l.method.as_ref()));
            put("reference_low", Cell::opt_num(l.reference.low));
            put("reference_high", Cell::opt_num(l.reference.high));
            put(
                "last_dose_at",
                l.last_dose_at
                    .map_or(Cell::Empty, |t| Cell::Text(Cow::Owned(t.to_rfc3339()))),
            );
            put(
                "hours_since_dose",
                Cell::opt_num(l.last_dose_at.map(|t| {
                    let h = (e.at - t).num_seconds() as f64 / 3600.0;
                    (h * 100.0).round() / 100.0
                })),
            );
        }
        EntryData::Weight(_) => {}
        EntryData::BloodPressure(b) => {
            put("systolic", Cell::Int(i64::from(b.systolic)));
            put("diastolic", Cell::Int(i64::from(b.diastolic)));
            put("pulse", Cell::opt_int(b.pulse.map(i64::from)));
        }
        EntryData::Bleeding(b) => {
            put("site", Cell::Text(Cow::Borrowed(b.site.code())));
            put("count", Cell::opt_int(b.count.map(i64::from)));
            put("size_cm", Cell::opt_num(b.size_cm));
            put("minutes", Cell::opt_int(b.minutes.map(i64::from)));
            put("care_needed", Cell::Bool(b.care_needed));
        }
        EntryData::SideEffect(s) => {
            put("effect", Cell::Text(Cow::Borrowed(s.effect.code())));
            put("severity", Cell::opt_int(s.severity.map(i64::from)));
        }
        EntryData::Event(ev) => {
            put("event", Cell::Text(Cow::Borrowed(ev.event.code())));
            put("medication", owned(ev.medication.as_ref()));
        }
    }
    (c, own)
}

/// The entry as a JSON object: the common fields, then the kind's own, then its source.
pub fn record(e: &Entry) -> Map<String, Value> {
    let (c, own) = cells(e);
    let mut m = Map::new();
    for (k, name) in COLUMNS.iter().enumerate().take(COMMON) {
        m.insert((*name).into(), c[k].json());
    }
    for k in own {
        m.insert(COLUMNS[k].into(), c[k].json());
    }
    m.insert("source".into(), c[35].json());
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

/// Text a spreadsheet would read as a formula (OWASP "CSV injection"): it begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return. Every CSV the diary writes prefixes it with `'`;
/// the JSON keeps the raw value.
pub fn is_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A CSV writer for entries (RFC 4180: CRLF line ends; UTF-8; header row of [`COLUMNS`]).
pub struct CsvOut<W: std::io::Write> {
    out: csv::Writer<W>,
    buf: String,
}

impl<W: std::io::Write> CsvOut<W> {
    pub fn new(w: W) -> csv::Result<Self> {
        // RFC 4180: CRLF line ends.
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        out.write_record(COLUMNS)?;
        Ok(CsvOut {
            out,
            buf: String::new(),
        })
    }

    /// One row; numbers are formatted into a reused buffer.
    pub fn write(&mut self, e: &Entry) -> csv::Result<()> {
        use std::fmt::Write;
        let (c, _) = cells(e);
        for cell in &c {
            match cell {
                Cell::Empty => self.out.write_field("")?,
                Cell::Text(s) if is_formula(s) => {
                    // OWASP CSV injection: a leading ' keeps a spreadsheet from running it.
                    self.buf.clear();
                    self.buf.push('\'');
                    self.buf.push_str(s);
                    self.out.write_field(self.buf.as_bytes())?;
                }
                Cell::Text(s) => self.out.write_field(s.as_bytes())?,
                Cell::Bool(b) => self.out.write_field(if *b { "true" } else { "false" })?,
                Cell::Num(v) => {
                    self.buf.clear();
                    let _ = write!(self.buf, "{v}");
                    self.out.write_field(self.buf.as_bytes())?;
                }
                Cell::Int(v) => {
                    self.buf.clear();
                    let _ = write!(self.buf, "{v}");
                    self.out.write_field(self.buf.as_bytes())?;
                }
            }
        }
        self.out.write_record(None::<&[u8]>)
    }

    pub fn finish(mut self) -> csv::Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// Write entries as CSV (RFC 4180, UTF-8, header row of [`COLUMNS`]).
pub fn write_csv<W: std::io::Write>(w: W, entries: &[Entry]) -> csv::Result<()> {
    let mut out = CsvOut::new(w)?;
    for e in entries {
        out.write(e)?;
    }
    out.finish()
}
