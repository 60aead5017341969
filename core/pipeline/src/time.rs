//! Timestamps as every event carries them: RFC 3339 UTC with microseconds
//! (`2026-11-24T19:57:40.123456Z`), written and read by hand because two are
//! written per tool call and every reader parses one per line.

use std::time::{SystemTime, UNIX_EPOCH};

/// `time` as RFC 3339 UTC with microseconds: `2026-11-24T19:57:40.123456Z`.
pub fn format_timestamp(time: SystemTime) -> String {
    let micros = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i64,
        Err(e) => -(e.duration().as_micros() as i64),
    };
    let mut out = Vec::with_capacity(TIMESTAMP_LEN);
    push_timestamp(micros, &mut out);
    String::from_utf8(out).expect("ASCII")
}

/// Length of [`push_timestamp`]'s output for years 0000–9999.
pub const TIMESTAMP_LEN: usize = 27;

/// Appends microseconds since the epoch as RFC 3339 UTC with microseconds
/// (no quotes). Digits are written directly: two of these run per tool call.
pub fn push_timestamp(micros: i64, out: &mut Vec<u8>) {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000) as u32;
    let rem = secs.rem_euclid(86_400) as u32;
    // Built in place and appended once: every event has one.
    let mut ts = *b"0000-00-00T00:00:00.000000Z";
    let mut two = |at: usize, v: u32| {
        ts[at] = b'0' + (v / 10) as u8;
        ts[at + 1] = b'0' + (v % 10) as u8;
    };
    two(11, rem / 3600);
    two(14, rem % 3600 / 60);
    two(17, rem % 60);
    two(20, frac / 10_000);
    two(22, frac / 100 % 100);
    two(24, frac % 100);
    ts[..10].copy_from_slice(&date_of(secs.div_euclid(86_400)));
    out.extend_from_slice(&ts);
}

/// The current time, formatted by [`format_timestamp`].
pub fn now_timestamp() -> String {
    format_timestamp(SystemTime::now())
}

/// Nanoseconds since the epoch of an RFC 3339 UTC timestamp as the writer
/// formats them (`2026-11-24T19:57:40.123456Z`; any fraction length, `Z` or
/// any `±HH:MM` offset). `None` for anything else. The inverse of [`push_timestamp`],
/// used by the queries and the OTLP exporter alike.
pub fn parse_timestamp_nanos(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        part.iter().all(u8::is_ascii_digit).then_some(())?;
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let sep = |i: usize, c: u8| (b.get(i) == Some(&c)).then_some(());
    let (y, mo, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    sep(4, b'-')?;
    sep(7, b'-')?;
    b.get(10).filter(|c| matches!(c, b'T' | b't' | b' '))?;
    let (h, mi, sec) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    sep(13, b':')?;
    sep(16, b':')?;
    let mut i = 19;
    let mut nanos = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        for _ in (i - start).min(9)..9 {
            nanos *= 10;
        }
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60
    {
        return None;
    }
    // `Z`, or an offset `±HH:MM` (the instant is the local time minus it).
    let offset_s = match &b[i..] {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == i + 6 && b[i + 3] == b':' => {
            let (oh, om) = (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let s = oh * 3600 + om * 60;
            if *sign == b'+' { s } else { -s }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset_s;
    // Nanoseconds in an i64 reach 1677-09-21 to 2262-04-11; a crafted
    // year outside is not a timestamp (it overflowed).
    secs.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// Days in month `m` (1–12) of year `y`, proleptic Gregorian.
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's civil-to-days algorithm, the inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day since the epoch, remembered per thread: every
/// event of a day has the same date.
fn date_of(day: i64) -> [u8; 10] {
    thread_local!(static LAST: std::cell::Cell<(i64, [u8; 10])> = const { std::cell::Cell::new((i64::MIN, [0; 10])) });
    LAST.with(|last| {
        let (cached, text) = last.get();
        if cached == day {
            return text;
        }
        let (y, m, d) = civil_from_days(day);
        let y = y.clamp(0, 9999) as u32;
        let digit = |v: u32| b'0' + (v % 10) as u8;
        let text = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ];
        last.set((day, text));
        text
    })
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The hand-written reader agrees with `jiff` on every day of four
    /// years (a leap year, a century that is not one, 2000 that is), day 0
    /// and day 32 included, with `Z` and with offsets: it takes exactly the
    /// dates that exist, at the same instant.
    #[test]
    fn the_reader_takes_the_dates_jiff_takes_at_the_same_instant() {
        for y in [1970, 2000, 2024, 2100] {
            for m in 1..=12 {
                for d in 0..=32 {
                    for tail in ["Z", "+05:30", "-11:00", ".5Z"] {
                        let text = format!("{y:04}-{m:02}-{d:02}T23:59:59{tail}");
                        let ours = parse_timestamp_nanos(&text);
                        let theirs = text
                            .parse::<jiff::Timestamp>()
                            .ok()
                            .map(|t| t.as_nanosecond() as i64);
                        assert_eq!(ours, theirs, "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc_micros() {
        assert_eq!(format_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let t = UNIX_EPOCH + Duration::from_micros(1_795_550_260_123_456);
        assert_eq!(format_timestamp(t), "2026-11-24T19:57:40.123456Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(format_timestamp(leap), "2000-02-29T00:00:00.000000Z");
        // Every field at its largest, and a fraction with leading zeros.
        let mut out = Vec::new();
        push_timestamp(951_868_799_999_999, &mut out);
        push_timestamp(-1, &mut out);
        push_timestamp(86_400_000_007, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2000-02-29T23:59:59.999999Z1969-12-31T23:59:59.999999Z1970-01-02T00:00:00.000007Z"
        );
    }
}
