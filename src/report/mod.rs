//! Printers: terminal text, Markdown and JSON, over one [`model::Report`].
//! They format what `diagnose` found; they never decode, derive keys or
//! run rules. Redaction lives here, in [`redact::Namer`].

pub mod json;
pub mod model;
pub mod redact;
pub mod text;

pub use model::{InputSummary, Report};
