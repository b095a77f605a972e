//! The `studydesk-cli` binary: see the library's documentation.

fn main() -> std::process::ExitCode {
    studydesk_cli::main_from(std::env::args_os(), studydesk_cli::Host::Cli)
}
