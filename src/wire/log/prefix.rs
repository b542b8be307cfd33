//! The prefixes loggers put before a daemon's message: `-t` timestamps,
//! syslog and journal headers, Android logcat columns, the interface name.

/// When a line says it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stamp {
    /// `1700000000.123456: ` (`wpa_supplicant -t`, `hostapd -t`, NetworkManager's `[..]`).
    Unix(f64),
    /// Wall clock without a year (syslog `Nov 10 04:21:44`, logcat `11-10 04:21:44.123`):
    /// month 1..=12, day, seconds since midnight.
    Wall { month: u8, day: u8, seconds: f64 },
    /// Seconds since boot (journalctl `-o short-monotonic`).
    Monotonic(f64),
}

/// One log line split into what the loggers added and the daemon's message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line<'a> {
    /// The first (outermost) Unix timestamp, else a wall-clock one.
    pub stamp: Option<Stamp>,
    /// Program name from a syslog/journal/logcat header (`wpa_supplicant`,
    /// `hostapd`, `NetworkManager`, ...).
    pub program: Option<&'a str>,
    /// `wlan0` of `wlan0: ...`, when the daemon prefixed its interface.
    pub iface: Option<&'a str>,
    /// The daemon's own text, without trailing `\r`.
    pub message: &'a str,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Tags hostap prints as `TAG: ...` that are not interface names.
const NOT_IFACES: [&str; 6] = [
    "nl80211",
    "l2_packet_receive",
    "wext",
    "RTM_NEWLINK",
    "hostapd",
    "wpa_supplicant",
];

/// Splits `line` into its prefixes and message. Never fails: a line with no
/// known prefix is all message.
pub fn split(line: &str) -> Line<'_> {
    let mut rest = line.trim_end_matches(['\r', '\n']);
    let mut stamp = None;
    let mut program = None;

    if let Some((wall, prog, after)) = logcat(rest) {
        stamp = Some(wall);
        program = Some(prog);
        rest = after;
    } else if let Some((wall, prog, after)) = syslog(rest) {
        stamp = wall;
        program = Some(prog);
        rest = after;
    } else if let Some((prog, after)) = logcat_brief(rest) {
        program = Some(prog);
        rest = after;
    } else if let Some((secs, prog, after)) = monotonic(rest) {
        stamp = Some(Stamp::Monotonic(secs));
        program = Some(prog);
        rest = after;
    }
    // NetworkManager: `<info>  [1700000000.1234] message`.
    if let Some(after) = rest.strip_prefix('<') {
        if let Some((level, after)) = after.split_once('>') {
            if level.len() <= 5 && level.bytes().all(|b| b.is_ascii_lowercase()) {
                rest = after.trim_start();
                if let Some(inner) = rest.strip_prefix('[') {
                    if let Some((ts, after)) = inner.split_once(']') {
                        if let Some(value) = unix_stamp(ts) {
                            stamp = Some(Stamp::Unix(value));
                            rest = after.trim_start();
                        }
                    }
                }
            }
        }
    }
    // `-t` timestamps; hostapd's logger may add a second one.
    while let Some((head, after)) = rest.split_once(": ") {
        let Some(value) = unix_stamp(head) else { break };
        if !matches!(stamp, Some(Stamp::Unix(_))) {
            stamp = Some(Stamp::Unix(value));
        }
        rest = after;
    }
    let mut iface = None;
    if let Some((head, after)) = rest.split_once(": ") {
        if is_iface(head) {
            iface = Some(head);
            rest = after;
        }
    }
    Line {
        stamp,
        program,
        iface,
        message: rest,
    }
}

fn unix_stamp(text: &str) -> Option<f64> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, "0"));
    if secs.len() < 9 || secs.len() > 11 || frac.is_empty() || frac.len() > 9 {
        return None;
    }
    if !secs.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `HH:MM:SS[.frac]` as seconds since midnight.
fn clock(text: &str) -> Option<f64> {
    let mut parts = text.splitn(3, ':');
    let h: u32 = digits(parts.next()?, 2)?;
    let m: u32 = digits(parts.next()?, 2)?;
    let s_text = parts.next()?;
    let (whole, frac) = s_text.split_once('.').unwrap_or((s_text, ""));
    let s: u32 = digits(whole, 2)?;
    if h > 23 || m > 59 || s > 60 || !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    let frac_value: f64 = if frac.is_empty() {
        0.0
    } else {
        format!("0.{frac}").parse().ok()?
    };
    Some(f64::from(h * 3600 + m * 60 + s) + frac_value)
}

fn digits<T: std::str::FromStr>(text: &str, len: usize) -> Option<T> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `program[pid]: ` or `program: ` at the start of `text`.
fn program_tag(text: &str) -> Option<(&str, &str)> {
    let (head, after) = text.split_once(": ")?;
    let name = match head.split_once('[') {
        Some((name, pid)) => {
            let pid = pid.strip_suffix(']')?;
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            name
        }
        None => head,
    };
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'@'));
    valid.then_some((name, after))
}

/// `Nov 10 04:21:44 host prog[pid]: ` (RFC 3164 / journalctl short) or
/// `2023-11-10T04:21:44.123+0100 host prog[pid]: ` (short-iso).
fn syslog(text: &str) -> Option<(Option<Stamp>, &str, &str)> {
    let mut words = text.splitn(5, ' ').filter(|w| !w.is_empty());
    let first = words.next()?;
    if let Some(month) = MONTHS.iter().position(|m| *m == first) {
        // Day may be space-padded ("Nov  1"), so re-split tolerant of runs.
        let rest = text.get(3..)?.trim_start();
        let (day, rest) = rest.split_once(' ')?;
        let day: u8 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
        let (time, rest) = rest.trim_start().split_once(' ')?;
        let seconds = clock(time)?;
        let (_host, rest) = rest.split_once(' ')?;
        let (prog, after) = program_tag(rest)?;
        let month = u8::try_from(month + 1).ok()?;
        return Some((
            Some(Stamp::Wall {
                month,
                day,
                seconds,
            }),
            prog,
            after,
        ));
    }
    // short-iso: date 'T' time, then host and tag.
    let (date, time) = first.split_once('T')?;
    let mut date_parts = date.split('-');
    let _year: u32 = digits(date_parts.next()?, 4)?;
    let month: u8 = digits(date_parts.next()?, 2)?;
    let day: u8 = digits(date_parts.next()?, 2)?;
    let clock_text = time.get(..time.find(['+', '-', 'Z']).unwrap_or(time.len()))?;
    let seconds = clock(clock_text)?;
    let rest = text.get(first.len()..)?.trim_start();
    let (_host, rest) = rest.split_once(' ')?;
    let (prog, after) = program_tag(rest)?;
    Some((
        Some(Stamp::Wall {
            month,
            day,
            seconds,
        }),
        prog,
        after,
    ))
}

/// `D/wpa_supplicant( 1234): ` (logcat brief).
fn logcat_brief(text: &str) -> Option<(&str, &str)> {
    let (level, rest) = text.split_at_checked(2)?;
    if !matches!(level, "V/" | "D/" | "I/" | "W/" | "E/" | "F/") {
        return None;
    }
    let (tag, rest) = rest.split_once('(')?;
    let (pid, after) = rest.split_once("): ")?;
    let valid =
        !tag.is_empty() && !tag.contains(' ') && pid.trim().bytes().all(|b| b.is_ascii_digit());
    valid.then_some((tag, after))
}

/// `[ 1234.567890] host prog[pid]: ` (journalctl -o short-monotonic).
fn monotonic(text: &str) -> Option<(f64, &str, &str)> {
    let (secs, rest) = text.strip_prefix('[')?.split_once(']')?;
    let secs = secs.trim();
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let secs: f64 = secs.parse().ok()?;
    let (_host, rest) = rest.trim_start().split_once(' ')?;
    let (prog, after) = program_tag(rest)?;
    Some((secs, prog, after))
}

/// `11-10 04:21:44.123  1234  1234 D wpa_supplicant: ` (logcat threadtime).
fn logcat(text: &str) -> Option<(Stamp, &str, &str)> {
    let (date, rest) = text.split_once(' ')?;
    let (mm, dd) = date.split_once('-')?;
    let month: u8 = digits(mm, 2)?;
    let day: u8 = digits(dd, 2)?;
    let (time, rest) = rest.split_once(' ')?;
    let seconds = clock(time)?;
    let mut rest = rest.trim_start();
    for _ in 0..2 {
        // pid and tid (some formats show only one)
        let (num, after) = rest.split_once(' ')?;
        if num.bytes().all(|b| b.is_ascii_digit()) && !num.is_empty() {
            rest = after.trim_start();
        }
    }
    let (level, rest) = rest.split_once(' ')?;
    if level.len() != 1 || !"VDIWEF".contains(level) {
        return None;
    }
    let (tag, after) = rest.trim_start().split_once(':')?;
    let tag = tag.trim();
    if tag.is_empty() || tag.contains(' ') {
        return None;
    }
    Some((
        Stamp::Wall {
            month,
            day,
            seconds,
        },
        tag,
        after.strip_prefix(' ').unwrap_or(after),
    ))
}

fn is_iface(head: &str) -> bool {
    (1..=15).contains(&head.len())
        && head.bytes().any(|b| b.is_ascii_digit())
        && head
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && head.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && !NOT_IFACES.contains(&head)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn plain_message_has_no_prefix() {
        let line = split("State: DISCONNECTED -> SCANNING\r");
        assert_eq!(line.stamp, None);
        assert_eq!(line.iface, None);
        assert_eq!(line.message, "State: DISCONNECTED -> SCANNING");
    }

    #[test]
    fn unix_stamp_and_iface() {
        let line = split("1700000000.123456: wlan0: State: SCANNING -> ASSOCIATING");
        assert_eq!(line.stamp, Some(Stamp::Unix(1_700_000_000.123_456)));
        assert_eq!(line.iface, Some("wlan0"));
        assert_eq!(line.message, "State: SCANNING -> ASSOCIATING");
    }

    #[test]
    fn hostapd_double_stamp() {
        let line = split(
            "1700000001.5: 1700000001.500010: wlan0: STA 02:00:00:00:01:00 WPA: sending 1/4 msg of 4-Way Handshake",
        );
        assert_eq!(line.stamp, Some(Stamp::Unix(1_700_000_001.5)));
        assert_eq!(line.iface, Some("wlan0"));
        assert!(line.message.starts_with("STA 02:00"));
    }

    #[test]
    fn syslog_and_journal() {
        let line = split(
            "Nov 10 04:21:44 host wpa_supplicant[123]: wlan0: CTRL-EVENT-CONNECTED - Connection to 00:27:19:fd:ca:94 completed",
        );
        assert_eq!(line.program, Some("wpa_supplicant"));
        assert_eq!(
            line.stamp,
            Some(Stamp::Wall {
                month: 11,
                day: 10,
                seconds: 15704.0
            })
        );
        assert_eq!(line.iface, Some("wlan0"));
        assert!(line.message.starts_with("CTRL-EVENT-CONNECTED"));

        let nm = split(
            "Nov  1 04:21:44 host NetworkManager[812]: <info>  [1700000000.1234] device (wlan0): supplicant interface state: 4-way handshake -> disconnected",
        );
        assert_eq!(nm.program, Some("NetworkManager"));
        // NetworkManager's own Unix stamp is more precise than syslog's.
        assert_eq!(nm.stamp, Some(Stamp::Unix(1_700_000_000.123_4)));
        assert!(nm.message.starts_with("device (wlan0): supplicant"));

        let iso = split(
            "2023-11-10T04:21:44.250000+0100 host hostapd[9]: wlan0: AP-STA-CONNECTED 02:00:00:00:01:00",
        );
        assert_eq!(iso.program, Some("hostapd"));
        assert_eq!(
            iso.stamp,
            Some(Stamp::Wall {
                month: 11,
                day: 10,
                seconds: 15704.25
            })
        );
        assert_eq!(iso.message, "AP-STA-CONNECTED 02:00:00:00:01:00");
    }

    #[test]
    fn logcat_brief_and_journal_monotonic() {
        let brief = split("D/wpa_supplicant( 1234): wlan0: State: ASSOCIATED -> 4WAY_HANDSHAKE");
        assert_eq!(
            (brief.program, brief.iface, brief.stamp),
            (Some("wpa_supplicant"), Some("wlan0"), None)
        );
        assert_eq!(brief.message, "State: ASSOCIATED -> 4WAY_HANDSHAKE");
        let mono = split(
            "[ 1234.567890] host wpa_supplicant[812]: wlan0: CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:00:00 completed",
        );
        assert_eq!(mono.stamp, Some(Stamp::Monotonic(1234.56789)));
        assert_eq!(mono.program, Some("wpa_supplicant"));
        assert!(mono.message.starts_with("CTRL-EVENT-CONNECTED"));
        // A kernel ring-buffer line is not a daemon's.
        assert_eq!(
            split("[ 1234.5678] wlan0: authenticate with 02:00:00:00:00:00").program,
            None
        );
    }

    #[test]
    fn logcat_threadtime() {
        let line = split(
            "11-10 04:21:44.123  1234  1234 D wpa_supplicant: wlan0: State: ASSOCIATED -> 4WAY_HANDSHAKE",
        );
        assert_eq!(line.program, Some("wpa_supplicant"));
        assert_eq!(line.iface, Some("wlan0"));
        assert_eq!(line.message, "State: ASSOCIATED -> 4WAY_HANDSHAKE");
        match line.stamp {
            Some(Stamp::Wall {
                month: 11,
                day: 10,
                seconds,
            }) => assert!((seconds - 15704.123).abs() < 1e-6),
            other => panic!("unexpected stamp {other:?}"),
        }
    }

    #[test]
    fn module_tags_are_not_interfaces() {
        assert_eq!(split("nl80211: Deauthenticate event").iface, None);
        assert_eq!(split("WPA: Sending EAPOL-Key 2/4").iface, None);
        assert_eq!(split("EAPOL: txStart").iface, None);
    }
}
