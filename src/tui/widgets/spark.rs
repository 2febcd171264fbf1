//! Today's platelet sparkline: the counts of the last 12 weeks as markers on a scale that
//! starts near the counts (not at 0), with the nearest bands labelled, so a fall from 126 to
//! 45 is a visible drop; the latest value and its date label the box.

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::settings::Thresholds;
use crate::domain::trend::{GAP_PLATELETS, Pt, split_gaps};
use crate::domain::units::fmt_num;
use crate::present::i18n::I18n;
use crate::tui::theme::Theme;
use crate::tui::widgets::plot::{Marks, Plot, RefLine, VALUE, nice_ticks};

/// The window the sparkline covers, days.
pub const SPARK_DAYS: f64 = 84.0;

/// The y range: the counts, the band just below the lowest and the band just above the
/// highest (so the distance to the next threshold shows), widened to round ticks.
pub fn spark_range(values: &[f64], bands: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 100.0);
    }
    let below = bands
        .iter()
        .copied()
        .filter(|b| *b <= lo)
        .fold(f64::NEG_INFINITY, f64::max);
    let below = if below.is_finite() { below } else { 0.0 };
    let above = bands
        .iter()
        .copied()
        .filter(|b| *b >= hi)
        .fold(f64::INFINITY, f64::min);
    let top = if above.is_finite() { above } else { hi * 1.1 };
    nice_ticks(below, top.max(hi)).1
}

/// Draw the sparkline. `points`: (days since the window's start, count); points at or before
/// 0 are counts from before the window and are not drawn. `latest`: the latest count and its
/// time, whatever its age.
#[allow(clippy::too_many_arguments)]
pub fn render(
    f: &mut Frame,
    area: Rect,
    points: &[Pt],
    latest: Option<(DateTime<FixedOffset>, f64)>,
    t: &Thresholds,
    theme: &Theme,
    i: &I18n,
    title: &str,
) {
    let inside: Vec<Pt> = points.iter().copied().filter(|p| p.0 > 0.0).collect();
    let bands = [t.platelets_urgent, t.platelets_low, 50.0, t.cr_platelets];
    let values: Vec<f64> = inside.iter().map(|p| p.1).collect();
    let y = spark_range(&values, &bands);
    let band_style = |b: f64| {
        if b <= t.platelets_urgent {
            theme.urgent()
        } else if b <= t.platelets_low {
            theme.warn()
        } else if b >= t.cr_platelets {
            theme.ok()
        } else {
            theme.dim()
        }
    };
    let refs = bands
        .iter()
        .filter(|b| **b >= y.0 && **b <= y.1)
        .map(|b| RefLine {
            y: *b,
            label: fmt_num(*b, 0),
            style: band_style(*b),
        })
        .collect();
    let style = crate::tui::widgets::charts::series_style(theme, false);
    let plot = Plot {
        days: SPARK_DAYS,
        y,
        joined: split_gaps(&inside, GAP_PLATELETS)
            .into_iter()
            .map(|s| (s, theme.label()))
            .collect(),
        refs,
        marks: vec![Marks {
            points: inside,
            glyph: VALUE,
            style,
        }],
        axis_style: theme.dim(),
        gutter: 4,
        ..Default::default()
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title.to_string(), theme.title()));
    if let Some((at, v)) = latest {
        block = block.title_bottom(Line::from(vec![
            // On its side of the band lines (29.99, not "30"), as the status line shows it.
            Span::styled(
                format!(
                    "{} {}",
                    VALUE,
                    crate::domain::units::fmt_beside(
                        v,
                        &crate::domain::response::platelet_lines(t),
                        1
                    )
                ),
                style,
            ),
            Span::styled(
                format!(
                    " {}",
                    i.tf("spark.latest", &[("date", &at.format("%m-%d").to_string())])
                ),
                theme.label(),
            ),
        ]));
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    if plot.marks[0].points.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(i.t("spark.none").to_string(), theme.dim()))
                .wrap(Wrap { trim: true }),
            inner,
        );
    } else {
        f.render_widget(&plot, inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fall_from_126_to_45_fills_the_scale() {
        let bands = [20.0, 30.0, 50.0, 100.0];
        let (lo, hi) = spark_range(&[126.0, 120.0, 45.0], &bands);
        assert!((20.0..=45.0).contains(&lo), "{lo}");
        assert!((126.0..=160.0).contains(&hi), "{hi}");
        // Stable high counts: the CR line below them, not 0.
        let (lo, _) = spark_range(&[150.0, 160.0], &bands);
        assert!(lo >= 90.0, "{lo}");
    }
}
