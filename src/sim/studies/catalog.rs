//! The scenarios that ship with the lab: the article's presets, the
//! teaching scenarios and the textbook examples.
//!
//! Each is a documented TOML file in `static/scenarios/`, served with the
//! site for download and read by the CLI (`cplab run k8s-1.30`). Programs
//! that open them by name get them from `catalog.bin`: every entry's
//! scenario, parsed from its file and packed with postcard, so that the web
//! page opens a preset without a TOML parser (the parser lives in the
//! page's worker, loaded only for imports and exports). A test checks that
//! the packed catalog is exactly the files; after editing a file, rewrite
//! it with `CPLAB_BLESS=1 cargo test --lib catalog`.

use crate::sim::scenario::{Scenario, ScenarioError};
use std::sync::OnceLock;

/// What a scenario is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// a version of the control plane, at the article's 1,000 nodes
    Preset,
    /// one mechanism or fault, with a guide for the reader
    Teaching,
    /// the article's case study
    Case,
    /// a question people bring from a real incident, reproduced
    Question,
    /// the textbook and fairness examples of the README
    Example,
}

/// One shipped scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// short name, used in URLs and on the command line
    pub id: &'static str,
    pub group: Group,
    /// file name in `static/scenarios/`
    pub file: &'static str,
}

macro_rules! catalog {
    ($(($id:literal, $group:ident, $file:literal)),* $(,)?) => {
        /// Every shipped scenario, in the order the page lists them.
        pub const CATALOG: &[Entry] = &[
            $(Entry { id: $id, group: Group::$group, file: $file }),*
        ];
        /// The files' text, in the order of `CATALOG`: apart from it, so
        /// that a program that never reads a file (the page) does not carry them.
        const TEXTS: &[&str] = &[
            $(include_str!(concat!("../../../static/scenarios/", $file))),*
        ];
    };
}

catalog![
    ("k8s-1.30", Preset, "k8s-1.30-upstream-1000.toml"),
    ("k8s-1.32", Preset, "k8s-1.32-upstream-1000.toml"),
    ("k8s-1.32-article", Preset, "k8s-1.32-article-1000.toml"),
    ("single-binary", Preset, "single-binary-1000.toml"),
    ("slow-webhook", Teaching, "teach-slow-webhook.toml"),
    ("fsync-spike", Teaching, "teach-fsync-spike.toml"),
    ("leader-election", Teaching, "teach-leader-election.toml"),
    ("restart-storm", Teaching, "teach-restart-storm.toml"),
    ("list-storm", Teaching, "teach-list-storm.toml"),
    ("greedy-tenant", Teaching, "teach-greedy-tenant.toml"),
    ("case-study-before", Case, "case-study-before.toml"),
    (
        "question-ignored-webhooks",
        Question,
        "question-ignored-webhooks.toml"
    ),
    (
        "question-stale-cache",
        Question,
        "question-stale-cache.toml"
    ),
    (
        "question-client-throttling",
        Question,
        "question-client-throttling.toml"
    ),
    ("question-big-list", Question, "question-big-list.toml"),
    ("k8s-1.32-5000", Example, "k8s-1.32-upstream-5000.toml"),
    ("mm1", Example, "mm1.toml"),
    ("apf-different-widths", Example, "apf-different-widths.toml"),
];

/// Every entry's scenario, in the order of `CATALOG`, packed with postcard.
const PACKED: &[u8] = include_bytes!("catalog.bin");

/// The packed catalog, unpacked once.
fn unpacked() -> &'static Result<Vec<Scenario>, String> {
    static UNPACKED: OnceLock<Result<Vec<Scenario>, String>> = OnceLock::new();
    UNPACKED.get_or_init(|| {
        postcard::from_bytes::<Vec<Scenario>>(PACKED)
            .map_err(|error| format!("the packed catalog cannot be read: {error}"))
            .and_then(|scenarios| match scenarios.len() == CATALOG.len() {
                true => Ok(scenarios),
                false => Err("the packed catalog does not match the list".to_owned()),
            })
    })
}

/// The entry called `id`.
pub fn find(id: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|entry| entry.id == id)
}

impl Entry {
    /// Whether the page offers it: every control-plane scenario but the
    /// examples, and of those the 5,000-node one.
    pub fn on_the_page(&self) -> bool {
        self.group != Group::Example || self.id == "k8s-1.32-5000"
    }

    fn index(&self) -> usize {
        CATALOG.iter().position(|e| e == self).unwrap_or(0)
    }

    /// The file's text.
    pub fn text(&self) -> &'static str {
        TEXTS.get(self.index()).copied().unwrap_or_default()
    }

    /// The scenario, as the file says (checked when the catalog was packed).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let unpacked = unpacked()
            .as_ref()
            .map_err(|message| ScenarioError::new(self.id, message.clone()))?;
        unpacked
            .get(self.index())
            .cloned()
            .ok_or_else(|| ScenarioError::new(self.id, "not in the packed catalog"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file, parsed and checked, in the order of `CATALOG`.
    fn parsed() -> Vec<Scenario> {
        CATALOG
            .iter()
            .map(|entry| {
                Scenario::from_toml(entry.text()).unwrap_or_else(|error| {
                    panic!("{} ({}) is not valid: {error}", entry.id, entry.file)
                })
            })
            .collect()
    }

    #[test]
    fn the_packed_catalog_is_the_files() {
        let packed = postcard::to_allocvec(&parsed()).expect("scenarios pack");
        if packed != PACKED {
            if std::env::var_os("CPLAB_BLESS").is_some() {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sim/studies/catalog.bin");
                std::fs::write(path, &packed).expect("catalog.bin is writable");
                eprintln!("wrote {path}: rebuild to use it");
            } else {
                panic!(
                    "src/sim/studies/catalog.bin is not the scenario files packed (a file or a scenario \
                     type changed): rewrite it with `CPLAB_BLESS=1 cargo test --lib catalog`"
                );
            }
        }
    }

    #[test]
    fn every_entry_unpacks_as_its_file_reads_and_ids_are_unique() {
        for (entry, from_file) in CATALOG.iter().zip(parsed()) {
            let scenario = entry.scenario().expect("a shipped scenario unpacks");
            assert_eq!(scenario, from_file, "{}", entry.id);
            assert!(!scenario.name.is_empty(), "{} has a name", entry.id);
            assert!(
                !scenario.description.is_empty(),
                "{} says what it models",
                entry.id
            );
            if entry.group != Group::Example {
                assert!(!scenario.guide.is_empty(), "{} has a guide", entry.id);
            }
            assert_eq!(CATALOG.iter().filter(|e| e.id == entry.id).count(), 1);
        }
    }
}
