//! The throwaway database a run works on: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database created through an admin URL and dropped when the run ends.
use gatehouse::on_pool;
use gatehouse::store::Db;
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
            url: gatehouse::store::with_database(admin_url, &name),
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
