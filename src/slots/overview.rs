//! The calendar as an admin sees it: every slot, closed ones too, with what is booked, and each
//! day's utilization in a band that words say as well as colours.
use super::SlotStatus;
use crate::ids::SlotId;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminSlot {
    pub id: SlotId,
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub start_time: NaiveTime,
    #[serde(with = "crate::wire::time")]
    pub end_time: NaiveTime,
    pub total_capacity: i64,
    pub booked_count: i64,
    pub status: SlotStatus,
}

/// How full a day is, in steps a person can tell apart without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Band {
    /// Every slot of the day is closed.
    Closed,
    /// Under half booked.
    Low,
    /// Half to 90 % booked.
    Busy,
    /// Over 90 % booked: the PRD's alert level.
    High,
}

impl Band {
    pub fn of(booked: i64, capacity: i64, open_slots: usize) -> Band {
        if open_slots == 0 {
            return Band::Closed;
        }
        let percent = percent(booked, capacity);
        if percent > 90 {
            Band::High
        } else if percent >= 50 {
            Band::Busy
        } else {
            Band::Low
        }
    }

    pub fn css_class(self) -> &'static str {
        match self {
            Band::Closed => "band-closed",
            Band::Low => "band-low",
            Band::Busy => "band-busy",
            Band::High => "band-high",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Closed => "closed",
            Band::Low => "quiet",
            Band::Busy => "busy",
            Band::High => "nearly full",
        }
    }
}

/// `booked` as a whole percentage of `capacity` (rounded down; 0 when there is no capacity).
pub fn percent(booked: i64, capacity: i64) -> i64 {
    if capacity <= 0 {
        0
    } else {
        booked * 100 / capacity
    }
}

/// One day of the admin's month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminDay {
    #[serde(with = "crate::wire::date")]
    pub date: NaiveDate,
    pub slots: usize,
    pub closed: usize,
    /// Booked and capacity over the open slots: what the day can still take.
    pub booked: i64,
    pub capacity: i64,
    /// Reservations in closed slots, which still come.
    pub booked_in_closed: i64,
}

impl AdminDay {
    pub fn band(&self) -> Band {
        Band::of(self.booked, self.capacity, self.slots - self.closed)
    }

    /// "150/200 · 75 %", or "Closed" when every slot is.
    pub fn utilization(&self) -> String {
        if self.closed == self.slots {
            return "Closed".to_string();
        }
        format!("{}/{} · {} %", self.booked, self.capacity, percent(self.booked, self.capacity))
    }
}

/// Slots (in time order) summed per day.
pub fn admin_days(slots: &[AdminSlot]) -> Vec<AdminDay> {
    let mut days: Vec<AdminDay> = Vec::new();
    for slot in slots {
        if days.last().map(|d| d.date) != Some(slot.date) {
            days.push(AdminDay { date: slot.date, slots: 0, closed: 0, booked: 0, capacity: 0, booked_in_closed: 0 });
        }
        let Some(day) = days.last_mut() else { continue };
        day.slots += 1;
        if slot.status == SlotStatus::Closed {
            day.closed += 1;
            day.booked_in_closed += slot.booked_count;
        } else {
            day.booked += slot.booked_count;
            day.capacity += slot.total_capacity;
        }
    }
    days
}

#[cfg(feature = "ssr")]
pub use read::month_slots;

#[cfg(feature = "ssr")]
mod read {
    use super::super::availability::{SlotRow, SLOT_COLUMNS};
    use super::super::Month;
    use super::AdminSlot;
    use crate::ids::OrgId;
    use crate::on_pool;
    use crate::store::Db;

    /// Every slot of organization `orq` in `month`, closed ones included, in time order.
    pub async fn month_slots(db: &Db, orq: OrgId, month: Month) -> Result<Vec<AdminSlot>, sqlx::Error> {
        let (Some(from), Some(to)) = (month.first_day(), month.plus(1).first_day()) else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT {SLOT_COLUMNS} FROM reservation_slots
             WHERE orq = $1 AND date >= $2 AND date < $3 ORDER BY date, start_time"
        );
        let rows: Vec<SlotRow> = on_pool!(db, pool => sqlx::query_as(&sql)
            .bind(orq).bind(from).bind(to).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(SlotRow::into_admin).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(day: u32, hour: u32, booked: i64, capacity: i64, status: SlotStatus) -> AdminSlot {
        AdminSlot {
            id: SlotId(i64::from(day * 100 + hour)),
            date: NaiveDate::from_ymd_opt(2026, 12, day).expect("date"),
            start_time: NaiveTime::from_hms_opt(hour, 0, 0).expect("time"),
            end_time: NaiveTime::from_hms_opt(hour + 2, 0, 0).expect("time"),
            total_capacity: capacity,
            booked_count: booked,
            status,
        }
    }

    #[test]
    fn a_day_sums_its_open_slots_and_counts_closed_ones_apart() {
        let days = admin_days(&[
            slot(5, 10, 100, 100, SlotStatus::Full),
            slot(5, 12, 50, 100, SlotStatus::Active),
            slot(5, 14, 37, 100, SlotStatus::Closed),
            slot(6, 10, 3, 100, SlotStatus::Closed),
        ]);
        assert_eq!(days.len(), 2);
        assert_eq!((days[0].booked, days[0].capacity, days[0].closed, days[0].booked_in_closed), (150, 200, 1, 37));
        assert_eq!(days[0].utilization(), "150/200 · 75 %");
        assert_eq!(days[0].band(), Band::Busy);
        assert_eq!(days[1].utilization(), "Closed");
        assert_eq!(days[1].band(), Band::Closed);
    }

    #[test]
    fn bands_step_at_half_and_above_ninety_percent() {
        assert_eq!(Band::of(49, 100, 1), Band::Low);
        assert_eq!(Band::of(50, 100, 1), Band::Busy);
        assert_eq!(Band::of(90, 100, 1), Band::Busy);
        assert_eq!(Band::of(91, 100, 1), Band::High);
        assert_eq!(Band::of(0, 0, 1), Band::Low);
        assert_eq!(Band::of(0, 0, 0), Band::Closed);
    }
}
