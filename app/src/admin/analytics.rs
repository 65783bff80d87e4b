//! `/admin/analytics?from=…&until=…`: how full the slots were, when demand falls, conversion,
//! no-shows, lead time and refusals at the door over a range of the venue's days. The charts
//! are SVG drawn on the server; each has its numbers in a table beside it, and every table
//! downloads as CSV (`server/src/admin_exports.rs`). The range is a plain GET form.
use super::AdminFrame;
use crate::error::AppError;
use gatehouse::analytics::{Table, TableData};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Days shown when the address names no range: the month up to today.
#[cfg(feature = "ssr")]
const DEFAULT_DAYS: i64 = 30;

/// What the page shows for one range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub from: String,
    pub until: String,
    pub time_zone: String,
    /// One line each: conversion, no-shows, lead time, refusals.
    pub headlines: Vec<(String, String)>,
    pub by_day: String,
    pub heatmap: String,
    pub lead_time: String,
    pub tables: Vec<(Table, TableData)>,
}

#[server(prefix = "/sfn", endpoint = "admin_analytics", output = crate::codec::JsonText)]
pub async fn admin_analytics(from: String, until: String) -> Result<Report, AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::analytics::{analyze, svg, DateRange};
    let engine = engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    let range = if from.trim().is_empty() && until.trim().is_empty() {
        let venue = gatehouse::org::main_venue(&engine.db, admin.orq).await.map_err(storage)?;
        let today = venue.map_or_else(|| engine.now().date_naive(), |v| v.today(engine.now()));
        DateRange::ending(today, DEFAULT_DAYS)
    } else {
        DateRange::parse(&from, &until).map_err(|e| AppError::domain(&e))?
    };
    let a = analyze(&engine, admin.orq, range).await.map_err(|e| AppError::domain(&e))?;
    Ok(Report {
        from: range.from().to_string(),
        until: range.until().to_string(),
        time_zone: a.time_zone.clone(),
        headlines: headlines(&a),
        by_day: svg::utilization_by_day(&a.days),
        heatmap: svg::demand_heatmap(&a.heatmap),
        lead_time: svg::lead_time_histogram(&a.lead_time),
        tables: Table::ALL.into_iter().map(|t| (t, a.table(t))).collect(),
    })
}

#[cfg(feature = "ssr")]
fn headlines(a: &gatehouse::analytics::Analytics) -> Vec<(String, String)> {
    let share = |p: Option<i64>| p.map_or_else(|| "—".to_string(), |p| format!("{p}%"));
    let (c, n, l) = (&a.conversion, &a.no_shows, &a.lead_time);
    let lead = match (l.median_hours, l.p90_hours) {
        (Some(median), Some(p90)) => {
            format!("median {median} h; 9 in 10 booked at most {p90} h ahead ({} reservations)", l.reservations)
        }
        _ => "no reservations".to_string(),
    };
    let refused: i64 = a.refusals.iter().map(|(_, count)| count).sum();
    vec![
        (
            "Conversion".into(),
            format!(
                "{} — {} of {} tickets activated in the range were booked",
                share(c.rate()),
                c.reserved,
                c.activated
            ),
        ),
        (
            "No-shows".into(),
            format!(
                "{} — {} of {} reservations for slots that have ended never came in",
                share(n.rate()),
                n.no_shows(),
                n.reservations
            ),
        ),
        ("Lead time".into(), lead),
        ("Refused at the door".into(), format!("{refused} attempts")),
    ]
}

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    view! {
        <AdminFrame title="Analytics">
            <Figures/>
        </AdminFrame>
    }
}

#[component]
fn Figures() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let report = Resource::new(move || (field("from"), field("until")), |(from, until)| admin_analytics(from, until));
    view! {
        <Suspense fallback=|| view! { <p aria-busy="true">"Counting…"</p> }>
            {move || Suspend::new(async move { match report.await {
                Ok(report) => Either::Left(view! {
                    <RangeForm from=report.from.clone() until=report.until.clone()/>
                    <Shown report/>
                }),
                Err(e) => Either::Right(view! {
                    <RangeForm from=field("from") until=field("until")/>
                    <p class="card problem" role="alert">{e.message}</p>
                }),
            }})}
        </Suspense>
    }
}

#[component]
fn RangeForm(from: String, until: String) -> impl IntoView {
    view! {
        <form method="get" action="/admin/analytics" class="filters" aria-label="Date range">
            <label>"From" <input type="date" name="from" value=from required/></label>
            <label>"Until" <input type="date" name="until" value=until required/></label>
            <button type="submit">"Show"</button>
        </form>
    }
}

#[component]
fn Shown(report: Report) -> impl IntoView {
    let Report { from, until, time_zone, headlines, by_day, heatmap, lead_time, tables } = report;
    let note = format!("{from} to {until}, both included; days and hours are the venue's ({time_zone}).");
    let table = |which: Table| {
        let data = tables
            .iter()
            .find(|(t, _)| *t == which)
            .map(|(_, d)| d.clone())
            .unwrap_or(TableData { header: Vec::new(), rows: Vec::new() });
        view! { <FigureTable table=which data from=from.clone() until=until.clone()/> }.into_any()
    };
    let (summary, days, demand, lead, refusals, slots) = (
        table(Table::Summary),
        table(Table::Days),
        table(Table::Heatmap),
        table(Table::LeadTime),
        table(Table::Refusals),
        table(Table::Slots),
    );
    view! {
        <p class="note">{note}</p>
        <dl class="headlines">
            {headlines.into_iter().map(|(name, value)| view! { <div><dt>{name}</dt><dd>{value}</dd></div> }).collect_view()}
        </dl>
        {summary}
        <Section id="by-day" title="Utilization per day" chart=by_day>{days}</Section>
        <Section id="demand" title="Demand by weekday and hour" chart=heatmap>
            <p class="note">"Reservations by the weekday and starting hour of the slot booked; darker cells hold more."</p>
            {demand}
        </Section>
        <Section id="lead" title="Lead time between booking and visit" chart=lead_time>{lead}</Section>
        <Section id="refusals" title="Refusals at the door">{refusals}</Section>
        <Section id="per-slot" title="Utilization per slot">
            <details>
                <summary>"Every slot of the range"</summary>
                {slots}
            </details>
        </Section>
    }
}

/// One part of the page: its heading, its chart (SVG drawn on the server), then its table.
#[component]
fn Section(
    id: &'static str,
    title: &'static str,
    #[prop(optional, into)] chart: Option<String>,
    children: Children,
) -> impl IntoView {
    let chart = chart.map(|svg| view! { <div class="chart" inner_html=svg></div> });
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {chart}
            {children()}
        </section>
    }
}

/// A column's key as a heading: `utilization_percent` → "Utilization percent".
fn heading(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[component]
fn FigureTable(table: Table, data: TableData, from: String, until: String) -> impl IntoView {
    let href = format!("/admin/analytics/{}.csv?from={from}&until={until}", table.slug());
    let body = if data.rows.is_empty() {
        Either::Left(view! { <p class="empty">"Nothing in this range."</p> })
    } else {
        Either::Right(view! {
            <div class="table-scroll" role="region" aria-label=table.title() tabindex="0">
                <table class="figures">
                    <caption>{table.title()}</caption>
                    <thead><tr>{data.header.iter().map(|h| view! { <th scope="col">{heading(h)}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {data.rows.into_iter().map(|row| {
                            let mut cells = row.into_iter();
                            let first = cells.next().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{first}</th>
                                    {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })
    };
    view! {
        {body}
        <p class="download"><a href=href download="">{format!("Download “{}” as CSV", table.title())}</a></p>
    }
}

#[cfg(test)]
mod tests {
    use super::heading;

    #[test]
    fn column_keys_read_as_headings() {
        assert_eq!(heading("utilization_percent"), "Utilization percent");
        assert_eq!(heading("10:00"), "10:00");
        assert_eq!(heading(""), "");
    }
}
