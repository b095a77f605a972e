//! A small SMTP server for the tests, on 127.0.0.1, that records what it receives.
//!
//! It speaks enough of RFC 5321 for a real client (lettre): the greeting, EHLO with its
//! extensions (AUTH PLAIN LOGIN, STARTTLS when offered), STARTTLS with a real TLS
//! handshake (a self-signed certificate made by openssl), implicit TLS, AUTH PLAIN and
//! LOGIN checked against one user (535 otherwise), MAIL, RCPT (550 for a refused
//! address), DATA (dot-unstuffed), RSET, NOOP, QUIT. Every command line is recorded with
//! whether it came over TLS, so a test can prove nothing was said in clear.
#![allow(dead_code)]

use base64::Engine;
use native_tls::{Identity, TlsAcceptor};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509Name, X509};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// How the server behaves.
#[derive(Clone, Default)]
pub struct Config {
    /// Offer STARTTLS (needs `tls`).
    pub starttls: bool,
    /// TLS from the first byte (needs `tls`).
    pub implicit_tls: bool,
    pub tls: Option<Cert>,
    /// The one user and password accepted; None: AUTH is not offered.
    pub login: Option<(String, String)>,
    /// A recipient answered 550.
    pub refuse: Option<String>,
    /// Accept connections and never answer.
    pub silent: bool,
}

/// A self-signed certificate for localhost and 127.0.0.1.
#[derive(Clone)]
pub struct Cert {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
}

impl Cert {
    pub fn localhost() -> Cert {
        let rsa = Rsa::generate(2048).unwrap();
        let key = PKey::from_rsa(rsa).unwrap();
        let mut name = X509Name::builder().unwrap();
        name.append_entry_by_text("CN", "localhost").unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap()).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
        b.set_not_after(&Asn1Time::days_from_now(2).unwrap()).unwrap();
        let san = SubjectAlternativeName::new().dns("localhost").ip("127.0.0.1").build(&b.x509v3_context(None, None)).unwrap();
        b.append_extension(san).unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        Cert { cert_pem: b.build().to_pem().unwrap(), key_pem: key.private_key_to_pem_pkcs8().unwrap() }
    }

    fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::new(Identity::from_pkcs8(&self.cert_pem, &self.key_pem).unwrap()).unwrap()
    }
}

/// One message received.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
    pub over_tls: bool,
}

#[derive(Default)]
pub struct Log {
    pub messages: Vec<Received>,
    /// Every command line, and whether it came over TLS.
    pub commands: Vec<(String, bool)>,
    pub connections: usize,
}

pub struct Server {
    pub port: u16,
    pub log: Arc<Mutex<Log>>,
}

impl Server {
    pub fn start(config: Config) -> Server {
        Server::on(TcpListener::bind("127.0.0.1:0").unwrap(), config)
    }

    /// On a chosen port (a server that comes back up).
    pub fn start_on(port: u16, config: Config) -> Server {
        Server::on(TcpListener::bind(("127.0.0.1", port)).unwrap(), config)
    }

    fn on(listener: TcpListener, config: Config) -> Server {
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                shared.lock().unwrap().connections += 1;
                let (config, log) = (config.clone(), shared.clone());
                std::thread::spawn(move || session(stream, &config, &log));
            }
        });
        Server { port, log }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.log.lock().unwrap().messages.clone()
    }

    pub fn commands(&self) -> Vec<(String, bool)> {
        self.log.lock().unwrap().commands.clone()
    }

    pub fn connections(&self) -> usize {
        self.log.lock().unwrap().connections
    }
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    Gone,
}

impl Stream {
    fn tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(b),
            Stream::Tls(s) => s.write_all(b),
            Stream::Gone => Ok(()),
        }
    }
    fn read_byte(&mut self) -> Option<u8> {
        let mut b = [0u8; 1];
        let n = match self {
            Stream::Plain(s) => s.read(&mut b),
            Stream::Tls(s) => s.read(&mut b),
            Stream::Gone => return None,
        };
        matches!(n, Ok(1)).then_some(b[0])
    }
    /// One line without its CRLF; None at the end of the stream.
    fn line(&mut self) -> Option<String> {
        let mut out = Vec::new();
        loop {
            let b = self.read_byte()?;
            if b == b'\n' {
                if out.last() == Some(&b'\r') {
                    out.pop();
                }
                return Some(String::from_utf8_lossy(&out).into_owned());
            }
            out.push(b);
        }
    }
}

fn reply(s: &mut Stream, text: &str) {
    let _ = s.write_all(format!("{text}\r\n").as_bytes());
}

fn address(arg: &str) -> String {
    arg.split_once('<').and_then(|(_, r)| r.split_once('>')).map(|(a, _)| a.to_string()).unwrap_or_default()
}

fn decode(b64: &str) -> String {
    String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(b64.trim()).unwrap_or_default()).into_owned()
}

fn session(tcp: TcpStream, config: &Config, log: &Mutex<Log>) {
    if config.silent {
        std::thread::sleep(std::time::Duration::from_secs(30));
        return;
    }
    let mut s = if config.implicit_tls {
        match config.tls.as_ref().unwrap().acceptor().accept(tcp) {
            Ok(t) => Stream::Tls(Box::new(t)),
            Err(_) => return,
        }
    } else {
        Stream::Plain(tcp)
    };
    reply(&mut s, "220 test.local ESMTP ready");
    let (mut from, mut to, mut authed) = (String::new(), Vec::new(), config.login.is_none());
    while let Some(line) = s.line() {
        log.lock().unwrap().commands.push((line.clone(), s.tls()));
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("").to_string();
        match verb.as_str() {
            "EHLO" | "HELO" => {
                let mut lines = vec!["250-test.local".to_string(), "250-8BITMIME".into()];
                if config.login.is_some() {
                    lines.push("250-AUTH PLAIN LOGIN".into());
                }
                if config.starttls && !s.tls() {
                    lines.push("250-STARTTLS".into());
                }
                lines.push("250 SIZE 50000000".into());
                reply(&mut s, &lines.join("\r\n"));
            }
            "STARTTLS" if config.starttls && !s.tls() => {
                reply(&mut s, "220 go ahead");
                let Stream::Plain(tcp) = std::mem::replace(&mut s, Stream::Gone) else { return };
                match config.tls.as_ref().unwrap().acceptor().accept(tcp) {
                    Ok(t) => s = Stream::Tls(Box::new(t)),
                    Err(_) => return,
                }
            }
            "AUTH" => {
                let parts: Vec<&str> = line.split_whitespace().collect();
                let (user, pass) = match parts.get(1).map(|m| m.to_ascii_uppercase()).as_deref() {
                    Some("PLAIN") => {
                        let blob = match parts.get(2) {
                            Some(b) => decode(b),
                            None => {
                                reply(&mut s, "334 ");
                                decode(&s.line().unwrap_or_default())
                            }
                        };
                        let mut it = blob.split('\0').skip(1);
                        (it.next().unwrap_or("").to_string(), it.next().unwrap_or("").to_string())
                    }
                    Some("LOGIN") => {
                        reply(&mut s, "334 VXNlcm5hbWU6");
                        let user = decode(&s.line().unwrap_or_default());
                        reply(&mut s, "334 UGFzc3dvcmQ6");
                        (user, decode(&s.line().unwrap_or_default()))
                    }
                    _ => {
                        reply(&mut s, "504 unknown mechanism");
                        continue;
                    }
                };
                if config.login.as_ref() == Some(&(user, pass)) {
                    authed = true;
                    reply(&mut s, "235 2.7.0 Authentication successful");
                } else {
                    reply(&mut s, "535 5.7.8 Authentication credentials invalid");
                }
            }
            "MAIL" if !authed => reply(&mut s, "530 5.7.0 Authentication required"),
            "MAIL" => {
                from = address(&line);
                to.clear();
                reply(&mut s, "250 2.1.0 OK");
            }
            "RCPT" => {
                let a = address(&line);
                if config.refuse.as_deref() == Some(a.as_str()) {
                    reply(&mut s, "550 5.1.1 No such user here");
                } else {
                    to.push(a);
                    reply(&mut s, "250 2.1.5 OK");
                }
            }
            "DATA" => {
                reply(&mut s, "354 End data with <CR><LF>.<CR><LF>");
                let mut data = Vec::new();
                while let Some(l) = s.line() {
                    if l == "." {
                        break;
                    }
                    let l = l.strip_prefix('.').map(str::to_string).filter(|_| l.starts_with("..")).unwrap_or(l);
                    data.extend_from_slice(l.as_bytes());
                    data.extend_from_slice(b"\r\n");
                }
                log.lock().unwrap().messages.push(Received { from: from.clone(), to: to.clone(), data, over_tls: s.tls() });
                reply(&mut s, "250 2.0.0 queued");
            }
            "RSET" | "NOOP" => reply(&mut s, "250 OK"),
            "QUIT" => {
                reply(&mut s, "221 bye");
                return;
            }
            _ => reply(&mut s, "502 command not implemented"),
        }
    }
}
