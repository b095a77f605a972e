//! Quick add: one typed line becomes an event.
//!
//! Contract: [`parse`] is pure (the user's "today" is passed in). It finds at most one
//! date and one time or time range anywhere in the line, removes them, and the rest is
//! the title. Understood (English, case-insensitive): `today`, `tonight`, `tomorrow`,
//! `day after tomorrow`, weekday names (`mon`, `monday`, `next friday`: the next such
//! day, today included), ISO dates `2026-11-25`, `11/25` and `11/25/2026` (month/day; a
//! date already past this year means next year), `Nov 25` / `25 November`; times
//! `15:00`, `3pm`, `3:30 pm`, `noon`, ranges `15:00-16:30`, `3-4pm`, `10am to 11:30`,
//! `15:00~16:30`. Japanese: 今日, 明日, 明後日, 月曜日 / (月), 11月25日, 15時, 15時30分,
//! 3時半, 午前 / 午後, and 〜, ～, から between times (`明日 15:00-16:30 線形代数勉強会`).
//! A bare number range without `:` or am/pm (`chapters 3-4`) is not a time.
//! No date means today; no time means an all-day event; a start without end lasts
//! [`DEFAULT_MINUTES`]; an end before the start ends the next day.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike, Weekday};
use regex::{Captures, Regex};
use std::sync::OnceLock;

pub const DEFAULT_MINUTES: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickAdd {
    pub title: String,
    pub date: NaiveDate,
    /// `None` for an all-day event.
    pub start: Option<NaiveTime>,
    /// Minutes from the start.
    pub minutes: i64,
}

/// Parses `line` seen on local date `today`. `Err` names what is missing.
pub fn parse(line: &str, today: NaiveDate) -> Result<QuickAdd, String> {
    let mut text = japanese_to_english(line);
    let date = take_date(&mut text, today);
    let times = take_times(&mut text);
    let title = clean_title(&text);
    if title.is_empty() {
        return Err("type what the event is as well as when (e.g. \"Study group tomorrow 15:00-16:30\")".into());
    }
    let title: String = title.chars().take(super::model::TITLE_MAX).collect();
    let (start, minutes) = match times {
        None => (None, 0),
        Some((s, None)) => (Some(s), DEFAULT_MINUTES),
        Some((s, Some(e))) => {
            let mut m = (e - s).num_minutes();
            if m <= 0 {
                m += 24 * 60;
            }
            (Some(s), m)
        }
    };
    Ok(QuickAdd { title, date: date.unwrap_or(today), start, minutes })
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    // The patterns are constants of this file, checked by its tests.
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| panic!("quick add pattern: {e}")))
}

/// Rewrites Japanese date and time words into the English forms parsed below.
fn japanese_to_english(s: &str) -> String {
    static DAY: OnceLock<Regex> = OnceLock::new();
    static MD: OnceLock<Regex> = OnceLock::new();
    static WD: OnceLock<Regex> = OnceLock::new();
    static TIME: OnceLock<Regex> = OnceLock::new();
    let s = re(&DAY, "明後日|明日|今日|今夜").replace_all(s, |c: &Captures| match &c[0] {
        "明後日" => " day after tomorrow ",
        "明日" => " tomorrow ",
        _ => " today ",
    });
    let s = re(&MD, r"(\d{1,2})月(\d{1,2})日").replace_all(&s, " $1/$2 ");
    let s = re(&WD, r"[(（]?([月火水木金土日])曜(?:日)?[)）]?|[(（]([月火水木金土日])[)）]").replace_all(&s, |c: &Captures| {
        let k = c.get(1).or(c.get(2)).map(|m| m.as_str()).unwrap_or("");
        let en = match k {
            "月" => "monday",
            "火" => "tuesday",
            "水" => "wednesday",
            "木" => "thursday",
            "金" => "friday",
            "土" => "saturday",
            _ => "sunday",
        };
        format!(" ({en}) ")
    });
    let s = re(&TIME, r"(午前|午後)?(\d{1,2})時(?:(\d{1,2})分|(半))?").replace_all(&s, |c: &Captures| {
        let mut h: u32 = c[2].parse().unwrap_or(0);
        if c.get(1).map(|m| m.as_str()) == Some("午後") && h < 12 {
            h += 12;
        }
        let m = if c.get(4).is_some() { 30 } else { c.get(3).and_then(|m| m.as_str().parse().ok()).unwrap_or(0) };
        format!(" {h}:{m:02} ")
    });
    s.replace("から", " - ").replace(['〜', '～'], "-").replace("、", " ").replace("　", " ")
}

/// Removes the first match of `re` for which `f` gives a value; returns that value.
fn take<T>(text: &mut String, re: &Regex, f: impl Fn(&Captures) -> Option<T>) -> Option<T> {
    let found = re.captures_iter(text).find_map(|c| {
        let m = c.get(0)?;
        f(&c).map(|v| (m.start(), m.end(), v))
    });
    let (a, b, v) = found?;
    text.replace_range(a..b, " ");
    Some(v)
}

fn take_date(text: &mut String, today: NaiveDate) -> Option<NaiveDate> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    static SLASH: OnceLock<Regex> = OnceLock::new();
    static MONTH_DAY: OnceLock<Regex> = OnceLock::new();
    static DAY_MONTH: OnceLock<Regex> = OnceLock::new();
    static REL: OnceLock<Regex> = OnceLock::new();
    static WEEKDAY: OnceLock<Regex> = OnceLock::new();
    const B: &str = r"(?-u:\b)";
    let iso = re(&ISO, &format!(r"(?i)(?:{B}on\s+)?{B}(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){B}"));
    let slash = re(&SLASH, &format!(r"(?i)(?:{B}on\s+)?{B}(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{2,4}}))?{B}"));
    let months = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?";
    let month_day = re(&MONTH_DAY, &format!(r"(?i)(?:{B}on\s+)?{B}{months}\s+(\d{{1,2}})(?:st|nd|rd|th)?{B}"));
    let day_month = re(&DAY_MONTH, &format!(r"(?i)(?:{B}on\s+)?{B}(\d{{1,2}})(?:st|nd|rd|th)?\s+{months}{B}"));
    let rel = re(&REL, &format!(r"(?i){B}(day after tomorrow|tomorrow|tmrw|tmr|today|tonight){B}"));
    let weekday = re(
        &WEEKDAY,
        &format!(
            r"(?i)(?:{B}(?:on|next|this)\s+)?\(?{B}(monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sat|sunday|sun){B}\)?"
        ),
    );
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let this_or_next_year = |m: u32, d: u32| {
        let this = ymd(today.year(), m, d)?;
        if this < today { ymd(today.year() + 1, m, d) } else { Some(this) }
    };
    let num = |c: &Captures, i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let date = take(text, iso, |c| ymd(num(c, 1)? as i32, num(c, 2)?, num(c, 3)?))
        .or_else(|| {
            take(text, slash, |c| match num(c, 3) {
                Some(y) => ymd(if y < 100 { 2000 + y as i32 } else { y as i32 }, num(c, 1)?, num(c, 2)?),
                None => this_or_next_year(num(c, 1)?, num(c, 2)?),
            })
        })
        .or_else(|| take(text, month_day, |c| this_or_next_year(month_number(&c[1])?, num(c, 2)?)))
        .or_else(|| take(text, day_month, |c| this_or_next_year(month_number(&c[2])?, num(c, 1)?)))
        .or_else(|| {
            take(text, rel, |c| {
                Some(match c[1].to_ascii_lowercase().as_str() {
                    "day after tomorrow" => today + Duration::days(2),
                    "tomorrow" | "tmrw" | "tmr" => today + Duration::days(1),
                    _ => today,
                })
            })
        });
    match date {
        Some(d) => {
            // A weekday written beside the date (11月25日(水)) is not part of the title.
            take(text, weekday, |c| c[0].starts_with('(').then_some(()));
            Some(d)
        }
        None => take(text, weekday, |c| weekday_of(&c[1]).map(|w| next_weekday(today, w))),
    }
}

fn month_number(s: &str) -> Option<u32> {
    let m = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let key = s.get(..3)?.to_ascii_lowercase();
    m.iter().position(|x| *x == key).map(|i| i as u32 + 1)
}

fn weekday_of(s: &str) -> Option<Weekday> {
    Some(match s.get(..3)?.to_ascii_lowercase().as_str() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn next_weekday(today: NaiveDate, w: Weekday) -> NaiveDate {
    let ahead = (7 + w.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64) % 7;
    today + Duration::days(ahead)
}

type Times = (NaiveTime, Option<NaiveTime>);

fn take_times(text: &mut String) -> Option<Times> {
    static RANGE: OnceLock<Regex> = OnceLock::new();
    static ONE: OnceLock<Regex> = OnceLock::new();
    static NOON: OnceLock<Regex> = OnceLock::new();
    const B: &str = r"(?-u:\b)";
    let t = r"(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?";
    let range = re(
        &RANGE,
        &format!(r"(?i)(?:{B}(?:from|at)\s+|@\s*)?{B}{t}\s*(?:-|–|—|~|{B}to{B}|{B}until{B})\s*{t}(?-u:\b|$)"),
    );
    let one = re(&ONE, &format!(r"(?i)(?:{B}at\s+|@\s*)?{B}(\d{{1,2}})(?::(\d{{2}})\s*([ap]\.?m\.?)?|\s*([ap]\.?m\.?))(?-u:\b|$)"));
    let noon = re(&NOON, &format!(r"(?i)(?:{B}at\s+|@\s*)?{B}(noon|midnight){B}"));
    take(text, range, |c| {
        let explicit = c.get(2).is_some() || c.get(3).is_some() || c.get(5).is_some() || c.get(6).is_some();
        if !explicit {
            return None;
        }
        let end_mer = c.get(6).map(|m| m.as_str());
        let start_mer = c.get(3).map(|m| m.as_str());
        let end = clock(&c[4], c.get(5).map(|m| m.as_str()), end_mer)?;
        let mut start = clock(&c[1], c.get(2).map(|m| m.as_str()), start_mer.or(end_mer))?;
        // "11-1pm": the start keeps the morning when the end's pm would put it after.
        if start_mer.is_none() && end_mer.is_some() && start > end {
            start = clock(&c[1], c.get(2).map(|m| m.as_str()), None)?;
        }
        // "15:30-5:00" (午後3時半から5時): a bare end within 12 hours after is afternoon.
        let mut end = end;
        let later = end + Duration::hours(12);
        if end_mer.is_none() && end < start && end.hour() < 12 && later > start {
            end = later;
        }
        Some((start, Some(end)))
    })
    .or_else(|| {
        take(text, one, |c| {
            let mer = c.get(3).or(c.get(4)).map(|m| m.as_str());
            Some((clock(&c[1], c.get(2).map(|m| m.as_str()), mer)?, None))
        })
    })
    .or_else(|| {
        take(text, noon, |c| {
            let h = if c[1].eq_ignore_ascii_case("noon") { 12 } else { 0 };
            Some((NaiveTime::from_hms_opt(h, 0, 0)?, None))
        })
    })
}

/// `h[:mm]` with an optional am/pm.
fn clock(h: &str, m: Option<&str>, meridiem: Option<&str>) -> Option<NaiveTime> {
    let mut h: u32 = h.parse().ok()?;
    let m: u32 = m.map(str::parse).transpose().ok()?.unwrap_or(0);
    if let Some(mer) = meridiem {
        if !(1..=12).contains(&h) {
            return None;
        }
        let pm = mer.to_ascii_lowercase().starts_with('p');
        h = match (pm, h) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// The title: what is left, without stray connecting words at its edges.
fn clean_title(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let stray = |w: &str| matches!(w.to_ascii_lowercase().as_str(), "at" | "on" | "from" | "@" | "-" | "–" | "," | "to");
    while words.first().is_some_and(|w| stray(w)) {
        words.remove(0);
    }
    while words.last().is_some_and(|w| stray(w)) {
        words.pop();
    }
    words.join(" ").trim_matches(|c: char| c == ',' || c == '-').trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap() // a Sunday
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn the_issue_example() {
        let q = parse("Linear algebra study group tomorrow 15:00-16:30", today()).unwrap();
        assert_eq!(q.title, "Linear algebra study group");
        assert_eq!(q.date.to_string(), "2026-11-23");
        assert_eq!((q.start, q.minutes), (t(15, 0), 90));
    }

    #[test]
    fn english_forms() {
        let q = parse("Dentist on friday at 3pm", today()).unwrap();
        assert_eq!((q.title.as_str(), q.date.to_string().as_str(), q.start), ("Dentist", "2026-11-27", t(15, 0)));
        let q = parse("Exam 11/25 9:30-11am", today()).unwrap();
        assert_eq!((q.date.to_string(), q.start, q.minutes), ("2026-11-25".into(), t(9, 30), 90));
        let q = parse("Lab report 2026-12-01", today()).unwrap();
        assert_eq!((q.title.as_str(), q.start), ("Lab report", None));
        let q = parse("Read chapters 3-4 tomorrow", today()).unwrap();
        assert_eq!((q.title.as_str(), q.start), ("Read chapters 3-4", None));
        let q = parse("Party 3/1", today()).unwrap();
        assert_eq!(q.date.to_string(), "2027-03-01");
        let q = parse("Lunch with Ana noon", today()).unwrap();
        assert_eq!(q.start, t(12, 0));
        let q = parse("Seminar Nov 30 10am to 11:30", today()).unwrap();
        assert_eq!((q.date.to_string(), q.start, q.minutes), ("2026-11-30".into(), t(10, 0), 90));
        let q = parse("Night shift 22:00-02:00", today()).unwrap();
        assert_eq!(q.minutes, 240);
        let q = parse("Sync 11-1pm", today()).unwrap();
        assert_eq!((q.start, q.minutes), (t(11, 0), 120));
        assert!(parse("tomorrow 15:00", today()).is_err());
    }

    #[test]
    fn japanese_forms() {
        let q = parse("明日 15:00-16:30 線形代数勉強会", today()).unwrap();
        assert_eq!((q.title.as_str(), q.date.to_string().as_str(), q.start, q.minutes), ("線形代数勉強会", "2026-11-23", t(15, 0), 90));
        let q = parse("11月25日(水)午後3時半から5時 ゼミ", today()).unwrap();
        assert_eq!((q.title.as_str(), q.date.to_string().as_str(), q.start, q.minutes), ("ゼミ", "2026-11-25", t(15, 30), 90));
        let q = parse("金曜日 図書館", today()).unwrap();
        assert_eq!(q.date.to_string(), "2026-11-27");
        let q = parse("明後日10時〜12時テスト", today()).unwrap();
        assert_eq!((q.title.as_str(), q.start, q.minutes), ("テスト", t(10, 0), 120));
    }
}
