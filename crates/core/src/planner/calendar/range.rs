//! The calendar range: what a month, week, day or agenda view shows between two dates.
//!
//! Contract:
//! - `from` and `to` are local dates of the user (inclusive); at most [`MAX_RANGE_DAYS`].
//! - Bounded whatever the calendar holds (issue 18): one request expands at most
//!   [`MAX_SERIES`] recurring series and returns at most [`MAX_ITEMS`] items and
//!   [`MAX_TEXT_BYTES`] of text (under 40 MB of JSON); past any cap it is refused with a `too_many` rule that says what to do,
//!   before the rest is read or expanded. Long ranges are read a page at a time through
//!   [`agenda`] (a cursor, at most [`MAX_PAGE`] items a page).
//! - Items are event occurrences (single events, overrides, and every occurrence of a
//!   series expanded with its EXDATEs and overrides applied) that overlap the range, plus
//!   assignments due inside it, each with its course's name and colour.
//! - Order: by local start date, all-day items first, then start time, then the
//!   event's `order_index` (the user's order inside a day), title and id: stable.
//! - Cost: three index ranges (short events by date, multi-day events by end date, the
//!   user's series) and one per assignment range; series are expanded only over the
//!   range (see `recurrence`). No table scan whatever the number of past events.
//! - The statements are `store`'s (events) and `assignments`' (courses, assignments due):
//!   this file decides what to draw, not how it is stored.

use super::model::{Ev, When};
use super::recurrence::Occ;
use super::store::{self, Overrides};
use crate::planner::assignments::CourseLabels as Courses;
use crate::db::timestamp_text;
use crate::planner::assignments;
use crate::time::date_text;
use crate::{validate, CoreError, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use ts_rs::TS;

pub const MAX_RANGE_DAYS: i64 = 400;
/// Occurrences of one series in one range, at most (a daily series over 400 days fits).
const MAX_PER_SERIES: usize = 2_000;
/// Items (occurrences and due dates) one request may return: a month grid of the 50,000-
/// event benchmark calendar holds 3,600; 10,000 items are about 4 MB of JSON.
pub const MAX_ITEMS: usize = 10_000;
/// Text (titles, notes, course names and a fixed share per item for the rest) one answer
/// may hold: notes of up to 20,000 characters repeated on every occurrence of a series
/// would otherwise reach hundreds of MB under the item cap. JSON escaping at most doubles it.
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;
/// What an item costs beyond its texts (ids, dates, times, flags as JSON): about 400 bytes.
const ITEM_BYTES: usize = 400;
/// Recurring series one request may expand (that grid expands 522; a timetable a few dozen).
pub const MAX_SERIES: usize = 2_000;
/// Items in one agenda page, at most (and when the caller does not say).
pub const MAX_PAGE: u32 = 1_000;
pub const DEFAULT_PAGE: u32 = 200;
/// Margin around the range for rows whose dates are in another time zone than the user's.
const ZONE_MARGIN_DAYS: i64 = 2;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CalendarItemKind {
    Event,
    Assignment,
}

/// One thing to draw in the calendar.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct CalendarItem {
    pub kind: CalendarItemKind,
    /// The event row (a master for a series occurrence, or the override) or assignment.
    pub id: String,
    /// The master of a recurring occurrence (also set on overrides).
    pub series_id: Option<String>,
    /// The occurrence's original start: pass it back to edit or delete "this" one.
    pub recurrence_id: Option<String>,
    pub title: String,
    pub notes: Option<String>,
    /// Where the event happens (events only).
    pub location: Option<String>,
    /// A link about the event (events only; the UI links only http, https and mailto).
    pub url: Option<String>,
    /// Local date (user's zone) the item starts on, and the last one it covers.
    pub date: String,
    pub end_date: String,
    pub all_day: bool,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub course_id: Option<String>,
    pub course_name: Option<String>,
    /// The course's colour, or the subscription's for a subscribed event.
    pub colour: Option<String>,
    /// The subscription a read-only event comes from (events only).
    pub subscription_id: Option<String>,
    pub recurring: bool,
    pub order_index: i64,
    /// An assignment's status (e.g. "Done").
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct CalendarRange {
    pub from: String,
    pub to: String,
    pub timezone: String,
    pub items: Vec<CalendarItem>,
}

/// The user's window: local dates and the UTC instants they span.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub tz: Tz,
}

impl Window {
    pub fn new(from: &str, to: &str, tz: Tz) -> Result<Window> {
        let from = validate::date("from", from)?;
        let to = validate::date("to", to)?;
        if to < from {
            return Err(CoreError::validation("to must not be before from"));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(CoreError::validation(format!("a calendar range covers at most {MAX_RANGE_DAYS} days")));
        }
        Ok(Window::dates(from, to, tz))
    }

    /// The window of two valid local dates (`from <= to`).
    fn dates(from: NaiveDate, to: NaiveDate, tz: Tz) -> Window {
        let start = crate::time::start_of_day(from, tz);
        let end = crate::time::start_of_day(to + Duration::days(1), tz);
        Window { from, to, start, end, tz }
    }

    /// Whether an occurrence overlaps the window.
    fn overlaps(&self, w: &When) -> bool {
        match *w {
            When::AllDay { first, last } => first <= self.to && last >= self.from,
            When::Timed { start, end } => {
                let end = end.unwrap_or(start);
                start < self.end && (end > self.start || (end == start && start >= self.start))
            }
        }
    }
}

pub fn range(conn: &Connection, user_id: &str, from: &str, to: &str) -> Result<CalendarRange> {
    range_with(conn, user_id, from, to, None)
}

/// [`range`], reading the series masters from `cache` when the database has not changed
/// since they were read (see [`SeriesCache`]).
pub fn range_with(conn: &Connection, user_id: &str, from: &str, to: &str, cache: Option<&SeriesCache>) -> Result<CalendarRange> {
    let tz = super::store::user_tz(conn, user_id)?;
    let w = Window::new(from, to, tz)?;
    let items = collect(conn, user_id, &w, cache)?;
    Ok(CalendarRange { from: w.from.to_string(), to: w.to.to_string(), timezone: tz.name().to_string(), items: items.sorted() })
}

/// The refusal of a range past one of the caps.
fn too_many(field: &str, max: usize) -> CoreError {
    CoreError::rule(crate::error::Rule::TooMany { field: field.to_string(), max: max as i64 })
}

fn is_too_many(e: &CoreError) -> bool {
    matches!(e, CoreError::Rule(crate::error::Rule::TooMany { .. }))
}

/// Everything drawn in `w`, unsorted; refused past [`MAX_SERIES`] or [`MAX_ITEMS`]. The
/// series are counted on the index before any is read, and expansion stops at the first
/// series that takes the items past the cap, so a refusal costs little.
fn collect(conn: &Connection, user_id: &str, w: &Window, cache: Option<&SeriesCache>) -> Result<Items> {
    let (lo, hi) = margins(w);
    if store::series_reaching_count(conn, user_id, &lo, &hi, MAX_SERIES)? > MAX_SERIES {
        return Err(too_many("recurring series", MAX_SERIES));
    }
    let mut courses = assignments::course_labels(conn, user_id)?;
    courses.extend(store::subscription_labels(conn, user_id)?);
    let mut items = Items::default();
    let singles = store::singles_between(conn, user_id, &lo, &hi, w.tz, MAX_ITEMS + 1)?;
    for ev in singles {
        if w.overlaps(&ev.when) {
            // A detached occurrence is a single event here: nothing to edit "this" of.
            let occurrence = ev.recurrence.filter(|_| ev.row.series_id.is_some());
            items.push_event(&ev, ev.when, occurrence, &courses, w);
        }
    }
    items.check()?;
    let (masters, overrides) = match cache {
        Some(cache) => cache.get(conn, user_id, w)?,
        None => (Arc::new(series(conn, user_id, w)?), Arc::new(overrides(conn, user_id, w)?)),
    };
    for master in masters.iter().filter(|m| reaches(m, &lo, &hi)) {
        expand(master, overrides.get(&master.row.id), w, &courses, &mut items)?;
        items.check()?;
    }
    assignments(conn, user_id, w, &courses, &mut items)?;
    items.check()?;
    Ok(items)
}

/// One page of a long range: the items from `cursor` on (the start of the range when
/// `None`), at most `limit`, and the cursor of the next page (`None` at the end).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AgendaPage {
    pub from: String,
    pub to: String,
    pub timezone: String,
    pub items: Vec<CalendarItem>,
    /// Pass back as `cursor` for the items after these; `None` when the range is done.
    pub next: Option<String>,
}

/// The agenda of `from..=to`, a page at a time. The page grows from the cursor's day (one
/// day, then doubling) until it holds more than `limit` items or reaches `to`, so a page
/// costs about what its items cost whatever the range; it ends inside a day when that
/// day alone holds more. A multi-day item is on the page of its first day (the first page
/// also has those that started before `from`). The cursor is `DATE/N`: the page starts at
/// the N-th item (0-based, in the range's order) starting on DATE.
pub fn agenda(conn: &Connection, user_id: &str, from: &str, to: &str, cursor: Option<&str>, limit: Option<u32>, cache: Option<&SeriesCache>) -> Result<AgendaPage> {
    let tz = super::store::user_tz(conn, user_id)?;
    let whole = Window::new(from, to, tz)?;
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(CoreError::rule(crate::error::Rule::Range { field: "limit".into(), min: 1, max: MAX_PAGE.into(), got: limit.into() }));
    }
    let limit = limit as usize;
    let (start, skip) = match cursor {
        Some(c) => parse_cursor(c, &whole)?,
        None => (whole.from, 0),
    };
    let mut span = 1;
    let mut best: Option<(NaiveDate, Vec<CalendarItem>)> = None;
    loop {
        let end = (start + Duration::days(span - 1)).min(whole.to);
        let items = match collect(conn, user_id, &Window::dates(start, end, tz), cache) {
            Ok(items) => items.sorted(),
            // A wider page would pass the cap: the narrower one already read will do.
            Err(e) if is_too_many(&e) && best.is_some() => break,
            Err(e) => return Err(e),
        };
        let first = date_text(start);
        let mut on_first = 0;
        let items: Vec<CalendarItem> = items
            .into_iter()
            .filter(|i| cursor.is_none() || i.date >= first)
            .filter(|i| {
                let skipped = i.date == first && on_first < skip;
                on_first += usize::from(i.date == first);
                !skipped
            })
            .collect();
        let done = items.len() > limit || end == whole.to;
        best = Some((end, items));
        if done {
            break;
        }
        span *= 2;
    }
    let Some((end, mut items)) = best else { return Err(too_many("occurrences", MAX_ITEMS)) };
    let next = if items.len() > limit {
        let cut = items[limit].date.clone();
        let before = items[..limit].iter().filter(|i| i.date == cut).count();
        let already = if cut == date_text(start) { skip } else { 0 };
        items.truncate(limit);
        Some(format!("{cut}/{}", already + before))
    } else if end < whole.to {
        Some(format!("{}/0", date_text(end + Duration::days(1))))
    } else {
        None
    };
    Ok(AgendaPage { from: whole.from.to_string(), to: whole.to.to_string(), timezone: tz.name().to_string(), items, next })
}

/// A cursor [`agenda`] gave: a date inside the range and how many of its items were shown.
fn parse_cursor(cursor: &str, whole: &Window) -> Result<(NaiveDate, usize)> {
    let bad = || CoreError::validation("cursor is not one this agenda gave: start again from the first page (no cursor)");
    let (date, n) = cursor.split_once('/').ok_or_else(bad)?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    let n: usize = n.parse().map_err(|_| bad())?;
    if date < whole.from || date > whole.to || n > MAX_ITEMS {
        return Err(bad());
    }
    Ok((date, n))
}

/// Where an item sorts: (local date, all-day first, start, order); then title and id.
/// The title's first eight bytes (big-endian) settle most ties between items at the same
/// time without reaching into the items themselves.
type SortKey = (NaiveDate, bool, i64, i64, u64);

/// The items of a range with their sort keys, taken from the typed values they are built
/// from (parsing the texts back for each comparison was a third of a month view).
#[derive(Default)]
struct Items {
    items: Vec<CalendarItem>,
    keys: Vec<SortKey>,
    /// The answer's size so far, as [`MAX_TEXT_BYTES`] counts it.
    bytes: usize,
}

impl Items {
    fn push(&mut self, item: CalendarItem, date: NaiveDate, start: Option<DateTime<Utc>>) {
        let mut prefix = [0u8; 8];
        let title = item.title.as_bytes();
        let n = title.len().min(8);
        prefix[..n].copy_from_slice(&title[..n]);
        let start = start.map_or(i64::MIN, |t| t.timestamp_millis());
        self.keys.push((date, !item.all_day, start, item.order_index, u64::from_be_bytes(prefix)));
        let text = |t: &Option<String>| t.as_ref().map_or(0, String::len);
        self.bytes += ITEM_BYTES + item.title.len() + text(&item.notes) + text(&item.course_name) + text(&item.location) + text(&item.url);
        self.items.push(item);
    }

    fn push_event(&mut self, ev: &Ev, when: When, occ: Option<Occ>, courses: &Courses, w: &Window) {
        let (date, end_date) = when.dates(w.tz);
        let start = match when {
            When::AllDay { .. } => None,
            When::Timed { start, .. } => Some(start),
        };
        self.push(item(ev, when, occ, courses, date, end_date), date, start);
    }

    /// Refuses once the items pass [`MAX_ITEMS`] or their text [`MAX_TEXT_BYTES`].
    fn check(&self) -> Result<()> {
        if self.items.len() > MAX_ITEMS {
            return Err(too_many("occurrences", MAX_ITEMS));
        }
        if self.bytes > MAX_TEXT_BYTES {
            return Err(too_many("megabytes of text", MAX_TEXT_BYTES / (1024 * 1024)));
        }
        Ok(())
    }

    /// Sorts by key, then title and id: stable whatever order the queries returned.
    /// (key, index) pairs are sorted rather than the items, which are large to move; the
    /// items are only read for a tie of the whole key.
    fn sorted(self) -> Vec<CalendarItem> {
        let Items { items, keys, .. } = self;
        let mut order: Vec<(SortKey, usize)> = keys.into_iter().zip(0..).collect();
        order.sort_unstable_by(|(ka, a), (kb, b)| {
            ka.cmp(kb).then_with(|| {
                let (a, b) = (&items[*a], &items[*b]);
                a.title.cmp(&b.title).then_with(|| a.id.cmp(&b.id)).then_with(|| a.recurrence_id.cmp(&b.recurrence_id))
            })
        });
        let mut slots: Vec<Option<CalendarItem>> = items.into_iter().map(Some).collect();
        order.into_iter().filter_map(|(_, i)| slots[i].take()).collect()
    }
}

fn series(conn: &Connection, user_id: &str, w: &Window) -> Result<Vec<Ev>> {
    let (lo, hi) = margins(w);
    store::series_reaching(conn, user_id, &lo, &hi, w.tz)
}

fn overrides(conn: &Connection, user_id: &str, w: &Window) -> Result<Overrides> {
    let (lo, hi) = margins(w);
    store::overridden_occurrences(conn, user_id, &lo, &hi)
}

/// Whether a master's span reaches the dates `lo..=hi` (what `store::series_reaching` selects).
fn reaches(master: &Ev, lo: &str, hi: &str) -> bool {
    master.row.event_date.as_str() <= hi && master.row.series_end_date.as_deref().is_none_or(|end| end >= lo)
}

/// The series masters (decoded, with their overrides) reaching a span of dates around
/// the last window read, kept while the database is unchanged. Series are few and change
/// rarely, yet each month view read and decoded hundreds of them (a third of its time).
/// The span reaches [`CACHE_SPAN_DAYS`] before and after the window, so paging through
/// nearby months (and every refetch of the same one) reads none; a window outside it, or
/// any write, reads them again. "Unchanged" is this connection's `total_changes()` (any
/// row it wrote, including the settings' time zone) plus `PRAGMA data_version` (a commit
/// by any other connection: the CLI, the headless reminder run, a second window).
#[derive(Default)]
pub struct SeriesCache(Mutex<Option<CachedSeries>>);

/// How far around a window the cache reads series (a quarter either way).
const CACHE_SPAN_DAYS: i64 = 92;

struct CachedSeries {
    version: (u64, i64),
    user_id: String,
    tz: Tz,
    /// First and last dates (stored text) the masters were selected for.
    span: (String, String),
    masters: Arc<Vec<Ev>>,
    overrides: Arc<Overrides>,
}

impl SeriesCache {
    fn get(&self, conn: &Connection, user_id: &str, w: &Window) -> Result<(Arc<Vec<Ev>>, Arc<Overrides>)> {
        let version = (conn.total_changes(), conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))?);
        let (lo, hi) = margins(w);
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = |c: &&CachedSeries| {
            c.version == version && c.user_id == user_id && c.tz == w.tz && c.span.0 <= lo && hi <= c.span.1
        };
        if let Some(c) = slot.as_ref().filter(fresh) {
            return Ok((c.masters.clone(), c.overrides.clone()));
        }
        let wide = Window {
            from: w.from - Duration::days(CACHE_SPAN_DAYS),
            to: w.to + Duration::days(CACHE_SPAN_DAYS),
            ..*w
        };
        let masters = Arc::new(series(conn, user_id, &wide)?);
        let overrides = Arc::new(overrides(conn, user_id, &wide)?);
        *slot = Some(CachedSeries {
            version,
            user_id: user_id.to_string(),
            tz: w.tz,
            span: margins(&wide),
            masters: masters.clone(),
            overrides: overrides.clone(),
        });
        Ok((masters, overrides))
    }
}

/// The window's first and last dates widened by [`ZONE_MARGIN_DAYS`], as stored texts.
fn margins(w: &Window) -> (String, String) {
    (
        date_text(w.from - Duration::days(ZONE_MARGIN_DAYS)),
        date_text(w.to + Duration::days(ZONE_MARGIN_DAYS)),
    )
}

/// The occurrences of `master` in the window, minus EXDATEs and overridden ones.
fn expand(master: &Ev, overridden: Option<&HashSet<String>>, w: &Window, courses: &Courses, out: &mut Items) -> Result<()> {
    let Some(series) = master.series() else { return Ok(()) };
    let (lo, hi) = match master.when {
        When::AllDay { first, last } => (Occ::Date(w.from - (last - first)), Occ::Date(w.to + Duration::days(1))),
        When::Timed { start, end } => (Occ::Time(w.start - (end.unwrap_or(start) - start)), Occ::Time(w.end)),
    };
    let occs = series.between(lo, hi, MAX_PER_SERIES)?;
    if occs.is_empty() {
        return Ok(());
    }
    for o in occs {
        if master.exdates.contains(&o) || overridden.is_some_and(|keys| keys.contains(&o.key())) {
            continue;
        }
        let when = master.when.at(o);
        if w.overlaps(&when) {
            out.push_event(master, when, Some(o), courses, w);
        }
    }
    Ok(())
}

fn item(ev: &Ev, when: When, occ: Option<Occ>, courses: &Courses, date: NaiveDate, end_date: NaiveDate) -> CalendarItem {
    let course = ev.row.course_id.as_ref().and_then(|c| courses.get(c));
    // `courses` also holds the subscriptions' labels, by their ids (see `collect`).
    let feed = ev.row.subscription_id.as_ref().and_then(|s| courses.get(s));
    let (starts_at, ends_at) = match when {
        When::AllDay { .. } => (None, None),
        When::Timed { start, end } => (Some(timestamp_text(start)), end.map(timestamp_text)),
    };
    // An occurrence's key is its original start: for one drawn where it falls, the start
    // text just written (formatting thousands of timestamps twice showed in profiles).
    let recurrence_id = occ.map(|o| match (o, &starts_at, when) {
        (Occ::Time(t), Some(text), When::Timed { start, .. }) if t == start => text.clone(),
        _ => o.key(),
    });
    let date_text = date_text(date);
    let end_date_text = if end_date == date { date_text.clone() } else { crate::time::date_text(end_date) };
    let series_id = ev.row.series_id.clone().or_else(|| ev.is_master().then(|| ev.row.id.clone()));
    CalendarItem {
        kind: CalendarItemKind::Event,
        id: ev.row.id.clone(),
        recurring: series_id.is_some(),
        series_id,
        recurrence_id,
        title: ev.row.title.clone().unwrap_or_default(),
        notes: ev.row.notes.clone(),
        location: ev.row.location.clone(),
        url: ev.row.url.clone(),
        date: date_text,
        end_date: end_date_text,
        all_day: matches!(when, When::AllDay { .. }),
        starts_at,
        ends_at,
        course_id: ev.row.course_id.clone(),
        course_name: course.map(|c| c.0.clone()),
        colour: feed.or(course).and_then(|c| c.1.clone()),
        subscription_id: ev.row.subscription_id.clone(),
        order_index: ev.row.order_index,
        status: None,
    }
}

/// Assignments due inside the window, as timed items at their due time.
fn assignments(conn: &Connection, user_id: &str, w: &Window, courses: &Courses, out: &mut Items) -> Result<()> {
    let rows = assignments::due_between(conn, user_id, &timestamp_text(w.start), &timestamp_text(w.end))?;
    for assignments::DueBetween { id, course_id, title, status, due_at, notes } in rows {
        let Some(due) = crate::time::parse_instant(&due_at) else { continue };
        let local_date = due.with_timezone(&w.tz).date_naive();
        let date = date_text(local_date);
        let course = course_id.as_ref().and_then(|c| courses.get(c));
        let item = CalendarItem {
            kind: CalendarItemKind::Assignment,
            id,
            series_id: None,
            recurrence_id: None,
            title,
            notes,
            location: None,
            url: None,
            end_date: date.clone(),
            date,
            all_day: false,
            starts_at: Some(due_at),
            ends_at: None,
            course_name: course.map(|c| c.0.clone()),
            colour: course.and_then(|c| c.1.clone()),
            subscription_id: None,
            course_id,
            recurring: false,
            order_index: 0,
            status,
        };
        out.push(item, local_date, Some(due));
    }
    Ok(())
}
