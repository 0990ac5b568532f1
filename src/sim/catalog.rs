//! The scenarios that ship with the lab: the article's presets, the
//! teaching scenarios and the textbook examples.
//!
//! Each is a documented TOML file in `static/scenarios/`, compiled in here
//! so the page, the CLI (`cplab run k8s-1.30`) and the tests read the very
//! same text, and served with the site for download.

use super::scenario::{Scenario, ScenarioError};

/// What a scenario is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// a version of the control plane, at the article's 1,000 nodes
    Preset,
    /// one mechanism or fault, with a guide for the reader
    Teaching,
    /// the article's case study
    Case,
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
    /// the file's text
    pub text: &'static str,
}

macro_rules! entry {
    ($id:literal, $group:ident, $file:literal) => {
        Entry {
            id: $id,
            group: Group::$group,
            file: $file,
            text: include_str!(concat!("../../static/scenarios/", $file)),
        }
    };
}

/// Every shipped scenario, in the order the page lists them.
pub const CATALOG: &[Entry] = &[
    entry!("k8s-1.30", Preset, "k8s-1.30-upstream-1000.toml"),
    entry!("k8s-1.32", Preset, "k8s-1.32-upstream-1000.toml"),
    entry!("k8s-1.32-article", Preset, "k8s-1.32-article-1000.toml"),
    entry!("single-binary", Preset, "single-binary-1000.toml"),
    entry!("slow-webhook", Teaching, "teach-slow-webhook.toml"),
    entry!("fsync-spike", Teaching, "teach-fsync-spike.toml"),
    entry!("leader-election", Teaching, "teach-leader-election.toml"),
    entry!("restart-storm", Teaching, "teach-restart-storm.toml"),
    entry!("list-storm", Teaching, "teach-list-storm.toml"),
    entry!("greedy-tenant", Teaching, "teach-greedy-tenant.toml"),
    entry!("case-study-before", Case, "case-study-before.toml"),
    entry!("k8s-1.32-5000", Example, "k8s-1.32-upstream-5000.toml"),
    entry!("mm1", Example, "mm1.toml"),
    entry!("apf-different-widths", Example, "apf-different-widths.toml"),
];

/// The entry called `id`.
pub fn find(id: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|entry| entry.id == id)
}

impl Entry {
    /// The scenario, parsed and checked.
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::from_toml(self.text).map_err(|error| ScenarioError {
            message: format!("{} ({}): {}", self.id, self.file, error.message),
            ..error
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_parses_and_ids_are_unique() {
        for entry in CATALOG {
            let scenario = entry.scenario().expect("a shipped scenario is valid");
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
