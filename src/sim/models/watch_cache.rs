//! The API server's watch cache: reads served from memory under a lock.
//!
//! Upstream (`pkg/storage/cacher/`): one cache per resource type, guarded by
//! one reader/writer lock. GET and LIST take the read lock for as long as
//! they walk the objects in scope; every event from etcd takes the write
//! lock to update the store, then a dispatcher (one per resource, serial)
//! sends it to the interested watchers. A big LIST thus holds back every
//! write to its resource, and a waiting writer holds back new readers (Go's
//! `sync.RWMutex`).
//!
//! The article (A5, **not upstream**) shards each cache by namespace: a lock
//! per namespace shard, so a LIST in one namespace does not block writes in
//! another. A cluster-wide LIST then walks the shards one after another,
//! holding each briefly; the model charges it the sum of those holds and
//! lets it interleave with writers (an approximation in the article's
//! favour).

use crate::sim::engine::time::Nanos;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How the watch cache is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheLocking {
    /// one lock per resource type (upstream)
    PerResource,
    /// one lock per namespace shard (the article; not upstream)
    NamespaceShards,
}

/// Who waits for or holds a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    /// the caller's id (a request ticket, or an event number for writes)
    pub id: u64,
    pub write: bool,
    /// how long it holds the lock once granted [ns]
    pub hold: Nanos,
}

/// One reader/writer lock with Go semantics: FIFO waiters; a waiting writer
/// blocks later readers; on release, the next writer alone or the next run
/// of readers together is granted.
#[derive(Debug, Clone, Default)]
pub struct RwLock {
    readers: u32,
    writer: bool,
    waiting: VecDeque<Holder>,
}

impl RwLock {
    /// Asks for the lock; returns true if granted at once.
    pub fn acquire(&mut self, holder: Holder) -> bool {
        // A writer needs the lock idle and nobody ahead of it; a reader
        // needs no writer holding or waiting (Go's writer preference).
        let grant = if holder.write {
            self.waiting.is_empty() && !self.writer && self.readers == 0
        } else {
            !self.writer && self.waiting.iter().all(|w| !w.write)
        };
        if grant {
            self.take(holder.write);
            true
        } else {
            self.waiting.push_back(holder);
            false
        }
    }

    fn take(&mut self, write: bool) {
        if write {
            self.writer = true;
        } else {
            self.readers += 1;
        }
    }

    /// Releases one hold; appends the holders granted in turn to `granted`.
    pub fn release(&mut self, write: bool, granted: &mut Vec<Holder>) {
        if write {
            self.writer = false;
        } else {
            self.readers = self.readers.saturating_sub(1);
        }
        while let Some(next) = self.waiting.front().copied() {
            let can = if next.write {
                !self.writer && self.readers == 0
            } else {
                !self.writer
            };
            if !can {
                break;
            }
            self.waiting.pop_front();
            self.take(next.write);
            granted.push(next);
            if next.write {
                break;
            }
        }
    }

    pub fn is_write_held(&self) -> bool {
        self.writer
    }

    pub fn holders(&self) -> u32 {
        self.readers + self.writer as u32
    }

    pub fn waiters(&self) -> u32 {
        self.waiting.len() as u32
    }
}

/// The watch cache's cost parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchCacheSpec {
    /// read-lock hold of a GET or LIST: base [s] (default 5 µs)
    #[serde(default = "default_read_base")]
    pub read_base: f64,
    /// read-lock hold per object walked [s] (default 0.2 µs: collecting
    /// pointers from the btree; 150,000 pods ≈ 30 ms)
    #[serde(default = "default_read_per_object")]
    pub read_per_object: f64,
    /// write-lock hold to apply one event [s] (default 20 µs)
    #[serde(default = "default_write_hold")]
    pub write_hold: f64,
    /// dispatcher time per event [s] (default 10 µs) …
    #[serde(default = "default_dispatch_base")]
    pub dispatch_base: f64,
    /// … plus per interested watcher [s] (default 2 µs)
    #[serde(default = "default_dispatch_per_watcher")]
    pub dispatch_per_watcher: f64,
}

fn default_read_base() -> f64 {
    5e-6
}
fn default_read_per_object() -> f64 {
    0.2e-6
}
fn default_write_hold() -> f64 {
    20e-6
}
fn default_dispatch_base() -> f64 {
    10e-6
}
fn default_dispatch_per_watcher() -> f64 {
    2e-6
}

impl Default for WatchCacheSpec {
    fn default() -> Self {
        Self {
            read_base: default_read_base(),
            read_per_object: default_read_per_object(),
            write_hold: default_write_hold(),
            dispatch_base: default_dispatch_base(),
            dispatch_per_watcher: default_dispatch_per_watcher(),
        }
    }
}

impl WatchCacheSpec {
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for (name, value) in [
            ("read_base", self.read_base),
            ("read_per_object", self.read_per_object),
            ("write_hold", self.write_hold),
            ("dispatch_base", self.dispatch_base),
            ("dispatch_per_watcher", self.dispatch_per_watcher),
        ] {
            if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
                return Err((name, format!("must be seconds in [0, 1], got {value}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(id: u64) -> Holder {
        Holder {
            id,
            write: false,
            hold: 1,
        }
    }
    fn writer(id: u64) -> Holder {
        Holder {
            id,
            write: true,
            hold: 1,
        }
    }

    #[test]
    fn readers_share_writers_exclude() {
        let mut lock = RwLock::default();
        assert!(lock.acquire(reader(1)));
        assert!(lock.acquire(reader(2)));
        assert!(!lock.acquire(writer(3)));
        assert_eq!(lock.holders(), 2);
        let mut granted = Vec::new();
        lock.release(false, &mut granted);
        assert!(granted.is_empty());
        lock.release(false, &mut granted);
        assert_eq!(granted, vec![writer(3)]);
    }

    #[test]
    fn a_waiting_writer_blocks_new_readers_then_they_go_together() {
        let mut lock = RwLock::default();
        assert!(lock.acquire(reader(1)));
        assert!(!lock.acquire(writer(2)));
        assert!(
            !lock.acquire(reader(3)),
            "queued behind the writer, as in Go"
        );
        assert!(!lock.acquire(reader(4)));
        let mut granted = Vec::new();
        lock.release(false, &mut granted);
        assert_eq!(granted, vec![writer(2)]);
        granted.clear();
        lock.release(true, &mut granted);
        assert_eq!(granted, vec![reader(3), reader(4)]);
        assert_eq!(lock.holders(), 2);
    }
}
