//! Scenarios: what to simulate, read from TOML and checked before a run.
//!
//! A scenario file names the model and its parameters. Anything wrong with it
//! (a typo in a key, a string where a number goes, a negative rate, zero
//! servers) is reported as one [`ScenarioError`] that names the field, never
//! a panic. The same type is checked whether it came from a file, the URL or
//! a slider, so every entry point shares one set of rules.
//!
//! ```toml
//! name = "M/M/1 at rho = 0.9"
//! duration = 2000.0        # simulated seconds
//! warmup = 200.0           # seconds excluded from the statistics
//!
//! [station]
//! arrival_rate = 0.9       # requests per second
//! servers = 1
//! service = { distribution = "exponential", mean = 1.0 }
//! ```

use crate::sim::engine::random::DurationLaw;
use crate::sim::models::closed_loop::{ClientSpec, PriorityLevelSpec};
use crate::sim::models::control_plane::ControlPlaneSpec;
use crate::sim::models::station::StationSpec;
use crate::sim::timeline::{MAX_ENTRIES, TimedChange};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest simulated run a scenario may ask for [s]: 30 days.
pub const MAX_DURATION: f64 = 30.0 * 86_400.0;

fn default_duration() -> f64 {
    600.0
}

/// A complete description of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// a short title
    #[serde(default)]
    pub name: String,
    /// what it models, and what it leaves out
    #[serde(default)]
    pub description: String,
    /// for the reader: what to watch, what to change, what you should see
    #[serde(default)]
    pub guide: String,
    /// simulated time of a batch run [s] (default 600)
    #[serde(default = "default_duration")]
    pub duration: f64,
    /// initial period excluded from the statistics [s] (default 0)
    #[serde(default)]
    pub warmup: f64,
    /// seed of the run's random numbers; the CLI's `--seed` overrides it (default 1)
    #[serde(default)]
    pub seed: Option<u64>,
    /// the single-station model (M/G/c/K)
    #[serde(default)]
    pub station: Option<StationSpec>,
    /// one APF priority level, fed by the closed-loop `clients`
    #[serde(default)]
    pub priority_level: Option<PriorityLevelSpec>,
    /// closed-loop clients of the `priority_level`
    #[serde(default)]
    pub clients: Vec<ClientSpec>,
    /// the Kubernetes control plane's request path
    #[serde(default)]
    pub control_plane: Option<ControlPlaneSpec>,
    /// changes at set simulated times (faults, sliders), in any order
    #[serde(default)]
    pub timeline: Vec<TimedChange>,
}

impl Default for Scenario {
    /// No model yet (a scenario needs exactly one), 600 s, no warm-up.
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            guide: String::new(),
            duration: default_duration(),
            warmup: 0.0,
            seed: None,
            station: None,
            priority_level: None,
            clients: Vec::new(),
            control_plane: None,
            timeline: Vec::new(),
        }
    }
}

/// Why a scenario cannot run: the field at fault and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    /// dotted path of the field, e.g. `station.arrival_rate` (empty: the whole file)
    pub field: String,
    pub message: String,
    /// 1-based line in the source text, when known
    pub line: Option<usize>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            line: None,
        }
    }
}

impl Scenario {
    /// The M/M/10 that the engine is benchmarked on against SimPy
    /// (benches/simpy_vs_cplab.py writes the same in TOML): arrivals at
    /// λ = 9/s, ten servers with exponential service of mean 1 s (μ = 1/s),
    /// no queue limit, run long enough for `customers` expected arrivals.
    pub fn mm10_benchmark(customers: f64) -> Self {
        Self {
            name: "M/M/10 benchmark".into(),
            duration: customers / 9.0,
            station: Some(StationSpec {
                arrival_rate: 9.0,
                servers: 10,
                queue_capacity: None,
                queue_timeout: None,
                service: DurationLaw::Exponential { mean: 1.0 },
            }),
            ..Self::default()
        }
    }

    /// Parses and checks a scenario written in TOML.
    pub fn from_toml(text: &str) -> Result<Self, ScenarioError> {
        let line_of = |span: Option<std::ops::Range<usize>>| {
            span.map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
        };
        // toml's deserializer keeps every value's position: an error's
        // span is where the field at fault is written, and the field's path
        // is read off the document there (no error text is interpreted).
        let scenario: Scenario = toml::from_str(text).map_err(|error| {
            let span = error.span();
            ScenarioError {
                field: span
                    .as_ref()
                    .and_then(|span| field_at(text, span.start))
                    .unwrap_or_default(),
                message: one_line(error.message()),
                line: line_of(span),
            }
        })?;
        scenario.check().map_err(|error| ScenarioError {
            line: error.line.or_else(|| line_of_key(text, &error.field)),
            ..error
        })?;
        Ok(scenario)
    }

    /// Writes the scenario as TOML that [`Scenario::from_toml`] reads back.
    ///
    /// Every field is serialized (binary messages read fields by position,
    /// so none is skipped in `Serialize`); TOML leaves out `None` by
    /// itself, and the empty lists and strings (no timeline, no guide) are
    /// dropped here where the file reads back the same without them.
    pub fn to_toml(&self) -> String {
        let written = toml::Table::try_from(self).and_then(|mut table| {
            for path in empty_values(&table, &[]) {
                let mut without = table.clone();
                remove_at(&mut without, &path);
                // `webhooks = []` is not the default list: it stays.
                let read = toml::to_string(&without).map(|text| toml::from_str::<Scenario>(&text));
                if read.is_ok_and(|read| read.is_ok_and(|read| read == *self)) {
                    table = without;
                }
            }
            toml::to_string(&table)
        });
        written.unwrap_or_else(|error| format!("# cannot write scenario: {error}\n"))
    }

    /// Checks every value; the first bad one is reported.
    pub fn check(&self) -> Result<(), ScenarioError> {
        if !(self.duration.is_finite() && self.duration > 0.0 && self.duration <= MAX_DURATION) {
            return Err(ScenarioError::new(
                "duration",
                format!(
                    "must be a number of seconds in (0, {MAX_DURATION}], got {}",
                    self.duration
                ),
            ));
        }
        if !(self.warmup.is_finite() && self.warmup >= 0.0 && self.warmup < self.duration) {
            return Err(ScenarioError::new(
                "warmup",
                format!(
                    "must be at least 0 and less than duration ({} s), got {}",
                    self.duration, self.warmup
                ),
            ));
        }
        let models = self.station.is_some() as u8
            + self.priority_level.is_some() as u8
            + self.control_plane.is_some() as u8;
        if models != 1 {
            return Err(ScenarioError::new(
                "",
                "a scenario has exactly one model: a [station], a [priority_level] with [[clients]], \
                 or a [control_plane]",
            ));
        }
        if !self.clients.is_empty() && self.priority_level.is_none() {
            return Err(ScenarioError::new(
                "clients",
                "closed-loop clients feed a [priority_level]",
            ));
        }
        if let Some(station) = &self.station {
            station.check().map_err(|(field, message)| {
                ScenarioError::new(format!("station.{field}"), message)
            })?;
        }
        if let Some(level) = &self.priority_level {
            level.check().map_err(|(field, message)| {
                ScenarioError::new(format!("priority_level.{field}"), message)
            })?;
            if self.clients.is_empty() || self.clients.len() > 1_000 {
                return Err(ScenarioError::new(
                    "clients",
                    "a [priority_level] needs 1 to 1000 [[clients]]",
                ));
            }
            for (i, client) in self.clients.iter().enumerate() {
                client.check().map_err(|(field, message)| {
                    ScenarioError::new(format!("clients[{i}].{field}"), message)
                })?;
            }
        }
        if let Some(control_plane) = &self.control_plane {
            control_plane.check().map_err(|(field, message)| {
                ScenarioError::new(format!("control_plane.{field}"), message)
            })?;
        }
        if self.timeline.len() > MAX_ENTRIES {
            return Err(ScenarioError::new(
                "timeline",
                format!("at most {MAX_ENTRIES} entries"),
            ));
        }
        if !self.timeline.is_empty() && self.priority_level.is_some() {
            return Err(ScenarioError::new(
                "timeline",
                "a [priority_level] scenario has no changes to schedule",
            ));
        }
        for (i, entry) in self.timeline.iter().enumerate() {
            entry
                .check(self.duration, self.control_plane.as_ref())
                .map_err(|(field, message)| {
                    let field = if field.is_empty() {
                        format!("timeline[{i}]")
                    } else {
                        format!("timeline[{i}].{field}")
                    };
                    ScenarioError::new(field, message)
                })?;
        }
        Ok(())
    }
}

/// The 1-based line where the dotted key `path` is written in `text`, if it is.
fn line_of_key(text: &str, path: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(text).ok()?;
    let mut table = document.get_ref();
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let (name, value) = table
            .iter()
            .find(|(name, _)| name.get_ref().as_ref() == key)?;
        if keys.peek().is_none() {
            return Some(
                text[..name.span().start.min(text.len())]
                    .matches('\n')
                    .count()
                    + 1,
            );
        }
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => return None,
        }
    }
    None
}

/// The dotted path of the innermost key whose name or value holds the
/// byte at `offset` (`station.service`, `clients[1].threads`).
fn field_at(text: &str, offset: usize) -> Option<String> {
    use toml::de::{DeTable, DeValue};
    // A `[table]` header's span covers the header only, so tables and
    // arrays of tables are searched whatever their own span says.
    fn in_value(value: &DeValue, offset: usize) -> Option<String> {
        match value {
            DeValue::Table(inner) => in_table(inner, offset),
            DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let here = item.span().contains(&offset);
                match in_value(item.get_ref(), offset) {
                    Some(rest) => Some(format!("[{i}].{rest}")),
                    None => here.then(|| format!("[{i}]")),
                }
            }),
            _ => None,
        }
    }
    fn in_table(table: &DeTable, offset: usize) -> Option<String> {
        table.iter().find_map(|(key, value)| {
            let name = key.get_ref().as_ref();
            if let Some(rest) = in_value(value.get_ref(), offset) {
                let joined = if rest.starts_with('[') {
                    format!("{name}{rest}")
                } else {
                    format!("{name}.{rest}")
                };
                return Some(joined);
            }
            let (k, v) = (key.span(), value.span());
            (k.contains(&offset) || (k.start..v.end.max(k.end)).contains(&offset))
                .then(|| name.to_owned())
        })
    }
    let document = DeTable::parse(text).ok()?;
    in_table(document.get_ref(), offset)
}

/// The paths of the empty arrays and strings in `table` and its tables.
fn empty_values(table: &toml::Table, prefix: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for (key, value) in table {
        let mut path = prefix.to_vec();
        path.push(key.clone());
        match value {
            toml::Value::Array(items) if items.is_empty() => paths.push(path),
            toml::Value::String(text) if text.is_empty() => paths.push(path),
            toml::Value::Table(inner) => paths.extend(empty_values(inner, &path)),
            _ => {}
        }
    }
    paths
}

/// Removes the value at `path` (keys from the top) from `table`.
fn remove_at(table: &mut toml::Table, path: &[String]) {
    match path {
        [] => {}
        [key] => {
            table.remove(key);
        }
        [key, rest @ ..] => {
            if let Some(toml::Value::Table(inner)) = table.get_mut(key) {
                remove_at(inner, rest);
            }
        }
    }
}

/// Error texts from parsers can span lines; a CLI error is one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "test"
duration = 100.0
warmup = 10.0

[station]
arrival_rate = 2.0
servers = 3
queue_capacity = 5
service = { distribution = "lognormal", mean = 0.5, cv = 2.0 }
"#;

    #[test]
    fn reads_a_good_file_and_writes_it_back() {
        let scenario = Scenario::from_toml(GOOD).expect("valid");
        let station = scenario.station.as_ref().expect("a station");
        assert_eq!((station.servers, station.queue_capacity), (3, Some(5)));
        let again = Scenario::from_toml(&scenario.to_toml()).expect("round trip");
        assert_eq!(again, scenario);
    }

    #[test]
    fn a_written_file_keeps_field_order_and_leaves_out_what_is_empty() {
        let written = Scenario::from_toml(GOOD).expect("valid").to_toml();
        assert!(written.starts_with("name = "), "{written}");
        for absent in ["guide", "clients", "timeline", "seed", "queue_timeout"] {
            assert!(!written.contains(absent), "{absent} in\n{written}");
        }
        for entry in crate::sim::studies::catalog::CATALOG {
            let scenario = entry.scenario().expect("valid");
            let written = scenario.to_toml();
            // `webhooks = []` (none, not the default list) is meaningful and stays.
            for empty in ["clients = []", "timeline = []", "sources = []", "= \"\""] {
                assert!(
                    !written.contains(empty),
                    "{}: {empty} in\n{written}",
                    entry.id
                );
            }
            let again = Scenario::from_toml(&written).expect("round trip");
            assert_eq!(again, scenario, "{}", entry.id);
        }
    }

    fn error_for(text: &str) -> ScenarioError {
        Scenario::from_toml(text).expect_err("should be rejected")
    }

    #[test]
    fn errors_name_the_field() {
        let e = error_for(&GOOD.replace("arrival_rate = 2.0", "arrival_rate = -2.0"));
        assert_eq!(
            (e.field.as_str(), e.line),
            ("station.arrival_rate", Some(7))
        );
        let e = error_for(&GOOD.replace("servers = 3", "servers = 0"));
        assert_eq!(e.field, "station.servers");
        let e = error_for(&GOOD.replace("servers = 3", "servers = -1"));
        assert_eq!(e.field, "station.servers");
        let e = error_for(&GOOD.replace("arrival_rate = 2.0", "arrival_rate = \"fast\""));
        assert_eq!(e.field, "station.arrival_rate");
        assert!(e.message.contains("invalid type"), "{e}");
        assert_eq!(e.line, Some(7), "{e}");
        let e = error_for(&GOOD.replace("servers = 3", "severs = 3"));
        assert!(e.to_string().contains("severs"), "{e}");
        let e = error_for(&GOOD.replace("cv = 2.0", "cv = -1.0"));
        assert_eq!(e.field, "station.service");
        let e = error_for(&GOOD.replace("warmup = 10.0", "warmup = 1000.0"));
        assert_eq!(e.field, "warmup");
        let e = error_for("this is not toml [");
        assert!(e.line.is_some(), "{e}");
        assert!(!e.to_string().contains('\n'));
    }
}
