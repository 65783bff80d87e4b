//! `/admin/shop?from=…&until=…`: the shop as an admin watches it. What carts hold right now and
//! until when, the products at or under their low-stock threshold, and over a range of pickup
//! days the most reserved products, pickups by weekday and hour, and how many were collected.
//! Everything is worded on the server; the range is a plain GET form, as on the analytics page.
use super::AdminFrame;
use crate::error::AppError;
use gatehouse::analytics::TableData;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Pickup days shown when the address names no range: the month up to today, as on Analytics.
#[cfg(feature = "ssr")]
const DEFAULT_DAYS: i64 = 30;
/// Products in the "most reserved" table.
#[cfg(feature = "ssr")]
const TOP_PRODUCTS: i64 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LowStock {
    pub name: String,
    pub stock: i64,
    pub threshold: i64,
}

/// The page's figures, each table as rows of words (one way to draw them all keeps the
/// dashboard's bundle small).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopReport {
    pub from: String,
    pub until: String,
    pub time_zone: String,
    /// What, quantity, the cart's id shortened, held since, expires ("11:08 AM (in 7 min)").
    pub holds: TableData,
    pub low_stock: TableData,
    /// Product, units, orders; most units first.
    pub most_reserved: TableData,
    /// "90% — 9 of 10 due pickups collected (1 not collected; 2 cancelled, 3 still open)".
    pub fulfilment: String,
    /// "Saturday 11:00 (7 pickups)", or none without orders.
    pub peak: Option<String>,
    pub pattern_svg: String,
    /// Weekday, then the pickups in each hour any pickup of the range starts in.
    pub pattern: TableData,
}

#[server(prefix = "/sfn", endpoint = "admin_shop", output = crate::codec::JsonText)]
pub async fn admin_shop(from: String, until: String) -> Result<ShopReport, AppError> {
    use crate::server::ssr::{engine, no_venue, storage};
    use gatehouse::analytics::DateRange;
    use gatehouse::shop::analytics::{fulfilment, most_reserved, pickup_pattern};
    use gatehouse::shop::holds::active_holds;
    let engine = engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    let venue = gatehouse::org::main_venue(&engine.db, admin.orq).await.map_err(storage)?.ok_or_else(no_venue)?;
    let now = engine.now();
    let range = if from.trim().is_empty() && until.trim().is_empty() {
        DateRange::ending(venue.today(now), DEFAULT_DAYS)
    } else {
        DateRange::parse(&from, &until).map_err(|e| AppError::domain(&e))?
    };
    let (first, last) = (range.from(), range.until());
    let holds = active_holds(&engine.db, admin.orq, now).await.map_err(storage)?;
    let low = ssr::low_stock(&engine, admin.orq).await?;
    let top = most_reserved(&engine.db, admin.orq, first, last, TOP_PRODUCTS).await.map_err(storage)?;
    let pattern = pickup_pattern(&engine.db, admin.orq, first, last).await.map_err(storage)?;
    let done = fulfilment(&engine.db, admin.orq, first, last).await.map_err(storage)?;
    let zone = venue.tz();
    let words = |header: &[&str], rows: Vec<Vec<String>>| TableData {
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    };
    let hours: Vec<usize> = ssr::hours(&pattern).collect();
    let mut pattern_header = vec!["Weekday".to_string()];
    pattern_header.extend(hours.iter().map(|h| format!("{h:02}:00")));
    Ok(ShopReport {
        from: first.to_string(),
        until: last.to_string(),
        time_zone: gatehouse::wording::zone(&venue.time_zone),
        holds: words(
            &["What", "Quantity", "Cart", "Held since", "Expires"],
            holds.into_iter().map(|h| ssr::held_now(h, &zone, now)).collect(),
        ),
        low_stock: words(
            &["Product", "In stock", "Alert at"],
            low.into_iter().map(|p| vec![p.name, p.stock.to_string(), p.threshold.to_string()]).collect(),
        ),
        most_reserved: words(
            &["Product", "Units", "Orders"],
            top.into_iter().map(|p| vec![p.name, p.quantity.to_string(), p.orders.to_string()]).collect(),
        ),
        fulfilment: ssr::fulfilment_line(&done),
        peak: pattern.peak().map(|(day, hour, n)| format!("{} {hour:02}:00 ({n} pickups)", ssr::WEEKDAYS[day])),
        pattern_svg: ssr::pattern_svg(&pattern),
        pattern: TableData {
            header: if hours.is_empty() { Vec::new() } else { pattern_header },
            rows: if hours.is_empty() {
                Vec::new()
            } else {
                ssr::WEEKDAYS
                    .iter()
                    .zip(pattern.by_weekday_hour.iter())
                    .map(|(day, counts)| {
                        std::iter::once(day.to_string()).chain(hours.iter().map(|&h| counts[h].to_string())).collect()
                    })
                    .collect()
            },
        },
    })
}

/// The products at or under their threshold, for the Overview's alert.
#[server(prefix = "/sfn", endpoint = "admin_low_stock", output = crate::codec::JsonText)]
pub async fn admin_low_stock() -> Result<Vec<LowStock>, AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    ssr::low_stock(&engine, admin.orq).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::LowStock;
    use crate::error::AppError;
    use chrono::{DateTime, Utc};
    use gatehouse::analytics::figures::Heatmap;
    use gatehouse::ids::OrgId;
    use gatehouse::shop::analytics::{Fulfilment, PickupPattern};
    use gatehouse::shop::holds::ActiveHold;
    use gatehouse::wording;
    use gatehouse::Engine;

    pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    pub async fn low_stock(engine: &Engine, orq: OrgId) -> Result<Vec<LowStock>, AppError> {
        let products = gatehouse::shop::catalogue::low_stock(&engine.db, orq, engine.now())
            .await
            .map_err(crate::server::ssr::storage)?;
        Ok(products
            .into_iter()
            .map(|p| LowStock { name: p.name, stock: p.stock, threshold: p.low_stock_threshold })
            .collect())
    }

    /// A hold as a row: what, quantity, cart, since, expires.
    pub fn held_now<Z: chrono::TimeZone>(hold: ActiveHold, zone: &Z, now: DateTime<Utc>) -> Vec<String> {
        let at = |t: DateTime<Utc>| wording::clock_time(t.with_timezone(zone).time());
        // Rounded up: a hold with 30 seconds left is "in 1 min", never "in 0 min".
        let minutes = ((hold.expires_at - now).num_seconds() + 59) / 60;
        vec![
            hold.what,
            hold.quantity.to_string(),
            hold.cart,
            at(hold.created_at),
            format!("{} (in {minutes} min)", at(hold.expires_at)),
        ]
    }

    pub fn fulfilment_line(f: &Fulfilment) -> String {
        let rest = format!("{} cancelled, {} still open", f.cancelled, f.open);
        match f.rate_percent() {
            Some(rate) => format!(
                "{rate:.0}% — {} of {} due pickups collected ({} not collected; {rest})",
                f.completed,
                f.completed + f.no_show,
                f.no_show
            ),
            None => format!("— no pickup collected or missed yet ({rest})"),
        }
    }

    /// The hours of the day any pickup in the range starts in, first to last.
    pub fn hours(pattern: &PickupPattern) -> impl Iterator<Item = usize> {
        let used = |h: &usize| pattern.by_weekday_hour.iter().any(|day| day[*h] > 0);
        let first = (0..24).find(used);
        let last = (0..24).rev().find(used);
        match (first, last) {
            (Some(first), Some(last)) => first..last + 1,
            _ => 0..0,
        }
    }

    /// The same chart as the ticket analytics' demand by weekday and hour, for pickups.
    pub fn pattern_svg(pattern: &PickupPattern) -> String {
        let mut columns = hours(pattern);
        let first = columns.next();
        let last = columns.last().or(first);
        let map =
            Heatmap { counts: pattern.by_weekday_hour, hours: first.zip(last).map(|(a, b)| (a as u32, b as u32)) };
        gatehouse::analytics::svg::demand_heatmap(&map)
    }
}

#[component]
pub fn ShopPage() -> impl IntoView {
    view! {
        <AdminFrame title="Shop">
            <Figures/>
        </AdminFrame>
    }
}

#[component]
fn Figures() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &str| query.read().get(name).unwrap_or_default();
    let report = Resource::new(move || (field("from"), field("until")), |(from, until)| admin_shop(from, until));
    view! {
        <p><a href="/operator/counter">"Open the counter"</a>" — today's pickups, and moving orders on."</p>
        <Suspense fallback=|| view! { <p aria-busy="true">"Counting…"</p> }>
            {move || Suspend::new(async move { match report.await {
                Ok(report) => Either::Left(view! { <Shown report/> }),
                Err(e) => Either::Right(view! { <p class="card problem" role="alert">{e.message}</p> }),
            }})}
        </Suspense>
    }
}

#[component]
fn Shown(report: ShopReport) -> impl IntoView {
    let ShopReport { from, until, time_zone, holds, low_stock, most_reserved, fulfilment, peak, pattern_svg, pattern } =
        report;
    let chart = (!pattern.rows.is_empty()).then(|| view! { <div class="chart" inner_html=pattern_svg></div> });
    let note = format!("Pickup days {from} to {until}, both included; times are the venue's ({time_zone}).");
    view! {
        <section aria-labelledby="holds">
            <h2 id="holds">"Held in carts now"</h2>
            <Rows caption="Held in carts now" data=holds empty="No cart holds anything right now."/>
        </section>
        <section aria-labelledby="low-stock">
            <h2 id="low-stock">"Low stock"</h2>
            <Rows caption="Products at or under their low-stock threshold" data=low_stock
                empty="Every product is above its low-stock threshold."/>
        </section>
        <section aria-labelledby="shop-figures">
            <h2 id="shop-figures">"Reservations"</h2>
            <form method="get" action="/admin/shop" class="filters" aria-label="Date range">
                <label>"From" <input type="date" name="from" value=from required/></label>
                <label>"Until" <input type="date" name="until" value=until required/></label>
                <button type="submit">"Show"</button>
            </form>
            <p class="note">{note}</p>
            <dl class="headlines">
                <div><dt>"Fulfilment"</dt><dd>{fulfilment}</dd></div>
                <div><dt>"Busiest pickup hour"</dt><dd>{peak.unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
            <h3>"Most reserved products"</h3>
            <Rows caption="Most reserved products" data=most_reserved empty="Nothing reserved for pickup in this range."/>
            <h3>"Pickups by weekday and hour"</h3>
            {chart}
            <Rows caption="Pickups by weekday and hour" data=pattern empty="No pickups in this range."/>
        </section>
    }
}

/// A table with a caption, its header row, and each row's first cell as its heading; scrolled
/// sideways on a phone rather than squeezed. `empty` says so when there are no rows.
#[component]
fn Rows(caption: &'static str, data: TableData, empty: &'static str) -> impl IntoView {
    if data.rows.is_empty() {
        return Either::Left(view! { <p class="empty">{empty}</p> });
    }
    Either::Right(view! {
        <div class="table-scroll" role="region" aria-label=caption tabindex="0">
            <table class="figures">
                <caption>{caption}</caption>
                <thead><tr>{data.header.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {data.rows.into_iter().map(|row| {
                        let mut cells = row.into_iter();
                        let first = cells.next().unwrap_or_default();
                        view! { <tr><th scope="row">{first}</th>{cells.map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}
