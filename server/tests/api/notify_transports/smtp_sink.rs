//! `server/tests/support/smtp_sink.py` as a child process: aiosmtpd on a free loopback port,
//! writing what it receives into a directory of its own.
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

const INSTALL: &str = "python3 with aiosmtpd is needed for the SMTP tests; scripts/tools.sh --test installs it";

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
    /// The sink stops when this closes, even if the test process dies without killing it.
    _stdin: Option<ChildStdin>,
}

impl SmtpSink {
    /// With the script's options, e.g. `["--fail-first", "1"]` or `["--reject-all"]`.
    pub async fn start(options: &[&str]) -> SmtpSink {
        let dir = tempfile::tempdir().expect("a directory for received messages");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(dir.path())
            .args(options)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 ({e}): {INSTALL}"));
        let stdout = child.stdout.take().expect("piped stdout");
        // The first line is the port, or nothing when the script failed to start.
        let first_line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        })
        .await
        .expect("reading the sink's port");
        match first_line.ok().and_then(|line| line.trim().parse().ok()) {
            Some(port) => SmtpSink { port, dir, _stdin: child.stdin.take(), child },
            None => {
                let _ = child.kill();
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                let _ = child.wait();
                panic!("the SMTP sink did not start: {INSTALL}.\n{stderr}");
            }
        }
    }

    /// Every message taken so far, as the server received it, in order of arrival.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("the sink's directory")
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        files.sort();
        files.iter().map(|path| std::fs::read(path).expect("a received message")).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
