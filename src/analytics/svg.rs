//! The analytics charts as SVG, drawn on the server: pure functions from figures to markup.
//! Readable without colour: every value is written as text (on the chart or in each mark's
//! `<title>`), series differ by lightness and pattern, and each chart is an image with a name
//! (`role="img"`, `aria-label`, `<title>`). The page shows the same numbers as tables.
use super::figures::{percent, DayUse, Heatmap, LeadTime};
use std::fmt::Write;

const INK: &str = "#1a1a1a";
const GRID: &str = "#8c8c8c";
const LIGHT: &str = "#9ecae1";
const DARK: &str = "#08519c";
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Text for XML content and attribute values.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn open(width: u32, height: u32, label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"{label}\" class=\"chart\" font-family=\"sans-serif\" font-size=\"12\">\
         <title>{label}</title>",
        label = esc(label)
    )
}

/// Booked places per day as a share of capacity (light bars), with the admitted share hatched
/// over them; each day's figures in its bar's title, percentages written on the bars when they fit.
pub fn utilization_by_day(days: &[DayUse]) -> String {
    let (width, height, left, top, bottom) = (720.0_f64, 260.0_f64, 44.0, 24.0, 44.0);
    let plot_w = width - left - 8.0;
    let plot_h = height - top - bottom;
    let first = days.first().map(|d| d.date.to_string()).unwrap_or_default();
    let last = days.last().map(|d| d.date.to_string()).unwrap_or_default();
    let mut svg = open(width as u32, height as u32, &format!("Utilization per day, {first} to {last}"));
    svg.push_str(
        "<defs><pattern id=\"admitted-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
         <rect width=\"3\" height=\"6\" fill=\"",
    );
    svg.push_str(DARK);
    svg.push_str("\"/></pattern></defs>");
    for pct in [0, 25, 50, 75, 100] {
        let y = top + plot_h * (1.0 - f64::from(pct) / 100.0);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\" stroke-width=\"0.5\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"{INK}\">{pct}%</text>",
            x2 = width - 8.0,
            tx = left - 4.0,
            ty = y + 4.0
        );
    }
    let n = days.len().max(1) as f64;
    let step = plot_w / n;
    let bar = (step * 0.7).max(1.0);
    let label_every = days.len().div_ceil(12).max(1);
    for (i, day) in days.iter().enumerate() {
        let x = left + step * i as f64 + (step - bar) / 2.0;
        let share = |part: i64| if day.capacity > 0 { (part as f64 / day.capacity as f64).min(1.0) } else { 0.0 };
        let (booked_h, admitted_h) = (plot_h * share(day.booked), plot_h * share(day.admitted));
        let base = top + plot_h;
        let title = match day.utilization() {
            Some(pct) => format!(
                "{}: {} of {} places booked ({pct}%), {} admitted",
                day.date, day.booked, day.capacity, day.admitted
            ),
            None => format!("{}: no places on sale", day.date),
        };
        let _ = write!(
            svg,
            "<g><title>{title}</title>\
             <rect x=\"{x:.1}\" y=\"{by:.1}\" width=\"{bar:.1}\" height=\"{booked_h:.1}\" fill=\"{LIGHT}\" stroke=\"{DARK}\" stroke-width=\"0.5\"/>\
             <rect x=\"{x:.1}\" y=\"{ay:.1}\" width=\"{bar:.1}\" height=\"{admitted_h:.1}\" fill=\"url(#admitted-hatch)\"/>",
            title = esc(&title),
            by = base - booked_h,
            ay = base - admitted_h
        );
        if days.len() <= 31 {
            let text = day.utilization().map_or_else(|| "–".to_string(), |p| format!("{p}%"));
            let _ = write!(
                svg,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{INK}\">{text}</text>",
                cx = x + bar / 2.0,
                ty = base - booked_h - 3.0
            );
        }
        svg.push_str("</g>");
        if i % label_every == 0 {
            let _ = write!(
                svg,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{INK}\">{label}</text>",
                cx = x + bar / 2.0,
                ty = base + 14.0,
                label = day.date.format("%m-%d")
            );
        }
    }
    let ly = height - 12.0;
    let _ = write!(
        svg,
        "<rect x=\"{left}\" y=\"{ry}\" width=\"12\" height=\"12\" fill=\"{LIGHT}\" stroke=\"{DARK}\"/>\
         <text x=\"{tx}\" y=\"{ly}\" fill=\"{INK}\">booked</text>\
         <rect x=\"{rx2}\" y=\"{ry}\" width=\"12\" height=\"12\" fill=\"url(#admitted-hatch)\" stroke=\"{DARK}\"/>\
         <text x=\"{tx2}\" y=\"{ly}\" fill=\"{INK}\">admitted</text></svg>",
        ry = ly - 10.0,
        tx = left + 16.0,
        rx2 = left + 80.0,
        tx2 = left + 96.0
    );
    svg
}

/// Reservations by the weekday and hour of their slot: darker is more, and each cell says its number.
pub fn demand_heatmap(map: &Heatmap) -> String {
    let Some((first, last)) = map.hours else {
        let mut svg = open(320, 40, "Demand by weekday and hour: no slots in this range");
        let _ = write!(svg, "<text x=\"8\" y=\"24\" fill=\"{INK}\">No slots in this range.</text></svg>");
        return svg;
    };
    let (cell_w, cell_h, left, top) = (44u32, 28u32, 44u32, 22u32);
    let columns = last - first + 1;
    let max = map.max();
    let mut svg = open(
        left + cell_w * columns + 4,
        top + cell_h * 7 + 4,
        "Demand by weekday and hour: reservations per slot start",
    );
    for (c, hour) in (first..=last).enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"16\" text-anchor=\"middle\" fill=\"{INK}\">{hour:02}:00</text>",
            x = left + cell_w * c as u32 + cell_w / 2
        );
    }
    for (r, (day, counts)) in WEEKDAYS.iter().zip(map.counts.iter()).enumerate() {
        let y = top + cell_h * r as u32;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\" fill=\"{INK}\">{day}</text>",
            x = left - 6,
            ty = y + 18
        );
        for (c, hour) in (first..=last).enumerate() {
            let count = counts[hour as usize];
            let strength = if max > 0 { count as f64 / max as f64 } else { 0.0 };
            let text_fill = if strength > 0.5 { "#ffffff" } else { INK };
            let x = left + cell_w * c as u32;
            let _ = write!(
                svg,
                "<g><title>{day} {hour:02}:00: {count} reservations</title>\
                 <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{DARK}\" fill-opacity=\"{o:.2}\" stroke=\"{GRID}\" stroke-width=\"0.5\"/>\
                 <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\" fill=\"{text_fill}\">{count}</text></g>",
                w = cell_w - 2,
                h = cell_h - 2,
                o = 0.04 + 0.96 * strength,
                tx = x + cell_w / 2 - 1,
                ty = y + 18
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// How far ahead reservations were made: one bar per bucket, its count and share written beside it.
pub fn lead_time_histogram(lead: &LeadTime) -> String {
    let (width, row, left, top) = (720u32, 26u32, 130u32, 8u32);
    let height = top + row * lead.buckets.len() as u32 + 8;
    let mut svg = open(width, height, "Lead time between booking and visit: reservations per bucket");
    let max = lead.buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let plot = f64::from(width - left - 120);
    for (i, bucket) in lead.buckets.iter().enumerate() {
        let y = top + row * i as u32;
        let w = plot * bucket.count as f64 / max as f64;
        let share = percent(bucket.count, lead.reservations).map_or_else(String::new, |p| format!(" ({p}%)"));
        let _ = write!(
            svg,
            "<g><title>{label}: {count} reservations{share}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" fill=\"{INK}\">{label}</text>\
             <rect x=\"{left}\" y=\"{y}\" width=\"{w:.1}\" height=\"{h}\" fill=\"{LIGHT}\" stroke=\"{DARK}\" stroke-width=\"0.5\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" fill=\"{INK}\">{count}{share}</text></g>",
            label = esc(&bucket.label),
            count = bucket.count,
            lx = left - 6,
            ty = y + 16,
            h = row - 6,
            vx = f64::from(left) + w + 6.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::figures::{lead_time, LeadBucket};
    use chrono::NaiveDate;

    fn day(d: u32, capacity: i64, booked: i64, admitted: i64) -> DayUse {
        DayUse { date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(), slots: 1, capacity, booked, admitted }
    }

    #[test]
    fn each_chart_is_a_named_image() {
        let charts = [
            utilization_by_day(&[day(1, 10, 5, 2)]),
            demand_heatmap(&Heatmap::default()),
            lead_time_histogram(&lead_time(vec![(3, 1)])),
        ];
        for chart in charts {
            assert!(chart.starts_with("<svg "), "{chart}");
            assert!(chart.contains("role=\"img\""));
            assert!(chart.contains("aria-label=\""));
            assert!(chart.contains("<title>"));
            assert!(chart.ends_with("</svg>"));
        }
    }

    #[test]
    fn the_bar_chart_writes_each_days_figures() {
        let svg = utilization_by_day(&[day(1, 10, 5, 2), day(2, 0, 0, 0)]);
        assert!(svg.contains("2026-11-01: 5 of 10 places booked (50%), 2 admitted"));
        assert!(svg.contains(">50%</text>"));
        assert!(svg.contains("2026-11-02: no places on sale"));
        assert!(svg.contains("admitted-hatch"), "admitted differs by pattern, not colour only");
    }

    #[test]
    fn a_long_range_keeps_its_figures_in_titles_and_labels_a_few_dates() {
        let days: Vec<DayUse> = (0..90)
            .map(|i| DayUse {
                date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i),
                ..day(1, 10, 3, 1)
            })
            .collect();
        let svg = utilization_by_day(&days);
        assert_eq!(svg.matches(">30%</text>").count(), 0);
        assert_eq!(svg.matches("places booked (30%)").count(), 90);
        assert!(svg.matches(">01-").count() <= 12);
    }

    #[test]
    fn the_heatmap_writes_every_cells_count_and_shades_by_it() {
        let mut map = Heatmap { hours: Some((9, 10)), ..Heatmap::default() };
        map.counts[0][9] = 8;
        map.counts[6][10] = 2;
        let svg = demand_heatmap(&map);
        assert!(svg.contains("Mon 09:00: 8 reservations"));
        assert!(svg.contains("Sun 10:00: 2 reservations"));
        assert!(svg.contains("fill-opacity=\"1.00\""));
        assert_eq!(svg.matches("<rect").count(), 14);
    }

    #[test]
    fn the_histogram_writes_counts_and_shares() {
        let lead = LeadTime {
            reservations: 4,
            median_hours: Some(1),
            p90_hours: Some(30),
            buckets: vec![
                LeadBucket { label: "under 1 hour".into(), count: 3 },
                LeadBucket { label: "a < b".into(), count: 1 },
            ],
        };
        let svg = lead_time_histogram(&lead);
        assert!(svg.contains(">3 (75%)</text>"));
        assert!(svg.contains("a &lt; b"), "labels are escaped");
    }
}
