//! RECURRENCE-ID;RANGE=THISANDFUTURE at import: the series is split there.
//!
//! Contract (decision, RFC 5545 §3.2.13, §3.8.4.4): an override with
//! `RANGE=THISANDFUTURE` changes its occurrence and every later one. [`split`] turns it,
//! before anything is stored, into what the editor's "this and following" makes: the
//! series (or the previous part) ends before that occurrence, and a new series (a part)
//! starts at the override's DTSTART with the override's own properties (title, notes,
//! length, zone, alarms, ...) and the series' rules, continued from there (COUNT counts
//! on, UNTIL and the rules' days move with the start). The part's occurrences are the
//! original ones moved by the override's shift (its DTSTART minus its RECURRENCE-ID, in
//! local time): the EXDATEs and RDATEs from that occurrence on move to the part, shifted,
//! and so do the later plain overrides (their RECURRENCE-ID names the original
//! occurrence; the part's is the shifted one). A later THISANDFUTURE override starts the
//! next part, its shift again counted from the original occurrence.
//! - Ids: a part's UID is the series' UID and the original start
//!   (`<uid>~from-20240913T120000Z`, see [`part_uid`]), so importing the same file again
//!   updates the parts instead of adding them, and an export imported elsewhere meets
//!   the same events.
//! - Export writes the parts as the separate series they are stored as (another reader
//!   shows the same occurrences; the link between them is not written back).
//! - A shift of whole days on a monthly or yearly rule with BY parts cannot be expressed
//!   as a rule: the moved occurrence is the part's start (an extra date) and the later
//!   ones keep the rule's days (a note says so).
//! - Not split (read as this occurrence only, noted): an override whose series is not in
//!   the file, one whose RECURRENCE-ID names no occurrence of the series, one of another
//!   kind (a date on a timed series). A cancelled one ends the series there.

use super::read::{IcsEvent, IcsNote, IcsTime};
use crate::planner::calendar::recurrence::{self, Freq, Occ, Rule, Series, Until};
use chrono::{Duration, NaiveDateTime, Weekday};
use chrono_tz::Tz;

/// The masters with their THISANDFUTURE overrides made parts, and the other overrides
/// re-pointed to the part they fall in (see the module docs).
pub fn split(masters: Vec<IcsEvent>, overrides: Vec<IcsEvent>, notes: &mut Vec<IcsNote>) -> (Vec<IcsEvent>, Vec<IcsEvent>) {
    let (future, mut plain): (Vec<IcsEvent>, Vec<IcsEvent>) = overrides.into_iter().partition(|o| o.this_and_future);
    let mut out = Vec::with_capacity(masters.len());
    let mut future = future;
    for master in masters {
        let mut mine: Vec<IcsEvent> = Vec::new();
        let mut i = 0;
        while i < future.len() {
            if future[i].uid == master.uid {
                mine.push(future.swap_remove(i));
            } else {
                i += 1;
            }
        }
        if mine.is_empty() || master.rule.is_none() {
            plain.extend(mine.into_iter().map(this_only));
            out.push(master);
            continue;
        }
        let (parts, rest) = split_one(master, mine, &mut plain, notes);
        out.extend(parts);
        plain.extend(rest.into_iter().map(this_only));
    }
    // Whose series is not in the file: read as this occurrence only.
    for o in future {
        notes.push(IcsNote { line: o.line, reason: "RECURRENCE-ID;RANGE=THISANDFUTURE of a series not in the file read as this occurrence only".into() });
        plain.push(this_only(o));
    }
    (out, plain)
}

fn this_only(mut o: IcsEvent) -> IcsEvent {
    o.this_and_future = false;
    o
}

/// One part of a split series: the original occurrences from `from` on belong to it,
/// moved by `shift`.
struct Part {
    from: Occ,
    shift: Shift,
    event: IcsEvent,
}

/// Splits `master` at its THISANDFUTURE overrides `future`; re-points the plain overrides
/// of later parts. Answers the parts (the master first) and the overrides not used.
fn split_one(master: IcsEvent, mut future: Vec<IcsEvent>, plain: &mut [IcsEvent], notes: &mut Vec<IcsNote>) -> (Vec<IcsEvent>, Vec<IcsEvent>) {
    future.sort_by(|a, b| a.recurrence_id.cmp(&b.recurrence_id).then(a.sequence.cmp(&b.sequence)));
    let all_day = matches!(master.start, IcsTime::Date(_));
    let series = series_of(&master);
    let mut unused = Vec::new();
    let mut used: Vec<IcsEvent> = Vec::new();
    for f in future {
        let occ = f.recurrence_id.map(|r| same_kind(r, f.recurrence_zone, &master));
        let fits = matches!(f.start, IcsTime::Date(_)) == all_day
            && occ.is_some_and(|o| o > series.start && !master.exdates.contains(&o) && series.occurs_at(o).unwrap_or(false));
        match occ {
            // A later version of the same occurrence's override replaces the earlier one.
            Some(o) if fits => {
                used.retain(|u| u.recurrence_id != Some(o));
                let mut f = f;
                f.recurrence_id = Some(o);
                used.push(f);
            }
            _ => {
                notes.push(IcsNote {
                    line: f.line,
                    reason: "RECURRENCE-ID;RANGE=THISANDFUTURE names no later occurrence of its series: read as this occurrence only".into(),
                });
                unused.push(f);
            }
        }
    }
    let mut parts = vec![Part { from: series.start, shift: Shift::NONE, event: master }];
    for f in used {
        let Some(from) = f.recurrence_id else { continue };
        let shift = Shift::between(from, f.start, f.tz);
        let event = part_of(&parts[0].event, &series, from, shift, f, notes);
        parts.push(Part { from, shift, event });
    }
    // Each part's exceptions and extra dates are the originals in its span, shifted; each
    // ends before the next one's first original occurrence (shifted into its own times).
    let originals = parts[0].event.clone();
    for k in 0..parts.len() {
        let from = parts[k].from;
        let until = parts.get(k + 1).map(|p| p.from);
        let shift = parts[k].shift;
        let tz = parts[k].event.tz;
        let within = |o: &Occ| *o >= from && until.is_none_or(|u| *o < u);
        let ev = &mut parts[k].event;
        ev.exdates = originals.exdates.iter().filter(|o| within(o)).map(|o| shift.apply(*o, tz)).collect();
        // A part's own start stays an extra date when its rules do not give it (`part_of`).
        let own_start: Vec<Occ> = ev.rdates.iter().copied().filter(|o| k > 0 && *o == ev.start.occ()).collect();
        ev.rdates = originals.rdates.iter().filter(|o| within(o) && **o != from).map(|o| shift.apply(*o, tz)).chain(own_start).collect();
        ev.rdates.sort();
        ev.rdates.dedup();
        if let Some(u) = until {
            let end = shift.apply(u, tz);
            let own = series_of(ev);
            if let Some(rule) = ev.rule.as_mut().filter(|r| !r.is_start_only()) {
                *rule = own.ended_before(rule, end).unwrap_or_else(|_| rule.clone());
            }
            for rule in ev.more_rules.iter_mut() {
                *rule = own.ended_before(rule, end).unwrap_or_else(|_| rule.clone());
            }
        }
    }
    // Plain overrides (and cancelled occurrences) of a later part name its shifted start;
    // those of a cancelled part are cancelled with it.
    for o in plain.iter_mut().filter(|o| o.uid == originals.uid) {
        let Some(r) = o.recurrence_id.map(|r| same_kind(r, o.recurrence_zone, &originals)) else { continue };
        if let Some(p) = parts.iter().skip(1).rev().find(|p| p.from <= r) {
            o.uid = p.event.uid.clone();
            o.recurrence_id = Some(p.shift.apply(r, p.event.tz));
            o.recurrence_zone = p.event.tz;
            o.cancelled |= p.event.cancelled;
        }
    }
    // A cancelled THISANDFUTURE override ends the series there: its part is not kept.
    let kept = parts.into_iter().enumerate().filter(|(k, p)| *k == 0 || !p.event.cancelled).map(|(_, p)| p.event).collect();
    (kept, unused)
}

/// The part an override `f` starts at original occurrence `from`: `f`'s properties, the
/// master's rules continued from there and moved by `shift`.
fn part_of(master: &IcsEvent, series: &Series, from: Occ, shift: Shift, mut f: IcsEvent, notes: &mut Vec<IcsNote>) -> IcsEvent {
    let mut moved_days = true;
    let mut rules = Vec::new();
    for rule in series.rules() {
        // The rule alone from `from`, its implied days written out (so they do not follow
        // the override's start), then moved by the shift's whole days.
        let Ok(Some(r)) = series.continued(rule, from) else { continue };
        let r = r.pinned_to(series.local_start_date());
        let (r, exact) = shift.move_rule(r, f.tz);
        moved_days &= exact;
        rules.push(r);
    }
    if !moved_days {
        notes.push(IcsNote {
            line: f.line,
            reason: "RANGE=THISANDFUTURE moves the occurrences by whole days, which a monthly or yearly rule with fixed days cannot follow: the later ones keep their days".into(),
        });
        // The moved occurrence is the part's start, which its rules no longer give: it is
        // an extra date, and each rule's COUNT has one occurrence fewer to give.
        rules = rules
            .into_iter()
            .filter_map(|mut r| match r.count {
                Some(c) if c <= 1 => None,
                Some(c) => {
                    r.count = Some(c - 1);
                    Some(r)
                }
                None => Some(r),
            })
            .collect();
        f.rdates = vec![f.start.occ()];
    } else {
        f.rdates = vec![];
    }
    f.uid = part_uid(&master.uid, from);
    f.recurrence_id = None;
    f.this_and_future = false;
    f.rule = if rules.is_empty() { Some(Rule::start_only()) } else { Some(rules.remove(0)) };
    f.more_rules = rules;
    f
}

/// A part's UID: the series' UID and the original start it begins at (a digest of the
/// UID when that would pass the 255 characters a UID may have).
pub fn part_uid(uid: &str, from: Occ) -> String {
    let stamp = match from {
        Occ::Date(d) => d.format("%Y%m%d").to_string(),
        Occ::Time(t) => t.format("%Y%m%dT%H%M%SZ").to_string(),
    };
    let suffix = format!("~from-{stamp}");
    if uid.chars().count() + suffix.len() <= 255 {
        return format!("{uid}{suffix}");
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in uid.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}{suffix}")
}

fn series_of(e: &IcsEvent) -> Series {
    Series {
        rule: e.rule.clone().unwrap_or_else(Rule::start_only),
        more_rules: e.more_rules.clone(),
        tz: e.tz,
        start: e.start.occ(),
        rdates: e.rdates.clone(),
    }
}

/// A RECURRENCE-ID in the master's kind (as the importer reads it).
fn same_kind(o: Occ, written_in: Tz, master: &IcsEvent) -> Occ {
    match (o, master.start) {
        (Occ::Time(t), IcsTime::Date(_)) => Occ::Date(t.with_timezone(&written_in).date_naive()),
        (Occ::Date(d), IcsTime::Time(start)) => {
            let time = start.with_timezone(&master.tz).time();
            Occ::Time(recurrence::local_to_utc(d.and_time(time), master.tz))
        }
        (o, _) => o,
    }
}

/// How a part's occurrences are moved from the originals: whole days and a wall-clock
/// time difference, in the part's zone (so a move of an hour stays an hour across DST).
#[derive(Debug, Clone, Copy)]
struct Shift {
    days: i64,
    clock: Duration,
}

impl Shift {
    const NONE: Shift = Shift { days: 0, clock: Duration::zero() };

    fn between(from: Occ, to: IcsTime, tz: Tz) -> Shift {
        match (from, to) {
            (Occ::Date(a), IcsTime::Date(b)) => Shift { days: (b - a).num_days(), clock: Duration::zero() },
            (Occ::Time(a), IcsTime::Time(b)) => {
                let (a, b) = (a.with_timezone(&tz).naive_local(), b.with_timezone(&tz).naive_local());
                let days = (b.date() - a.date()).num_days();
                Shift { days, clock: b.time() - a.time() }
            }
            _ => Shift::NONE,
        }
    }

    fn apply(self, o: Occ, tz: Tz) -> Occ {
        match o {
            Occ::Date(d) => Occ::Date(d + Duration::days(self.days)),
            Occ::Time(t) => {
                let local: NaiveDateTime = t.with_timezone(&tz).naive_local() + Duration::days(self.days) + self.clock;
                Occ::Time(recurrence::local_to_utc(local, tz))
            }
        }
    }

    /// `rule` (its implied days written out) moved by the shift: UNTIL with it, and the
    /// days of a daily or weekly rule (BYDAY, WKST) by the whole days. `false` when the
    /// days of a monthly or yearly rule could not follow.
    fn move_rule(self, mut rule: Rule, tz: Tz) -> (Rule, bool) {
        rule.until = rule.until.map(|u| match u {
            Until::Date(d) => Until::Date(d + Duration::days(self.days)),
            Until::Utc(t) => match self.apply(Occ::Time(t), tz) {
                Occ::Time(t) => Until::Utc(t),
                Occ::Date(_) => Until::Utc(t),
            },
            Until::Local(t) => Until::Local(t + Duration::days(self.days) + self.clock),
        });
        if self.days == 0 {
            return (rule, true);
        }
        match rule.freq {
            Freq::Daily | Freq::Weekly => {
                let by = |d: Weekday| weekday_plus(d, self.days);
                rule.by_day = rule.by_day.iter().map(|(n, d)| (*n, by(*d))).collect();
                rule.wkst = Some(by(rule.wkst.unwrap_or(Weekday::Mon)));
                (rule, true)
            }
            Freq::Monthly | Freq::Yearly => {
                let exact = rule.by_day.is_empty() && rule.by_month_day.iter().all(|d| *d > 0 && i64::from(*d) + self.days >= 1 && i64::from(*d) + self.days <= 28);
                if exact {
                    rule.by_month_day = rule.by_month_day.iter().map(|d| (i64::from(*d) + self.days) as i8).collect();
                }
                (rule, exact)
            }
        }
    }
}

fn weekday_plus(d: Weekday, days: i64) -> Weekday {
    let n = (i64::from(d.num_days_from_monday()) + days).rem_euclid(7);
    let mut w = Weekday::Mon;
    for _ in 0..n {
        w = w.succ();
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_uids_are_derived_and_bounded() {
        let at = Occ::Date("2024-09-13".parse().unwrap());
        assert_eq!(part_uid("210", at), "210~from-20240913");
        let long = "x".repeat(255);
        let uid = part_uid(&long, at);
        assert!(uid.len() <= 255 && uid.ends_with("~from-20240913"));
        assert_ne!(part_uid(&"y".repeat(255), at), uid);
        assert_eq!(weekday_plus(Weekday::Sun, 1), Weekday::Mon);
        assert_eq!(weekday_plus(Weekday::Mon, -1), Weekday::Sun);
    }
}
