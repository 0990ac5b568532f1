//! Changes written into a scenario at set simulated times: what a reader
//! does with a slider or a fault button, scheduled, so a batch run and the
//! page replay the same story.
//!
//! ```toml
//! [[timeline]]
//! at = 30.0              # simulated seconds
//! slow_webhook = 50.0    # webhooks 50× slower from here
//!
//! [[timeline]]
//! at = 60.0
//! slow_webhook = 1.0     # and back to normal
//! webhook_handling = "dedicated"
//! ```
//!
//! Every other key of an entry is a change of the model, named as the model
//! names it ([`ControlPlaneChange`], [`StationChange`] in snake case), so a
//! new change of a model is a new timeline key with nothing to add here.
//! `source` and `rate` go together: the new rate of a workload source, by
//! name. The changes due at one simulated instant (of one entry or of
//! several) apply together, once the events due then are handled (as a
//! change by hand applies when the clock has reached its time): an entry's
//! in the order the model declares them, whatever order they are written
//! in, a source's rate last, and entries at the same instant in file order.

use crate::sim::models::control_plane::{ControlPlaneChange, ControlPlaneSpec};
use crate::sim::models::station::StationChange;
use crate::sim::simulation::Change;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Most entries a timeline may hold.
pub const MAX_ENTRIES: usize = 1_000;

/// One scheduled change, or several at the same instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimedChange {
    /// when it applies [s of simulated time]
    pub at: f64,
    /// what changes, in the order the model declares them
    pub changes: Vec<Change>,
    /// an extra workload source, by name, whose rate `rate` sets
    pub source: Option<String>,
    /// the new rate of `source` [requests/s]
    pub rate: Option<f64>,
}

impl TimedChange {
    /// The changes this entry makes, in order; a source's rate needs the
    /// control plane's `current` spec to find the source.
    pub fn changes(&self, current: Option<&ControlPlaneSpec>) -> Vec<Change> {
        let mut out = self.changes.clone();
        if let (Some(name), Some(rate), Some(spec)) = (&self.source, self.rate, current) {
            let index = spec.workload.sources.iter().position(|s| &s.name == name);
            if let Some(index) = index {
                out.push(Change::ControlPlane(ControlPlaneChange::SourceRate {
                    index: index as u16,
                    rate,
                }));
            }
        }
        out
    }

    /// The entry that makes `change` at `at` [s] (the page records a
    /// reader's changes this way, so an exported scenario replays them).
    /// A change of a workload source needs the `spec` to name the source.
    pub fn from_change(at: f64, change: &Change, spec: Option<&ControlPlaneSpec>) -> Self {
        let mut entry = TimedChange {
            at,
            ..TimedChange::default()
        };
        match *change {
            Change::ControlPlane(ControlPlaneChange::SourceRate { index, rate }) => {
                entry.source = spec
                    .and_then(|s| s.workload.sources.get(index as usize))
                    .map(|s| s.name.clone());
                entry.rate = Some(rate);
            }
            change => entry.changes.push(change),
        }
        entry
    }

    /// Checks the time and every value it sets, against the scenario's
    /// model (`control_plane`: the spec, if it has one).
    pub fn check(
        &self,
        duration: f64,
        control_plane: Option<&ControlPlaneSpec>,
    ) -> Result<(), (String, String)> {
        if !(self.at.is_finite() && (0.0..=duration).contains(&self.at)) {
            return Err((
                "at".into(),
                format!("must be seconds in [0, {duration}], got {}", self.at),
            ));
        }
        match (&self.source, self.rate, control_plane) {
            (None, None, _) => {}
            (Some(name), Some(_), Some(spec)) => {
                if !spec.workload.sources.iter().any(|s| &s.name == name) {
                    return Err((
                        "source".into(),
                        format!("no workload source is called {name:?}"),
                    ));
                }
            }
            (Some(_), Some(_), None) => {
                return Err(("source".into(), "applies to a [control_plane] only".into()));
            }
            _ => {
                return Err(("source".into(), "`source` and `rate` go together".into()));
            }
        }
        let is_control_plane = control_plane.is_some();
        let changes = self.changes(control_plane);
        if changes.is_empty() {
            return Err((
                String::new(),
                "sets nothing: give at least one change besides `at`".into(),
            ));
        }
        for change in changes {
            let checked = match change {
                Change::ControlPlane(c) if is_control_plane => c.check(),
                Change::Station(c) if !is_control_plane => c.check(),
                Change::ControlPlane(_) => Err("applies to a [control_plane] only".into()),
                Change::Station(_) => Err("applies to a [station] only".into()),
            };
            checked.map_err(|message| (String::new(), message))?;
        }
        Ok(())
    }
}

/// An entry as binary formats pack it (fields by position).
#[derive(Serialize, Deserialize)]
#[serde(remote = "TimedChange")]
struct Packed {
    at: f64,
    changes: Vec<Change>,
    source: Option<String>,
    rate: Option<f64>,
}

/// An entry as people write it: `at`, then each change under its key.
struct Written;

written_or_packed!(TimedChange, Written, Packed);

/// The timeline key of a change (none for a source's rate, which `source`
/// and `rate` set).
pub fn key_of(change: &Change) -> Option<String> {
    written(change).ok().map(|(key, _)| key)
}

/// A change as a one-key table: its timeline key and its value.
fn written(change: &Change) -> Result<(String, toml::Value), String> {
    let value = match change {
        Change::ControlPlane(c) => toml::Value::try_from(c),
        Change::Station(c) => toml::Value::try_from(c),
    };
    match value.map_err(|e| e.to_string())? {
        toml::Value::Table(table) if table.len() == 1 => table
            .into_iter()
            .next()
            .ok_or_else(|| "an empty change".to_owned()),
        other => Err(format!("{other} is not a timeline change")),
    }
}

impl Written {
    fn serialize<S: Serializer>(entry: &TimedChange, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("at", &entry.at)?;
        for change in &entry.changes {
            let (key, value) = written(change).map_err(serde::ser::Error::custom)?;
            map.serialize_entry(&key, &value)?;
        }
        if let Some(source) = &entry.source {
            map.serialize_entry("source", source)?;
        }
        if let Some(rate) = entry.rate {
            map.serialize_entry("rate", &rate)?;
        }
        map.end()
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<TimedChange, D::Error> {
        deserializer.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = TimedChange;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a timeline entry: `at` and the changes it makes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TimedChange, A::Error> {
        let mut entry = TimedChange::default();
        let mut at = None;
        // (place in the model's order, change), kept in that order as read:
        // each goes after those not later than it (no sort's code in the
        // program for a handful of keys).
        let mut changes: Vec<(usize, Change)> = Vec::new();
        let order = keys();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "at" => at = Some(map.next_value()?),
                "source" => entry.source = Some(map.next_value()?),
                "rate" => entry.rate = Some(map.next_value()?),
                _ => {
                    let change = map.next_value_seed(ChangeNamed(&key))?;
                    let rank = order.iter().position(|k| *k == key).unwrap_or(usize::MAX);
                    let place = changes.partition_point(|(earlier, _)| *earlier <= rank);
                    changes.insert(place, (rank, change));
                }
            }
        }
        entry.changes = changes.into_iter().map(|(_, change)| change).collect();
        entry.at = at.ok_or_else(|| de::Error::missing_field("at"))?;
        Ok(entry)
    }
}

/// The value of timeline key `.0`: the change of that name, from whichever
/// model has it.
struct ChangeNamed<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for ChangeNamed<'_> {
    type Value = Change;

    fn deserialize<D: Deserializer<'de>>(self, value: D) -> Result<Change, D::Error> {
        let key = self.0;
        let tagged = Tagged { key, value };
        if variants::<ControlPlaneChange>().contains(&key) {
            ControlPlaneChange::deserialize(tagged).map(Change::ControlPlane)
        } else if variants::<StationChange>().contains(&key) {
            StationChange::deserialize(tagged).map(Change::Station)
        } else {
            Err(de::Error::custom(format_args!(
                "unknown field `{key}`, expected `at`, `source`, `rate` or a change: {}",
                keys().join(", ")
            )))
        }
    }
}

/// Every key a timeline entry may have besides `at`, `source` and `rate`
/// (serde leaves the source's rate, a skipped variant, out).
pub fn keys() -> Vec<&'static str> {
    let mut keys = variants::<ControlPlaneChange>().to_vec();
    keys.extend_from_slice(variants::<StationChange>());
    keys
}

/// An enum's value given as a key and its value (one entry of a table): a
/// change's key is its variant, the value its payload.
struct Tagged<'a, D> {
    key: &'a str,
    value: D,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tagged<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, D: Deserializer<'de>> de::EnumAccess<'de> for Tagged<'_, D> {
    type Error = D::Error;
    type Variant = Payload<D>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Payload<D>), D::Error> {
        let variant = seed.deserialize(self.key.into_deserializer())?;
        Ok((variant, Payload(self.value)))
    }
}

struct Payload<D>(D);

impl<'de, D: Deserializer<'de>> de::VariantAccess<'de> for Payload<D> {
    type Error = D::Error;

    fn unit_variant(self) -> Result<(), D::Error> {
        de::IgnoredAny::deserialize(self.0).map(|_| ())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, D::Error> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }
}

/// The names serde gives the variants of enum `T`, read off the call its
/// derived `Deserialize` makes (`deserialize_enum(name, variants, …)`).
fn variants<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Names<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Names<'_> {
        type Error = de::value::Error;

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = variants;
            Err(de::Error::custom("only the names were wanted"))
        }

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not an enum"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map struct identifier ignored_any
        }
    }

    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(Names(&mut names));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_turns_into_changes_in_order() {
        let entry = TimedChange {
            at: 5.0,
            changes: vec![
                Change::ControlPlane(ControlPlaneChange::MaxMutatingRequestsInflight(50)),
                Change::ControlPlane(ControlPlaneChange::SlowWebhook(20.0)),
            ],
            ..TimedChange::default()
        };
        let spec = ControlPlaneSpec::upstream(10);
        assert_eq!(entry.changes(Some(&spec)), entry.changes);
        assert!(entry.check(10.0, Some(&spec)).is_ok());
        assert!(entry.check(1.0, Some(&spec)).is_err(), "after the end");
        assert!(entry.check(10.0, None).is_err(), "not a station change");
        let empty = TimedChange {
            at: 1.0,
            ..TimedChange::default()
        };
        assert!(empty.check(10.0, Some(&spec)).is_err());
        let unknown = TimedChange {
            at: 1.0,
            source: Some("nobody".into()),
            rate: Some(3.0),
            ..TimedChange::default()
        };
        assert!(unknown.check(10.0, Some(&spec)).is_err());
        for change in entry.changes(Some(&spec)) {
            let back = TimedChange::from_change(5.0, &change, Some(&spec));
            assert_eq!(back.changes(Some(&spec)), vec![change]);
        }
    }

    #[test]
    fn every_change_is_written_under_its_key_and_read_back() {
        use crate::sim::models::control_plane::{Discovery, WebhookHandling};
        use ControlPlaneChange as C;
        let text = r#"
            at = 2.5
            nodes = 300
            max_mutating_requests_inflight = 7
            webhook_handling = "dedicated"
            discovery = "legacy"
            slow_webhook = inf
            leader_election = true
            servers = 4
            queue_capacity = "unbounded"
        "#;
        let entry: TimedChange = toml::from_str(text).expect("valid entry");
        assert_eq!(
            entry.changes,
            vec![
                Change::ControlPlane(C::Nodes(300)),
                Change::ControlPlane(C::MaxMutatingRequestsInflight(7)),
                Change::ControlPlane(C::WebhookHandling(WebhookHandling::Dedicated)),
                Change::ControlPlane(C::Discovery(Discovery::Legacy)),
                Change::ControlPlane(C::SlowWebhook(f64::INFINITY)),
                Change::ControlPlane(C::LeaderElection),
                Change::Station(StationChange::Servers(4)),
                Change::Station(StationChange::QueueCapacity(None)),
            ]
        );
        let again: TimedChange =
            toml::from_str(&toml::to_string(&entry).expect("writes")).expect("reads back");
        assert_eq!(again, entry);
        let packed = postcard::to_allocvec(&entry).expect("packs");
        let unpacked: TimedChange = postcard::from_bytes(&packed).expect("unpacks");
        assert_eq!(unpacked, entry);
        assert!(keys().contains(&"fsync_spike") && !keys().contains(&"source_rate"));
        // Written in another order, applied in the model's.
        let reversed: TimedChange =
            toml::from_str("at = 1.0\nservers = 2\nslow_webhook = 2.0\nnodes = 3").expect("valid");
        assert_eq!(
            reversed.changes,
            vec![
                Change::ControlPlane(C::Nodes(3)),
                Change::ControlPlane(C::SlowWebhook(2.0)),
                Change::Station(StationChange::Servers(2)),
            ]
        );
    }

    #[test]
    fn every_change_packs_and_unpacks_as_itself() {
        use crate::sim::models::control_plane::{CacheTimeout, Discovery, WebhookHandling};
        use crate::sim::models::etcd::client::EtcdClientKind;
        use crate::sim::models::flow_control::FlowControlKind;
        use crate::sim::models::watch_cache::CacheLocking;
        use ControlPlaneChange as C;
        // One of each variant, in declaration order (but the source's rate,
        // which is never serialized): binary formats number the variants,
        // so an entry here per variant catches a misnumbering, as when a
        // variant follows a skipped one.
        let every = [
            Change::ControlPlane(C::Nodes(1)),
            Change::ControlPlane(C::MaxRequestsInflight(2)),
            Change::ControlPlane(C::MaxMutatingRequestsInflight(3)),
            Change::ControlPlane(C::WebhookConcurrency(4)),
            Change::ControlPlane(C::WebhookLatency(0.5)),
            Change::ControlPlane(C::WebhookTimeout(6.0)),
            Change::ControlPlane(C::EtcdConnections(7)),
            Change::ControlPlane(C::FsyncLatency(0.008)),
            Change::ControlPlane(C::Namespaces(9)),
            Change::ControlPlane(C::FlowControl(FlowControlKind::ArticleQueue)),
            Change::ControlPlane(C::WebhookHandling(WebhookHandling::Dedicated)),
            Change::ControlPlane(C::CacheLocking(CacheLocking::NamespaceShards)),
            Change::ControlPlane(C::EtcdClient(EtcdClientKind::Pool)),
            Change::ControlPlane(C::Discovery(Discovery::Legacy)),
            Change::ControlPlane(C::ConsistentListFromCache(false)),
            Change::ControlPlane(C::SlowWebhook(11.0)),
            Change::ControlPlane(C::FsyncSpike(12.0)),
            Change::ControlPlane(C::LeaderElection),
            Change::ControlPlane(C::RestartStorm(0.25)),
            Change::ControlPlane(C::SeatBorrowing(false)),
            Change::ControlPlane(C::ApiServerCores(16)),
            Change::ControlPlane(C::ApiServers(3)),
            Change::ControlPlane(C::GoawayChance(0.001)),
            Change::ControlPlane(C::RestartApiServer(2)),
            Change::ControlPlane(C::ApiServerMemory(6.5)),
            Change::ControlPlane(C::UserQps(17.0)),
            Change::ControlPlane(C::CacheTimeout(CacheTimeout::Reject)),
            Change::ControlPlane(C::WatchCacheLag(5.0)),
            Change::ControlPlane(C::ClientLimits(true)),
            Change::ControlPlane(C::ClientQps(50.0)),
            Change::ControlPlane(C::ReadSpeed(2_000)),
            Change::Station(StationChange::ArrivalRate(13.0)),
            Change::Station(StationChange::Servers(14)),
            Change::Station(StationChange::QueueCapacity(Some(15))),
            Change::Station(StationChange::QueueCapacity(None)),
            Change::Station(StationChange::ServiceMean(0.16)),
        ];
        assert_eq!(
            variants::<ControlPlaneChange>().len(),
            31,
            "one entry per variant"
        );
        assert_eq!(variants::<StationChange>().len(), 4);
        for change in every {
            let packed = postcard::to_allocvec(&change).expect("packs");
            let unpacked: Change = postcard::from_bytes(&packed).expect("unpacks");
            assert_eq!(unpacked, change);
        }
    }

    #[test]
    fn a_bad_key_or_value_is_named() {
        let error = toml::from_str::<TimedChange>("at = 1.0\nnodez = 3").expect_err("typo");
        assert!(error.message().contains("unknown field `nodez`"), "{error}");
        let error =
            toml::from_str::<TimedChange>("at = 1.0\nleader_election = false").expect_err("false");
        assert!(error.message().contains("must be true"), "{error}");
        let error = toml::from_str::<TimedChange>("at = 1.0\nnodes = \"many\"").expect_err("text");
        assert!(error.message().contains("many"), "{error}");
    }

    #[test]
    fn entries_apply_by_time_and_ties_in_file_order() {
        // Written out of order, with two entries at 10 s: the later one in
        // the file is applied last, so its 5 servers stay.
        let scenario = crate::sim::Scenario::from_toml(
            r#"
            duration = 30.0
            [station]
            arrival_rate = 1.0
            servers = 1
            service = { distribution = "exponential", mean = 0.1 }
            [[timeline]]
            at = 10.0
            servers = 2
            [[timeline]]
            at = 20.0
            servers = 7
            [[timeline]]
            at = 10.0
            servers = 5
            [[timeline]]
            at = 5.0
            servers = 3
            "#,
        )
        .expect("a valid scenario");
        let mut sim = crate::sim::Simulation::new(&scenario, 1).expect("valid");
        let mut servers = Vec::new();
        for until in [4.0, 6.0, 11.0, 21.0] {
            sim.run_for(until - sim.snapshot().time);
            servers.push(sim.snapshot().seats);
        }
        assert_eq!(servers, [1, 3, 5, 7]);
    }
}
