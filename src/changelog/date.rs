//! Release dates as changelogs write them: `2024-01-31`, `6th December, 2024`, `July 20th, 2026`,
//! `22 January 2022`, `2016/3/20 15:07 +07:00`, `Released on 2026-08-14.`
//!
//! [`read`] says what kind of spelling a date is (which the dialect of a file compares) and which
//! day it names; the day is checked by jiff's civil calendar, so `2023-02-30` and `February 30th,
//! 2024` are no days whatever their spelling. Month names and ordinals are read here (no
//! date-format library reads `6th`). This module only reads; whether a spelling is allowed is the
//! rules' business.

use jiff::civil::Date;

/// How a date is spelled, as far as a file's convention is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateKind {
    /// Year, month and day in numbers separated by `-`, year first (`2024-01-31`, `2024-1-5`).
    Iso,
    /// With a month name (`6th December, 2024`, `July 20th, 2026`, `Jan 8, 2025`).
    Human,
    /// Numbers separated by `/` or `.` (`2016/3/20`, `31.01.2024`).
    Numeric,
    /// A template left in place (`YYYY-MM-DD`, `TBD`, `ReleaseDate`) or text that is no date.
    Other,
}

/// What a date token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A real day.
    Day(Date),
    /// A readable date whose day and month cannot be told apart (`3/4/2024`): a date, but none to
    /// compare.
    Ambiguous,
    /// A spelling of a date that names no day (`2023-02-30`): the byte offset of the bad part in
    /// the token, why, and the valid date (`YYYY-MM-DD`) to suggest, if there is one.
    NoSuchDay {
        at: usize,
        why: String,
        suggest: Option<String>,
    },
    /// Not a date at all (a placeholder, or text with no year, month and day).
    NotADate { why: String },
}

/// A date token read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateRead {
    pub kind: DateKind,
    /// Exactly `YYYY-MM-DD` (ten characters, zero-padded): the only spelling Keep a Changelog
    /// allows.
    pub iso: bool,
    pub reading: Reading,
}

impl DateRead {
    /// The day, when the token names one.
    pub fn day(&self) -> Option<Date> {
        match self.reading {
            Reading::Day(d) => Some(d),
            _ => None,
        }
    }

    /// True when the token is a date that names a real day (or an ambiguous but valid one).
    pub fn is_valid(&self) -> bool {
        matches!(self.reading, Reading::Day(_) | Reading::Ambiguous)
    }
}

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `YYYY-MM-DD` of a day.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The day `y-m-d`, if there is one (jiff's calendar: leap years, month lengths).
fn day(y: u32, m: u32, d: u32) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// Why `y-m-d` is no day, and where in `tok` (the month's or the day's offset).
fn no_such_day(y: u32, m: u32, d: u32, month_at: usize, day_at: usize) -> Reading {
    if !(1..=12).contains(&m) {
        // A swapped month and day (`2024-13-01`) is the likely typo.
        return Reading::NoSuchDay {
            at: month_at,
            why: format!("there is no month {m:02}"),
            suggest: day(y, d, m).map(iso),
        };
    }
    let first = day(y, m, 1);
    let dim = first.map_or(0, |f| i64::from(f.days_in_month()));
    let month = MONTHS.get(m as usize - 1).copied().unwrap_or("the month");
    let fixed = i64::from(d).clamp(1, dim.max(1));
    Reading::NoSuchDay {
        at: day_at,
        why: format!("{month} {y} has {dim} days"),
        suggest: day(y, m, u32::try_from(fixed).unwrap_or(1)).map(iso),
    }
}

/// Reads a date token (the part of a heading or line that holds the date).
pub fn read(tok: &str) -> DateRead {
    let t = tok.trim();
    let b = t.as_bytes();
    let lead = tok.len() - tok.trim_start().len();
    // YYYY-MM-DD exactly.
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = t.get(r)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            let reading = match day(y, m, d) {
                Some(date) => Reading::Day(date),
                None => no_such_day(y, m, d, lead + 5, lead + 8),
            };
            return DateRead {
                kind: DateKind::Iso,
                iso: true,
                reading,
            };
        }
    }
    if ["YYYY", "MM", "DD"]
        .iter()
        .any(|p| contains_ignore_case(t, p))
    {
        return other("a placeholder, not a date");
    }
    let words = words(t);
    if let Some(r) = numeric(t, &words, lead) {
        return r;
    }
    if let Some(r) = human(&words, lead) {
        return r;
    }
    if !t.contains(|c: char| c.is_ascii_digit()) {
        return other("a placeholder, not a date");
    }
    other("not a date with a year, a month and a day")
}

fn other(why: &str) -> DateRead {
    DateRead {
        kind: DateKind::Other,
        iso: false,
        reading: Reading::NotADate { why: why.into() },
    }
}

/// Alphanumeric words of `t` with their byte offsets.
fn words(t: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in t.char_indices() {
        match (c.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &t[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &t[s..]));
    }
    out
}

fn is_num(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
}

/// `2024-1-5`, `2016/3/20 15:07 +07:00`, `31.01.2024`, `3/4/2024`: three numbers first.
fn numeric(t: &str, words: &[(usize, &str)], lead: usize) -> Option<DateRead> {
    let [(ya, a), (ma, m), (da, d), ..] = words else {
        return None;
    };
    if !(is_num(a) && is_num(m) && is_num(d)) {
        return None;
    }
    let sep = t.get(ya + a.len()..)?.chars().next()?;
    let kind = match sep {
        '-' if a.len() == 4 => DateKind::Iso,
        '/' | '.' => DateKind::Numeric,
        _ => return None,
    };
    let n = |w: &str| w.parse::<u32>().ok();
    let (a_n, m_n, d_n) = (n(a)?, n(m)?, n(d)?);
    let reading = if a.len() == 4 {
        match day(a_n, m_n, d_n) {
            Some(date) => Reading::Day(date),
            None => no_such_day(a_n, m_n, d_n, lead + ma, lead + da),
        }
    } else if d.len() == 4 {
        // Day and month first, in an order only a number over 12 tells.
        let (y, p, q) = (d_n, a_n, m_n);
        match (day(y, p, q), day(y, q, p)) {
            (Some(x), Some(_)) if p == q => Reading::Day(x),
            (Some(_), Some(_)) => Reading::Ambiguous,
            (Some(x), None) | (None, Some(x)) => Reading::Day(x),
            (None, None) => Reading::NoSuchDay {
                at: lead + ya,
                why: format!("neither {p}/{q} nor {q}/{p} is a day of {y}"),
                suggest: None,
            },
        }
    } else {
        return None;
    };
    Some(DateRead {
        kind,
        iso: false,
        reading,
    })
}

/// `6th December, 2024`, `July 20th, 2026`, `Thursday, June 25, 2026`, `22 January 2022`.
fn human(words: &[(usize, &str)], lead: usize) -> Option<DateRead> {
    let year = words.iter().find(|(_, w)| w.len() == 4 && is_num(w));
    let day_word = words.iter().find(|(_, w)| {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        (1..=2).contains(&digits.len())
            && is_num(digits)
            && ["", "st", "nd", "rd", "th"]
                .iter()
                .any(|s| suffix.eq_ignore_ascii_case(s))
    });
    let named = words
        .iter()
        .find_map(|(at, w)| month_number(w).map(|m| (*at, m)));
    let (Some((_, y)), Some((day_at, d))) = (year, day_word) else {
        return None;
    };
    let Some((month_at, m)) = named else {
        // Words around numbers, none a month: a misspelt month (`2025 Des 9`).
        let word = words
            .iter()
            .find(|(_, w)| w.bytes().all(|b| b.is_ascii_alphabetic()) && !is_weekday(w))?;
        return Some(DateRead {
            kind: DateKind::Human,
            iso: false,
            reading: Reading::NotADate {
                why: format!("`{}` is not a month", word.1),
            },
        });
    };
    let y: u32 = y.parse().ok()?;
    let d: u32 = d
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()?;
    let reading = match day(y, m, d) {
        Some(date) => Reading::Day(date),
        None => no_such_day(y, m, d, lead + month_at, lead + day_at),
    };
    Some(DateRead {
        kind: DateKind::Human,
        iso: false,
        reading,
    })
}

fn is_weekday(w: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    w.len() >= 3 && DAYS.iter().any(|d| starts_with_ignore_case(d, w))
}

/// `Jan`, `january`, `Sept` → 1, 1, 9.
pub fn month_number(word: &str) -> Option<u32> {
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let sept = word.eq_ignore_ascii_case("sept");
    MONTHS
        .iter()
        .position(|m| starts_with_ignore_case(m, word) || (sept && *m == "September"))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `full` begins with `prefix`, ASCII case ignored (a heading's dates are read without
/// lowercased copies: httpx's 77 dates took 0.24 M instructions to lowercase month names).
fn starts_with_ignore_case(full: &str, prefix: &str) -> bool {
    full.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// `t` holds `needle`, ASCII case ignored.
fn contains_ignore_case(t: &str, needle: &str) -> bool {
    t.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The date a line states in words, as the first line of a release's body does in some
/// conventions (`Released 2024-11-28`, `Released on 2026-08-14.`, `*Released 2024-01-01*`): the
/// byte range of the date in `line`. `Unreleased` alone is [`BodyDate::Pending`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyDate {
    Released(std::ops::Range<usize>),
    Pending,
}

pub fn body_date(line: &str) -> Option<BodyDate> {
    let t = line.trim_end();
    let lead = t.len() - t.trim_start().len();
    if lead > 3 {
        return None;
    }
    let s = t[lead..].trim_start_matches(['*', '_']);
    let bare = s.trim_end_matches(['*', '_', '.']).trim();
    if bare.eq_ignore_ascii_case("unreleased") || bare.eq_ignore_ascii_case("not yet released") {
        return Some(BodyDate::Pending);
    }
    let head = s.get(..8)?;
    if !head.eq_ignore_ascii_case("released") {
        return None;
    }
    let mut rest = &s[8..];
    for p in [":", " on ", " "] {
        if let Some(r) = rest.strip_prefix(p) {
            rest = r;
            break;
        }
    }
    let rest = rest.trim_start();
    let start = t.len() - rest.len();
    // The date ends at a comma after the year, or at the end (a final `.` or emphasis dropped).
    let end_rel = {
        // `Released 2024-11-28, codename "x"`: an ISO date is one word.
        let first = rest.split_whitespace().next().unwrap_or("");
        if first.len() >= 10 && first.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            first.trim_end_matches([',', '.', '*', '_']).len()
        } else {
            rest.trim_end_matches(['.', '*', '_']).trim_end().len()
        }
    };
    if end_rel == 0 || !rest[..end_rel].contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(BodyDate::Released(start..start + end_rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day_of(t: &str) -> Option<String> {
        read(t).day().map(iso)
    }

    #[test]
    fn iso_dates() {
        let r = read("2024-02-29");
        assert!(r.iso && r.kind == DateKind::Iso);
        assert_eq!(day_of("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(
            read("2023-02-30").reading,
            Reading::NoSuchDay {
                at: 8,
                why: "February 2023 has 28 days".into(),
                suggest: Some("2023-02-28".into())
            }
        );
        assert_eq!(
            read("2024-13-01").reading,
            Reading::NoSuchDay {
                at: 5,
                why: "there is no month 13".into(),
                suggest: Some("2024-01-13".into())
            }
        );
        assert!(!read("2100-02-29").is_valid());
        assert!(read("2000-02-29").is_valid());
        let loose = read("2025-12-1");
        assert_eq!((loose.kind, loose.iso), (DateKind::Iso, false));
        assert_eq!(day_of("2025-12-1").as_deref(), Some("2025-12-01"));
    }

    #[test]
    fn human_dates() {
        for (t, want) in [
            ("6th December, 2024", "2024-12-06"),
            ("July 20th, 2026", "2026-07-20"),
            ("Jan 8th, 2025", "2025-01-08"),
            ("22 January 2022", "2022-01-22"),
            ("Sept 3, 2019", "2019-09-03"),
            ("Thursday, June 25, 2026", "2026-06-25"),
        ] {
            let r = read(t);
            assert_eq!(r.kind, DateKind::Human, "{t}");
            assert_eq!(r.day().map(iso).as_deref(), Some(want), "{t}");
        }
        let bad = read("February 30th, 2024");
        assert_eq!(
            bad.reading,
            Reading::NoSuchDay {
                at: 9,
                why: "February 2024 has 29 days".into(),
                suggest: Some("2024-02-29".into())
            }
        );
        assert_eq!(
            read("2025 Des 9").reading,
            Reading::NotADate {
                why: "`Des` is not a month".into()
            }
        );
    }

    #[test]
    fn numeric_and_placeholder_dates() {
        assert_eq!(read("2016/3/20 15:07 +07:00").kind, DateKind::Numeric);
        assert_eq!(
            day_of("2016/3/20 15:07 +07:00").as_deref(),
            Some("2016-03-20")
        );
        assert_eq!(day_of("31.01.2024").as_deref(), Some("2024-01-31"));
        assert_eq!(read("3/4/2024").reading, Reading::Ambiguous);
        assert!(!read("2024/02/30").is_valid());
        for p in ["YYYY-MM-DD", "2019-06-DD", "TBD", "ReleaseDate"] {
            assert_eq!(read(p).kind, DateKind::Other, "{p}");
        }
        assert_eq!(month_number("Jun"), Some(6));
        assert_eq!(month_number("june"), Some(6));
        assert_eq!(month_number("Ju"), None);
        assert_eq!(month_number("Des"), None);
        // Any ASCII case, without lowercased copies.
        assert_eq!(month_number("SEPT"), Some(9));
        assert_eq!(month_number("sEpTeMbEr"), Some(9));
        assert_eq!(month_number("Decembers"), None);
        assert_eq!(day_of("6TH DECEMBER, 2024").as_deref(), Some("2024-12-06"));
        assert_eq!(day_of("THU, Jun 25 2026").as_deref(), Some("2026-06-25"));
        assert_eq!(read("2019-06-dd").kind, DateKind::Other);
        assert_eq!(
            read("2025 Dex 9").reading,
            Reading::NotADate {
                why: "`Dex` is not a month".into()
            }
        );
        assert_eq!(
            read("Wed 2025 Dex 9").reading,
            Reading::NotADate {
                why: "`Dex` is not a month".into()
            },
            "a weekday is passed over in any case"
        );
        // Anything else is no date, whatever its bytes.
        for odd in [
            "€1/2/2024",
            "(yanké)",
            "é2024-1-2",
            "2024\u{2013}01\u{2013}02",
            "31. März 2024",
        ] {
            let _ = read(odd);
        }
        assert_eq!(day_of("€2024/1/2").as_deref(), Some("2024-01-02"));
    }

    #[test]
    fn dates_in_a_body_line() {
        let released = |l: &str| match body_date(l) {
            Some(BodyDate::Released(r)) => Some(l[r].to_string()),
            _ => None,
        };
        assert_eq!(
            released("Released on 2026-08-14.").as_deref(),
            Some("2026-08-14")
        );
        assert_eq!(
            released("Released 2024-11-28").as_deref(),
            Some("2024-11-28")
        );
        assert_eq!(
            released("Released 2024-11-28, codename \"zoom zoom\"").as_deref(),
            Some("2024-11-28")
        );
        assert_eq!(
            released("*Released: July 20th, 2026*").as_deref(),
            Some("July 20th, 2026")
        );
        assert_eq!(body_date("Unreleased"), Some(BodyDate::Pending));
        assert_eq!(body_date("Released features:"), None);
        assert_eq!(body_date("- Released 2024-01-01"), None);
        assert_eq!(body_date("        Released 2024-01-01"), None);
    }
}
