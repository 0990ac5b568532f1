//! The API server's CPU: its cores shared by the work that wants them
//! (processor sharing, [`crate::sim::engine::sharing`]).
//!
//! Three kinds of work run on it: a request's handler (filters, decoding,
//! admission plugins, conversion and validation: the `processing` time,
//! while it holds its seats), a response's encoding (per KiB, plus per
//! KiB decoded when the objects came from etcd) and each resource's watch
//! dispatcher (one goroutine per resource: its events one after another,
//! each costing per event and per interested watcher). While fewer pieces
//! of work run than there are cores, each runs at the speed of one core;
//! with more, all of them slow down alike: seats are held longer, queues
//! grow, and APF's limits are what keeps the number in bounds.
//!
//! With the CPU unlimited (a what-if, and the textbook reductions) the
//! cores are infinite: every piece of work takes its own time, as if on a
//! core of its own.

use super::event::CpEvent;
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::sharing::{Share, Sharing};
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::Resource;

/// What a piece of CPU work is for: what happens when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CpuWork {
    /// request `ticket`'s handler
    Handler(u64),
    /// request `ticket`'s response
    Response(u64),
    /// the watch dispatcher of the resource of this index, its head event
    Dispatch(usize),
    /// a restarted server's cache decoding the re-list of a resource
    Relisted(Resource),
}

/// One API server's cores and the work on them.
#[derive(Debug, Clone)]
pub(super) struct Cpu {
    /// the API server it belongs to (its index)
    server: u8,
    /// cores; infinite when the CPU is not limited
    cores: f64,
    sharing: Sharing,
    work: IdMap<u64, CpuWork>,
    next_id: u64,
    /// cores in use against the cores there are
    load: Load,
    done: Vec<(u64, Nanos)>,
}

impl Cpu {
    /// API server `server`'s `cores` from `now` [ns] on (infinite: unlimited).
    pub(super) fn new(server: u8, now: Nanos, cores: f64) -> Self {
        Self {
            server,
            cores,
            sharing: Sharing::default(),
            work: IdMap::default(),
            next_id: 0,
            load: Load::new(now, Self::capacity(cores)),
            done: Vec::new(),
        }
    }

    /// The capacity readings count: none when unlimited (nothing to name).
    fn capacity(cores: f64) -> f64 {
        if cores.is_finite() { cores } else { 0.0 }
    }

    fn limited(&self) -> bool {
        self.cores.is_finite()
    }

    fn share(&self) -> Share {
        Share::cores(self.cores)
    }

    fn note(&mut self, now: Nanos) {
        let used = (self.sharing.len() as f64).min(self.cores);
        self.load
            .set_used(now, if self.limited() { used } else { 0.0 });
    }

    fn schedule(&self, cx: &mut Cx<CpEvent>, next: Option<(Nanos, u32)>) {
        if let Some((at, epoch)) = next {
            let server = self.server;
            cx.at(at, CpEvent::Cpu { server, epoch });
        }
    }

    /// `cpu` [ns of one core] of work for `what` starts now.
    pub(super) fn run(&mut self, cx: &mut Cx<CpEvent>, cpu: Nanos, what: CpuWork) {
        let id = self.next_id;
        self.next_id += 1;
        self.work.insert(id, what);
        let next = self.sharing.enter(cx.now, id, cpu as f64, self.share());
        self.note(cx.now);
        self.schedule(cx, next);
    }

    /// A wake-up: the work done goes to `done`.
    pub(super) fn woken(&mut self, cx: &mut Cx<CpEvent>, epoch: u32, done: &mut Vec<CpuWork>) {
        let mut finished = std::mem::take(&mut self.done);
        let next = self
            .sharing
            .wake(cx.now, epoch, self.share(), &mut finished);
        self.note(cx.now);
        self.schedule(cx, next);
        done.extend(
            finished
                .drain(..)
                .filter_map(|(id, _)| self.work.remove(&id)),
        );
        self.done = finished;
    }

    /// The server has `cores` from now on (infinite: unlimited); the work
    /// running goes on at the new speed.
    pub(super) fn set_cores(&mut self, cx: &mut Cx<CpEvent>, cores: f64) {
        if cores == self.cores {
            return;
        }
        let before = self.share();
        self.cores = cores;
        self.load.set_capacity(cx.now, Self::capacity(cores));
        let next = self.sharing.reshare(cx.now, before, self.share());
        self.schedule(cx, next);
        self.note(cx.now);
    }

    /// The work `keep` does not keep is dropped now (its process died);
    /// the rest goes on where it was.
    pub(super) fn abandon(&mut self, cx: &mut Cx<CpEvent>, keep: impl Fn(CpuWork) -> bool) {
        let work = &self.work;
        let next = self.sharing.retain(cx.now, self.share(), |id| {
            work.get(&id).is_some_and(|&w| keep(w))
        });
        self.work.retain(|_, w| keep(*w));
        self.note(cx.now);
        self.schedule(cx, next);
    }

    /// Cores in use now (0 when unlimited).
    pub(super) fn busy_cores(&self) -> f64 {
        match self.limited() {
            true => (self.sharing.len() as f64).min(self.cores),
            false => 0.0,
        }
    }

    /// Cores in use over time up to `now` [core·s].
    pub(super) fn reading(&self, now: Nanos) -> LoadReading {
        self.load.reading(now)
    }
}
