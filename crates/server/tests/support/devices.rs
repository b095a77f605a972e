//! Real app databases (the core on a temp folder) signed in to a [`TestServer`](super::TestServer):
//! the devices of the tests that follow rows and files from one app to another.

use studydesk_core::api::Studydesk;
use studydesk_core::sync::{Credentials, SignInMode, SyncPhase};

pub struct Device {
    pub dir: tempfile::TempDir,
    pub app: Studydesk,
    pub id: String,
}

/// A device signed in as `name@example.org` (a new account with `Signup`, the account's
/// next device with `Login`), not yet checked.
pub fn signed_in_unchecked(server: &super::TestServer, name: &str, mode: SignInMode) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap();
    let credentials = Credentials { server_url: server.base.clone(), email: format!("{name}@example.org"), password: "correct horse battery".into() };
    app.sync_sign_in(mode, credentials).unwrap();
    let id = app.user_id();
    Device { dir, app, id }
}

/// A device signed in as `name`, synced with nothing left to send.
pub fn signed_in(server: &super::TestServer, name: &str, mode: SignInMode) -> Device {
    let d = signed_in_unchecked(server, name, mode);
    let status = d.app.sync_status().unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{name}: {status:?}");
    d
}

/// One sync round on each device, in order.
pub fn sync(devices: &[&Device]) {
    for d in devices {
        d.app.sync_now().unwrap();
    }
}

/// The file of an `attachment:` url on the device, and whether it is there.
pub fn file(d: &Device, url: &str) -> (std::path::PathBuf, bool) {
    studydesk_core::social::media::local_path(d.dir.path(), url).unwrap()
}
