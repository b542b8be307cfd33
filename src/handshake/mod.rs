//! Per-link timelines of normalized events and the replay of both sides'
//! checks (hostap's `src/rsn_supp/wpa.c` and `src/ap/wpa_auth.c`).

pub mod event;
pub mod from_log;

pub use event::{Event, EventKind, KeyEvent, LogFact, Observer, Origin};
