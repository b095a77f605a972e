//! A MariaDB server of a test's own: `mariadb-install-db` + `mariadbd` (Debian's
//! mariadb-server, installed by `scripts/setup.sh --test`) in a temp folder, on 127.0.0.1
//! on a free port, with root reached through its socket; stopped when dropped. Shared by
//! the core's MySQL sources test (`mod mariadb;`) and the CLI's `source add-mysql` test
//! (`#[path = "../../core/tests/mariadb/mod.rs"]`), so the start is written once. It
//! needs only std and tempfile.
#![allow(dead_code)] // each test uses its own part

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct MariaDb {
    dir: tempfile::TempDir,
    child: Child,
    pub port: u16,
}

impl MariaDb {
    /// A fresh server, listening, with no database but its own.
    pub fn start() -> MariaDb {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let install = Command::new("mariadb-install-db")
            .args(["--no-defaults", "--user=root", "--auth-root-authentication-method=socket", "--skip-test-db"])
            .arg(format!("--datadir={}", data.display()))
            .output()
            .expect("mariadb-install-db is installed (apt install mariadb-server; scripts/setup.sh --test does)");
        assert!(install.status.success(), "{}", String::from_utf8_lossy(&install.stderr));
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let sock: PathBuf = dir.path().join("sock");
        let child = Command::new("mariadbd")
            .args(["--no-defaults", "--user=root", "--skip-log-bin", "--bind-address=127.0.0.1", "--skip-name-resolve"])
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", sock.display()))
            .arg(format!("--pid-file={}", dir.path().join("pid").display()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mariadbd starts");
        // Dropped (the server killed) if it never listens.
        let server = MariaDb { dir, child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !sock.exists() || std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "mariadbd did not listen within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// Runs `sql` as root; a failure fails the test with the client's message.
    pub fn sql(&self, sql: &str) {
        client(self.dir.path(), sql);
    }
}

fn client(dir: &Path, sql: &str) {
    let out = Command::new("mariadb")
        .args(["--no-defaults", "-S"])
        .arg(dir.join("sock"))
        .args(["-u", "root", "-e", sql])
        .output()
        .expect("the mariadb client runs");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
