//! The scanner's server functions: check a scanned or typed ticket, admit its holder. Each needs
//! a signed-in operator and their session's token, answers the verdict the screen shows (a refusal
//! at the door is an answer, not an error) and the operator's running count for the shift.
use crate::error::AppError;
use gatehouse::admission::shift::ShiftTally;
use gatehouse::admission::verdict::Verdict;
use gatehouse::ids::TicketId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorAnswer {
    pub verdict: Verdict,
    pub tally: ShiftTally,
}

/// Checks what the camera read or the operator typed.
#[server(prefix = "/sfn", endpoint = "door_check", output = crate::codec::JsonText)]
pub async fn door_check(csrf: String, device: String, scanned: String) -> Result<DoorAnswer, AppError> {
    use gatehouse::admission::verdict::shown;
    use gatehouse::admission::{self, TicketRef};
    use gatehouse::error::DomainError;
    let (engine, door, staff) = ssr::door(&csrf, &device).await?;
    // A signed QR payload (checked against the organization's keys) or a typed code.
    let verdict = match admission::scanned_ticket_code(&engine.db, door.orq, &scanned).await {
        Err(e) if e.storage_failure().is_some() => return Err(AppError::domain(&e)),
        Err(e) => Verdict::Invalid { code: shown(&scanned), reason: e.code().into(), message: e.to_string() },
        Ok(code) => match admission::validate_entry(&engine, &door, TicketRef::Code(code.as_str())).await {
            Ok(facts) => Verdict::valid(&facts),
            Err(e) if e.storage_failure().is_some() => return Err(e.into()),
            Err(e) => Verdict::refused(code.as_str(), &e),
        },
    };
    ssr::answer(&engine, &staff, verdict).await
}

/// Admits the holder of a ticket the check found valid: exactly once, whoever else tries.
#[server(prefix = "/sfn", endpoint = "door_admit", output = crate::codec::JsonText)]
pub async fn door_admit(csrf: String, device: String, ticket: TicketId, code: String) -> Result<DoorAnswer, AppError> {
    use gatehouse::admission;
    use gatehouse::admission::verdict::shown;
    use gatehouse::error::DomainError;
    let (engine, door, staff) = ssr::door(&csrf, &device).await?;
    let verdict = match admission::verify(&engine, &door, ticket).await {
        Ok(admitted) => Verdict::Admitted { code: admitted.ticket_code },
        Err(e) if e.storage_failure().is_some() => return Err(e.into()),
        Err(e) => Verdict::refused(&shown(&code), &e),
    };
    ssr::answer(&engine, &staff, verdict).await
}

/// Shared with the offline sync (`super::sync`).
#[cfg(feature = "ssr")]
pub(super) mod ssr {
    use super::DoorAnswer;
    use crate::error::AppError;
    use crate::server::ssr::{engine, storage};
    use crate::staff::account::ssr::authorized;
    use gatehouse::admission::shift::shift_tally;
    use gatehouse::admission::verdict::Verdict;
    use gatehouse::admission::Door;
    use gatehouse::staff::session::StaffSession;
    use gatehouse::staff::Role;
    use gatehouse::Engine;

    /// The signed-in operator at the door, named with the device they scan on.
    pub async fn door(csrf: &str, device: &str) -> Result<(Engine, Door, StaffSession), AppError> {
        let engine = engine()?;
        let staff = authorized(&engine, Role::Operator, csrf).await?;
        let door = Door { operator_id: staff.user, orq: staff.orq, device: device_name(device) };
        Ok((engine, door, staff))
    }

    pub async fn answer(engine: &Engine, staff: &StaffSession, verdict: Verdict) -> Result<DoorAnswer, AppError> {
        let tally = shift_tally(&engine.db, staff.user, staff.signed_in_at).await.map_err(storage)?;
        Ok(DoorAnswer { verdict, tally })
    }

    /// The device's name as the operator set it, for the check-in log.
    fn device_name(given: &str) -> String {
        let name: String = given.chars().filter(|c| !c.is_control()).take(40).collect();
        if name.trim().is_empty() {
            "scanner".into()
        } else {
            name.trim().to_string()
        }
    }
}
