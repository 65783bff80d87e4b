//! The demo's generated staff passwords: shown once when made, then kept owner-only beside the
//! database for whoever runs the demo to look up.
use gatehouse::demo::Credentials;
use std::path::{Path, PathBuf};

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("demo-credentials.txt")
}

/// One "role  username  password" line per account.
pub fn text(operator: &Credentials, admin: &Credentials) -> String {
    format!(
        "operator  {}  {}\nadmin     {}  {}\n",
        operator.username, operator.password, admin.username, admin.password
    )
}

/// Writes `text` readable by the owner only (0600) and returns the file's path. A file already
/// there holds the passwords of a database since replaced: it is removed, not rewritten in place,
/// so the new one is created private whatever the old one's mode was.
pub fn save(data_dir: &Path, text: &str) -> Result<PathBuf, String> {
    let path = path(data_dir);
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    std::fs::create_dir_all(data_dir).map_err(failed)?;
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(failed(e)),
        _ => {}
    }
    crate::config::write_private(&path, text).map_err(failed)?;
    Ok(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::save;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn the_credentials_file_is_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = save(&dir.path().join("data"), "operator  op  secret\n").expect("saved");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "operator  op  secret\n");
    }

    #[test]
    fn an_older_world_readable_file_is_replaced_by_a_private_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = super::path(dir.path());
        std::fs::write(&old, "operator  op  old\n").expect("old file");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let path = save(dir.path(), "operator  op  new\n").expect("saved");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "operator  op  new\n");
    }
}
