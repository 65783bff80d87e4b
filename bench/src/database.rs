//! The throwaway database a run works on: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database created through an admin URL and dropped when the run ends.
use gatehouse::db::Db;
use gatehouse::on_pool;
use tempfile::TempDir;

pub struct BenchDatabase {
    pub url: String,
    /// Also the servers' data folder (secret key, credentials file); removed on drop.
    pub dir: TempDir,
    postgres: Option<Dropper>,
}

struct Dropper {
    admin_url: String,
    name: String,
}

impl BenchDatabase {
    pub async fn create(postgres_admin: Option<&str>) -> Result<BenchDatabase, String> {
        let dir = tempfile::Builder::new()
            .prefix("gatehouse-bench-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let Some(admin_url) = postgres_admin else {
            let url = format!("sqlite:{}", dir.path().join("bench.db").display());
            return Ok(BenchDatabase { url, dir, postgres: None });
        };
        let name = format!("gatehouse_bench_{}", std::process::id());
        let admin = Db::connect(admin_url).await.map_err(|e| format!("cannot connect to {admin_url}: {e}"))?;
        // A previous run killed before its cleanup leaves its database behind under the same pid.
        let sql = [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")];
        for statement in &sql {
            on_pool!(&admin, pool => sqlx::query(statement).execute(pool).await.map(|_| ()))
                .map_err(|e| format!("{statement}: {e}"))?;
        }
        admin.close().await;
        Ok(BenchDatabase {
            url: with_database(admin_url, &name),
            dir,
            postgres: Some(Dropper { admin_url: admin_url.to_owned(), name }),
        })
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// Drops the PostgreSQL database; call after the servers have stopped.
    pub async fn remove(self) -> Result<(), String> {
        let Some(Dropper { admin_url, name }) = self.postgres else {
            return Ok(());
        };
        let admin = Db::connect(&admin_url).await.map_err(|e| e.to_string())?;
        let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let dropped = on_pool!(&admin, pool => sqlx::query(&statement).execute(pool).await.map(|_| ()));
        admin.close().await;
        dropped.map_err(|e| format!("{statement}: {e}"))
    }
}

/// The same server and credentials, another database name; query parameters are kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let cut = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    match query {
        Some(q) => format!("{}/{name}?{q}", &base[..cut]),
        None => format!("{}/{name}", &base[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_parameters_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "b"),
            "postgres://postgres@127.0.0.1:5432/b?sslmode=disable"
        );
    }

    #[test]
    fn a_url_without_a_database_gets_one() {
        assert_eq!(with_database("postgres://u@localhost", "b"), "postgres://u@localhost/b");
    }
}
