//! Who may use the dashboard: a signed-in admin, working from an allowed network, seeing only
//! their organization. Reads need the session; writes also its form token (CSRF).
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What every dashboard page knows about who is signed in (given to pages as a context).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminContext {
    pub display_name: String,
    pub organization: String,
    /// The venue's zone (`America/New_York`): the dashboard's dates and times are the venue's.
    pub time_zone: String,
    /// The token every form that changes something carries.
    pub csrf: String,
}

/// The signed-in admin, or `None` (never signed in, ended, or not an admin).
#[server(prefix = "/sfn", endpoint = "admin_signed_in", output = crate::codec::JsonText)]
pub async fn admin_signed_in() -> Result<Option<AdminContext>, AppError> {
    use crate::server::ssr::{engine, storage};
    let engine = engine()?;
    let Some(current) = crate::staff::account::ssr::signed_in(&engine, gatehouse::staff::Role::Admin).await? else {
        return Ok(None);
    };
    let user = gatehouse::staff::user_by_id(&engine.db, current.user).await.map_err(storage)?;
    let organization = gatehouse::org::organization(&engine.db, current.orq).await.map_err(storage)?;
    let venue = gatehouse::org::main_venue(&engine.db, current.orq).await.map_err(storage)?;
    let (Some(user), Some(organization)) = (user, organization) else { return Ok(None) };
    Ok(Some(AdminContext {
        display_name: user.display_name,
        organization: organization.name,
        time_zone: venue.map_or_else(|| "UTC".to_string(), |v| v.time_zone),
        csrf: current.csrf,
    }))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::error::AppError;
    use crate::staff::account::ssr::{authorized, not_signed_in, signed_in, staff_of};
    use gatehouse::staff::session::StaffSession;
    use gatehouse::staff::Role;
    use gatehouse::Engine;
    use tower_sessions::Session;

    /// The signed-in admin, for a server function that reads: 401 without one.
    pub async fn admin(engine: &Engine) -> Result<StaffSession, AppError> {
        signed_in(engine, Role::Admin).await?.ok_or_else(not_signed_in)
    }

    /// The signed-in admin whose form carried their session's token, for a server function that
    /// changes something: 401 without a session, 403 with a wrong token.
    pub async fn admin_write(engine: &Engine, csrf: &str) -> Result<StaffSession, AppError> {
        authorized(engine, Role::Admin, csrf).await
    }

    /// The signed-in admin for a plain handler (a download, a stream), which extracts the session
    /// and knows the client's address itself.
    pub async fn admin_of_request(
        engine: &Engine,
        session: &Session,
        client: std::net::IpAddr,
    ) -> Result<Option<StaffSession>, AppError> {
        staff_of(engine, session, Role::Admin, client).await
    }
}
