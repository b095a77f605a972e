//! The per-user OS timer that delivers reminders while Studydesk is fully quit: every
//! minute the OS runs one headless turn (`studydesk --remind-once --data-dir DIR`, or the
//! CLI's `remind run --once`); the database decides what was delivered, so this and a
//! running app never both deliver a reminder.
//!
//! Contract:
//! - The renderers are pure and tested for all three systems: [`systemd_service`] and
//!   [`systemd_timer`] (Linux, a systemd *user* unit pair named [`NAME`]), [`launchd_plist`]
//!   (macOS, a LaunchAgent, `StartInterval` 60) and [`schtasks_create_args`] (Windows,
//!   Task Scheduler, `/SC MINUTE`). Every path is quoted for the file it lands in
//!   (systemd's `ExecStart` quoting with `%`/`$` escaped, XML, the Windows command line).
//! - [`install`], [`uninstall`] and [`status`] act on this machine (cfg per system; only
//!   Linux is tested here, with a fake `systemctl`). `install` either completes or leaves
//!   nothing behind, and says in words what failed (no systemd, no user manager...).
//!   `uninstall` succeeds once the unit files are gone, even when `systemctl` could not be
//!   asked (without it nothing could have run them).
//! - Linux files: `$XDG_CONFIG_HOME/systemd/user` (else `~/.config/systemd/user`); then
//!   `systemctl --user daemon-reload` and `systemctl --user enable --now NAME.timer`.

use crate::{CoreError, Result};
use std::path::{Path, PathBuf};

/// The unit name (Linux): `studydesk-reminders.service` and `.timer`.
pub const NAME: &str = "studydesk-reminders";
/// The LaunchAgent label (macOS).
pub const LAUNCHD_LABEL: &str = "app.studydesk.desktop.reminders";
/// The Task Scheduler task name (Windows).
pub const TASK_NAME: &str = "Studydesk Reminders";

/// The program the timer runs, with its arguments (all valid UTF-8: they are written
/// into text files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerCommand {
    pub program: String,
    pub args: Vec<String>,
}

impl TimerCommand {
    /// The desktop app in headless mode: `<exe> --remind-once --data-dir DIR`.
    pub fn app(exe: &Path, data_dir: &Path) -> Result<Self> {
        Ok(TimerCommand {
            program: utf8(exe)?,
            args: vec!["--remind-once".into(), "--data-dir".into(), utf8(data_dir)?],
        })
    }

    /// The CLI (for machines without the desktop app): `<exe> --data-dir DIR remind run --once`.
    pub fn cli(exe: &Path, data_dir: &Path) -> Result<Self> {
        Ok(TimerCommand {
            program: utf8(exe)?,
            args: vec!["--data-dir".into(), utf8(data_dir)?, "remind".into(), "run".into(), "--once".into()],
        })
    }

    fn words(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.program.as_str()).chain(self.args.iter().map(String::as_str))
    }
}

fn utf8(p: &Path) -> Result<String> {
    p.to_str().map(str::to_string).ok_or_else(|| {
        CoreError::validation(format!(
            "{} is not valid UTF-8; the background timer cannot name it in its configuration",
            p.display()
        ))
    })
}

// ---- renderers (pure) -------------------------------------------------------------------

/// `studydesk-reminders.service`: one headless turn.
pub fn systemd_service(cmd: &TimerCommand) -> String {
    let exec = cmd.words().map(systemd_quote).collect::<Vec<_>>().join(" ");
    format!(
        "[Unit]\n\
         Description=Studydesk: deliver due reminders (headless)\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exec}\n"
    )
}

/// `studydesk-reminders.timer`: every minute, catching up after a suspend or shutdown.
pub fn systemd_timer() -> String {
    format!(
        "[Unit]\n\
         Description=Studydesk: check reminders every minute\n\
         \n\
         [Timer]\n\
         OnCalendar=minutely\n\
         AccuracySec=1s\n\
         Persistent=true\n\
         Unit={NAME}.service\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n"
    )
}

/// One word of a systemd `ExecStart=` line: plain when it is only safe characters, else
/// double-quoted with `\` and `"` escaped. `%` (specifiers) and `$` (variables) are
/// expanded by systemd even inside quotes, so they are doubled everywhere.
fn systemd_quote(word: &str) -> String {
    let safe = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "/._+-:=@,".contains(c));
    if safe {
        return word.to_string();
    }
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `~/Library/LaunchAgents/app.studydesk.desktop.reminders.plist`.
pub fn launchd_plist(cmd: &TimerCommand) -> String {
    let args: String = cmd.words().map(|w| format!("    <string>{}</string>\n", xml_escape(w))).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \x20 <key>Label</key>\n\
         \x20 <string>{LAUNCHD_LABEL}</string>\n\
         \x20 <key>ProgramArguments</key>\n\
         \x20 <array>\n\
         {args}\
         \x20 </array>\n\
         \x20 <key>StartInterval</key>\n\
         \x20 <integer>60</integer>\n\
         \x20 <key>RunAtLoad</key>\n\
         \x20 <true/>\n\
         \x20 <key>ProcessType</key>\n\
         \x20 <string>Background</string>\n\
         </dict>\n\
         </plist>\n"
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// The arguments of `schtasks` that create (or replace) the task: every minute, as the
/// current user, running the command line of [`windows_command_line`].
pub fn schtasks_create_args(cmd: &TimerCommand) -> Vec<String> {
    ["/Create", "/F", "/SC", "MINUTE", "/MO", "1", "/TN", TASK_NAME, "/TR"]
        .iter()
        .map(|s| s.to_string())
        .chain(std::iter::once(windows_command_line(cmd)))
        .collect()
}

/// The command line Task Scheduler runs (`/TR`), each word quoted by the rules Windows
/// programs use to split their command line (backslashes doubled before a quote).
pub fn windows_command_line(cmd: &TimerCommand) -> String {
    cmd.words().map(windows_quote).collect::<Vec<_>>().join(" ")
}

fn windows_quote(word: &str) -> String {
    if !word.is_empty() && !word.contains([' ', '\t', '"']) {
        return word.to_string();
    }
    let mut out = String::from("\"");
    let mut backslashes = 0usize;
    for c in word.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            c => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

// ---- this machine -----------------------------------------------------------------------

/// Whether the timer is installed here, in words for `remind timer status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerStatus {
    pub installed: bool,
    /// Whether the OS says it is scheduled (`None`: it could not be asked).
    pub active: Option<bool>,
    /// Where it lives, and what it runs when installed.
    pub detail: String,
}

fn failed(what: &str, why: String) -> CoreError {
    CoreError::io(what.to_string(), std::io::Error::other(why))
}

/// Runs `program args`; `Err` says in words why it did not succeed.
fn run(program: &str, args: &[&str]) -> std::result::Result<String, String> {
    let shown = format!("{program} {}", args.join(" "));
    match std::process::Command::new(program).args(args).output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("{program} was not found")),
        Err(e) => Err(format!("`{shown}` could not run: {e}")),
        Ok(out) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let reason = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_string();
            Err(format!("`{shown}` failed ({}): {reason}", out.status))
        }
    }
}

/// Where the systemd user units go: `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`.
pub fn systemd_unit_dir() -> Result<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or_else(|| {
            CoreError::validation("neither XDG_CONFIG_HOME nor HOME is set: no place for the timer's files")
        })?;
    Ok(config.join("systemd").join("user"))
}

#[cfg(target_os = "linux")]
pub use linux::{install, status, uninstall};

#[cfg(target_os = "linux")]
mod linux {
    use super::*;

    const CONTEXT: &str = "could not install the background reminder timer";

    fn files() -> Result<(PathBuf, PathBuf)> {
        let dir = systemd_unit_dir()?;
        Ok((dir.join(format!("{NAME}.service")), dir.join(format!("{NAME}.timer"))))
    }

    /// Writes the unit pair, reloads the user manager and starts the timer.
    pub fn install(cmd: &TimerCommand) -> Result<()> {
        let (service, timer) = files()?;
        if let Some(dir) = service.parent() {
            std::fs::create_dir_all(dir).map_err(|e| CoreError::io(format!("{CONTEXT}: {}", dir.display()), e))?;
        }
        std::fs::write(&service, systemd_service(cmd))
            .map_err(|e| CoreError::io(format!("{CONTEXT}: {}", service.display()), e))?;
        std::fs::write(&timer, systemd_timer())
            .map_err(|e| CoreError::io(format!("{CONTEXT}: {}", timer.display()), e))?;
        let timer_unit = format!("{NAME}.timer");
        let started = run("systemctl", &["--user", "daemon-reload"])
            .and_then(|_| run("systemctl", &["--user", "enable", "--now", &timer_unit]));
        if let Err(why) = started {
            // Leave nothing half-installed.
            let _ = std::fs::remove_file(&service);
            let _ = std::fs::remove_file(&timer);
            let why = if why.starts_with("systemctl was not found") {
                "systemctl was not found: the timer needs systemd's user manager (keep Studydesk running in the tray instead)".to_string()
            } else {
                why
            };
            return Err(failed(CONTEXT, why));
        }
        Ok(())
    }

    /// Stops and disables the timer and removes the unit pair.
    pub fn uninstall() -> Result<()> {
        let (service, timer) = files()?;
        if !service.exists() && !timer.exists() {
            return Ok(());
        }
        let timer_unit = format!("{NAME}.timer");
        if let Err(why) = run("systemctl", &["--user", "disable", "--now", &timer_unit]) {
            tracing::warn!("background timer: {why}; removing its files anyway");
        }
        for f in [&service, &timer] {
            match std::fs::remove_file(f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CoreError::io(format!("could not remove {}", f.display()), e)),
            }
        }
        if let Err(why) = run("systemctl", &["--user", "daemon-reload"]) {
            tracing::warn!("background timer: {why}");
        }
        Ok(())
    }

    pub fn status() -> Result<TimerStatus> {
        let (service, timer) = files()?;
        if !timer.exists() {
            return Ok(TimerStatus { installed: false, active: None, detail: format!("no {}", timer.display()) });
        }
        let exec = std::fs::read_to_string(&service)
            .ok()
            .and_then(|s| s.lines().find_map(|l| l.strip_prefix("ExecStart=").map(str::to_string)))
            .unwrap_or_default();
        let active = match run("systemctl", &["--user", "is-active", &format!("{NAME}.timer")]) {
            Ok(out) => Some(out.trim() == "active"),
            Err(why) if why.contains("was not found") => None,
            Err(_) => Some(false),
        };
        Ok(TimerStatus { installed: true, active, detail: format!("{} runs {exec}", timer.display()) })
    }
}

#[cfg(target_os = "macos")]
pub use macos::{install, status, uninstall};

#[cfg(target_os = "macos")]
mod macos {
    use super::*;

    const CONTEXT: &str = "could not install the background reminder agent";

    fn plist() -> Result<PathBuf> {
        let home = std::env::var_os("HOME").ok_or_else(|| CoreError::validation("HOME is not set"))?;
        Ok(PathBuf::from(home).join("Library/LaunchAgents").join(format!("{LAUNCHD_LABEL}.plist")))
    }

    fn domain() -> Result<String> {
        let uid = run("id", &["-u"]).map_err(|why| failed(CONTEXT, why))?;
        Ok(format!("gui/{}", uid.trim()))
    }

    pub fn install(cmd: &TimerCommand) -> Result<()> {
        let path = plist()?;
        let domain = domain()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| CoreError::io(format!("{CONTEXT}: {}", dir.display()), e))?;
        }
        // Replacing a loaded agent: boot the old one out first (it may not be loaded).
        let _ = run("launchctl", &["bootout", &format!("{domain}/{LAUNCHD_LABEL}")]);
        std::fs::write(&path, launchd_plist(cmd))
            .map_err(|e| CoreError::io(format!("{CONTEXT}: {}", path.display()), e))?;
        let path_text = path.to_string_lossy().into_owned();
        if let Err(why) = run("launchctl", &["bootstrap", &domain, &path_text]) {
            let _ = std::fs::remove_file(&path);
            return Err(failed(CONTEXT, why));
        }
        Ok(())
    }

    pub fn uninstall() -> Result<()> {
        let path = plist()?;
        if let Ok(domain) = domain() {
            let _ = run("launchctl", &["bootout", &format!("{domain}/{LAUNCHD_LABEL}")]);
        }
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(CoreError::io(format!("could not remove {}", path.display()), e)),
        }
    }

    pub fn status() -> Result<TimerStatus> {
        let path = plist()?;
        if !path.exists() {
            return Ok(TimerStatus { installed: false, active: None, detail: format!("no {}", path.display()) });
        }
        let active = domain().ok().map(|d| run("launchctl", &["print", &format!("{d}/{LAUNCHD_LABEL}")]).is_ok());
        Ok(TimerStatus { installed: true, active, detail: path.display().to_string() })
    }
}

#[cfg(windows)]
pub use windows::{install, status, uninstall};

#[cfg(windows)]
mod windows {
    use super::*;

    pub fn install(cmd: &TimerCommand) -> Result<()> {
        let args = schtasks_create_args(cmd);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run("schtasks", &args).map(|_| ()).map_err(|why| failed("could not create the background reminder task", why))
    }

    pub fn uninstall() -> Result<()> {
        if run("schtasks", &["/Query", "/TN", TASK_NAME]).is_err() {
            return Ok(());
        }
        run("schtasks", &["/Delete", "/F", "/TN", TASK_NAME])
            .map(|_| ())
            .map_err(|why| failed("could not delete the background reminder task", why))
    }

    pub fn status() -> Result<TimerStatus> {
        let installed = run("schtasks", &["/Query", "/TN", TASK_NAME]).is_ok();
        Ok(TimerStatus { installed, active: Some(installed), detail: format!("Task Scheduler: {TASK_NAME}") })
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub use other::{install, status, uninstall};

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod other {
    use super::*;

    fn unsupported() -> CoreError {
        CoreError::validation("the background reminder timer is available on Linux (systemd), macOS and Windows only")
    }
    pub fn install(_cmd: &TimerCommand) -> Result<()> {
        Err(unsupported())
    }
    pub fn uninstall() -> Result<()> {
        Ok(())
    }
    pub fn status() -> Result<TimerStatus> {
        Ok(TimerStatus { installed: false, active: None, detail: "not available on this system".into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(exe: &str, dir: &str) -> TimerCommand {
        TimerCommand::app(Path::new(exe), Path::new(dir)).unwrap()
    }

    #[test]
    fn systemd_units() {
        let cmd = app("/opt/Study Desk/studydesk", "/home/ann/My Data/100%$HOME");
        assert_eq!(
            systemd_service(&cmd),
            "[Unit]\n\
             Description=Studydesk: deliver due reminders (headless)\n\
             \n\
             [Service]\n\
             Type=oneshot\n\
             ExecStart=\"/opt/Study Desk/studydesk\" --remind-once --data-dir \"/home/ann/My Data/100%%$$HOME\"\n"
        );
        let plain = app("/usr/bin/studydesk", "/home/ann/.local/share/app.studydesk.desktop");
        assert!(systemd_service(&plain).contains(
            "ExecStart=/usr/bin/studydesk --remind-once --data-dir /home/ann/.local/share/app.studydesk.desktop\n"
        ));
        assert_eq!(systemd_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(systemd_quote(""), "\"\"");
        assert_eq!(
            systemd_timer(),
            "[Unit]\nDescription=Studydesk: check reminders every minute\n\n[Timer]\nOnCalendar=minutely\nAccuracySec=1s\n\
             Persistent=true\nUnit=studydesk-reminders.service\n\n[Install]\nWantedBy=timers.target\n"
        );
        let cli = TimerCommand::cli(Path::new("/usr/bin/studydesk-cli"), Path::new("/d")).unwrap();
        assert!(systemd_service(&cli).contains("ExecStart=/usr/bin/studydesk-cli --data-dir /d remind run --once\n"));
    }

    #[test]
    fn launchd_agent() {
        let cmd = app("/Applications/Studydesk.app/Contents/MacOS/studydesk", "/Users/ann/Study & <Notes>");
        assert_eq!(
            launchd_plist(&cmd),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>app.studydesk.desktop.reminders</string>
  <key>ProgramArguments</key>
  <array>
    <string>/Applications/Studydesk.app/Contents/MacOS/studydesk</string>
    <string>--remind-once</string>
    <string>--data-dir</string>
    <string>/Users/ann/Study &amp; &lt;Notes&gt;</string>
  </array>
  <key>StartInterval</key>
  <integer>60</integer>
  <key>RunAtLoad</key>
  <true/>
  <key>ProcessType</key>
  <string>Background</string>
</dict>
</plist>
"#
        );
    }

    #[test]
    fn windows_task() {
        let cmd = app(r"C:\Program Files\Studydesk\studydesk.exe", r"C:\Users\Ann Lee\AppData\Roaming\Studydesk\");
        assert_eq!(
            schtasks_create_args(&cmd),
            vec![
                "/Create",
                "/F",
                "/SC",
                "MINUTE",
                "/MO",
                "1",
                "/TN",
                "Studydesk Reminders",
                "/TR",
                r#""C:\Program Files\Studydesk\studydesk.exe" --remind-once --data-dir "C:\Users\Ann Lee\AppData\Roaming\Studydesk\\""#,
            ]
        );
        assert_eq!(windows_command_line(&app(r"C:\sd.exe", r"D:\data")), r"C:\sd.exe --remind-once --data-dir D:\data");
        assert_eq!(windows_quote(r#"a"b"#), r#""a\"b""#);
        assert_eq!(windows_quote(r#"a\"b c"#), r#""a\\\"b c""#);
        assert_eq!(windows_quote(""), r#""""#);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_are_refused_in_words() {
        use std::os::unix::ffi::OsStrExt;
        let bad = Path::new(std::ffi::OsStr::from_bytes(b"/tmp/\xff"));
        let err = TimerCommand::app(Path::new("/usr/bin/studydesk"), bad).unwrap_err();
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    }
}
