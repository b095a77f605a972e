//! E-mail through the user's SMTP server (issue 16 items 1 and 2), against a real SMTP
//! server on 127.0.0.1 (`smtp/`, with a real TLS handshake), a real database file and an
//! injected clock: a report's file reaches two recipients byte for byte (read back by an
//! independent MIME parser); an alert e-mails once per triggering, not again while it
//! holds; a server without STARTTLS is refused in words and nothing goes in clear; a 535
//! is "user name or password refused"; a server that is down keeps the message in the
//! outbox with the reason until the retry after it is up; the password is in neither the
//! SQLite file nor its WAL.

mod common;
mod smtp;

use chrono::{DateTime, Duration, Utc};
use common::{refused, Fixture};
use mail_parser::{MessageParser, MimeHeaders};
use smtp::{Cert, Config, Server};
use studydesk_core::email::settings::{SmtpSecurity, SmtpSettingsInput};
use studydesk_core::email::smtp::{SendFailureKind, Smtp};
use studydesk_core::email::{self, outbox};

const USER: &str = "student";
const PASSWORD: &str = "pw-Zq8#ひみつ-4471";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn open() -> Fixture {
    // No desktop keychain in the tests: the encrypted file (the same store API).
    std::env::set_var(studydesk_core::secrets::STORE_VAR, "file");
    common::open()
}

fn settings(host: &str, port: u16, security: SmtpSecurity) -> SmtpSettingsInput {
    SmtpSettingsInput {
        host: host.into(),
        port: Some(port),
        security,
        username: Some(USER.into()),
        from: "me@example.com".into(),
        password: Some(PASSWORD.into()),
        clear_password: None,
    }
}

fn plain_server() -> Server {
    Server::start(Config { login: Some((USER.into(), PASSWORD.into())), ..Default::default() })
}

fn save(f: &Fixture, port: u16) {
    f.app.smtp_settings_set(settings("127.0.0.1", port, SmtpSecurity::None)).unwrap();
}

/// A dashboard with one metric card; its id.
fn dashboard(f: &Fixture) -> String {
    use studydesk_core::insights::rows::WidgetType;
    use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};
    let d = f.app.dashboard_create(studydesk_core::insights::dashboards::DashboardEdit { name: Some("Reading".into()), ..Default::default() }).unwrap();
    let w = WidgetDraft {
        kind: WidgetType::LineChart,
        config: WidgetConfig {
            title: "Minutes per day".into(),
            source: WidgetSource::Metric { metric: "minutes_studied".into(), grain: "day".into(), course_id: None, activity_id: None },
            ..Default::default()
        },
        query: None,
        data_source_id: None,
        position: None,
    };
    f.app.insights_widget_add(&d.row.id, w).unwrap();
    d.row.id
}

#[test]
fn a_report_run_emails_its_file_to_two_recipients_byte_for_byte() {
    use studydesk_core::insights::reports::schedule::Schedule;
    use studydesk_core::insights::reports::{ReportDraft, ReportFileFormat};
    let f = open();
    let server = plain_server();
    save(&f, server.port);
    let d = dashboard(&f);
    let r = f
        .app
        .report_create(ReportDraft {
            name: "Weekly reading".into(),
            dashboard_id: d,
            format: ReportFileFormat::Excel,
            schedule: Schedule::Daily { time: "08:00".into() },
            output_dir: f.dir.path().join("out").display().to_string(),
            widget_ids: None,
            recipients: Some(vec!["ann@example.com".into(), "bo@example.org".into()]),
            is_active: None,
        })
        .unwrap();
    let run = f.app.report_run_now(r.id.clone()).unwrap();
    let file = std::fs::read(run.file.as_ref().unwrap()).unwrap();

    // Queued in the run's write, sent only by the outbox.
    assert!(server.messages().is_empty());
    let queued = f.app.report_list().unwrap().remove(0).last_email.expect("queued");
    assert_eq!((queued.status.as_str(), queued.recipients.len()), ("pending", 2));

    let sent = f.app.outbox_send_due().unwrap();
    assert_eq!((sent.sent, sent.failed), (1, 0), "{:?}", sent.errors);
    let got = server.messages();
    assert_eq!(got.len(), 1, "one message for both recipients");
    assert_eq!(got[0].to, ["ann@example.com", "bo@example.org"]);
    assert_eq!(got[0].from, "me@example.com");
    let message = MessageParser::default().parse(&got[0].data).expect("a MIME message");
    assert_eq!(message.subject(), Some("Studydesk report: Weekly reading"));
    let attachment = message.attachment(0).expect("the file attached");
    assert_eq!(attachment.contents(), file.as_slice(), "the attachment is the file, byte for byte");
    let name = std::path::Path::new(run.file.as_ref().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(attachment.attachment_name(), Some(name.as_str()));
    assert!(message.body_text(0).unwrap().contains("Weekly reading"));

    // The report shows its last e-mail as sent; the outbox dropped the bytes; a second
    // drain sends nothing again.
    let shown = f.app.report_list().unwrap().remove(0).last_email.unwrap();
    assert_eq!((shown.status.as_str(), shown.sent_at.is_some(), shown.last_error), ("sent", true, None));
    let left: Option<i64> = f.app.db().read(|c| Ok(c.query_row("SELECT length(attachment) FROM email_outbox", [], |r| r.get(0))?)).unwrap();
    assert_eq!(left, None);
    assert_eq!(f.app.outbox_send_due().unwrap().sent, 0);
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn an_alert_with_email_sends_once_per_triggering_not_while_it_holds() {
    use studydesk_core::focus::sessions::NewSession;
    use studydesk_core::insights::alerts::rule::ThresholdType;
    use studydesk_core::insights::alerts::{AlertDraft, AlertGrain};
    use studydesk_core::insights::metrics::{MetricFilters, MetricId};
    let f = open();
    let draft = AlertDraft {
        name: "Studied over half an hour".into(),
        metric: Some(MetricId::MinutesStudied),
        widget_id: None,
        model_id: None,
        model_field: None,
        grain: Some(AlertGrain::Day),
        filters: MetricFilters::default(),
        threshold_type: ThresholdType::Above,
        threshold_value: 30.0,
        frequency: None,
        digest_time: None,
        channels: Some(vec!["email".into()]),
    };
    // Without SMTP the email channel is refused in words.
    assert!(refused(f.app.alert_create(draft.clone())).contains("email needs an SMTP server"));
    let server = plain_server();
    save(&f, server.port);
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let a = f.app.alert_create(draft).unwrap();

    let study = |start: &str, minutes: i64| {
        f.clock.set(at(start));
        f.app.session_start(NewSession::default()).unwrap();
        f.clock.set(at(start) + Duration::minutes(minutes));
        f.app.session_complete().unwrap();
    };
    study("2026-11-23T01:00:00Z", 40);
    f.clock.set(at("2026-11-23T01:45:00Z"));
    assert_eq!(f.app.reminders_run_once().unwrap().emails.sent, 1, "the headless turn fires and sends");
    // Still holding at the next checks: no second e-mail.
    study("2026-11-23T02:00:00Z", 20);
    f.clock.set(at("2026-11-23T02:30:00Z"));
    f.app.reminders_run_once().unwrap();
    f.clock.set(at("2026-11-23T03:00:00Z"));
    f.app.reminders_run_once().unwrap();
    let got = server.messages();
    assert_eq!(got.len(), 1, "one e-mail while it holds");
    assert_eq!(got[0].to, ["me@example.com"], "to the user's own address");
    let message = MessageParser::default().parse(&got[0].data).unwrap();
    assert_eq!(message.subject(), Some("Studydesk: Studied over half an hour"));
    assert!(message.body_text(0).unwrap().contains("40 (above 30)"));
    let alert = f.app.alert_list().unwrap().into_iter().find(|x| x.id == a.id).unwrap();
    assert_eq!(alert.last_email.map(|e| e.status), Some("sent".to_string()));
}

#[test]
fn a_server_without_starttls_is_refused_in_words_and_nothing_goes_in_clear() {
    let f = open();
    // A server with a login but no STARTTLS: a client that fell back to clear would send
    // AUTH (the password) and MAIL.
    let server = plain_server();
    f.app.smtp_settings_set(settings("localhost", server.port, SmtpSecurity::Starttls)).unwrap();
    let t = f.app.smtp_test_send("ann@example.com").unwrap();
    let failure = t.failure.expect("refused");
    assert!(!t.sent);
    assert_eq!(failure.kind, SendFailureKind::Starttls);
    assert!(failure.message.contains("does not offer STARTTLS") && failure.message.contains("nothing was sent"), "{}", failure.message);
    let said: Vec<String> = server.commands().into_iter().map(|(c, _)| c.to_ascii_uppercase()).collect();
    assert!(said.iter().all(|c| c.starts_with("EHLO") || c.starts_with("QUIT")), "only the greeting in clear: {said:?}");
    assert!(server.messages().is_empty());
}

#[test]
fn a_refused_password_is_said_as_such_and_the_password_is_never_in_sqlite() {
    let f = open();
    let server = Server::start(Config { login: Some((USER.into(), "another".into())), ..Default::default() });
    save(&f, server.port);
    let view = f.app.smtp_settings_get().unwrap();
    assert!(view.configured && view.password_saved);
    let t = f.app.smtp_test_send("ann@example.com").unwrap();
    let failure = t.failure.unwrap();
    assert_eq!(failure.kind, SendFailureKind::Auth);
    assert!(failure.message.contains("refused the user name or password (535)"), "{}", failure.message);
    assert!(!failure.message.contains(PASSWORD));
    assert!(server.messages().is_empty());

    // Saving again without a password keeps the saved one; the password is nowhere in
    // the database file or its WAL (an outbox row with its failure included).
    let mut again = settings("127.0.0.1", server.port, SmtpSecurity::None);
    again.password = None;
    assert!(f.app.smtp_settings_set(again).unwrap().password_saved);
    f.app.db().write(studydesk_core::db::WriteCtx::local_record(&f.app.user_id(), "test"), |tx| {
        outbox::enqueue(tx, &f.app.user_id(), outbox::NewMessage { source: "test".into(), to: vec!["ann@example.com".into()], subject: "s".into(), body: "b".into(), attachment: None })
    })
    .unwrap();
    assert_eq!(f.app.outbox_send_due().unwrap().failed, 1);
    for name in ["studydesk.db", "studydesk.db-wal"] {
        let bytes = std::fs::read(f.dir.path().join(name)).unwrap_or_default();
        assert!(!bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "the password is in {name}");
    }
    let secrets = std::fs::read(f.dir.path().join(studydesk_core::secrets::sealed_file::FILE_NAME)).unwrap();
    assert!(!secrets.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "sealed, not in clear");
}

#[test]
fn a_server_that_is_down_keeps_the_message_until_the_retry_after_it_is_up() {
    let f = open();
    let port = smtp::free_port();
    save(&f, port);
    f.clock.set(at("2026-11-23T00:00:00Z"));
    f.app.db().write(studydesk_core::db::WriteCtx::local_record(&f.app.user_id(), "test"), |tx| {
        outbox::enqueue(tx, &f.app.user_id(), outbox::NewMessage { source: "test".into(), to: vec!["ann@example.com".into()], subject: "Hello".into(), body: "b".into(), attachment: None })
    })
    .unwrap();
    let d = f.app.outbox_send_due().unwrap();
    assert_eq!((d.sent, d.failed), (0, 1));
    let e = f.app.outbox_list(None).unwrap().remove(0);
    assert_eq!((e.status.as_str(), e.attempts, e.last_error_kind), ("pending", 1, Some(SendFailureKind::Connect)));
    assert!(e.last_error.as_deref().unwrap().contains(&format!("could not connect to the mail server 127.0.0.1:{port}")), "{e:?}");
    assert_eq!(e.next_attempt_at.as_deref(), Some("2026-11-23T00:01:00.000Z"), "retried after a minute");

    // Up again, but not yet time: nothing is tried; at the retry time it is delivered.
    let server = Server::start_on(port, Config { login: Some((USER.into(), PASSWORD.into())), ..Default::default() });
    f.clock.set(at("2026-11-23T00:00:59Z"));
    assert_eq!(f.app.outbox_send_due().unwrap(), outbox::DrainReport::default());
    assert_eq!(server.connections(), 0);
    f.clock.set(at("2026-11-23T00:01:00Z"));
    assert_eq!(f.app.outbox_send_due().unwrap().sent, 1);
    assert_eq!(server.messages().len(), 1);
    let e = f.app.outbox_list(None).unwrap().remove(0);
    assert_eq!((e.status.as_str(), e.attempts, e.last_error), ("sent", 2, None));
}

#[test]
fn failures_back_off_and_give_up_after_three_days_visibly_then_retry_on_request() {
    let f = open();
    let port = smtp::free_port();
    save(&f, port);
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let me = f.app.user_id();
    f.app.db().write(studydesk_core::db::WriteCtx::local_record(&me, "test"), |tx| {
        outbox::enqueue(tx, &me, outbox::NewMessage { source: "test".into(), to: vec!["ann@example.com".into()], subject: "Hello".into(), body: "b".into(), attachment: None })
    })
    .unwrap();
    let mut waits = Vec::new();
    let mut now = at("2026-11-23T00:00:00Z");
    for _ in 0..40 {
        f.clock.set(now);
        f.app.outbox_send_due().unwrap();
        let e = f.app.outbox_list(None).unwrap().remove(0);
        match e.next_attempt_at.as_deref().and_then(studydesk_core::time::parse_instant) {
            Some(next) => {
                waits.push((next - now).num_minutes());
                now = next;
            }
            None => break,
        }
    }
    assert_eq!(&waits[..6], [1, 5, 30, 120, 360, 360]);
    let e = f.app.outbox_list(None).unwrap().remove(0);
    assert_eq!(e.status, "failed", "given up, visibly");
    assert!(now <= at("2026-11-26T00:00:00Z"));
    // "Retry" sends it again at the next drain.
    let retried = f.app.outbox_retry(&e.id).unwrap();
    assert_eq!(retried.status, "pending");
    let _server = Server::start_on(port, Config { login: Some((USER.into(), PASSWORD.into())), ..Default::default() });
    assert_eq!(f.app.outbox_send_due().unwrap().sent, 1);
    assert!(refused(f.app.outbox_retry(&e.id)).contains("is sent"));
}

#[test]
fn over_real_tls_starttls_and_implicit_tls_deliver_and_a_refused_recipient_is_named() {
    let f = open();
    let cert = Cert::localhost();
    let login = Some((USER.to_string(), PASSWORD.to_string()));
    let starttls = Server::start(Config { starttls: true, tls: Some(cert.clone()), login: login.clone(), refuse: Some("nobody@example.com".into()), ..Default::default() });
    let implicit = Server::start(Config { implicit_tls: true, tls: Some(cert.clone()), login, ..Default::default() });
    let me = f.app.user_id();
    let queue = |to: &str| {
        f.app.db().write(studydesk_core::db::WriteCtx::local_record(&me, "test"), |tx| {
            outbox::enqueue(tx, &me, outbox::NewMessage { source: "test".into(), to: vec![to.into()], subject: "Over TLS".into(), body: "b".into(), attachment: None })
        })
        .unwrap();
    };
    let smtp_for = |port: u16, security: SmtpSecurity| {
        let stored = email::settings::check(&settings("localhost", port, security)).unwrap();
        Smtp::new(stored, Some(PASSWORD.into())).with_root_certificate(&cert.cert_pem)
    };

    queue("ann@example.com");
    let d = outbox::drain(f.app.db(), &me, &smtp_for(starttls.port, SmtpSecurity::Starttls)).unwrap();
    assert_eq!((d.sent, d.failed), (1, 0), "{:?}", d.errors);
    assert!(starttls.messages()[0].over_tls);
    assert!(starttls.commands().iter().filter(|(c, _)| c.starts_with("AUTH") || c.starts_with("MAIL")).all(|(_, tls)| *tls), "AUTH and MAIL only over TLS");

    queue("bo@example.org");
    let d = outbox::drain(f.app.db(), &me, &smtp_for(implicit.port, SmtpSecurity::Tls)).unwrap();
    assert_eq!((d.sent, d.failed), (1, 0), "{:?}", d.errors);
    assert!(implicit.messages()[0].over_tls);

    queue("nobody@example.com");
    outbox::drain(f.app.db(), &me, &smtp_for(starttls.port, SmtpSecurity::Starttls)).unwrap();
    let e = f.app.outbox_list(None).unwrap().remove(0);
    assert_eq!(e.last_error_kind, Some(SendFailureKind::Recipient), "{e:?}");
    assert!(e.last_error.unwrap().contains("refused a recipient"));

    // Without the extra root the self-signed certificate is not trusted: a TLS failure.
    let stored = email::settings::check(&settings("localhost", implicit.port, SmtpSecurity::Tls)).unwrap();
    let t = studydesk_core::email::smtp::Transport::send(
        &Smtp::new(stored, Some(PASSWORD.into())),
        &studydesk_core::email::smtp::Outgoing { to: vec!["ann@example.com".into()], subject: "x".into(), body: "x".into(), attachment: None, date: std::time::SystemTime::UNIX_EPOCH },
    );
    assert_eq!(t.unwrap_err().kind, SendFailureKind::Tls);
}

#[test]
fn a_server_that_never_answers_times_out_in_words() {
    let server = Server::start(Config { silent: true, ..Default::default() });
    let stored = email::settings::check(&settings("127.0.0.1", server.port, SmtpSecurity::None)).unwrap();
    let smtp = Smtp::new(stored, None).with_timeout(std::time::Duration::from_millis(300));
    let message = studydesk_core::email::smtp::Outgoing { to: vec!["ann@example.com".into()], subject: "x".into(), body: "x".into(), attachment: None, date: std::time::SystemTime::UNIX_EPOCH };
    let failure = studydesk_core::email::smtp::Transport::send(&smtp, &message).unwrap_err();
    assert_eq!(failure.kind, SendFailureKind::Timeout, "{failure:?}");
    assert!(failure.message.contains("did not answer within"), "{}", failure.message);
}

#[test]
fn bad_settings_are_refused_whole_and_nothing_is_saved() {
    let f = open();
    let e = refused(f.app.smtp_settings_set(settings("smtp.example.com", 25, SmtpSecurity::None)));
    assert!(e.contains("in clear"), "{e}");
    let e = refused(f.app.smtp_settings_set(SmtpSettingsInput { from: "not-an-address".into(), ..settings("smtp.example.com", 587, SmtpSecurity::Starttls) }));
    assert!(e.contains("is not an e-mail address"), "{e}");
    assert!(!f.app.smtp_settings_get().unwrap().configured);
    assert!(refused(f.app.smtp_test_send("ann@example.com")).contains("not set up"));
    let server = plain_server();
    save(&f, server.port);
    assert!(refused(f.app.smtp_test_send("ann")).contains("is not an e-mail address"));
    let t = f.app.smtp_test_send("ann@example.com").unwrap();
    assert!(t.sent, "{t:?}");
}
