//! Recurrence rules (RFC 5545 RRULE) and their expansion.
//!
//! Contract:
//! - [`parse`] reads an RRULE value into a [`Rule`] and lists the parts Studydesk does not
//!   support (`BYHOUR`, `BYWEEKNO`, `FREQ=HOURLY`, ...). It never panics; a malformed value
//!   is an `Err` with a sentence. Supported: FREQ DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL,
//!   COUNT (at most [`MAX_COUNT`]), UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST.
//! - [`Rule::canonical`] is the one stored form (`calendar_events.rrule`): UNTIL in UTC
//!   for timed series, a date for all-day series.
//! - Expansion is done by the `rrule` crate in the series' IANA time zone (chrono-tz), so
//!   a weekly 09:00 event stays 09:00 local across DST changes in both directions; a
//!   local time that does not exist (spring forward) moves forward by the gap, an
//!   ambiguous one (fall back) takes the first instant. All-day series expand as floating
//!   dates. The common rules take a fast path that walks dates directly with the
//!   crate's exact semantics: DAILY/WEEKLY with only INTERVAL, BYDAY without ordinals,
//!   COUNT, UNTIL, WKST (`DayWalk`), and MONTHLY/YEARLY with no BY part (`MonthWalk`). A
//!   month view expands hundreds of series and the crate's per-series setup (~20 µs)
//!   was most of its time. Property tests pin each fast path to the crate's output. Occurrences come in start order; exceptions (EXDATE) and overrides are the
//!   caller's (`events.rs`), so this module knows nothing about storage.
//! - RDATE: a series' extra starts ([`Series::rdates`], sorted, of the start's kind) are
//!   merged into the rule's occurrences in order; a date both give comes once (RFC 5545
//!   §3.8.5.2: the set is a union). COUNT counts the rule's occurrences only. An event
//!   with RDATEs and no RRULE is stored with [`Rule::start_only`] (`FREQ=DAILY;COUNT=1`:
//!   its DTSTART alone), so every series path (range, edits, reminders) serves it.
//! - Several rules (a VEVENT with two RRULE lines, decision): [`Series::more_rules`]
//!   join the first rule's occurrences like RDATEs do, each rule with its own COUNT and
//!   UNTIL; an instant several rules give is one occurrence. Stored in the one
//!   `calendar_events.rrule` text as the canonical rules joined by a line feed
//!   ([`canonical_rules`], [`parse_rules`]); a single rule's text is unchanged.
//! - Cost: a series that started years ago is fast-forwarded to the window when that is
//!   exact: DAILY/WEEKLY by whole periods (with COUNT only when there is no BY* part),
//!   MONTHLY/YEARLY without COUNT from the first day of a later period with the day and
//!   month DTSTART implied written out (BYMONTHDAY, BYMONTH). A month view therefore does
//!   not replay years of occurrences.

use crate::{CoreError, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

/// The most occurrences a COUNT may ask for (more is refused, not truncated).
pub const MAX_COUNT: u32 = 10_000;
/// The largest INTERVAL accepted.
pub const MAX_INTERVAL: u16 = 1_000;
/// Occurrences walked to find a bounded series' end; longer series are treated as endless.
const MAX_WALK: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Freq {
    fn as_str(self) -> &'static str {
        match self {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
            Freq::Yearly => "YEARLY",
        }
    }
}

/// UNTIL as written: a date, a UTC instant, or a floating local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    Date(NaiveDate),
    Utc(DateTime<Utc>),
    Local(NaiveDateTime),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub freq: Freq,
    pub interval: u16,
    pub count: Option<u32>,
    pub until: Option<Until>,
    pub by_day: Vec<(Option<i16>, Weekday)>,
    pub by_month_day: Vec<i8>,
    pub by_month: Vec<u8>,
    pub by_set_pos: Vec<i32>,
    pub wkst: Option<Weekday>,
}

/// A parsed rule and the parts that were left out because Studydesk cannot expand them.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub rule: Rule,
    pub unsupported: Vec<String>,
}

/// Parses an RRULE value (`FREQ=WEEKLY;BYDAY=MO,WE`), with or without `RRULE:`.
pub fn parse(text: &str) -> std::result::Result<Parsed, String> {
    let t = text.trim();
    let t = t.strip_prefix("RRULE:").or_else(|| t.strip_prefix("rrule:")).unwrap_or(t);
    if t.is_empty() {
        return Err("the repeat rule is empty".into());
    }
    if t.len() > 500 {
        return Err("the repeat rule is too long (at most 500 characters)".into());
    }
    let mut b = Builder::default();
    for part in t.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("\"{}\" is not KEY=VALUE", short(part)))?;
        b.part(&k.trim().to_ascii_uppercase(), v.trim())?;
    }
    b.finish()
}

#[derive(Default)]
struct Builder {
    freq: Option<Freq>,
    rule_unsupported_freq: Option<String>,
    interval: Option<u16>,
    count: Option<u32>,
    until: Option<Until>,
    by_day: Vec<(Option<i16>, Weekday)>,
    by_month_day: Vec<i8>,
    by_month: Vec<u8>,
    by_set_pos: Vec<i32>,
    wkst: Option<Weekday>,
    unsupported: Vec<String>,
}

impl Builder {
    fn part(&mut self, key: &str, v: &str) -> std::result::Result<(), String> {
        match key {
            "FREQ" => self.freq(v)?,
            "INTERVAL" => self.interval = Some(number(key, v, 1, i64::from(MAX_INTERVAL))? as u16),
            "COUNT" => self.count = Some(number(key, v, 1, i64::from(MAX_COUNT))? as u32),
            "UNTIL" => self.until = Some(parse_until(v)?),
            "BYDAY" => self.by_day = list(v, parse_by_day)?,
            "BYMONTHDAY" => self.by_month_day = list(v, |x| nonzero(key, x, 31).map(|n| n as i8))?,
            "BYMONTH" => self.by_month = list(v, |x| number(key, x, 1, 12).map(|n| n as u8))?,
            "BYSETPOS" => self.by_set_pos = list(v, |x| nonzero(key, x, 366).map(|n| n as i32))?,
            "WKST" => self.wkst = Some(weekday(v)?),
            "BYHOUR" | "BYMINUTE" | "BYSECOND" | "BYYEARDAY" | "BYWEEKNO" | "BYEASTER" => {
                self.unsupported.push(format!("{key}={}", short(v)))
            }
            other if other.starts_with("X-") => self.unsupported.push(format!("{other}={}", short(v))),
            other => return Err(format!("\"{}\" is not a part of a repeat rule", short(other))),
        }
        Ok(())
    }

    fn freq(&mut self, v: &str) -> std::result::Result<(), String> {
        self.freq = match v.to_ascii_uppercase().as_str() {
            "DAILY" => Some(Freq::Daily),
            "WEEKLY" => Some(Freq::Weekly),
            "MONTHLY" => Some(Freq::Monthly),
            "YEARLY" => Some(Freq::Yearly),
            "HOURLY" | "MINUTELY" | "SECONDLY" => {
                self.rule_unsupported_freq = Some(format!("FREQ={}", v.to_ascii_uppercase()));
                None
            }
            _ => return Err(format!("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (got \"{}\")", short(v))),
        };
        Ok(())
    }

    fn finish(mut self) -> std::result::Result<Parsed, String> {
        if let Some(f) = self.rule_unsupported_freq.take() {
            // Nothing sensible is left of an hourly rule: the whole rule is unsupported.
            self.unsupported.insert(0, f);
            let rule = Rule::simple(Freq::Daily);
            return Ok(Parsed { rule, unsupported: self.unsupported });
        }
        let freq = self.freq.ok_or("the repeat rule has no FREQ")?;
        if self.count.is_some() && self.until.is_some() {
            return Err("a repeat rule may have COUNT or UNTIL, not both".into());
        }
        if self.by_day.iter().any(|(n, _)| n.is_some()) && !matches!(freq, Freq::Monthly | Freq::Yearly) {
            return Err("numbered BYDAY (like 1MO) needs FREQ=MONTHLY or YEARLY".into());
        }
        if freq == Freq::Weekly && !self.by_month_day.is_empty() {
            return Err("BYMONTHDAY cannot be used with FREQ=WEEKLY".into());
        }
        let rule = Rule {
            freq,
            interval: self.interval.unwrap_or(1),
            count: self.count,
            until: self.until,
            by_day: self.by_day,
            by_month_day: self.by_month_day,
            by_month: self.by_month,
            by_set_pos: self.by_set_pos,
            wkst: self.wkst,
        };
        Ok(Parsed { rule, unsupported: self.unsupported })
    }
}

fn short(s: &str) -> String {
    crate::validate::truncate_for_message(s)
}

fn number(key: &str, v: &str, min: i64, max: i64) -> std::result::Result<i64, String> {
    let n: i64 = v.trim().parse().map_err(|_| format!("{key} must be a number (got \"{}\")", short(v)))?;
    if n < min || n > max {
        return Err(format!("{key} must be between {min} and {max} (got {n})"));
    }
    Ok(n)
}

fn nonzero(key: &str, v: &str, max: i64) -> std::result::Result<i64, String> {
    let n = number(key, v, -max, max)?;
    if n == 0 {
        return Err(format!("{key} must not be 0"));
    }
    Ok(n)
}

fn list<T>(v: &str, f: impl Fn(&str) -> std::result::Result<T, String>) -> std::result::Result<Vec<T>, String> {
    let items: Vec<&str> = v.split(',').map(str::trim).filter(|x| !x.is_empty()).collect();
    if items.is_empty() || items.len() > 366 {
        return Err(format!("\"{}\" is not a list of values", short(v)));
    }
    items.into_iter().map(f).collect()
}

pub fn weekday(v: &str) -> std::result::Result<Weekday, String> {
    Ok(match v.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return Err(format!("\"{}\" is not a weekday (MO, TU, WE, TH, FR, SA, SU)", short(v))),
    })
}

fn weekday_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

fn parse_by_day(v: &str) -> std::result::Result<(Option<i16>, Weekday), String> {
    let v = v.trim();
    if v.len() < 2 || !v.is_char_boundary(v.len() - 2) {
        return Err(format!("\"{}\" is not a BYDAY value", short(v)));
    }
    let (n, d) = v.split_at(v.len() - 2);
    let day = weekday(d)?;
    if n.is_empty() {
        return Ok((None, day));
    }
    let n = nonzero("BYDAY", n.trim_start_matches('+'), 53)? as i16;
    Ok((Some(n), day))
}

/// UNTIL: `20261201`, `20261201T100000Z` or a floating `20261201T100000`.
pub fn parse_until(v: &str) -> std::result::Result<Until, String> {
    let v = v.trim();
    let bad = || format!("UNTIL must be a date like 20261201 or a time like 20261201T100000Z (got \"{}\")", short(v));
    if v.len() == 8 {
        return NaiveDate::parse_from_str(v, "%Y%m%d").map(Until::Date).map_err(|_| bad());
    }
    let (body, utc) = match v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let t = NaiveDateTime::parse_from_str(body, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
    Ok(if utc { Until::Utc(Utc.from_utc_datetime(&t)) } else { Until::Local(t) })
}

impl Rule {
    pub fn simple(freq: Freq) -> Rule {
        Rule {
            freq,
            interval: 1,
            count: None,
            until: None,
            by_day: vec![],
            by_month_day: vec![],
            by_month: vec![],
            by_set_pos: vec![],
            wkst: None,
        }
    }

    /// The rule of a series made only of its start and its RDATEs (no RRULE in the file):
    /// `FREQ=DAILY;COUNT=1` yields DTSTART alone, as the RFC's set without a rule does.
    pub fn start_only() -> Rule {
        Rule { count: Some(1), ..Rule::simple(Freq::Daily) }
    }

    /// Whether this is [`Rule::start_only`] (an export then writes no RRULE).
    pub fn is_start_only(&self) -> bool {
        *self == Rule::start_only()
    }

    fn has_by_parts(&self) -> bool {
        !(self.by_day.is_empty() && self.by_month_day.is_empty() && self.by_month.is_empty() && self.by_set_pos.is_empty())
    }

    /// Resolves UNTIL to the stored kind: a date for all-day series, a UTC instant for
    /// timed ones (a date means "through the end of that day" in `tz`).
    pub fn normalise_until(&mut self, all_day: bool, tz: Tz) {
        self.until = self.until.map(|u| match (u, all_day) {
            (Until::Date(d), true) => Until::Date(d),
            (Until::Utc(t), true) => Until::Date(t.with_timezone(&tz).date_naive()),
            (Until::Local(t), true) => Until::Date(t.date()),
            (Until::Date(d), false) => {
                let end = d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
                Until::Utc(local_to_utc(end, tz))
            }
            (Until::Utc(t), false) => Until::Utc(t),
            (Until::Local(t), false) => Until::Utc(local_to_utc(t, tz)),
        });
    }

    /// The stored text, parts in a fixed order (so equal rules compare equal).
    pub fn canonical(&self) -> String {
        let mut parts = vec![format!("FREQ={}", self.freq.as_str())];
        if self.interval != 1 {
            parts.push(format!("INTERVAL={}", self.interval));
        }
        if let Some(c) = self.count {
            parts.push(format!("COUNT={c}"));
        }
        match self.until {
            Some(Until::Date(d)) => parts.push(format!("UNTIL={}", d.format("%Y%m%d"))),
            Some(Until::Utc(t)) => parts.push(format!("UNTIL={}", t.format("%Y%m%dT%H%M%SZ"))),
            Some(Until::Local(t)) => parts.push(format!("UNTIL={}", t.format("%Y%m%dT%H%M%S"))),
            None => {}
        }
        if !self.by_day.is_empty() {
            let days: Vec<String> = self
                .by_day
                .iter()
                .map(|(n, d)| format!("{}{}", n.map(|n| n.to_string()).unwrap_or_default(), weekday_code(*d)))
                .collect();
            parts.push(format!("BYDAY={}", days.join(",")));
        }
        push_list(&mut parts, "BYMONTHDAY", &self.by_month_day);
        push_list(&mut parts, "BYMONTH", &self.by_month);
        push_list(&mut parts, "BYSETPOS", &self.by_set_pos);
        if let Some(w) = self.wkst.filter(|w| *w != Weekday::Mon) {
            parts.push(format!("WKST={}", weekday_code(w)));
        }
        parts.join(";")
    }

    /// The same rule with the weekday, day of the month and month a DTSTART on `start`
    /// implies written out (RFC 5545 §3.3.10), so that it gives the same occurrences
    /// from another start of the same period grid (DAILY needs none).
    pub fn pinned_to(&self, start: NaiveDate) -> Rule {
        let mut r = self.clone();
        match r.freq {
            Freq::Daily => {}
            Freq::Weekly if r.by_day.is_empty() => r.by_day = vec![(None, start.weekday())],
            Freq::Weekly => {}
            Freq::Monthly | Freq::Yearly => {
                if r.by_month_day.is_empty() && r.by_day.is_empty() {
                    r.by_month_day = vec![start.day() as i8];
                    if r.freq == Freq::Yearly && r.by_month.is_empty() {
                        r.by_month = vec![start.month() as u8];
                    }
                }
            }
        }
        r
    }

    /// Ends the series before `boundary` (an occurrence start): UNTIL replaces COUNT.
    pub fn end_before(&mut self, boundary: Occ) {
        self.count = None;
        self.until = Some(match boundary {
            Occ::Date(d) => Until::Date(d.pred_opt().unwrap_or(d)),
            Occ::Time(t) => Until::Utc(t - Duration::seconds(1)),
        });
    }
}

/// Between the rules of one series in the stored text (`calendar_events.rrule`).
pub const RULES_SEPARATOR: char = '\n';

/// The stored text of a series' rules: each canonical, joined by [`RULES_SEPARATOR`].
pub fn canonical_rules<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> String {
    let texts: Vec<String> = rules.into_iter().map(Rule::canonical).collect();
    texts.join(&RULES_SEPARATOR.to_string())
}

/// Parses a stored or typed rules text: one rule per line (blank lines ignored), at
/// least one. Each line as [`parse`].
pub fn parse_rules(text: &str) -> std::result::Result<Vec<Parsed>, String> {
    let lines: Vec<&str> = text.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return Err("the repeat rule is empty".into());
    }
    if text.len() > 500 {
        return Err("the repeat rules are too long (at most 500 characters in all)".into());
    }
    lines.into_iter().map(parse).collect()
}

fn push_list<T: ToString>(parts: &mut Vec<String>, key: &str, values: &[T]) {
    if !values.is_empty() {
        let v: Vec<String> = values.iter().map(ToString::to_string).collect();
        parts.push(format!("{key}={}", v.join(",")));
    }
}

/// A local wall-clock time in `tz` as UTC: the first instant when ambiguous, shifted
/// forward by the gap when it does not exist (a DST spring-forward).
pub fn local_to_utc(t: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&t) {
        chrono::LocalResult::Single(x) => x.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // The offset before the gap applies (RFC 5545 §3.3.5): 02:30 becomes 03:30.
            let before = tz.offset_from_utc_datetime(&(t - Duration::hours(26)));
            let guess = Utc.from_utc_datetime(&(t - offset_of(before)));
            guess
        }
    }
}

fn offset_of(o: <Tz as TimeZone>::Offset) -> Duration {
    use chrono::Offset;
    Duration::seconds(i64::from(o.fix().local_minus_utc()))
}

// ---- occurrences ----------------------------------------------------------------------

/// One occurrence's original start: a date (all-day series) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Occ {
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl Occ {
    /// The stored text (EXDATE entries, `recurrence_id`): `2026-11-23` or a UTC timestamp.
    pub fn key(&self) -> String {
        match self {
            Occ::Date(d) => crate::time::date_text(*d),
            Occ::Time(t) => crate::db::timestamp_text(*t),
        }
    }

    pub fn parse_key(s: &str) -> Option<Occ> {
        if s.len() == 10 {
            return s.parse::<NaiveDate>().ok().map(Occ::Date);
        }
        DateTime::parse_from_rfc3339(s).ok().map(|t| Occ::Time(t.with_timezone(&Utc)))
    }
}

/// A series as the expander needs it.
#[derive(Debug, Clone)]
pub struct Series {
    pub rule: Rule,
    /// Further rules (a VEVENT's second and later RRULE lines): their occurrences join
    /// the first rule's; an instant two rules give is one occurrence (RFC 5545 §3.8.5.3:
    /// the recurrence set is a set). Each rule's COUNT counts its own occurrences.
    pub more_rules: Vec<Rule>,
    pub tz: Tz,
    /// First start: a date for all-day series, else an instant.
    pub start: Occ,
    /// Extra starts (RDATE), sorted, unique, of the start's kind.
    pub rdates: Vec<Occ>,
}

impl Series {
    /// Every occurrence start `s` with `from <= s < to`, in order, at most `max`.
    pub fn between(&self, from: Occ, to: Occ, max: usize) -> Result<Vec<Occ>> {
        let mut out = Vec::new();
        for o in self.iter_from(from)? {
            if o >= to || out.len() >= max {
                break;
            }
            if o >= from {
                out.push(o);
            }
        }
        Ok(out)
    }

    /// The first occurrence at or after `at`.
    pub fn first_at_or_after(&self, at: Occ) -> Result<Option<Occ>> {
        Ok(self.iter_from(at)?.find(|o| *o >= at))
    }

    /// Whether `at` is an occurrence of the series.
    pub fn occurs_at(&self, at: Occ) -> Result<bool> {
        Ok(self.first_at_or_after(at)? == Some(at))
    }

    /// The last occurrence of a bounded series; `None` when it has no end (or more
    /// occurrences than are worth walking). `Err` when the rule yields nothing at all.
    pub fn last(&self) -> Result<Option<Occ>> {
        let mut iter = self.iter_from(self.start)?;
        let Some(mut last) = iter.next() else {
            return Err(CoreError::validation("the repeat rule never produces an occurrence from this start"));
        };
        if self.rules().any(|r| r.count.is_none() && r.until.is_none()) {
            return Ok(None);
        }
        for (n, o) in iter.enumerate() {
            if n >= MAX_WALK {
                return Ok(None);
            }
            last = o;
        }
        Ok(Some(last))
    }

    /// Occurrence starts from (about) `not_before` on. Starts earlier than the series'
    /// fast-forward point may be skipped, never later ones.
    pub fn iter_from(&self, not_before: Occ) -> Result<impl Iterator<Item = Occ>> {
        // Copied, not borrowed: the iterator outlives `self` in callers (no allocation
        // for the common series without RDATEs).
        let extra: Vec<Occ> = self.rdates.iter().copied().filter(|o| *o >= not_before).collect();
        let mut more = Vec::with_capacity(self.more_rules.len());
        for rule in &self.more_rules {
            let one = Series { rule: rule.clone(), more_rules: vec![], tz: self.tz, start: self.start, rdates: vec![] };
            more.push(one.iter_rule(not_before)?.peekable());
        }
        Ok(Merge { rule: self.iter_rule(not_before)?.peekable(), more, extra: extra.into_iter().peekable() })
    }

    /// The first rule, then the further ones.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        std::iter::once(&self.rule).chain(&self.more_rules)
    }

    /// The rule's occurrences alone (see [`Series::iter_from`]).
    fn iter_rule(&self, not_before: Occ) -> Result<OccIter> {
        if let Some(walk) = DayWalk::new(self, not_before) {
            return Ok(OccIter::Days(walk));
        }
        if let Some(walk) = MonthWalk::new(self, not_before) {
            return Ok(OccIter::Months(walk));
        }
        self.iter_rrule(not_before)
    }

    /// The `rrule` crate's expansion (every rule; the reference the fast path is tested
    /// against).
    fn iter_rrule(&self, not_before: Occ) -> Result<OccIter> {
        let (dtstart, skipped, rule) = self.fast_forward(not_before);
        let mut rule = rule.unwrap_or_else(|| self.rule.clone());
        let all_day = matches!(self.start, Occ::Date(_));
        // Fast-forwarded past UNTIL: the series has ended (the crate would refuse a
        // DTSTART after UNTIL instead of yielding nothing).
        if let (Some(u), true) = (rule.until, dtstart != self.local_start()) {
            let shifted = if all_day { Utc.from_utc_datetime(&dtstart) } else { local_to_utc(dtstart, self.tz) };
            if until_instant(u, self.tz, all_day) < shifted {
                return Ok(OccIter::Empty);
            }
        }
        if let Some(c) = rule.count {
            if skipped >= u64::from(c) {
                return Ok(OccIter::Empty);
            }
            rule.count = Some(c - skipped as u32);
        }
        let set = build(&rule, dtstart, self.tz, all_day)?;
        Ok(OccIter::Rrule(set.into_iter(), all_day))
    }

    /// The local start to expand from, how many occurrences that skips, and the rule to
    /// expand (when the defaults DTSTART implied had to be written out). Whole periods
    /// are skipped only when that is exact (see the module docs).
    fn fast_forward(&self, not_before: Occ) -> (NaiveDateTime, u64, Option<Rule>) {
        let start_local = self.local_start();
        let target = match not_before {
            Occ::Date(d) => d,
            Occ::Time(t) => t.with_timezone(&self.tz).date_naive(),
        };
        // Keep a margin so the periods around the target are replayed in full.
        let gap_days = (target - start_local.date()).num_days() - 40;
        if gap_days <= 0 {
            return (start_local, 0, None);
        }
        match self.rule.freq {
            Freq::Daily | Freq::Weekly => self.skip_days(start_local, gap_days),
            Freq::Monthly | Freq::Yearly => self.skip_months(start_local, gap_days),
        }
    }

    /// DAILY / WEEKLY: skip whole periods of days; with COUNT only when every period
    /// holds exactly one occurrence (no BY parts).
    fn skip_days(&self, start_local: NaiveDateTime, gap_days: i64) -> (NaiveDateTime, u64, Option<Rule>) {
        if self.rule.count.is_some() && self.rule.has_by_parts() {
            return (start_local, 0, None);
        }
        let period = i64::from(self.rule.interval) * if self.rule.freq == Freq::Weekly { 7 } else { 1 };
        let periods = gap_days / period;
        for k in [periods, periods - 1] {
            let shifted = start_local + Duration::days(k * period);
            if k > 0 && self.valid_local(shifted) {
                return (shifted, k as u64, None);
            }
        }
        (start_local, 0, None)
    }

    /// MONTHLY / YEARLY without COUNT: start at the first day of a later period, with the
    /// day (and month) DTSTART implied written out as BYMONTHDAY (and BYMONTH).
    fn skip_months(&self, start_local: NaiveDateTime, gap_days: i64) -> (NaiveDateTime, u64, Option<Rule>) {
        if self.rule.count.is_some() {
            return (start_local, 0, None);
        }
        let months_per_period = i64::from(self.rule.interval) * if self.rule.freq == Freq::Yearly { 12 } else { 1 };
        let periods = (gap_days / 31) / months_per_period;
        let mut rule = self.rule.clone();
        let d = start_local.date();
        if rule.by_month_day.is_empty() && rule.by_day.is_empty() {
            rule.by_month_day = vec![d.day() as i8];
            if rule.freq == Freq::Yearly && rule.by_month.is_empty() {
                rule.by_month = vec![d.month() as u8];
            }
        }
        for k in [periods, periods - 1] {
            if k <= 0 {
                break;
            }
            let months = i64::from(d.year()) * 12 + i64::from(d.month0()) + k * months_per_period;
            let first = if rule.freq == Freq::Yearly {
                NaiveDate::from_ymd_opt((months / 12) as i32, 1, 1)
            } else {
                NaiveDate::from_ymd_opt((months / 12) as i32, (months % 12) as u32 + 1, 1)
            };
            let Some(first) = first else { break };
            let shifted = first.and_time(start_local.time());
            if self.valid_local(shifted) {
                return (shifted, 0, Some(rule));
            }
        }
        (start_local, 0, None)
    }

    /// `rule` (one of this series' rules) as it goes on in a new series starting at
    /// `occ`: COUNT continues where it stopped (`None`: it has no occurrence left), and
    /// with several rules the weekday, day and month DTSTART implied are written out
    /// ([`Rule::pinned_to`]), so a start given by another rule does not move this one
    /// (refused when an INTERVAL would count from there).
    pub fn continued(&self, rule: &Rule, occ: Occ) -> Result<Option<Rule>> {
        let alone = Series { rule: rule.clone(), more_rules: vec![], rdates: vec![], ..self.clone() };
        let mut next = rule.clone();
        if let Some(count) = rule.count {
            let before = alone.between(self.start, occ, MAX_COUNT as usize)?.len() as u32;
            if before >= count {
                return Ok(None);
            }
            next.count = Some(count - before);
        }
        if !self.more_rules.is_empty() && !alone.occurs_at(occ)? {
            if rule.interval > 1 {
                return Err(CoreError::validation(
                    "the series cannot be split here: one of its rules repeats every few periods counted from its first date; change this event, or all of them",
                ));
            }
            next = next.pinned_to(self.local_start_date());
        }
        Ok(Some(next))
    }

    /// `rule` (one of this series' rules) ended before `at`: UNTIL replaces COUNT, unless
    /// its COUNT runs out before `at` anyway (UNTIL would then give it more occurrences:
    /// with several rules, or at an extra date, `at` need not be one of its own).
    pub fn ended_before(&self, rule: &Rule, at: Occ) -> Result<Rule> {
        let mut r = rule.clone();
        if rule.count.is_some() {
            let alone = Series { rule: rule.clone(), more_rules: vec![], rdates: vec![], ..self.clone() };
            if alone.first_at_or_after(at)?.is_none() {
                return Ok(r);
            }
        }
        r.end_before(at);
        Ok(r)
    }

    /// The local date of the series' first start.
    pub fn local_start_date(&self) -> NaiveDate {
        self.local_start().date()
    }

    fn valid_local(&self, t: NaiveDateTime) -> bool {
        matches!(self.start, Occ::Date(_)) || self.tz.from_local_datetime(&t).single().is_some()
    }

    fn local_start(&self) -> NaiveDateTime {
        match self.start {
            Occ::Date(d) => d.and_time(NaiveTime::MIN),
            Occ::Time(t) => t.with_timezone(&self.tz).naive_local(),
        }
    }
}

enum OccIter {
    Empty,
    Rrule(rrule::RRuleSetIter, bool),
    Days(DayWalk),
    Months(MonthWalk),
}

/// What both fast paths share: turning a candidate date into an occurrence with the
/// `rrule` crate's exact semantics (the property tests below pin that). The time of day
/// is DTSTART's local time (whole seconds); a date whose local time is not single
/// becomes local midnight plus that time as a duration (so a time in a spring-forward gap
/// moves on by the gap and an ambiguous one takes the earlier instant), or is dropped
/// when midnight is not single either; candidates before DTSTART are not emitted nor
/// counted; the first candidate after UNTIL ends the series.
struct Emit {
    tz: Tz,
    all_day: bool,
    time: NaiveTime,
    dtstart: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    /// Occurrences still to emit under COUNT.
    left: Option<u32>,
    done: bool,
}

impl Emit {
    /// The emitter and DTSTART's local date-time, as `build` hands them to the crate;
    /// `None` when the crate would refuse the rule (UNTIL before DTSTART is its error).
    fn new(s: &Series) -> Option<(Emit, NaiveDateTime)> {
        let all_day = matches!(s.start, Occ::Date(_));
        let (dtstart, local) = match s.start {
            Occ::Date(d) => (Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)), d.and_time(NaiveTime::MIN)),
            Occ::Time(t) => {
                let local = t.with_timezone(&s.tz).naive_local();
                let at = match s.tz.from_local_datetime(&local) {
                    chrono::LocalResult::Single(x) => x.with_timezone(&Utc),
                    chrono::LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
                    chrono::LocalResult::None => local_to_utc(local, s.tz),
                };
                (at, local)
            }
        };
        let until = s.rule.until.map(|u| until_instant(u, s.tz, all_day));
        if until.is_some_and(|u| u < dtstart) {
            return None;
        }
        let time = NaiveTime::from_hms_opt(local.hour(), local.minute(), local.second())?;
        Some((Emit { tz: s.tz, all_day, time, dtstart, until, left: s.rule.count, done: false }, local))
    }

    /// A candidate date's instant, as the crate's `add_time_to_date` computes it.
    fn instant(&self, d: NaiveDate) -> Option<DateTime<Utc>> {
        if self.all_day {
            return Some(Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)));
        }
        if let Some(t) = self.tz.from_local_datetime(&d.and_time(self.time)).single() {
            return Some(t.with_timezone(&Utc));
        }
        let midnight = self.tz.from_local_datetime(&d.and_time(NaiveTime::MIN)).single()?;
        Some(midnight.with_timezone(&Utc) + (self.time - NaiveTime::MIN))
    }

    /// The occurrence on candidate date `d`, if it is one; sets `done` when the series
    /// ended there (UNTIL passed, COUNT used up).
    fn offer(&mut self, d: NaiveDate) -> Option<Occ> {
        let at = self.instant(d)?;
        if self.until.is_some_and(|u| at > u) {
            self.done = true;
            return None;
        }
        if at < self.dtstart {
            return None;
        }
        if let Some(left) = &mut self.left {
            if *left == 0 {
                self.done = true;
                return None;
            }
            *left -= 1;
        }
        Some(if self.all_day { Occ::Date(d) } else { Occ::Time(at) })
    }
}

/// The date `not_before` falls on in the series' zone.
fn target_date(s: &Series, not_before: Occ) -> NaiveDate {
    match not_before {
        Occ::Date(d) => d,
        Occ::Time(t) => t.with_timezone(&s.tz).date_naive(),
    }
}

/// The fast path for FREQ=DAILY/WEEKLY with only INTERVAL, BYDAY (without ordinals),
/// COUNT, UNTIL and WKST. The `rrule` crate spends ~20 µs setting up one series (year
/// masks, day sets); this walks candidate dates directly and costs well under a
/// microsecond per occurrence, which is most of a month view of hundreds of series.
struct DayWalk {
    emit: Emit,
    /// Weekdays (from Monday) a candidate date may fall on.
    days: [bool; 7],
    /// Days from one period's first date to the next one's.
    step: i64,
    /// Days in one period (1 daily, 7 weekly).
    len: i64,
    /// The current period's first date and the next offset to try inside it.
    period: NaiveDate,
    offset: i64,
}

impl DayWalk {
    /// `None` when the rule needs the `rrule` crate.
    fn new(s: &Series, not_before: Occ) -> Option<DayWalk> {
        let r = &s.rule;
        let simple = matches!(r.freq, Freq::Daily | Freq::Weekly)
            && r.by_month_day.is_empty()
            && r.by_month.is_empty()
            && r.by_set_pos.is_empty()
            && r.by_day.iter().all(|(n, _)| n.is_none());
        if !simple {
            return None;
        }
        let interval = i64::from(r.interval.max(1));
        // DAILY;BYDAY with INTERVAL a multiple of 7 visits one weekday only and may never
        // match: the crate's loop cap handles that, not this walk.
        if r.freq == Freq::Daily && !r.by_day.is_empty() && interval % 7 == 0 {
            return None;
        }
        let (emit, local) = Emit::new(s)?;
        let mut days = [false; 7];
        if r.by_day.is_empty() {
            match r.freq {
                Freq::Weekly => days[local.weekday().num_days_from_monday() as usize] = true,
                _ => days = [true; 7],
            }
        } else {
            for (_, d) in &r.by_day {
                days[d.num_days_from_monday() as usize] = true;
            }
        }
        let first = local.date();
        let (len, period0) = match r.freq {
            Freq::Weekly => {
                let wkst = r.wkst.unwrap_or(Weekday::Mon);
                let back = (7 + first.weekday().num_days_from_monday() - wkst.num_days_from_monday()) % 7;
                (7, first - Duration::days(i64::from(back)))
            }
            _ => (1, first),
        };
        let step = interval * len;
        let mut it = DayWalk { emit, days, step, len, period: period0, offset: (first - period0).num_days() };
        // Without COUNT, whole periods ending two days before `not_before` cannot hold
        // an occurrence at or after it, and skipping them changes nothing else. With
        // COUNT every earlier occurrence counts, so the walk starts at DTSTART.
        if r.count.is_none() {
            let k = ((target_date(s, not_before) - period0).num_days() - 2) / step;
            if k > 0 {
                it.period = period0.checked_add_signed(Duration::days(k * step))?;
                it.offset = 0;
            }
        }
        Some(it)
    }
}

impl Iterator for DayWalk {
    type Item = Occ;
    fn next(&mut self) -> Option<Occ> {
        while !self.emit.done {
            if self.offset >= self.len {
                let Some(next) = self.period.checked_add_signed(Duration::days(self.step)) else {
                    self.emit.done = true;
                    break;
                };
                self.period = next;
                self.offset = 0;
            }
            let Some(d) = self.period.checked_add_signed(Duration::days(self.offset)) else {
                self.emit.done = true;
                break;
            };
            self.offset += 1;
            if !self.days[d.weekday().num_days_from_monday() as usize] {
                continue;
            }
            if let Some(o) = self.emit.offer(d) {
                return Some(o);
            }
        }
        None
    }
}

/// The fast path for FREQ=MONTHLY/YEARLY with no BY part (INTERVAL, COUNT, UNTIL): the
/// DTSTART's day of the month (and month, yearly) in every INTERVAL-th period; a period
/// without that day (the 31st in April, 29 February in 2027) has no occurrence and
/// does not count, as RFC 5545 and the crate have it. Most monthly and yearly series in a
/// student's calendar (rent, birthdays, a monthly seminar) are of this form.
struct MonthWalk {
    emit: Emit,
    day: u32,
    /// Months since year 0 of the next period to try, and months between periods.
    month: i64,
    step: i64,
}

/// The last year a walk visits (chrono's dates end well after; the crate stops here too).
const LAST_YEAR: i64 = 9_999;

impl MonthWalk {
    /// `None` when the rule needs the `rrule` crate.
    fn new(s: &Series, not_before: Occ) -> Option<MonthWalk> {
        let r = &s.rule;
        let simple = matches!(r.freq, Freq::Monthly | Freq::Yearly)
            && r.by_day.is_empty()
            && r.by_month_day.is_empty()
            && r.by_month.is_empty()
            && r.by_set_pos.is_empty();
        if !simple {
            return None;
        }
        let (emit, local) = Emit::new(s)?;
        let step = i64::from(r.interval.max(1)) * if r.freq == Freq::Yearly { 12 } else { 1 };
        let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let first = months(local.date());
        let mut it = MonthWalk { emit, day: local.day(), month: first, step };
        // Without COUNT, skip whole periods that end before the one `not_before` is in.
        if r.count.is_none() {
            let k = (months(target_date(s, not_before)) - first) / step - 1;
            if k > 0 {
                it.month = first + k * step;
            }
        }
        Some(it)
    }
}

impl Iterator for MonthWalk {
    type Item = Occ;
    fn next(&mut self) -> Option<Occ> {
        while !self.emit.done {
            let (year, month0) = (self.month.div_euclid(12), self.month.rem_euclid(12));
            if year > LAST_YEAR {
                self.emit.done = true;
                break;
            }
            self.month += self.step;
            let Some(d) = NaiveDate::from_ymd_opt(year as i32, month0 as u32 + 1, self.day) else { continue };
            if let Some(o) = self.emit.offer(d) {
                return Some(o);
            }
        }
        None
    }
}

/// The rules' occurrences and the RDATEs, each in order, merged in order; one that
/// several give comes once.
struct Merge {
    rule: std::iter::Peekable<OccIter>,
    /// The further rules' (empty, without allocating, for a series of one rule).
    more: Vec<std::iter::Peekable<OccIter>>,
    extra: std::iter::Peekable<std::vec::IntoIter<Occ>>,
}

impl Iterator for Merge {
    type Item = Occ;
    fn next(&mut self) -> Option<Occ> {
        let mut next = self.rule.peek().copied();
        for m in self.more.iter_mut() {
            next = min_occ(next, m.peek().copied());
        }
        let next = min_occ(next, self.extra.peek().copied())?;
        // Every source at `next` moves on: a start given twice is one occurrence.
        self.rule.next_if_eq(&next);
        for m in self.more.iter_mut() {
            m.next_if_eq(&next);
        }
        self.extra.next_if_eq(&next);
        Some(next)
    }
}

fn min_occ(a: Option<Occ>, b: Option<Occ>) -> Option<Occ> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Iterator for OccIter {
    type Item = Occ;
    fn next(&mut self) -> Option<Occ> {
        match self {
            OccIter::Empty => None,
            OccIter::Days(it) => it.next(),
            OccIter::Months(it) => it.next(),
            OccIter::Rrule(it, all_day) => {
                let t = it.next()?;
                Some(if *all_day { Occ::Date(t.date_naive()) } else { Occ::Time(t.with_timezone(&Utc)) })
            }
        }
    }
}

/// The `rrule` crate's set for `rule` from the local start `dtstart` in `tz` (all-day
/// series expand as floating dates, in UTC). Limits on: a rule that never matches stops
/// after the crate's loop cap instead of spinning.
fn build(rule: &Rule, dtstart: NaiveDateTime, tz: Tz, all_day: bool) -> Result<rrule::RRuleSet> {
    let rtz: rrule::Tz = if all_day { rrule::Tz::UTC } else { tz.into() };
    let start = match rtz.from_local_datetime(&dtstart) {
        chrono::LocalResult::Single(t) => t,
        chrono::LocalResult::Ambiguous(a, _) => a,
        chrono::LocalResult::None => rrule::Tz::UTC.from_utc_datetime(&local_to_utc(dtstart, tz).naive_utc()).with_timezone(&rtz),
    };
    let freq = match rule.freq {
        Freq::Daily => rrule::Frequency::Daily,
        Freq::Weekly => rrule::Frequency::Weekly,
        Freq::Monthly => rrule::Frequency::Monthly,
        Freq::Yearly => rrule::Frequency::Yearly,
    };
    let mut r = rrule::RRule::new(freq).interval(rule.interval);
    if let Some(c) = rule.count {
        r = r.count(c);
    }
    if let Some(u) = rule.until {
        r = r.until(until_instant(u, tz, all_day).with_timezone(&rrule::Tz::UTC));
    }
    if !rule.by_day.is_empty() {
        r = r.by_weekday(rule.by_day.iter().map(|(n, d)| rrule::NWeekday::new(*n, *d)).collect());
    }
    if !rule.by_month_day.is_empty() {
        r = r.by_month_day(rule.by_month_day.clone());
    }
    if !rule.by_month.is_empty() {
        let months: Vec<chrono::Month> =
            rule.by_month.iter().filter_map(|m| chrono::Month::try_from(*m).ok()).collect();
        r = r.by_month(&months);
    }
    if !rule.by_set_pos.is_empty() {
        r = r.by_set_pos(rule.by_set_pos.clone());
    }
    if let Some(w) = rule.wkst {
        r = r.week_start(w);
    }
    r.build(start)
        .map(rrule::RRuleSet::limit)
        .map_err(|e| CoreError::validation(format!("the repeat rule cannot be used with this start: {e}")))
}

/// UNTIL as an instant comparable with occurrence starts.
fn until_instant(u: Until, tz: Tz, all_day: bool) -> DateTime<Utc> {
    match (u, all_day) {
        (Until::Date(d), true) => Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)),
        (Until::Date(d), false) => local_to_utc(d.and_hms_opt(23, 59, 59).unwrap_or_default(), tz),
        (Until::Utc(t), true) => Utc.from_utc_datetime(&t.with_timezone(&tz).date_naive().and_time(NaiveTime::MIN)),
        (Until::Utc(t), false) => t,
        (Until::Local(t), true) => Utc.from_utc_datetime(&t.date().and_time(NaiveTime::MIN)),
        (Until::Local(t), false) => local_to_utc(t, tz),
    }
}

/// The weekday of a date, as BYDAY writes it (for the UI's "weekly on Monday").
pub fn weekday_of(d: NaiveDate) -> &'static str {
    weekday_code(d.weekday())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_stable() {
        let p = parse("rrule:freq=weekly;byday=we,mo;interval=2;wkst=MO").unwrap();
        assert_eq!(p.rule.canonical(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,MO");
        assert!(p.unsupported.is_empty());
    }

    /// Fast-forwarding must give exactly the occurrences a full replay gives.
    #[test]
    fn fast_forward_is_exact() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let rules = [
            ("FREQ=MONTHLY", "2020-01-31T09:00"),
            ("FREQ=MONTHLY;BYDAY=-1FR", "2020-01-31T09:00"),
            ("FREQ=YEARLY", "2020-02-29T09:00"),
            ("FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=15,-1", "2020-03-15T02:30"),
            ("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "2020-03-08T02:30"),
            ("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA", "2020-01-04T23:00"),
            ("FREQ=DAILY;INTERVAL=7;COUNT=500", "2020-01-01T01:30"),
            ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1", "2020-01-31T09:00"),
        ];
        for (text, start) in rules {
            let local = NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M").unwrap();
            let series = Series { rule: parse(text).unwrap().rule, tz, start: Occ::Time(local_to_utc(local, tz)), more_rules: vec![], rdates: vec![] };
            let from = Occ::Time(Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap());
            let to = Occ::Time(Utc.with_ymd_and_hms(2028, 4, 1, 0, 0, 0).unwrap());
            let fast = series.between(from, to, 10_000).unwrap();
            let full: Vec<Occ> = series.iter_from(series.start).unwrap().take_while(|o| *o < to).filter(|o| *o >= from).collect();
            assert_eq!(fast, full, "{text}");
            assert!(!full.is_empty(), "{text}");
        }
    }

    /// RDATEs join the rule's occurrences in order, once each; COUNT counts the rule's
    /// only; the last occurrence is the later of the rule's end and the last RDATE.
    #[test]
    fn rdates_merge_in_order_once() {
        let d = |s: &str| Occ::Date(s.parse().unwrap());
        let rdates = vec![d("2026-11-04"), d("2026-11-09"), d("2026-12-25")];
        let series = Series { rule: parse("FREQ=WEEKLY;COUNT=3").unwrap().rule, more_rules: vec![], tz: chrono_tz::UTC, start: d("2026-11-02"), rdates };
        let all = series.between(d("2026-11-01"), d("2027-01-01"), 100).unwrap();
        assert_eq!(all, vec![d("2026-11-02"), d("2026-11-04"), d("2026-11-09"), d("2026-11-16"), d("2026-12-25")]);
        // From inside the series: earlier RDATEs are not yielded again.
        assert_eq!(series.between(d("2026-11-05"), d("2026-11-17"), 100).unwrap(), vec![d("2026-11-09"), d("2026-11-16")]);
        assert!(series.occurs_at(d("2026-11-04")).unwrap() && !series.occurs_at(d("2026-11-05")).unwrap());
        assert_eq!(series.last().unwrap(), Some(d("2026-12-25")));
        // A series of RDATEs only: its start, then the dates.
        let only = Series { rule: Rule::start_only(), more_rules: vec![], tz: chrono_tz::UTC, start: d("2026-11-02"), rdates: vec![d("2026-11-20")] };
        assert_eq!(only.between(d("2026-01-01"), d("2027-01-01"), 100).unwrap(), vec![d("2026-11-02"), d("2026-11-20")]);
        assert_eq!(only.last().unwrap(), Some(d("2026-11-20")));
        assert!(Rule::start_only().is_start_only() && !parse("FREQ=DAILY;COUNT=2").unwrap().rule.is_start_only());
    }

    /// Two rules: the union in order, an instant both give once, each rule's COUNT its
    /// own; unbounded when one rule is; the stored text round-trips.
    #[test]
    fn several_rules_merge_as_a_set() {
        let d = |s: &str| Occ::Date(s.parse().unwrap());
        let rules: Vec<Rule> = parse_rules("FREQ=WEEKLY;COUNT=3\nFREQ=MONTHLY;BYMONTHDAY=9,20;COUNT=3").unwrap().into_iter().map(|p| p.rule).collect();
        assert_eq!(canonical_rules(&rules), "FREQ=WEEKLY;COUNT=3\nFREQ=MONTHLY;COUNT=3;BYMONTHDAY=9,20");
        let series = Series { rule: rules[0].clone(), more_rules: rules[1..].to_vec(), tz: chrono_tz::UTC, start: d("2026-11-02"), rdates: vec![d("2026-11-03")] };
        let all = series.between(d("2026-11-01"), d("2027-01-01"), 100).unwrap();
        // 9 Nov is weekly and monthly: once.
        assert_eq!(all, vec![d("2026-11-02"), d("2026-11-03"), d("2026-11-09"), d("2026-11-16"), d("2026-11-20"), d("2026-12-09")]);
        assert_eq!(series.between(d("2026-11-10"), d("2027-01-01"), 2).unwrap(), vec![d("2026-11-16"), d("2026-11-20")]);
        assert!(series.occurs_at(d("2026-11-20")).unwrap() && !series.occurs_at(d("2026-11-23")).unwrap());
        assert_eq!(series.last().unwrap(), Some(d("2026-12-09")));
        let endless = Series { more_rules: vec![Rule::simple(Freq::Yearly)], ..series };
        assert_eq!(endless.last().unwrap(), None);
        assert!(parse_rules("FREQ=DAILY\nFREQ=NEVER").is_err() && parse_rules(" \n").is_err());
    }

    /// A series of several rules split at any of its occurrences (as "this and
    /// following" and THISANDFUTURE do) gives, head and tail together, exactly its
    /// occurrences: COUNT continues, and a rule whose days DTSTART implied keeps them when
    /// the tail starts on another rule's date.
    #[test]
    fn several_rules_split_anywhere_keep_their_occurrences() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let sets = [
            "FREQ=WEEKLY;COUNT=6\nFREQ=MONTHLY;BYMONTHDAY=20;COUNT=3",
            "FREQ=WEEKLY\nFREQ=MONTHLY;BYDAY=1SU",
            "FREQ=MONTHLY\nFREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24",
            "FREQ=DAILY;INTERVAL=3;UNTIL=20270301\nFREQ=WEEKLY;BYDAY=SA",
        ];
        let start = Occ::Time(local_to_utc(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap().and_hms_opt(9, 0, 0).unwrap(), tz));
        let to = Occ::Time(Utc.with_ymd_and_hms(2027, 6, 1, 0, 0, 0).unwrap());
        for text in sets {
            let mut rules: Vec<Rule> = parse_rules(text).unwrap().into_iter().map(|p| p.rule).collect();
            rules.iter_mut().for_each(|r| r.normalise_until(false, tz));
            let series = Series { rule: rules[0].clone(), more_rules: rules[1..].to_vec(), tz, start, rdates: vec![] };
            let all = series.between(start, to, 1000).unwrap();
            for &at in all.iter().skip(1).take(12) {
                let mut head = series.clone();
                head.rule = series.ended_before(&series.rule, at).unwrap();
                head.more_rules = series.more_rules.iter().map(|r| series.ended_before(r, at).unwrap()).collect();
                let mut tail_rules = Vec::new();
                for r in series.rules() {
                    match series.continued(r, at) {
                        Ok(Some(r)) => tail_rules.push(r),
                        Ok(None) => {}
                        // An INTERVAL counted from elsewhere: refused, not guessed.
                        Err(_) => {
                            assert!(r.interval > 1, "{text} at {at:?}");
                            continue;
                        }
                    }
                }
                if tail_rules.len() < series.rules().count() && series.rules().any(|r| r.interval > 1 && series.continued(r, at).is_err()) {
                    continue;
                }
                let tail = Series { rule: tail_rules[0].clone(), more_rules: tail_rules[1..].to_vec(), tz, start: at, rdates: vec![] };
                let mut joined = head.between(start, to, 1000).unwrap();
                joined.extend(tail.between(at, to, 1000).unwrap());
                assert_eq!(joined, all, "{text} split at {at:?}");
            }
        }
    }

    mod fast_path {
        use super::*;
        use proptest::prelude::*;

        const ZONES: [&str; 3] = ["America/New_York", "Europe/Berlin", "Asia/Tokyo"];
        const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

        /// A simple rule's text: DAILY/WEEKLY, optional INTERVAL, BYDAY, WKST and one of
        /// COUNT / UNTIL (as a date, a UTC time or a floating local time).
        fn rule() -> impl Strategy<Value = String> {
            (
                any::<bool>(),
                prop_oneof![Just(1u16), 1u16..5, 5u16..20],
                proptest::collection::vec(0usize..7, 0..4),
                prop_oneof![Just(None), (0usize..7).prop_map(Some)],
                0u8..5,
                1u32..200,
                0i64..1500,
            )
                .prop_map(|(weekly, interval, by_day, wkst, end, count, until_days)| {
                    let mut parts = vec![format!("FREQ={}", if weekly { "WEEKLY" } else { "DAILY" })];
                    if interval > 1 {
                        parts.push(format!("INTERVAL={interval}"));
                    }
                    if !by_day.is_empty() {
                        let d: Vec<&str> = by_day.iter().map(|i| DAYS[*i]).collect();
                        parts.push(format!("BYDAY={}", d.join(",")));
                    }
                    if let Some(w) = wkst {
                        parts.push(format!("WKST={}", DAYS[w]));
                    }
                    let until = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(until_days);
                    match end {
                        1 => parts.push(format!("COUNT={count}")),
                        2 => parts.push(format!("UNTIL={}", until.format("%Y%m%d"))),
                        3 => parts.push(format!("UNTIL={}T073000Z", until.format("%Y%m%d"))),
                        4 => parts.push(format!("UNTIL={}T023000", until.format("%Y%m%d"))),
                        _ => {}
                    }
                    parts.join(";")
                })
        }

        /// A MONTHLY/YEARLY rule with no BY part: optional INTERVAL and COUNT / UNTIL.
        fn month_rule() -> impl Strategy<Value = String> {
            (any::<bool>(), prop_oneof![Just(1u16), 2u16..4, 5u16..14], 0u8..4, 1u32..60, 0i64..4000).prop_map(
                |(yearly, interval, end, count, until_days)| {
                    let mut parts = vec![format!("FREQ={}", if yearly { "YEARLY" } else { "MONTHLY" })];
                    if interval > 1 {
                        parts.push(format!("INTERVAL={interval}"));
                    }
                    let until = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(until_days);
                    match end {
                        1 => parts.push(format!("COUNT={count}")),
                        2 => parts.push(format!("UNTIL={}", until.format("%Y%m%d"))),
                        3 => parts.push(format!("UNTIL={}T073000Z", until.format("%Y%m%d"))),
                        _ => {}
                    }
                    parts.join(";")
                },
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1500))]

            /// `MonthWalk` gives exactly the crate's occurrences, for starts on the 29th
            /// to 31st and 29 February too (periods without that day are skipped).
            #[test]
            fn month_walk_matches_rrule(
                text in month_rule(),
                zone in 0usize..3,
                all_day in any::<bool>(),
                start in prop_oneof![
                    0i64..1200,
                    Just(30i64), Just(59), Just(90), Just(150), Just(425), Just(1155),
                ],
                minutes in prop_oneof![0u32..1440, 60u32..180],
                from_days in 0i64..4000,
                span_days in 1i64..400,
            ) {
                let tz: Tz = ZONES[zone].parse().unwrap();
                let day0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
                let start_date = day0 + Duration::days(start);
                let start = if all_day {
                    Occ::Date(start_date)
                } else {
                    Occ::Time(local_to_utc(start_date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes)), tz))
                };
                let series = Series { rule: parse(&text).unwrap().rule, tz, start, more_rules: vec![], rdates: vec![] };
                let Ok(reference) = series.iter_rrule(series.start) else {
                    prop_assert!(MonthWalk::new(&series, series.start).is_none(), "{text}");
                    return Ok(());
                };
                prop_assert!(MonthWalk::new(&series, series.start).is_some(), "{}", text);
                let from_date = day0 + Duration::days(from_days);
                let (from, to) = if all_day {
                    (Occ::Date(from_date), Occ::Date(from_date + Duration::days(span_days)))
                } else {
                    (
                        Occ::Time(crate::time::start_of_day(from_date, tz)),
                        Occ::Time(crate::time::start_of_day(from_date + Duration::days(span_days), tz)),
                    )
                };
                let want: Vec<Occ> = reference.take_while(|o| *o < to).filter(|o| *o >= from).collect();
                prop_assert_eq!(&series.between(from, to, 10_000).unwrap(), &want, "{} from {:?}", text, start);
                let full: Vec<Occ> = series.iter_from(series.start).unwrap().take(120).collect();
                let full_ref: Vec<Occ> = series.iter_rrule(series.start).unwrap().take(120).collect();
                prop_assert_eq!(full, full_ref, "{} from {:?}", text, start);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// The fast path gives exactly the occurrences the `rrule` crate gives, from
            /// any start (DST gaps and overlaps included: 01:00-03:00 local hits both)
            /// over any range, whether the range is read with `between` (fast-forwarded)
            /// or the series is replayed from its start.
            #[test]
            fn matches_rrule(
                text in rule(),
                zone in 0usize..3,
                all_day in any::<bool>(),
                start_days in 0i64..1200,
                minutes in prop_oneof![0u32..1440, 60u32..180],
                from_days in 0i64..1800,
                span_days in 1i64..60,
            ) {
                let tz: Tz = ZONES[zone].parse().unwrap();
                let day0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
                let start_date = day0 + Duration::days(start_days);
                let start = if all_day {
                    Occ::Date(start_date)
                } else {
                    let local = start_date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
                    Occ::Time(local_to_utc(local, tz))
                };
                let series = Series { rule: parse(&text).unwrap().rule, tz, start, more_rules: vec![], rdates: vec![] };
                let reference = match series.iter_rrule(series.start) {
                    Ok(it) => it,
                    // The crate refuses it (UNTIL before DTSTART): so must the fast path.
                    Err(_) => {
                        prop_assert!(DayWalk::new(&series, series.start).is_none(), "{text}");
                        return Ok(());
                    }
                };
                let r = &series.rule;
                let walkable = !(r.freq == Freq::Daily && !r.by_day.is_empty() && r.interval % 7 == 0);
                prop_assert_eq!(DayWalk::new(&series, series.start).is_some(), walkable, "{}", text);
                if !walkable {
                    return Ok(());
                }
                let from_date = day0 + Duration::days(from_days);
                let (from, to) = if all_day {
                    (Occ::Date(from_date), Occ::Date(from_date + Duration::days(span_days)))
                } else {
                    (
                        Occ::Time(crate::time::start_of_day(from_date, tz)),
                        Occ::Time(crate::time::start_of_day(from_date + Duration::days(span_days), tz)),
                    )
                };
                let want: Vec<Occ> = reference.take_while(|o| *o < to).filter(|o| *o >= from).collect();
                prop_assert_eq!(&series.between(from, to, 10_000).unwrap(), &want, "{} from {:?}", text, start);
                let full: Vec<Occ> = series.iter_from(series.start).unwrap().take(300).collect();
                let full_ref: Vec<Occ> = series.iter_rrule(series.start).unwrap().take(300).collect();
                prop_assert_eq!(full, full_ref, "{} from {:?}", text, start);
            }
        }
    }

    /// A series that ended long before the range yields nothing (the skip-ahead must not
    /// hand the crate a start after UNTIL, which it refuses).
    #[test]
    fn a_series_ended_before_the_range_is_empty() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        for text in ["FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20210101T000000Z", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;UNTIL=20220101"] {
            let local = NaiveDate::from_ymd_opt(2020, 1, 31).unwrap().and_hms_opt(9, 0, 0).unwrap();
            let series = Series { rule: parse(text).unwrap().rule, tz, start: Occ::Time(local_to_utc(local, tz)), more_rules: vec![], rdates: vec![] };
            let from = Occ::Time(Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap());
            let to = Occ::Time(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
            assert_eq!(series.between(from, to, 100).unwrap(), vec![], "{text}");
            assert_eq!(series.first_at_or_after(from).unwrap(), None, "{text}");
        }
    }

    #[test]
    fn unsupported_parts_are_listed() {
        let p = parse("FREQ=DAILY;BYHOUR=9,17").unwrap();
        assert_eq!(p.unsupported, vec!["BYHOUR=9,17"]);
        assert!(parse("FREQ=DAILY;COUNT=2;UNTIL=20260101").is_err());
        assert!(parse("FREQ=FORTNIGHTLY").is_err());
        assert!(parse("FREQ=DAILY;COUNT=0").is_err());
        assert!(parse("FREQ=WEEKLY;BYDAY=1MO").is_err());
        assert!(parse("FREQ=MONTHLY;BYDAY=-1FR").is_ok());
        assert!(parse("FREQ=MONTHLY;BYDAY=é").is_err());
    }
}
