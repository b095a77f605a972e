//! Every IPC command, from the core's declarations (`studydesk_core::for_each_command!`,
//! the list the shell generates its Tauri commands from, so a new command is fuzzed
//! without a line here):
//! - its arguments deserialized from the JSON the window sends, each by its name, as the
//!   shell does (a `raw` command's other arguments likewise, its file's bytes following);
//! - the declaration's check, which the shell runs before the command;
//! - for `local`, `query` and `raw` commands, the facade method itself on a temporary
//!   database (see [`super::app`]), and its answer serialized as the shell answers.
//!   `server` and `remote` commands talk to a sync server or another machine and `folder`
//!   commands replace the data file: for those the arguments and the check only. One
//!   `query` command writes files where the user chose, and `link_open` starts the
//!   system's browser ([`NOT_CALLED`]).
//!
//! An input is `<command name>\n<JSON object of arguments>` (then `\n<file bytes>` for a
//! `raw` command). A name that is no command picks one by its hash, so a mutated name
//! still runs something. Seeds: one per command, synthesized by [`crate::json::synth`].

use super::{core_error, shape, Target};
use serde_json::{Map, Value};
use studydesk_core::api::Studydesk;

pub static TARGET: Target = Target { name: "ipc", run, seeds, dict: DICT, mutate: Some(mutate), max_len: 16 * 1024, uses_app: true };

/// Commands whose facade method is not called (their arguments and check still are).
pub const NOT_CALLED: &[&str] = &[
    // Writes a report's files into the folder its draft names.
    "report_run_now",
    // Hands a link to the system's opener: a valid one would start a browser per input.
    "link_open",
];

type Args = Map<String, Value>;
type Answer = Result<String, String>;

pub struct Command {
    pub name: &'static str,
    pub mode: &'static str,
    pub run: fn(&Args, &[u8], Option<&Studydesk>) -> Answer,
    pub seed: fn() -> Args,
}

impl Command {
    /// Whether the harness calls the facade method (see the module docs).
    pub fn called(&self) -> bool {
        matches!(self.mode, "local" | "query" | "raw") && !NOT_CALLED.contains(&self.name)
    }
}

/// One argument by name, as Tauri reads it (absent reads as null: fine for an `Option`).
fn arg<T: serde::de::DeserializeOwned>(command: &str, args: &Args, name: &str) -> Result<T, String> {
    let value = args.get(name).unwrap_or(&Value::Null);
    T::deserialize(value).map_err(|e| format!("{command}:args:{}", shape(&e.to_string()).chars().take(30).collect::<String>()))
}

fn answer<T: serde::Serialize>(command: &str, r: studydesk_core::Result<T>) -> Answer {
    match r {
        Ok(v) => serde_json::to_vec(&v).map(|_| format!("{command}:ok")).map_err(|e| format!("{command}:serialize:{}", shape(&e.to_string()))),
        Err(e) => Err(format!("{command}:{}", core_error(e))),
    }
}

/// A command's seed: its arguments synthesized from their types (`json::synth`).
macro_rules! command_seed {
    ($room:ident, $name:ident $(, $arg:ident)*) => {
        pub mod $name {
            pub fn seed() -> super::super::Args {
                #[allow(unused_mut)]
                let mut args = super::super::Args::new();
                $( args.insert(stringify!($arg).into(), crate::json::synth::<studydesk_core::api::$room::cmd::$name::$arg::T>()); )*
                args
            }
        }
    };
}

macro_rules! command_fn {
    (raw, $room:ident, $name:ident, $bytes:ident $(, $arg:ident)*) => {
        #[allow(unused_variables)]
        pub fn $name(args: &super::Args, bytes: &[u8], app: Option<&super::Studydesk>) -> super::Answer {
            $( let $arg: studydesk_core::api::$room::cmd::$name::$arg::T = super::arg(stringify!($name), args, stringify!($arg))?; )*
            match app {
                Some(app) => super::answer(stringify!($name), app.$name($($arg,)* bytes)),
                None => Ok(concat!(stringify!($name), ":checked").to_string()),
            }
        }
        command_seed!($room, $name $(, $arg)*);
    };
    ($mode:ident, $room:ident, $name:ident $(, $arg:ident)*) => {
        #[allow(unused_variables)]
        pub fn $name(args: &super::Args, bytes: &[u8], app: Option<&super::Studydesk>) -> super::Answer {
            $( let $arg: studydesk_core::api::$room::cmd::$name::$arg::T = super::arg(stringify!($name), args, stringify!($arg))?; )*
            studydesk_core::api::$room::cmd::$name::__ret::check($(&$arg),*).map_err(|e| format!("{}:check:{}", stringify!($name), super::core_error(e)))?;
            match app {
                Some(app) => super::answer(stringify!($name), app.$name($($arg),*)),
                None => Ok(concat!(stringify!($name), ":checked").to_string()),
            }
        }
        command_seed!($room, $name $(, $arg)*);
    };
}

macro_rules! fuzz_commands {
    ($( { $room:ident;
        $( $(#[doc = $doc:literal])*
           #[ipc($mode:ident $(, check = $check:path)?)]
           pub fn $name:ident(&$self:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
        )*
    } )*) => {
        mod generated {
            $( $( command_fn!($mode, $room, $name $(, $arg)*); )* )*
        }

        /// Every command the shell registers, in declaration order.
        pub static COMMANDS: &[Command] = &[
            $( $( Command { name: stringify!($name), mode: stringify!($mode), run: generated::$name, seed: generated::$name::seed }, )* )*
        ];
    };
}

studydesk_core::for_each_command!(fuzz_commands);

/// The command an input names (by its hash when it names none) and the rest.
fn split(data: &[u8]) -> (&'static Command, &[u8]) {
    let (name, rest) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let found = COMMANDS.iter().find(|c| c.name.as_bytes() == name);
    let command = found.unwrap_or_else(|| {
        let hash = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
        &COMMANDS[(hash % COMMANDS.len() as u64) as usize]
    });
    (command, rest)
}

fn run(data: &[u8]) -> String {
    let (command, rest) = split(data);
    let (json, bytes) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) if command.mode == "raw" => (&rest[..i], &rest[i + 1..]),
        _ => (rest, &[][..]),
    };
    let args: Args = match serde_json::from_slice::<Value>(json) {
        Ok(Value::Object(m)) => m,
        // The window always sends an object; anything else is the mutator's, not a user's.
        Ok(_) => return format!("{}:not-an-object", command.name),
        Err(e) => return format!("{}:json:{:?}", command.name, e.classify()),
    };
    let answer = if command.called() {
        super::app::with_app(|s| (command.run)(&args, bytes, Some(s))).unwrap_or_else(|| Err("nodb".into()))
    } else {
        (command.run)(&args, bytes, None)
    };
    answer.unwrap_or_else(|e| e)
}

/// One input per command, its arguments synthesized from their types.
pub fn seed_of(command: &Command) -> Vec<u8> {
    let args = Value::Object((command.seed)());
    let mut out = format!("{}\n{}", command.name, args).into_bytes();
    if command.mode == "raw" {
        out.extend_from_slice(b"\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    }
    out
}

fn seeds() -> Vec<Vec<u8>> {
    COMMANDS.iter().map(seed_of).collect()
}

/// The JSON part changed by [`crate::json::mutate`]; the command kept.
fn mutate(rng: &mut crate::mutate::Rng, data: &[u8]) -> Option<Vec<u8>> {
    let (command, rest) = split(data);
    let (json, bytes) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let changed = crate::json::mutate(rng, json)?;
    let mut out = format!("{}\n", command.name).into_bytes();
    out.extend_from_slice(&changed);
    if let Some(b) = bytes {
        out.extend_from_slice(b);
    }
    Some(out)
}

const DICT: &[&[u8]] = &[
    b"{", b"}", b"[", b"]", b",", b":", b"\"", b"null", b"true", b"false", b"0", b"-1", b"1e999", b"\"\"",
    b"\"\\u0000\"", b"\"\\ud800\"", b"\"id\"", b"\"input\"", b"\"title\"", b"\"name\"", b"\"from\"", b"\"to\"",
    b"\"2026-11-22T09:00:00Z\"", b"\"2026-11-22\"", b"\"Europe/Berlin\"", b"\"FREQ=DAILY\"",
];
