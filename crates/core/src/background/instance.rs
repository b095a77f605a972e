//! One running app per data folder, and "show yourself" from a second launch.
//!
//! Contract: [`claim`] takes an exclusive lock on `<data_dir>/studydesk.instance`
//! (created if needed). The first process gets [`Claim::Primary`]: it listens on a
//! loopback TCP port and writes `port token` into `<data_dir>/studydesk.instance.addr`;
//! [`Primary::serve`] then calls its callback for every `show <token>` line it receives.
//! A later process on the same folder gets [`Claim::Secondary`] after it has asked the
//! first one to show itself (or failed to within 5 s, said in `asked`); it should exit.
//! While the first one does not answer, the lock is tried again: a process that is
//! exiting closes its listener before the OS drops its lock. Another
//! data folder is another lock, so two folders run side by side. The OS drops the lock
//! when the process ends, however it ends. When the folder cannot be locked at all (a
//! file system without locks) the result is [`Claim::Unlocked`] and the app runs as before.
//!
//! Why not tauri-plugin-single-instance (2.5): on Linux it keys on a D-Bus name (a custom
//! `dbus_id` could carry a hash of the folder), but on macOS and Windows only on the app
//! identifier, so it cannot be per data folder there; without a session bus it does
//! nothing; and it would compile zbus, which notify-rust's "d" feature avoids. Why no
//! crate at all: `std::fs::File::try_lock` (Rust 1.89) is the lock (flock / LockFileEx),
//! and a loopback socket with a random token read from the user's own data folder is
//! the message, the same on every system. The token keeps other local users from poking
//! the window; the only thing the message can do is show it.

use crate::{CoreError, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LOCK_FILE: &str = "studydesk.instance";
const ADDR_FILE: &str = "studydesk.instance.addr";
/// How long a second launch tries to reach the first one.
const ASK_TIMEOUT: Duration = Duration::from_secs(5);

pub enum Claim {
    /// This process runs the folder.
    Primary(Primary),
    /// Another process runs the folder; `asked` says whether it took the request to show
    /// itself (`Err`: why not, in words).
    Secondary { asked: std::result::Result<(), String> },
    /// The folder could not be locked (said why); run without the single-instance rule.
    Unlocked(String),
}

/// The lock (held as long as this value lives) and the listener for second launches.
pub struct Primary {
    _lock: File,
    listener: TcpListener,
    token: String,
}

/// Claims `data_dir` for this process (see the module docs).
pub fn claim(data_dir: &Path) -> Result<Claim> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| CoreError::io(format!("could not create {}", data_dir.display()), e))?;
    let (lock_path, file) = open_lock_file(data_dir)?;
    // A process that is exiting may still hold the lock for a moment after its listener
    // closed (its files are closed last): try the lock again until the deadline.
    let deadline = Instant::now() + ASK_TIMEOUT;
    loop {
        match file.try_lock() {
            Ok(()) => return primary(file, data_dir).map(Claim::Primary),
            Err(TryLockError::WouldBlock) => match try_ask(data_dir) {
                Ok(()) => return Ok(Claim::Secondary { asked: Ok(()) }),
                Err(why) if Instant::now() >= deadline => return Ok(Claim::Secondary { asked: Err(why) }),
                // The primary may also have taken the lock a moment ago and not written
                // its address yet.
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            },
            Err(TryLockError::Error(e)) => {
                return Ok(Claim::Unlocked(format!("could not lock {}: {e}", lock_path.display())))
            }
        }
    }
}

/// Claims `data_dir` for a process that its predecessor started just before exiting (a
/// restart to apply a restore): waits up to `wait` for the lock, never asking the exiting
/// process to show itself (it would answer and this one would exit, leaving no app).
pub fn claim_after_restart(data_dir: &Path, wait: Duration) -> Result<Claim> {
    let (lock_path, file) = open_lock_file(data_dir)?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return primary(file, data_dir).map(Claim::Primary),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(TryLockError::WouldBlock) => {
                return Ok(Claim::Secondary { asked: Err("the previous Studydesk did not exit after asking for a restart".into()) })
            }
            Err(TryLockError::Error(e)) => {
                return Ok(Claim::Unlocked(format!("could not lock {}: {e}", lock_path.display())))
            }
        }
    }
}

/// The folder's lock, held without a listener: for work no running app may see happen
/// (the CLI's `restore`). Dropping it releases the folder.
pub struct FolderLock {
    _lock: File,
}

/// Takes the folder's lock if no process holds it (`None`: the app runs on the folder).
/// On a file system without locks the work goes ahead, as the app's own start does.
pub fn lock_if_free(data_dir: &Path) -> Result<Option<FolderLock>> {
    let (lock_path, file) = open_lock_file(data_dir)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(FolderLock { _lock: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => {
            tracing::warn!(error = %e, "could not lock {}; going ahead", lock_path.display());
            Ok(Some(FolderLock { _lock: file }))
        }
    }
}

/// The folder's lock file (created if needed) and its path, not yet locked.
fn open_lock_file(data_dir: &Path) -> Result<(PathBuf, File)> {
    let lock_path = data_dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(|e| CoreError::io(format!("could not open {}", lock_path.display()), e))?;
    Ok((lock_path, file))
}

fn primary(lock: File, data_dir: &Path) -> Result<Primary> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .map_err(|e| CoreError::io("could not listen for a second launch", e))?;
    let port = listener.local_addr().map_err(|e| CoreError::io("could not listen for a second launch", e))?.port();
    // Two v7 UUIDs: 148 random bits (the crate is built with v7 only).
    let token = format!("{}{}", uuid::Uuid::now_v7().simple(), uuid::Uuid::now_v7().simple());
    let addr = addr_path(data_dir);
    // Written whole under a temporary name, then renamed: a reader never sees half.
    let tmp = data_dir.join(format!("{ADDR_FILE}.tmp"));
    std::fs::write(&tmp, format!("{port} {token}\n"))
        .and_then(|()| std::fs::rename(&tmp, &addr))
        .map_err(|e| CoreError::io(format!("could not write {}", addr.display()), e))?;
    Ok(Primary { _lock: lock, listener, token })
}

fn addr_path(data_dir: &Path) -> PathBuf {
    data_dir.join(ADDR_FILE)
}

impl Primary {
    /// Answers second launches on a thread of its own: `on_show` runs for each valid request.
    pub fn serve(self, on_show: impl Fn() + Send + 'static) -> Result<()> {
        let Primary { _lock, listener, token } = self;
        std::thread::Builder::new()
            .name("single-instance".into())
            .spawn(move || {
                let _lock = _lock; // held for the life of the process
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    answer(stream, &token, &on_show);
                }
            })
            .map(|_| ())
            .map_err(|e| CoreError::io("could not start the single-instance thread", e))
    }
}

/// Shows the window for a valid request, then says "ok" (so "ok" means it was shown).
fn answer(stream: TcpStream, token: &str, on_show: &impl Fn()) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut line = String::new();
    let mut reader = BufReader::new(&stream);
    if reader.read_line(&mut line).is_err() || line.trim_end() != format!("show {token}") {
        return;
    }
    on_show();
    let _ = (&stream).write_all(b"ok\n");
}

/// Asks the primary of `data_dir` to show its window once; waits for its "ok".
fn try_ask(data_dir: &Path) -> std::result::Result<(), String> {
    let text = std::fs::read_to_string(addr_path(data_dir))
        .map_err(|e| format!("no address of the running Studydesk: {e}"))?;
    let (port, token) = text.trim().split_once(' ').ok_or("the running Studydesk's address file is damaged")?;
    let port: u16 = port.parse().map_err(|_| "the running Studydesk's address file is damaged")?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))
        .map_err(|e| format!("could not reach the running Studydesk: {e}"))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    (&stream).write_all(format!("show {token}\n").as_bytes()).map_err(|e| e.to_string())?;
    let mut reply = String::new();
    BufReader::new(&stream).read_line(&mut reply).map_err(|e| e.to_string())?;
    if reply.trim() == "ok" {
        Ok(())
    } else {
        Err("the running Studydesk refused the request".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn second_claim_asks_the_first_to_show_itself() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::Primary(first) = claim(dir.path()).unwrap() else { panic!("first claim is primary") };
        let shown = Arc::new(AtomicUsize::new(0));
        let counter = shown.clone();
        first
            .serve(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        // A lock taken through another open file of the same process conflicts too
        // (flock and LockFileEx are per open file), which stands in for a second process.
        match claim(dir.path()).unwrap() {
            Claim::Secondary { asked } => assert_eq!(asked, Ok(())),
            _ => panic!("second claim must be secondary"),
        }
        assert_eq!(shown.load(Ordering::SeqCst), 1);
        // Another folder is another instance.
        let other = tempfile::tempdir().unwrap();
        assert!(matches!(claim(other.path()).unwrap(), Claim::Primary(_)));
    }

    #[test]
    fn a_wrong_token_shows_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let Claim::Primary(first) = claim(dir.path()).unwrap() else { panic!() };
        let shown = Arc::new(AtomicUsize::new(0));
        let counter = shown.clone();
        let port = first.listener.local_addr().unwrap().port();
        first
            .serve(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        (&stream).write_all(b"show guessed\n").unwrap();
        let mut reply = String::new();
        let _ = BufReader::new(&stream).read_line(&mut reply);
        assert_eq!(reply, "");
        assert_eq!(shown.load(Ordering::SeqCst), 0);
    }
}
