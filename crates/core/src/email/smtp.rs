//! One message through the user's SMTP server (lettre's blocking transport).
//!
//! Contract:
//! - [`Smtp::send`] builds the message (a text body, at most one attachment) and sends it
//!   on a new connection: `starttls` requires STARTTLS before anything else is said (a
//!   server that does not offer it is refused and nothing is sent in clear), `tls` speaks
//!   TLS from the first byte, `none` is plain (allowed for a server on this computer only,
//!   `settings::check`). Certificates are checked against the OS's roots.
//! - Every step has a bounded wait ([`TIMEOUT`]); a failure comes back as a [`SendFailure`]:
//!   a kind the UI words in the user's language and an English sentence the user can act
//!   on. The password is never in either.
//! - [`Transport`] is the seam the outbox drains through: the tests' own server is reached
//!   with an extra root certificate ([`Smtp::with_root_certificate`]).

use super::settings::{SmtpSecurity, StoredSmtp};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport as _};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// The longest wait for the server at any one step (connect, each reply).
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// Why a message was not sent.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SendFailureKind {
    /// No connection to the host and port.
    Connect,
    /// The server does not offer STARTTLS.
    Starttls,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The user name or password was refused (535).
    Auth,
    /// A recipient was refused.
    Recipient,
    /// The server did not answer in time.
    Timeout,
    /// The server refused the message for another reason (its words are in the message).
    Server,
    /// E-mail is not set up.
    NotConfigured,
    /// The message could not be built (an address the mail format refuses).
    Message,
}

impl SendFailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SendFailureKind::Connect => "connect",
            SendFailureKind::Starttls => "starttls",
            SendFailureKind::Tls => "tls",
            SendFailureKind::Auth => "auth",
            SendFailureKind::Recipient => "recipient",
            SendFailureKind::Timeout => "timeout",
            SendFailureKind::Server => "server",
            SendFailureKind::NotConfigured => "not_configured",
            SendFailureKind::Message => "message",
        }
    }

    pub fn parse(text: &str) -> Option<SendFailureKind> {
        use SendFailureKind::*;
        [Connect, Starttls, Tls, Auth, Recipient, Timeout, Server, NotConfigured, Message].into_iter().find(|k| k.as_str() == text)
    }
}

/// A failed send: its kind and an English sentence.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct SendFailure {
    pub kind: SendFailureKind,
    pub message: String,
}

impl SendFailure {
    pub fn new(kind: SendFailureKind, message: impl Into<String>) -> SendFailure {
        SendFailure { kind, message: message.into() }
    }
}

/// One message to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The attached file's name and bytes.
    pub attachment: Option<(String, Vec<u8>)>,
    /// The Date header (the injected clock's now).
    pub date: std::time::SystemTime,
}

/// Where the outbox sends.
pub trait Transport {
    fn send(&self, message: &Outgoing) -> Result<(), SendFailure>;
}

/// The user's SMTP server.
pub struct Smtp {
    settings: StoredSmtp,
    password: Option<String>,
    roots: Vec<Vec<u8>>,
    timeout: Duration,
}

impl Smtp {
    pub fn new(settings: StoredSmtp, password: Option<String>) -> Smtp {
        Smtp { settings, password, roots: Vec::new(), timeout: TIMEOUT }
    }

    /// Also trusts this PEM certificate (a test's own server).
    pub fn with_root_certificate(mut self, pem: &[u8]) -> Smtp {
        self.roots.push(pem.to_vec());
        self
    }

    /// Waits at most `timeout` at each step (tests make it short).
    pub fn with_timeout(mut self, timeout: Duration) -> Smtp {
        self.timeout = timeout;
        self
    }

    fn where_(&self) -> String {
        format!("{}:{}", self.settings.host, self.settings.port)
    }

    fn tls(&self) -> Result<Tls, SendFailure> {
        if self.settings.security == SmtpSecurity::None {
            return Ok(Tls::None);
        }
        let mut builder = TlsParameters::builder(self.settings.host.trim_start_matches('[').trim_end_matches(']').to_string());
        for pem in &self.roots {
            let cert = Certificate::from_pem(pem).map_err(|e| SendFailure::new(SendFailureKind::Tls, format!("the extra certificate cannot be read ({e})")))?;
            builder = builder.add_root_certificate(cert);
        }
        let params = builder.build().map_err(|e| self.failure(&e))?;
        Ok(match self.settings.security {
            SmtpSecurity::Tls => Tls::Wrapper(params),
            _ => Tls::Required(params),
        })
    }

    fn transport(&self) -> Result<SmtpTransport, SendFailure> {
        let mut builder = SmtpTransport::builder_dangerous(self.settings.host.clone())
            .port(self.settings.port)
            .tls(self.tls()?)
            .timeout(Some(self.timeout));
        if let (Some(user), Some(password)) = (&self.settings.username, &self.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }

    /// Words a lettre error (see [`SendFailureKind`]).
    fn failure(&self, e: &lettre::transport::smtp::Error) -> SendFailure {
        use SendFailureKind::*;
        let at = self.where_();
        let text = e.to_string();
        let reply = || validate_reply(&text);
        if e.is_timeout() || timed_out(e) {
            return SendFailure::new(Timeout, format!("the mail server {at} did not answer within {} seconds; try again later or check the host and port", self.timeout.as_secs()));
        }
        if text.contains("STARTTLS is not supported") {
            return SendFailure::new(Starttls, format!("the mail server {at} does not offer STARTTLS, so nothing was sent (it would have gone in clear); choose TLS (usually port 465) or ask the server's administrator"));
        }
        if e.is_tls() || handshake_failed(e) {
            return SendFailure::new(Tls, format!("a secure (TLS) connection to {at} could not be made ({}); check the security setting and the port (STARTTLS is usually 587, TLS 465)", reply()));
        }
        if let Some(code) = e.status() {
            let code: u16 = code.into();
            return match code {
                530 | 534 | 535 | 538 => SendFailure::new(Auth, format!("the mail server {at} refused the user name or password ({code}); check them in Settings › Email")),
                550 | 551 | 553 => SendFailure::new(Recipient, format!("the mail server refused a recipient or the from address ({code} {}); check the addresses", reply())),
                _ => SendFailure::new(Server, format!("the mail server {at} refused the message ({code} {})", reply())),
            };
        }
        if text.starts_with("Connection error") || text.starts_with("network error") {
            return SendFailure::new(Connect, format!("could not connect to the mail server {at} ({}); check the host and port, and that the server is running", reply()));
        }
        SendFailure::new(Server, format!("the mail server {at} could not take the message ({})", reply()))
    }

    fn build(&self, m: &Outgoing) -> Result<Message, SendFailure> {
        let bad = |e: &dyn std::fmt::Display| SendFailure::new(SendFailureKind::Message, format!("the message could not be made ({e})"));
        let from: Mailbox = self.settings.from.parse().map_err(|e| bad(&e))?;
        let mut builder = Message::builder().from(from).subject(m.subject.clone()).date(m.date);
        for to in &m.to {
            let mailbox: Mailbox = to.parse().map_err(|e| SendFailure::new(SendFailureKind::Recipient, format!("\"{to}\" is not an e-mail address ({e})")))?;
            builder = builder.to(mailbox);
        }
        let text = SinglePart::plain(m.body.clone());
        let built = match &m.attachment {
            None => builder.singlepart(text),
            Some((name, bytes)) => {
                let file = Attachment::new(name.clone()).body(bytes.clone(), content_type(name));
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(file))
            }
        };
        built.map_err(|e| bad(&e))
    }
}

impl Transport for Smtp {
    fn send(&self, m: &Outgoing) -> Result<(), SendFailure> {
        let message = self.build(m)?;
        let transport = self.transport()?;
        transport.send(&message).map(|_| ()).map_err(|e| self.failure(&e))
    }
}

/// The error's causes, outermost first.
fn causes<'a>(e: &'a (dyn std::error::Error + 'static)) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |c| c.source())
}

/// A socket read that waited its whole timeout: Linux says EAGAIN (`WouldBlock`), not
/// `TimedOut`, which is all lettre's `is_timeout` looks for.
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    causes(e).any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)))
}

/// A TLS handshake that failed (lettre reports a failed implicit-TLS or STARTTLS
/// handshake as a connection error, with native-tls's error as its cause).
fn handshake_failed(e: &lettre::transport::smtp::Error) -> bool {
    causes(e).any(|c| c.is::<native_tls::HandshakeError<std::net::TcpStream>>() || c.is::<native_tls::Error>())
}

/// A server's reply, short, for a message.
fn validate_reply(text: &str) -> String {
    crate::validate::truncate_for_message(text.trim())
}

/// The attachment's type by its extension (the reports' formats).
fn content_type(name: &str) -> ContentType {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let mime = match ext.as_str() {
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        "csv" => "text/csv",
        _ => "application/octet-stream",
    };
    ContentType::parse(mime).unwrap_or(ContentType::TEXT_PLAIN)
}
