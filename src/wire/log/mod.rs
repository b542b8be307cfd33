//! Lines of wpa_supplicant and hostapd debug logs: [`split`] takes off what
//! loggers add (timestamps, syslog/journal/logcat headers, interface), then
//! [`decode`] turns the daemon's message into a typed, borrowed [`Record`].
//! Stateless: one line at a time; `handshake::from_log` assembles them.

mod prefix;
mod record;

pub use prefix::{Line, Stamp, split};
pub use record::{
    Check, Hexdump, Record, Side, StaEvent, decode, security_element_body, unescape_ssid,
};
