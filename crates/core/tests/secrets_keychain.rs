//! The secret store against a real Secret Service: gnome-keyring on the test's own session
//! bus (`scripts/test.sh` runs this under `dbus-run-session`; a plain `cargo test` without
//! a bus skips it, saying so). The item is looked for with `dbus-send`, not through the
//! keyring crate the store uses, and the fallback is checked once the daemon is gone.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use studydesk_core::secrets;

fn have(bin: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {bin}")).output().is_ok_and(|o| o.status.success())
}

fn bus_call(args: &[&str]) -> String {
    let out = Command::new("dbus-send").args(["--session", "--print-reply"]).args(args).output().expect("dbus-send runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn secret_service_up() -> bool {
    bus_call(&["--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"]).contains("boolean true")
}

/// gnome-keyring's secrets component, its login keyring created and unlocked in `home`.
fn start_keyring(home: &std::path::Path) -> Child {
    let mut child = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"test-login-password").unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !secret_service_up() {
        assert!(Instant::now() < deadline, "gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("gnome-keyring-daemon exited ({status}) before taking org.freedesktop.secrets");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("# gnome-keyring-daemon {} owns org.freedesktop.secrets", child.id());
    child
}

/// The Secret Service's items whose attribute `username` is `reference` (keyring's name
/// for the account), unlocked or locked.
fn items_named(reference: &str) -> usize {
    let reply = bus_call(&[
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.SearchItems",
        &format!("dict:string:string:service,Studydesk,username,{reference}"),
    ]);
    reply.matches("object path \"/org/freedesktop/secrets/collection/").count()
}

#[test]
fn passwords_go_to_the_secret_service_and_fall_back_to_the_file_without_it() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() || !have("gnome-keyring-daemon") || !have("dbus-send") {
        eprintln!("skipped: no session bus or no gnome-keyring-daemon (scripts/test.sh runs this under dbus-run-session)");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut daemon = start_keyring(home.path());

    let store = secrets::open(data.path()).unwrap();
    assert_eq!(store.describe(), "the OS keychain");
    assert!(daemon.try_wait().unwrap().is_none(), "our gnome-keyring-daemon is still the one answering");
    let reference = "data-source/0193a000-0000-7000-8000-00000000beef";
    store.put(reference, "s3cret-パス").unwrap();
    assert_eq!(items_named(reference), 1, "the Secret Service holds one item for the source");
    assert_eq!(store.get(reference).unwrap().as_deref(), Some("s3cret-パス"));
    store.put(reference, "changed").unwrap();
    assert_eq!(items_named(reference), 1, "saving again replaces the item");
    assert_eq!(secrets::open(data.path()).unwrap().get(reference).unwrap().as_deref(), Some("changed"));
    store.delete(reference).unwrap();
    assert_eq!(items_named(reference), 0);
    assert_eq!(store.get(reference).unwrap(), None);
    let owner = bus_call(&["--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets"]);
    assert!(owner.contains(&format!("uint32 {}", daemon.id())), "our gnome-keyring-daemon ({}) answered, not another: {owner}", daemon.id());
    assert!(home.path().join("data/keyrings").exists(), "the login keyring is the test's own");
    assert!(!data.path().join(secrets::sealed_file::FILE_NAME).exists(), "nothing went to the fallback file");

    // no Secret Service (a machine without a desktop session: no session bus at all;
    // killing the daemon is not enough, the bus would start it again on the next call)
    daemon.kill().unwrap();
    daemon.wait().unwrap();
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", home.path().join("no-bus").display()));
    let fallback = secrets::open(data.path()).unwrap();
    assert_eq!(fallback.describe(), "Studydesk's encrypted file");
    fallback.put(reference, "kept-in-the-file").unwrap();
    assert!(data.path().join(secrets::sealed_file::FILE_NAME).exists());
    assert_eq!(secrets::open(data.path()).unwrap().get(reference).unwrap().as_deref(), Some("kept-in-the-file"));
    fallback.delete(reference).unwrap();
}
