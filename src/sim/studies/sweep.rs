//! Sweeps: the same scenario at evenly spaced values of one parameter.
//!
//! A parameter is named by its path in the scenario file, as dotted keys
//! with `[i]` for array items: `station.servers`, `station.arrival_rate`,
//! `priority_level.seats`, `clients[1].threads`. Each point's scenario is
//! written back to TOML and read again, so it passes exactly the checks a
//! hand-written file would (an integer field gets a rounded value).

use crate::sim::scenario::{Scenario, ScenarioError};
use toml::{Table, Value};

/// A parameter range: `NAME=FROM..TO`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRange {
    pub path: String,
    pub from: f64,
    pub to: f64,
}

impl std::str::FromStr for SweepRange {
    type Err = String;

    /// Reads `NAME=FROM..TO`, e.g. `station.servers=1..16`.
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = || format!("expected NAME=FROM..TO (e.g. station.servers=1..16), got {text:?}");
        let (path, range) = text.split_once('=').ok_or_else(usage)?;
        let (from, to) = range.split_once("..").ok_or_else(usage)?;
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
        match (number(from), number(to)) {
            (Some(from), Some(to)) if !path.trim().is_empty() => Ok(Self {
                path: path.trim().to_owned(),
                from,
                to,
            }),
            _ => Err(usage()),
        }
    }
}

/// Most points in one sweep.
pub const MAX_POINTS: usize = 10_000;

/// The scenarios of a sweep: `points` values from `range.from` to `range.to`
/// (both included) substituted into the scenario text `base`.
pub fn sweep_scenarios(
    base: &str,
    range: &SweepRange,
    points: usize,
) -> Result<Vec<(f64, Scenario)>, ScenarioError> {
    if !(1..=MAX_POINTS).contains(&points) {
        return Err(ScenarioError::new(
            "--points",
            format!("must be 1 to {MAX_POINTS}, got {points}"),
        ));
    }
    // Check the base first: its own errors should not be blamed on the sweep.
    Scenario::from_toml(base)?;
    let table: Table = toml::from_str(base).map_err(|e| ScenarioError::new("", e.message()))?;
    (0..points)
        .map(|i| {
            let value = if points == 1 {
                range.from
            } else {
                range.from + (range.to - range.from) * i as f64 / (points - 1) as f64
            };
            let mut table = table.clone();
            let slot = field_mut(&mut table, &range.path)?;
            let written = match slot {
                Value::Integer(_) => Value::Integer(value.round() as i64),
                _ => Value::Float(value),
            };
            let shown = match written {
                Value::Integer(n) => n as f64,
                _ => value,
            };
            *slot = written;
            let text =
                toml::to_string(&table).map_err(|e| ScenarioError::new("", e.to_string()))?;
            Ok((shown, Scenario::from_toml(&text)?))
        })
        .collect()
}

/// The value at `path` in `table`; it must already exist (a sweep changes a
/// value the scenario sets, so a typo cannot silently sweep nothing).
fn field_mut<'a>(table: &'a mut Table, path: &str) -> Result<&'a mut Value, ScenarioError> {
    let missing = || {
        ScenarioError::new(
            path,
            "is not set in the scenario; a sweep varies a value the file sets",
        )
    };
    let mut parts = path.split('.');
    let first = parts.next().ok_or_else(missing)?;
    let mut current = step(table, first).ok_or_else(missing)?;
    for part in parts {
        let Value::Table(inner) = current else {
            return Err(missing());
        };
        current = step(inner, part).ok_or_else(missing)?;
    }
    match current {
        Value::Integer(_) | Value::Float(_) => Ok(current),
        _ => Err(ScenarioError::new(path, "is not a number")),
    }
}

/// One path segment: `key` or `key[i]`.
fn step<'a>(table: &'a mut Table, segment: &str) -> Option<&'a mut Value> {
    match segment.split_once('[') {
        None => table.get_mut(segment),
        Some((key, index)) => {
            let index: usize = index.strip_suffix(']')?.parse().ok()?;
            match table.get_mut(key)? {
                Value::Array(items) => items.get_mut(index),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
duration = 100.0
[station]
arrival_rate = 4.0
servers = 2
service = { distribution = "exponential", mean = 0.4 }
"#;

    #[test]
    fn points_span_the_range_and_integers_stay_integers() {
        let range: SweepRange = "station.servers=1..4".parse().expect("valid");
        let points = sweep_scenarios(BASE, &range, 4).expect("valid");
        let servers: Vec<u32> = points
            .iter()
            .map(|(_, s)| s.station.as_ref().expect("station").servers)
            .collect();
        assert_eq!(servers, vec![1, 2, 3, 4]);
        let range: SweepRange = "station.service.mean=0.1..0.2".parse().expect("valid");
        let points = sweep_scenarios(BASE, &range, 3).expect("valid");
        assert!((points[1].0 - 0.15).abs() < 1e-12);
    }

    #[test]
    fn bad_sweeps_name_the_problem() {
        assert!("station.servers".parse::<SweepRange>().is_err());
        assert!("station.servers=a..3".parse::<SweepRange>().is_err());
        let typo: SweepRange = "station.sever=1..3".parse().expect("well-formed");
        assert_eq!(
            sweep_scenarios(BASE, &typo, 3).expect_err("typo").field,
            "station.sever"
        );
        let zero: SweepRange = "station.servers=0..2".parse().expect("well-formed");
        let error = sweep_scenarios(BASE, &zero, 3).expect_err("0 servers is invalid");
        assert_eq!(error.field, "station.servers");
        let range: SweepRange = "station.servers=1..2".parse().expect("well-formed");
        assert!(sweep_scenarios(BASE, &range, 0).is_err());
    }
}
