//! Where staff may work from: an organization may limit its staff pages to its venues' networks
//! (PRD §4.3.1 "IP whitelist"), and client addresses are counted per subscriber.
use crate::audit::{self, Action, Change, Subject};
use crate::ids::{OrgId, UserId};
use crate::store::Db;
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr};

/// The networks an organization's staff pages answer from; none listed means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffNetworks(Vec<IpNet>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a network like 192.168.1.0/24 or 2001:db8::/32")]
pub struct NetworkError(pub String);

impl StaffNetworks {
    /// A comma- or space-separated list of networks; a bare address is a network of one.
    pub fn parse(list: &str) -> Result<StaffNetworks, NetworkError> {
        list.split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map(|n| n.trunc())
                    .map_err(|_| NetworkError(s.to_string()))
            })
            .collect::<Result<_, _>>()
            .map(StaffNetworks)
    }

    pub fn allows(&self, client: IpAddr) -> bool {
        let client = client.to_canonical();
        self.0.is_empty() || self.0.iter().any(|net| net.contains(&client))
    }

    /// As stored: the networks, comma-separated.
    pub fn to_list(&self) -> String {
        self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }

    /// The list as stored; one that no longer parses lets nobody in rather than everybody.
    pub fn stored(list: &str) -> StaffNetworks {
        StaffNetworks::parse(list).unwrap_or_else(|e| {
            tracing::error!(error = %e, "an organization's staff networks do not parse; refusing every address");
            StaffNetworks(vec![IpNet::from(IpAddr::from([0, 0, 0, 0]))])
        })
    }
}

/// The networks organization `orq`'s staff pages answer from; `None` for no such organization.
pub async fn of(db: &Db, orq: OrgId) -> Result<Option<StaffNetworks>, sqlx::Error> {
    let stored: Option<(String,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT staff_networks FROM organizations WHERE id = $1").bind(orq).fetch_optional(pool).await)?;
    Ok(stored.map(|(list,)| StaffNetworks::stored(&list)))
}

/// Whether staff of organization `orq` may use their pages from `client`.
pub async fn allowed_for(db: &Db, orq: OrgId, client: IpAddr) -> Result<bool, sqlx::Error> {
    Ok(of(db, orq).await?.is_some_and(|networks| networks.allows(client)))
}

/// Sets the networks organization `orq`'s staff pages answer from (none: any), with its audit
/// entry (`actor` `None`: from the command line).
pub async fn set_for(
    db: &Db,
    orq: OrgId,
    actor: Option<UserId>,
    networks: &StaffNetworks,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let before: Option<(String,)> = on_tx!(&mut tx, conn => sqlx::query_as(
        "SELECT staff_networks FROM organizations WHERE id = $1").bind(orq).fetch_optional(&mut *conn).await)?;
    on_tx!(&mut tx, conn => sqlx::query("UPDATE organizations SET staff_networks = $1 WHERE id = $2")
        .bind(networks.to_list()).bind(orq).execute(&mut *conn).await.map(|_| ()))?;
    let shown = |list: &str| if list.is_empty() { "any network".to_string() } else { list.to_string() };
    let before = before.map(|(b,)| b).unwrap_or_default();
    let change = Change {
        actor,
        action: Action::StaffNetworks,
        subject: Subject::Organization,
        summary: format!("Staff pages answer from {} (was {})", shown(&networks.to_list()), shown(&before)),
        before: Some(serde_json::json!({ "staff_networks": before })),
        after: Some(serde_json::json!({ "staff_networks": networks.to_list() })),
    };
    audit::record(&mut tx, orq, &change, now).await?;
    tx.commit().await
}

/// IPv4 as is; IPv6 by its /64 network, since one subscriber commonly holds a whole /64.
pub fn subscriber(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn no_networks_allow_every_address() {
        let any = StaffNetworks::parse("  ").unwrap();
        assert!(any.allows(ip("203.0.113.9")));
        assert!(any.allows(ip("2001:db8::1")));
    }

    #[test]
    fn listed_networks_allow_their_addresses_only() {
        let venue = StaffNetworks::parse("192.168.10.0/24, 2001:db8:5::/48 10.1.2.3").unwrap();
        assert!(venue.allows(ip("192.168.10.77")));
        assert!(venue.allows(ip("::ffff:192.168.10.77")), "IPv4 mapped into IPv6 is the same address");
        assert!(venue.allows(ip("2001:db8:5:1::9")));
        assert!(venue.allows(ip("10.1.2.3")));
        assert!(!venue.allows(ip("10.1.2.4")));
        assert!(!venue.allows(ip("192.168.11.1")));
        assert_eq!(venue.to_list(), "192.168.10.0/24, 2001:db8:5::/48, 10.1.2.3/32");
    }

    #[test]
    fn a_malformed_network_is_named() {
        assert_eq!(StaffNetworks::parse("10.0.0.0/8, 10.0.0/33"), Err(NetworkError("10.0.0/33".into())));
    }

    #[test]
    fn ipv6_clients_count_by_their_slash_64() {
        assert_eq!(subscriber(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(subscriber(ip("198.51.100.7")), ip("198.51.100.7"));
    }
}
