//! The reference pages for users, generated from the core's tables so they
//! cannot drift from it: `docs/reference/events.md` (the schema's events and
//! fields), `config.md` (the configuration keys), `error-classes.md` and
//! `stop-reasons.md`. `core/pipeline/tests/generated.rs` checks that the
//! committed pages are what [`GENERATED`] makes of the tables today.

mod config;
mod errors;
mod events;

pub use config::config_reference;
pub use errors::{error_classes_reference, stop_reasons_reference};
pub use events::events_reference;

/// Every generated reference page, with its generator (the files generated
/// from the schema are [`crate::schema::GENERATED`]).
pub const GENERATED: [crate::schema::Generated; 4] = [
    ("docs/reference/events.md", events_reference),
    ("docs/reference/config.md", config_reference),
    ("docs/reference/error-classes.md", error_classes_reference),
    ("docs/reference/stop-reasons.md", stop_reasons_reference),
];

/// The first lines of every page: a title, and a comment saying how it is made.
fn header(title: &str, source: &str) -> String {
    format!(
        "<!-- Generated from {source} by `UPDATE_GENERATED=1 cargo test -p tooltrail-core \
         --test generated`; do not edit. -->\n\n# {title}\n"
    )
}

/// `text` safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `` `a`, `b`, `c` ``.
fn code_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    quoted.join(", ")
}
