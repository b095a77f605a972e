//! The fallback secret store: one file in the data folder (`secrets.sealed`), sealed with
//! ChaCha20-Poly1305 under a key kept in the OS user's own config folder
//! (`secret-store.key`, created readable and writable by that user only). A copy of the
//! data folder (a backup, another machine) carries the sealed file without its key.
//!
//! File layout: [`MAGIC`], a 12-byte nonce, then the sealed JSON object
//! `{reference: secret}`. Every change seals the whole object again under a fresh nonce
//! and replaces the file atomically (write beside, then rename).

use super::SecretStore;
use crate::{CoreError, Result};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const FILE_NAME: &str = "secrets.sealed";
pub const KEY_FILE_NAME: &str = "secret-store.key";
const MAGIC: &[u8; 4] = b"SDS1";
const NONCE_LEN: usize = 12;

pub struct SealedFile {
    file: PathBuf,
    key_file: PathBuf,
    /// One change at a time in this process (read, change, seal, replace).
    lock: Mutex<()>,
}

impl SealedFile {
    pub fn new(file: PathBuf, key_file: PathBuf) -> SealedFile {
        SealedFile { file, key_file, lock: Mutex::new(()) }
    }

    /// The file in `data_dir`, its key in the OS user's config folder.
    pub fn for_user(data_dir: &Path) -> Result<SealedFile> {
        let config = directories::ProjectDirs::from("app", "Studydesk", "studydesk")
            .map(|p| p.config_local_dir().to_path_buf())
            .ok_or_else(|| CoreError::validation("no home folder was found for the secret store's key"))?;
        Ok(SealedFile::new(data_dir.join(FILE_NAME), config.join(KEY_FILE_NAME)))
    }

    fn key(&self, create: bool) -> Result<Option<Key>> {
        match std::fs::read(&self.key_file) {
            Ok(bytes) if bytes.len() == 32 => Ok(Some(*Key::from_slice(&bytes))),
            Ok(_) => Err(CoreError::validation(format!("{} is not a Studydesk key (wrong size); move it away to start a new one (saved passwords are then asked again)", self.key_file.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => self.new_key().map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CoreError::io(format!("could not read {}", self.key_file.display()), e)),
        }
    }

    /// A new key, written whole beside its place and then linked there without replacing
    /// anything: two processes (the app and the CLI, two tests) creating it at the same
    /// moment end with one key, the first one's, and neither ever reads half of it.
    fn new_key(&self) -> Result<Key> {
        let key = ChaCha20Poly1305::generate_key(&mut OsRng);
        let dir = self.key_file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(format!("could not create {}", dir.display()), e))?;
        let could_not_create = |e| CoreError::io(format!("could not create {}", self.key_file.display()), e);
        // tempfile creates the file readable and writable by its owner only.
        let mut draft = tempfile::Builder::new().prefix(".secret-store.key.").tempfile_in(dir).map_err(could_not_create)?;
        draft.write_all(&key).and_then(|_| draft.as_file().sync_all()).map_err(|e| CoreError::io(format!("could not write {}", self.key_file.display()), e))?;
        match draft.persist_noclobber(&self.key_file) {
            Ok(_) => Ok(key),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                self.key(false)?.ok_or_else(|| CoreError::validation(format!("{} vanished while it was being created; try again", self.key_file.display())))
            }
            Err(e) => Err(could_not_create(e.error)),
        }
    }

    fn read_all(&self, key: &Key) -> Result<BTreeMap<String, String>> {
        let bytes = match std::fs::read(&self.file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(CoreError::io(format!("could not read {}", self.file.display()), e)),
        };
        let unreadable = || CoreError::validation(format!("{} cannot be opened with this user's key (it was copied from elsewhere, or damaged); saved database passwords must be entered again", self.file.display()));
        if bytes.len() < MAGIC.len() + NONCE_LEN || &bytes[..MAGIC.len()] != MAGIC {
            return Err(unreadable());
        }
        let (nonce, sealed) = bytes[MAGIC.len()..].split_at(NONCE_LEN);
        let plain = ChaCha20Poly1305::new(key).decrypt(Nonce::from_slice(nonce), sealed).map_err(|_| unreadable())?;
        serde_json::from_slice(&plain).map_err(|_| unreadable())
    }

    fn write_all(&self, key: &Key, secrets: &BTreeMap<String, String>) -> Result<()> {
        let plain = serde_json::to_vec(secrets).map_err(|e| CoreError::validation(format!("the secrets could not be written ({e})")))?;
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = ChaCha20Poly1305::new(key).encrypt(&nonce, plain.as_slice()).map_err(|_| CoreError::validation("the secrets could not be sealed"))?;
        let tmp = self.file.with_extension("sealed.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let io = |e| CoreError::io(format!("could not write {}", self.file.display()), e);
        let mut f = options.open(&tmp).map_err(io)?;
        f.write_all(MAGIC).and_then(|_| f.write_all(&nonce)).and_then(|_| f.write_all(&sealed)).and_then(|_| f.sync_all()).map_err(io)?;
        std::fs::rename(&tmp, &self.file).map_err(io)
    }

    fn change(&self, edit: impl FnOnce(&mut BTreeMap<String, String>)) -> Result<()> {
        let _one = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let Some(key) = self.key(true)? else { return Ok(()) };
        let mut secrets = self.read_all(&key)?;
        edit(&mut secrets);
        self.write_all(&key, &secrets)
    }
}

impl SecretStore for SealedFile {
    fn put(&self, reference: &str, secret: &str) -> Result<()> {
        self.change(|s| {
            s.insert(reference.to_string(), secret.to_string());
        })
    }

    fn get(&self, reference: &str) -> Result<Option<String>> {
        let _one = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        match self.key(false)? {
            None if !self.file.exists() => Ok(None),
            None => Err(CoreError::validation(format!("{} has no key on this machine ({} is missing); saved database passwords must be entered again", self.file.display(), self.key_file.display()))),
            Some(key) => Ok(self.read_all(&key)?.remove(reference)),
        }
    }

    fn delete(&self, reference: &str) -> Result<()> {
        if !self.file.exists() {
            return Ok(());
        }
        self.change(|s| {
            s.remove(reference);
        })
    }

    fn describe(&self) -> &'static str {
        "Studydesk's encrypted file"
    }

    fn kind(&self) -> super::SecretStoreKind {
        super::SecretStoreKind::EncryptedFile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> SealedFile {
        SealedFile::new(dir.join("data").join(FILE_NAME), dir.join("config").join(KEY_FILE_NAME))
    }

    #[test]
    fn keeps_changes_and_forgets_deleted_ones() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| CoreError::io("tempdir", e))?;
        std::fs::create_dir_all(dir.path().join("data")).map_err(|e| CoreError::io("mkdir", e))?;
        let s = store(dir.path());
        assert_eq!(s.get("data-source/a")?, None);
        s.put("data-source/a", "hunter2")?;
        s.put("data-source/b", "パスワード")?;
        s.delete("data-source/a")?;
        let again = store(dir.path());
        assert_eq!(again.get("data-source/a")?, None);
        assert_eq!(again.get("data-source/b")?.as_deref(), Some("パスワード"));
        // sealed: the secret is not in the file in the clear, and the key is the user's only
        let raw = std::fs::read(dir.path().join("data").join(FILE_NAME)).map_err(|e| CoreError::io("read", e))?;
        assert!(!raw.windows("パスワード".len()).any(|w| w == "パスワード".as_bytes()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("config").join(KEY_FILE_NAME)).map_err(|e| CoreError::io("stat", e))?.permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key must be readable by its user only (mode {mode:o})");
        }
        Ok(())
    }

    #[test]
    fn another_key_cannot_open_it_and_says_so() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| CoreError::io("tempdir", e))?;
        std::fs::create_dir_all(dir.path().join("data")).map_err(|e| CoreError::io("mkdir", e))?;
        store(dir.path()).put("data-source/a", "hunter2")?;
        std::fs::remove_file(dir.path().join("config").join(KEY_FILE_NAME)).map_err(|e| CoreError::io("rm", e))?;
        let missing = store(dir.path()).get("data-source/a").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.contains("no key on this machine"), "{missing}");
        // a new key (made by the next put) cannot open the old file either
        let wrong = store(dir.path()).put("data-source/b", "x").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(wrong.contains("cannot be opened with this user's key"), "{wrong}");
        Ok(())
    }

    #[test]
    fn processes_creating_the_key_at_once_end_with_one_key() -> Result<()> {
        // Separate stores, as separate processes have (each its own lock): CI saw a second
        // creator fail with "File exists" when the key was created in place.
        for _ in 0..20 {
            let dir = tempfile::tempdir().map_err(|e| CoreError::io("tempdir", e))?;
            let dir = dir.path().to_path_buf();
            let keys: Vec<Result<Option<Key>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8).map(|_| scope.spawn(|| store(&dir).key(true))).collect();
                handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(CoreError::validation("panicked")))).collect()
            });
            let keys: Vec<Key> = keys.into_iter().collect::<Result<Vec<_>>>()?.into_iter().flatten().collect();
            assert_eq!(keys.len(), 8);
            assert!(keys.iter().all(|k| *k == keys[0]), "every creator reads the one key that was kept");
            assert_eq!(store(&dir).key(false)?, Some(keys[0]));
            let left: Vec<_> = std::fs::read_dir(dir.join("config")).map_err(|e| CoreError::io("ls", e))?.flatten().map(|e| e.file_name()).collect();
            assert_eq!(left, vec![std::ffi::OsString::from(KEY_FILE_NAME)], "no draft is left beside the key");
        }
        Ok(())
    }
}
