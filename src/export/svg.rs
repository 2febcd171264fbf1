//! The report's charts (see `chart`) as inline SVG for the HTML report. No scripts, no
//! external resources; text stays text.

use std::fmt::Write;

use super::chart::{Anchor, Rgb, Scene, Shape};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rgb(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn shape(out: &mut String, s: &Shape) {
    let _ = match s {
        Shape::Line {
            a,
            b,
            color,
            width,
            dash,
        } => write!(
            out,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="{width}"{}/>"#,
            a.0,
            a.1,
            b.0,
            b.1,
            rgb(*color),
            if *dash {
                r#" stroke-dasharray="3 2""#
            } else {
                ""
            }
        ),
        Shape::Poly { pts, color, width } => {
            let p: Vec<String> = pts
                .iter()
                .map(|q| format!("{:.1},{:.1}", q.0, q.1))
                .collect();
            write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{width}"/>"#,
                p.join(" "),
                rgb(*color)
            )
        }
        Shape::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
        } => write!(
            out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{}" stroke="{}" stroke-width="0.6"/>"#,
            fill.map(rgb).unwrap_or_else(|| "none".into()),
            stroke.map(rgb).unwrap_or_else(|| "none".into())
        ),
        Shape::Dot {
            at,
            r,
            color,
            square: false,
        } => write!(
            out,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{}"/>"#,
            at.0,
            at.1,
            rgb(*color)
        ),
        Shape::Dot {
            at,
            r,
            color,
            square: true,
        } => write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
            at.0 - r,
            at.1 - r,
            2.0 * r,
            2.0 * r,
            rgb(*color)
        ),
        Shape::Mark { at, size, color } => write!(
            out,
            r#"<path d="M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{}"/>"#,
            at.0 - size / 2.0,
            at.1,
            at.0 + size / 2.0,
            at.1,
            at.0,
            at.1 + size,
            rgb(*color)
        ),
        Shape::Text {
            at,
            size,
            text,
            color,
            anchor,
            bold,
        } => write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{size}" fill="{}" text-anchor="{}"{}>{}</text>"#,
            at.0,
            at.1,
            rgb(*color),
            match anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            },
            if *bold { r#" font-weight="bold""# } else { "" },
            esc(text)
        ),
    };
}

/// The scene as one `<svg>` element, scaled to the width of its container.
pub fn render(s: &Scene, label: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0} {:.0}" width="100%" role="img" aria-label="{}">"#,
        s.w,
        s.h,
        esc(label)
    );
    for sh in &s.shapes {
        shape(&mut out, sh);
    }
    out.push_str("</svg>");
    out
}
