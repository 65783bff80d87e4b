//! The real `gatehouse serve` binary as a child process: started on port 0, its address read from
//! its start-up line, its memory read from /proc, stopped with SIGINT like an operator would.
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const READY_MARKER: &str = "serving at ";
const START_TIMEOUT: Duration = Duration::from_secs(120);
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

pub struct Server {
    child: Child,
    pub base_url: String,
}

impl Server {
    pub async fn start(binary: &Path, database_url: &str, data_dir: &Path) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .arg("serve")
            .env("GATEHOUSE_DATABASE_URL", database_url)
            .env("GATEHOUSE_LISTEN", "127.0.0.1:0")
            .env("GATEHOUSE_DATA_DIR", data_dir)
            .env("GATEHOUSE_LOG", "warn")
            // The load comes from one address and one operator token: the budgets would refuse it.
            .env("GATEHOUSE_RESERVE_RATE", "0")
            .env("GATEHOUSE_HOLD_RATE", "0")
            .env("GATEHOUSE_VALIDATE_RATE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("the server's stdout is not piped")?;
        let (ready, address) = tokio::sync::oneshot::channel();
        // A plain thread: the pipe must be drained for the server's whole life, or a full pipe
        // would block its prints.
        std::thread::spawn(move || {
            let mut ready = Some(ready);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split(READY_MARKER).nth(1) {
                    if let Some(tx) = ready.take() {
                        let _ = tx.send(rest.trim().trim_end_matches('/').to_owned());
                    }
                }
            }
        });
        let mut server = Server { child, base_url: String::new() };
        match tokio::time::timeout(START_TIMEOUT, address).await {
            Ok(Ok(url)) => {
                server.base_url = url;
                Ok(server)
            }
            Ok(Err(_)) => {
                let status = server.child.wait().map_err(|e| e.to_string())?;
                Err(format!("the server exited before serving ({status})"))
            }
            Err(_) => {
                server.stop().await;
                Err("the server did not report its address in time".into())
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in KiB, from /proc (Linux only; `None` elsewhere or once exited).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
    }

    /// SIGINT, so the server shuts down gracefully as under an operator's Ctrl-C; killed if it
    /// does not stop in time.
    pub async fn stop(mut self) {
        let interrupted =
            Command::new("kill").args(["-INT", &self.pid().to_string()]).status().is_ok_and(|s| s.success());
        if interrupted {
            let deadline = tokio::time::Instant::now() + STOP_TIMEOUT;
            while tokio::time::Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            eprintln!("server {} ignored SIGINT; killing it", self.pid());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A run that fails half-way must not leave a server behind.
impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
