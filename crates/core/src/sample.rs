//! Sample data offered at first launch ("Load sample data"): a plausible student's
//! semester, dated relative to now in the user's time zone so it always looks current.
//! Written through the rooms' own functions inside the caller's transaction (the
//! planner's, the dashboard's), except the past days' progress snapshots: the focus room
//! has no function for a past day's snapshot yet, so that one statement is still here.

use crate::dashboard::content::{self, NewFocusEntry, NewStudyPlaylist, NewStudyResource};
use crate::db::Tx;
use crate::planner::assignments::{self, NewAssignment};
use crate::planner::tasks::{self, NewTask};
use crate::time::{local_date, start_of_day};
use crate::Result;
use chrono::{Days, Duration};

pub fn load(tx: &Tx, user_id: &str) -> Result<()> {
    let tz = crate::account::settings::timezone(tx, user_id)?;
    let today = local_date(tx.now(), tz);
    // "In n days at hh:00 local time", as RFC 3339.
    let at = |days: i64, hour: i64| -> String {
        let day = if days >= 0 { today + Days::new(days as u64) } else { today - Days::new(days.unsigned_abs()) };
        crate::db::timestamp_text(start_of_day(day, tz) + Duration::hours(hour))
    };

    let algebra = assignments::insert_course(tx, user_id, "Linear Algebra", Some("📐"))?;
    let chem = assignments::insert_course(tx, user_id, "Organic Chemistry", Some("🧪"))?;
    let lit = assignments::insert_course(tx, user_id, "Japanese Literature", Some("📚"))?;
    let stats = assignments::insert_course(tx, user_id, "Statistics", Some("📊"))?;

    let plan: [(&str, &str, &str, i64); 8] = [
        (&algebra.id, "Problem set 7: eigenvalues", "In progress", 0),
        (&lit.id, "Vocabulary quiz: chapter 4", "Not started", 2),
        (&chem.id, "Lab report: esterification", "Not started", 4),
        (&lit.id, "Essay draft: Kokoro, chapters 1-3", "In progress", 9),
        (&stats.id, "Quiz 4: hypothesis testing", "Not started", 16),
        (&algebra.id, "Midterm revision sheet", "Not started", 24),
        (&chem.id, "Final project proposal", "Not started", 45),
        (&stats.id, "Reading response 3", "In progress", -1),
    ];
    for (course, title, status, days) in plan {
        assignments::insert(
            tx,
            user_id,
            &NewAssignment {
                course_id: Some(course.to_string()),
                title: title.into(),
                status: Some(status.into()),
                due_at: Some(at(days, 17)),
                notes: None,
            },
        )?;
    }

    let todo = [
        ("Review lecture 12 notes (eigenvectors)", Some(at(0, 12)), true),
        ("Flashcards: 30 kanji from chapter 4", None, true),
        ("Draft the lab report introduction", Some(at(0, 18)), false),
        ("Email study group about Thursday", None, false),
        ("Past paper 2023 Q1-Q3", Some(at(0, 21)), false),
    ];
    for (text, due, done) in todo {
        let t = tasks::insert_task(tx, user_id, &NewTask { list_id: None, description: text.into(), due_at: due })?;
        if done {
            tasks::mark_completed(tx, user_id, t, true)?;
        }
    }

    for (title, desc) in [
        ("Deep Work", "90-minute blocks, phone in another room"),
        ("Review Loop", "Spaced repetition every evening"),
        ("Past papers", "One timed paper every weekend"),
    ] {
        content::insert_focus_entry(tx, user_id, &NewFocusEntry { title: title.into(), description: Some(desc.into()) })?;
    }
    for (label, emoji, url) in [
        ("Linear Algebra notes", "📐", "https://ocw.mit.edu/courses/18-06-linear-algebra-spring-2010/"),
        ("Khan Academy: Statistics", "📊", "https://www.khanacademy.org/math/statistics-probability"),
        ("Jisho dictionary", "🈶", "https://jisho.org/"),
        ("Chemistry LibreTexts", "🧪", "https://chem.libretexts.org/"),
    ] {
        content::insert_resource(
            tx,
            user_id,
            &NewStudyResource { label: label.into(), emoji: Some(emoji.into()), url: Some(url.into()) },
        )?;
    }
    for (title, provider, url) in [
        ("Lo-fi beats to study to", "youtube", "https://www.youtube.com/embed/jfKfPfyJRdk"),
        ("Deep Focus", "spotify", "https://open.spotify.com/embed/playlist/37i9dQZF1DWZeKCadgRdKQ"),
        ("Classical for reading", "spotify", "https://open.spotify.com/embed/playlist/37i9dQZF1DWWEJlAGA9gs0"),
    ] {
        content::insert_playlist(
            tx,
            user_id,
            &NewStudyPlaylist { title: title.into(), provider: Some(provider.into()), embed_url: url.into() },
        )?;
    }

    // A month of daily progress before today, with a realistic rhythm: weekends lighter.
    for back in 1..=30u64 {
        let day = today - Days::new(back);
        let weekday = chrono::Datelike::weekday(&day).num_days_from_monday();
        let base = if weekday >= 5 { 35 } else { 70 };
        let value = (base + ((back * 37) % 30) as i64).min(100);
        crate::focus::progress::record_past_day(tx, user_id, day, value)?;
    }

    // A month of completed focus sessions (what Insights' "My study" charts): one to three
    // a day in the morning and evening, on the four courses in turn, weekends lighter.
    let activities = crate::focus::activities::list(tx, user_id)?;
    let courses = [&algebra.id, &chem.id, &lit.id, &stats.id];
    for back in 1..=30u64 {
        let day = today - Days::new(back);
        let weekend = chrono::Datelike::weekday(&day).num_days_from_monday() >= 5;
        let count = if weekend { 1 } else { 1 + (back % 3) as usize };
        for n in 0..count {
            let k = back as usize + n;
            let start = start_of_day(day, tz) + Duration::hours(9 + 5 * n as i64) + Duration::minutes(((back * 7) % 30) as i64);
            crate::focus::sessions::insert_past(
                tx,
                user_id,
                &crate::focus::sessions::PastSession {
                    start,
                    minutes: [25, 50, 45, 30][k % 4],
                    activity_id: activities.get(k % activities.len().max(1)).map(|a| a.id.as_str()),
                    course_id: Some(courses[k % courses.len()].as_str()),
                    name: None,
                },
            )?;
        }
    }
    Ok(())
}
