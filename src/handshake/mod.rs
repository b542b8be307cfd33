//! Per-link timelines of normalized events and the replay of both sides'
//! checks (hostap's `src/rsn_supp/wpa.c` and `src/ap/wpa_auth.c`).

pub mod analysis;
pub mod attempt;
pub mod condense;
pub mod event;
pub mod from_frame;
pub mod from_log;
pub mod input;
pub mod keycheck;
pub mod timeline;

pub use analysis::{LinkAnalysis, analyze};
pub use event::{Event, EventKind, KeyEvent, LogFact, Observer, Origin};
pub use timeline::{Input, InputKind, LinkId, Timeline};
