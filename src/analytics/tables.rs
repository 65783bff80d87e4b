//! The analysis as tables: what the page shows beside each chart and what each CSV download
//! holds, from one definition so the two cannot disagree.
use super::figures::{percent, Analytics};
use serde::{Deserialize, Serialize};

/// The analysis's tables, each downloadable as `<slug>.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Table {
    Days,
    Slots,
    Heatmap,
    LeadTime,
    Refusals,
    Summary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableData {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

impl Table {
    pub const ALL: [Table; 6] =
        [Table::Summary, Table::Days, Table::Slots, Table::Heatmap, Table::LeadTime, Table::Refusals];

    pub fn slug(self) -> &'static str {
        match self {
            Table::Days => "days",
            Table::Slots => "slots",
            Table::Heatmap => "heatmap",
            Table::LeadTime => "lead-time",
            Table::Refusals => "refusals",
            Table::Summary => "summary",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Table::Days => "Utilization per day",
            Table::Slots => "Utilization per slot",
            Table::Heatmap => "Demand by weekday and hour",
            Table::LeadTime => "Lead time between booking and visit",
            Table::Refusals => "Refusals at the door by reason",
            Table::Summary => "Conversion and no-shows",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

fn pct(value: Option<i64>) -> String {
    value.map_or_else(String::new, |p| p.to_string())
}

fn row<const N: usize>(cells: [String; N]) -> Vec<String> {
    cells.into()
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

impl Analytics {
    pub fn table(&self, table: Table) -> TableData {
        match table {
            Table::Days => TableData {
                header: header(&["date", "slots", "capacity", "booked", "admitted", "utilization_percent"]),
                rows: self
                    .days
                    .iter()
                    .map(|d| {
                        row([
                            d.date.to_string(),
                            d.slots.to_string(),
                            d.capacity.to_string(),
                            d.booked.to_string(),
                            d.admitted.to_string(),
                            pct(d.utilization()),
                        ])
                    })
                    .collect(),
            },
            Table::Slots => TableData {
                header: header(&[
                    "date",
                    "start",
                    "end",
                    "capacity",
                    "booked",
                    "admitted",
                    "utilization_percent",
                    "closed",
                ]),
                rows: self
                    .slots
                    .iter()
                    .map(|s| {
                        row([
                            s.date.to_string(),
                            s.start_time.format("%H:%M").to_string(),
                            s.end_time.format("%H:%M").to_string(),
                            s.capacity.to_string(),
                            s.booked.to_string(),
                            s.admitted.to_string(),
                            pct(s.utilization()),
                            if s.closed { "yes" } else { "no" }.to_string(),
                        ])
                    })
                    .collect(),
            },
            Table::Heatmap => {
                let hours: Vec<u32> = self.heatmap.hours.map_or_else(Vec::new, |(a, b)| (a..=b).collect());
                let mut names = vec!["weekday".to_string()];
                names.extend(hours.iter().map(|h| format!("{h:02}:00")));
                TableData {
                    header: names,
                    rows: WEEKDAYS
                        .iter()
                        .zip(self.heatmap.counts.iter())
                        .map(|(day, counts)| {
                            let mut cells = vec![day.to_string()];
                            cells.extend(hours.iter().map(|h| counts[*h as usize].to_string()));
                            cells
                        })
                        .collect(),
                }
            }
            Table::LeadTime => TableData {
                header: header(&["lead_time", "reservations", "percent"]),
                rows: self
                    .lead_time
                    .buckets
                    .iter()
                    .map(|b| {
                        row([b.label.clone(), b.count.to_string(), pct(percent(b.count, self.lead_time.reservations))])
                    })
                    .collect(),
            },
            Table::Refusals => TableData {
                header: header(&["reason", "refusals"]),
                rows: self.refusals.iter().map(|(reason, n)| row([reason.clone(), n.to_string()])).collect(),
            },
            Table::Summary => {
                let (c, n, l) = (&self.conversion, &self.no_shows, &self.lead_time);
                let hours = |h: Option<i64>| h.map_or_else(String::new, |h| h.to_string());
                TableData {
                    header: header(&["measure", "value"]),
                    rows: vec![
                        row(["tickets_activated".into(), c.activated.to_string()]),
                        row(["activated_tickets_reserved".into(), c.reserved.to_string()]),
                        row(["conversion_percent".into(), pct(c.rate())]),
                        row(["reservations_for_ended_slots".into(), n.reservations.to_string()]),
                        row(["no_shows".into(), n.no_shows().to_string()]),
                        row(["no_show_percent".into(), pct(n.rate())]),
                        row(["lead_time_median_hours".into(), hours(l.median_hours)]),
                        row(["lead_time_p90_hours".into(), hours(l.p90_hours)]),
                    ],
                }
            }
        }
    }
}
