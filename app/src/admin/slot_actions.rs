//! The calendar's server functions: each checks the admin's session (and, for a change, the
//! form's token), reads what was typed into a domain type, and calls one operation in
//! `gatehouse::slots`.
use crate::error::AppError;
use chrono::NaiveDate;
use gatehouse::slots::overview::{AdminDay, AdminSlot};
use gatehouse::slots::rules::{Applied, Preview};
use gatehouse::slots::Month;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A month of the admin's calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotsMonth {
    pub month: Month,
    #[serde(with = "gatehouse::wire::date")]
    pub today: NaiveDate,
    pub days: Vec<AdminDay>,
    pub slots: Vec<AdminSlot>,
}

/// The rules form as typed; the same fields preview and apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesFields {
    pub mon: Option<String>,
    pub tue: Option<String>,
    pub wed: Option<String>,
    pub thu: Option<String>,
    pub fri: Option<String>,
    pub sat: Option<String>,
    pub sun: Option<String>,
    pub opens: String,
    pub closes: String,
    pub slot_minutes: String,
    pub capacity: String,
    pub from: String,
    pub until: String,
    pub closed_dates: String,
}

/// The weekday checkboxes, Monday first: (field name, label).
pub const WEEKDAYS: [(&str, &str); 7] =
    [("mon", "Mon"), ("tue", "Tue"), ("wed", "Wed"), ("thu", "Thu"), ("fri", "Fri"), ("sat", "Sat"), ("sun", "Sun")];

/// The names of the weekdays ticked among `mon`..`sun`.
pub fn ticked(days: [&Option<String>; 7]) -> Vec<String> {
    WEEKDAYS.iter().zip(days).filter(|(_, on)| on.is_some()).map(|((_, label), _)| label.to_string()).collect()
}

impl RulesFields {
    pub fn weekdays(&self) -> Vec<String> {
        ticked([&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun])
    }

    /// The fields as `(name, value)` pairs, as a form carries them on.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let days = [&self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun];
        let mut pairs: Vec<(&'static str, String)> =
            WEEKDAYS.iter().zip(days).filter_map(|((name, _), on)| on.as_ref().map(|_| (*name, "on".into()))).collect();
        pairs.extend([
            ("opens", self.opens.clone()),
            ("closes", self.closes.clone()),
            ("slot_minutes", self.slot_minutes.clone()),
            ("capacity", self.capacity.clone()),
            ("from", self.from.clone()),
            ("until", self.until.clone()),
            ("closed_dates", self.closed_dates.clone()),
        ]);
        pairs
    }
}

#[server(prefix = "/sfn", endpoint = "admin_slots_month", output = crate::codec::JsonText)]
pub async fn admin_slots_month(month: Option<String>) -> Result<SlotsMonth, AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    let venue = ssr::venue(&engine, admin.orq).await?;
    let today = venue.today(engine.now());
    let month = match month.filter(|m| !m.is_empty()) {
        Some(m) => Month::parse(&m).map_err(|e| AppError::domain(&e))?,
        None => Month::of(today),
    };
    let slots = gatehouse::slots::overview::month_slots(&engine.db, admin.orq, month)
        .await
        .map_err(crate::server::ssr::storage)?;
    Ok(SlotsMonth { month, today, days: gatehouse::slots::overview::admin_days(&slots), slots })
}

#[server(prefix = "/sfn", endpoint = "admin_slot_capacity", output = crate::codec::JsonText)]
pub async fn admin_slot_capacity(csrf: String, slot: i64, capacity: String) -> Result<(), AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    let capacity: i64 = capacity
        .trim()
        .parse()
        .map_err(|_| AppError::new("INVALID_CAPACITY", "Capacity: a whole number of places, such as 150."))?;
    gatehouse::slots::resize::set_capacity(
        &engine,
        admin.orq,
        Some(admin.user),
        gatehouse::ids::SlotId(slot),
        capacity,
    )
    .await
    .map_err(|e| AppError::domain(&e))?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "admin_slot_close", output = crate::codec::JsonText)]
pub async fn admin_slot_close(csrf: String, slot: i64) -> Result<(), AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    gatehouse::slots::closure::close_slot(&engine, admin.orq, Some(admin.user), gatehouse::ids::SlotId(slot))
        .await
        .map_err(|e| AppError::domain(&e))?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "admin_slot_reopen", output = crate::codec::JsonText)]
pub async fn admin_slot_reopen(csrf: String, slot: i64) -> Result<(), AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    gatehouse::slots::closure::reopen_slot(&engine, admin.orq, Some(admin.user), gatehouse::ids::SlotId(slot))
        .await
        .map_err(|e| AppError::domain(&e))?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "admin_slots_preview", output = crate::codec::JsonText)]
pub async fn admin_slots_preview(rules: RulesFields) -> Result<Preview, AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin(&engine).await?;
    let venue = ssr::venue(&engine, admin.orq).await?;
    let rules = ssr::rules(&rules)?;
    gatehouse::slots::generate::preview(&engine.db, admin.orq, &venue, &rules)
        .await
        .map_err(crate::server::ssr::storage)
}

#[server(prefix = "/sfn", endpoint = "admin_slots_generate", output = crate::codec::JsonText)]
#[allow(clippy::too_many_arguments)]
pub async fn admin_slots_generate(
    csrf: String,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
    opens: String,
    closes: String,
    slot_minutes: String,
    capacity: String,
    from: String,
    until: String,
    closed_dates: String,
) -> Result<Applied, AppError> {
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    let venue = ssr::venue(&engine, admin.orq).await?;
    let fields = RulesFields {
        mon,
        tue,
        wed,
        thu,
        fri,
        sat,
        sun,
        opens,
        closes,
        slot_minutes,
        capacity,
        from,
        until,
        closed_dates,
    };
    let rules = ssr::rules(&fields)?;
    gatehouse::slots::generate::apply(&engine, admin.orq, &venue, Some(admin.user), &rules)
        .await
        .map_err(crate::server::ssr::storage)
}

#[server(prefix = "/sfn", endpoint = "admin_slots_bulk_edit", output = crate::codec::JsonText)]
#[allow(clippy::too_many_arguments)]
pub async fn admin_slots_bulk_edit(
    csrf: String,
    from: String,
    until: String,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
    starts_from: String,
    starts_until: String,
    capacity: String,
    status: String,
) -> Result<usize, AppError> {
    use gatehouse::slots::bulk::{bulk_edit, BulkEdit, BulkInput};
    let engine = crate::server::ssr::engine()?;
    let admin = super::access::ssr::admin_write(&engine, &csrf).await?;
    let weekdays = ticked([&mon, &tue, &wed, &thu, &fri, &sat, &sun]);
    let input = BulkInput { from, until, weekdays, starts_from, starts_until, capacity, status };
    let edit = BulkEdit::parse(&input).map_err(|e| AppError::domain(&e))?;
    bulk_edit(&engine, admin.orq, Some(admin.user), edit).await.map_err(|e| AppError::domain(&e))
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::RulesFields;
    use crate::error::AppError;
    use gatehouse::ids::OrgId;
    use gatehouse::org::Venue;
    use gatehouse::slots::rules::{RulesInput, SlotRules};
    use gatehouse::Engine;

    pub async fn venue(engine: &Engine, orq: OrgId) -> Result<Venue, AppError> {
        gatehouse::org::main_venue(&engine.db, orq)
            .await
            .map_err(crate::server::ssr::storage)?
            .ok_or_else(crate::server::ssr::no_venue)
    }

    pub fn rules(fields: &RulesFields) -> Result<SlotRules, AppError> {
        let input = RulesInput {
            weekdays: fields.weekdays(),
            opens: fields.opens.clone(),
            closes: fields.closes.clone(),
            slot_minutes: fields.slot_minutes.clone(),
            capacity: fields.capacity.clone(),
            from: fields.from.clone(),
            until: fields.until.clone(),
            closed_dates: fields.closed_dates.clone(),
        };
        SlotRules::parse(&input).map_err(|e| AppError::domain(&e))
    }
}
