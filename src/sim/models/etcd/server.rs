//! The etcd cluster: raft commit for writes, ReadIndex for linearizable
//! reads, a pool of cores for reads, and a serial apply loop.
//!
//! **Write** (a proposal at the leader): the entry goes to the leader's WAL
//! and, at once, to every follower (one-way peer latency, in order). Each
//! member group-commits its WAL ([`Disk`]) and followers acknowledge what
//! is durable. The entry commits when a quorum (leader included) has it on
//! disk; committed entries are applied to the backend one at a time, and
//! the write completes when applied. Apply is the throughput ceiling under
//! load (one goroutine upstream), fsync the latency floor when idle.
//!
//! **Linearizable read** (`server/etcdserver/v3_server.go`,
//! `linearizableReadLoop`): the leader's commit index when the round starts
//! is the read index; the leader confirms it is still leader with one
//! heartbeat round to a quorum; reads arriving during a round wait for the
//! next one (etcd batches them too). Then each read waits until the apply
//! loop has applied the read index (`applyWait.Wait(confirmedIndex)`), so a
//! backlog of writes delays reads too, and runs on one of the cores.
//! **Serializable read**: straight to a core.
//!
//! Faults: an fsync spike (every fsync takes longer) and a leader election
//! (no commits and no linearizable reads; proposals and such reads fail with
//! `Unavailable` until a new leader is elected).
//!
//! Calibrated against etcd's published benchmark (kubernetes.md, from etcd
//! `Documentation/op-guide/performance.md`: etcd 3.2, 3 members of 8 vCPU,
//! SSD): see `tests/etcd_calibration.rs`.

use super::disk::Disk;
use super::spec::EtcdSpec;
use crate::sim::engine::calendar::Schedule;
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::random::{DurationLaw, DurationSampler, MAX_DRAW, SimRng};
use crate::sim::engine::time::{Nanos, from_secs};
use std::collections::VecDeque;

/// A request to the etcd cluster, identified by the caller's `token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtcdOp {
    Write {
        token: u64,
    },
    /// a read returning `kib` KiB; `linearizable` needs a ReadIndex round
    Read {
        token: u64,
        kib: u32,
        linearizable: bool,
    },
}

impl EtcdOp {
    pub fn token(&self) -> u64 {
        match *self {
            EtcdOp::Write { token } | EtcdOp::Read { token, .. } => token,
        }
    }
}

/// What the cluster tells the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtcdReply {
    /// done at this server [token]
    Done(u64),
    /// refused: no leader (during an election) [token]
    Unavailable(u64),
}

#[derive(Debug, Clone, Copy)]
pub enum EtcdEvent {
    LeaderSynced,
    /// entries up to `index` reach follower `follower`
    FollowerReceives {
        follower: u32,
        index: u64,
    },
    FollowerSynced {
        follower: u32,
    },
    /// follower `follower` reports entries up to `index` durable
    FollowerAcks {
        follower: u32,
        index: u64,
    },
    /// the raft loop hands entries up to `index` to the apply loop
    CommitReady {
        index: u64,
    },
    Applied,
    ReadIndexConfirmed,
    ReadDone {
        token: u64,
    },
    ElectionOver,
}

#[derive(Debug, Clone, Default)]
struct Follower {
    disk: Disk,
    /// highest index the leader knows durable there
    matched: u64,
    /// the link to it delivers in order: last arrival time [ns]
    last_delivery: Nanos,
    last_ack: Nanos,
}

/// Instantaneous state, for drawing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EtcdSnapshot {
    /// writes proposed and not yet applied
    pub writes_in_flight: u64,
    /// reads waiting for a core or a ReadIndex round, or running
    pub reads_in_flight: u64,
    pub cores_busy: u32,
    pub leader: bool,
}

#[derive(Debug, Clone)]
pub struct Etcd {
    spec: EtcdSpec,
    fsync: DurationSampler,
    peer_rtt: DurationSampler,
    apply: Nanos,
    read_loop: Nanos,
    raft_loop: Nanos,
    /// fsync durations are multiplied by this (a spike fault)
    fsync_factor: f64,
    leader_disk: Disk,
    followers: Vec<Follower>,
    /// tokens of entries from `first_index` on, not yet applied
    log: VecDeque<u64>,
    first_index: u64,
    next_index: u64,
    commit_index: u64,
    /// committed entries the raft loop has handed to the apply loop
    applicable_index: u64,
    applying: bool,
    /// no leader until this time [ns]
    election_until: Option<Nanos>,
    reads_waiting_index: Vec<EtcdOp>,
    reads_in_round: Vec<EtcdOp>,
    /// the read index of the round in flight: the commit index when it began
    round_index: u64,
    /// confirmed reads waiting for the apply loop to reach their read index
    reads_waiting_apply: VecDeque<(u64, EtcdOp)>,
    cores_busy: u32,
    reads_waiting_core: VecDeque<EtcdOp>,
    /// the leader's read cores and its apply loop, over time
    cores_load: Load,
    apply_load: Load,
}

impl Etcd {
    /// A cluster with a leader; `spec` must have passed [`EtcdSpec::check`].
    pub fn new(spec: &EtcdSpec) -> Self {
        Self {
            fsync: spec.fsync.sampler(),
            peer_rtt: spec.peer_rtt.sampler(),
            apply: from_secs(spec.apply),
            read_loop: from_secs(spec.read_loop),
            raft_loop: from_secs(spec.raft_loop),
            fsync_factor: 1.0,
            leader_disk: Disk::default(),
            followers: (1..spec.members).map(|_| Follower::default()).collect(),
            log: VecDeque::new(),
            first_index: 1,
            next_index: 1,
            commit_index: 0,
            applicable_index: 0,
            applying: false,
            election_until: None,
            reads_waiting_index: Vec::new(),
            reads_in_round: Vec::new(),
            round_index: 0,
            reads_waiting_apply: VecDeque::new(),
            cores_busy: 0,
            reads_waiting_core: VecDeque::new(),
            cores_load: Load::new(0, spec.cores as f64),
            apply_load: Load::new(0, 1.0),
            spec: spec.clone(),
        }
    }

    fn fsync_time(&self, rng: &mut SimRng) -> Nanos {
        // Capped like every draw: a spike × 10,000 of a long draw would
        // otherwise saturate to u64::MAX and overflow `now + fsync`.
        ((self.fsync.sample(rng) as f64 * self.fsync_factor).round() as Nanos).min(MAX_DRAW)
    }

    fn one_way(&self, rng: &mut SimRng) -> Nanos {
        self.peer_rtt.sample(rng) / 2
    }

    /// A new fsync law (the "etcd fsync latency" slider).
    pub fn set_fsync_law(&mut self, law: &DurationLaw) {
        self.spec.fsync = *law;
        self.fsync = law.sampler();
    }

    /// Fault: multiply fsync durations by `factor` (1 = normal).
    pub fn set_fsync_factor(&mut self, factor: f64) {
        self.fsync_factor = if factor.is_finite() {
            factor.clamp(1.0, 10_000.0)
        } else {
            1.0
        };
    }

    /// Fault: the leader is lost now; a new one is elected `spec.election` later.
    pub fn start_election(&mut self, now: Nanos, calendar: &mut impl Schedule<EtcdEvent>) {
        if self.election_until.is_none() {
            let until = now.saturating_add(from_secs(self.spec.election));
            self.election_until = Some(until);
            calendar.at(until, EtcdEvent::ElectionOver);
        }
    }

    pub fn has_leader(&self) -> bool {
        self.election_until.is_none()
    }

    /// A request reaches the cluster at `now` [ns]. Replies go to `replies`
    /// (at once for a refusal, later through [`Etcd::handle`]).
    pub fn submit(
        &mut self,
        now: Nanos,
        op: EtcdOp,
        calendar: &mut impl Schedule<EtcdEvent>,
        rng: &mut SimRng,
        replies: &mut Vec<EtcdReply>,
    ) {
        match op {
            EtcdOp::Write { token } => {
                if !self.has_leader() {
                    replies.push(EtcdReply::Unavailable(token));
                    return;
                }
                let index = self.next_index;
                self.next_index += 1;
                self.log.push_back(token);
                if self.leader_disk.append(index) {
                    let done = now + self.fsync_time(rng);
                    calendar.at(done, EtcdEvent::LeaderSynced);
                }
                for f in 0..self.followers.len() {
                    let arrival = (now + self.one_way(rng)).max(self.followers[f].last_delivery);
                    self.followers[f].last_delivery = arrival;
                    calendar.at(
                        arrival,
                        EtcdEvent::FollowerReceives {
                            follower: f as u32,
                            index,
                        },
                    );
                }
            }
            EtcdOp::Read {
                token,
                linearizable,
                ..
            } => {
                if linearizable {
                    if !self.has_leader() {
                        replies.push(EtcdReply::Unavailable(token));
                        return;
                    }
                    self.reads_waiting_index.push(op);
                    if self.reads_in_round.is_empty() {
                        self.start_read_round(now, calendar, rng);
                    }
                } else {
                    self.start_read(now, op, calendar);
                }
            }
        }
    }

    fn start_read_round(
        &mut self,
        now: Nanos,
        calendar: &mut impl Schedule<EtcdEvent>,
        rng: &mut SimRng,
    ) {
        std::mem::swap(&mut self.reads_in_round, &mut self.reads_waiting_index);
        self.round_index = self.commit_index;
        // A heartbeat to every follower; the quorum's fastest answers confirm.
        let mut rtts: Vec<Nanos> = (0..self.followers.len())
            .map(|_| self.peer_rtt.sample(rng))
            .collect();
        rtts.sort_unstable();
        let needed = self.quorum().saturating_sub(1);
        let confirm = if needed == 0 { 0 } else { rtts[needed - 1] };
        calendar.at(
            now + self.read_loop + confirm,
            EtcdEvent::ReadIndexConfirmed,
        );
    }

    fn start_read(&mut self, now: Nanos, op: EtcdOp, calendar: &mut impl Schedule<EtcdEvent>) {
        if self.cores_busy >= self.spec.cores {
            self.reads_waiting_core.push_back(op);
            return;
        }
        self.cores_busy += 1;
        self.cores_load.set_used(now, self.cores_busy as f64);
        let EtcdOp::Read { token, kib, .. } = op else {
            return;
        };
        let cost = from_secs(self.spec.read + self.spec.read_per_kib * kib as f64);
        // A LIST of millions of objects at 1 s/KiB is years: saturate, never overflow.
        calendar.at(now.saturating_add(cost), EtcdEvent::ReadDone { token });
    }

    /// The highest index the apply loop has applied.
    fn applied_index(&self) -> u64 {
        self.first_index - 1
    }

    fn quorum(&self) -> usize {
        self.spec.members as usize / 2 + 1
    }

    /// The highest index durable on a quorum (leader included).
    fn quorum_index(&self) -> u64 {
        let mut durable: Vec<u64> = std::iter::once(self.leader_disk.durable())
            .chain(self.followers.iter().map(|f| f.matched))
            .collect();
        // The quorum-th highest (ascending, like the RTTs above: one sort's code).
        durable.sort_unstable();
        durable[durable.len() - self.quorum()]
    }

    fn advance_commit(&mut self, now: Nanos, calendar: &mut impl Schedule<EtcdEvent>) {
        if !self.has_leader() {
            return;
        }
        let quorum = self.quorum_index();
        if quorum > self.commit_index {
            self.commit_index = quorum;
            calendar.at(
                now + self.raft_loop,
                EtcdEvent::CommitReady { index: quorum },
            );
        }
    }

    fn apply_next(&mut self, now: Nanos, calendar: &mut impl Schedule<EtcdEvent>) {
        if !self.applying && self.first_index <= self.applicable_index && !self.log.is_empty() {
            self.applying = true;
            self.apply_load.set_used(now, 1.0);
            calendar.at(now + self.apply, EtcdEvent::Applied);
        }
    }

    pub fn handle(
        &mut self,
        now: Nanos,
        event: EtcdEvent,
        calendar: &mut impl Schedule<EtcdEvent>,
        rng: &mut SimRng,
        replies: &mut Vec<EtcdReply>,
    ) {
        match event {
            EtcdEvent::LeaderSynced => {
                let (_, again) = self.leader_disk.synced();
                if again {
                    calendar.at(now + self.fsync_time(rng), EtcdEvent::LeaderSynced);
                }
                self.advance_commit(now, calendar);
            }
            EtcdEvent::FollowerReceives { follower, index } => {
                if self.followers[follower as usize].disk.append(index) {
                    calendar.at(
                        now + self.fsync_time(rng),
                        EtcdEvent::FollowerSynced { follower },
                    );
                }
            }
            EtcdEvent::FollowerSynced { follower } => {
                let one_way = self.one_way(rng);
                let f = &mut self.followers[follower as usize];
                let (durable, again) = f.disk.synced();
                let arrival = (now + one_way).max(f.last_ack);
                f.last_ack = arrival;
                calendar.at(
                    arrival,
                    EtcdEvent::FollowerAcks {
                        follower,
                        index: durable,
                    },
                );
                if again {
                    calendar.at(
                        now + self.fsync_time(rng),
                        EtcdEvent::FollowerSynced { follower },
                    );
                }
            }
            EtcdEvent::FollowerAcks { follower, index } => {
                let f = &mut self.followers[follower as usize];
                f.matched = f.matched.max(index);
                self.advance_commit(now, calendar);
            }
            EtcdEvent::CommitReady { index } => {
                self.applicable_index = self.applicable_index.max(index);
                self.apply_next(now, calendar);
            }
            EtcdEvent::Applied => {
                self.applying = false;
                self.apply_load.set_used(now, 0.0);
                if let Some(token) = self.log.pop_front() {
                    self.first_index += 1;
                    replies.push(EtcdReply::Done(token));
                }
                while let Some(&(index, op)) = self.reads_waiting_apply.front() {
                    if index > self.applied_index() {
                        break;
                    }
                    self.reads_waiting_apply.pop_front();
                    self.start_read(now, op, calendar);
                }
                self.apply_next(now, calendar);
            }
            EtcdEvent::ReadIndexConfirmed => {
                let round = std::mem::take(&mut self.reads_in_round);
                let index = self.round_index;
                for op in round {
                    if index > self.applied_index() {
                        self.reads_waiting_apply.push_back((index, op));
                    } else {
                        self.start_read(now, op, calendar);
                    }
                }
                if !self.reads_waiting_index.is_empty() && self.has_leader() {
                    self.start_read_round(now, calendar, rng);
                }
            }
            EtcdEvent::ReadDone { token } => {
                self.cores_busy -= 1;
                self.cores_load.set_used(now, self.cores_busy as f64);
                replies.push(EtcdReply::Done(token));
                if let Some(next) = self.reads_waiting_core.pop_front() {
                    self.start_read(now, next, calendar);
                }
            }
            EtcdEvent::ElectionOver => {
                self.election_until = None;
                self.advance_commit(now, calendar);
                if !self.reads_waiting_index.is_empty() && self.reads_in_round.is_empty() {
                    self.start_read_round(now, calendar, rng);
                }
            }
        }
    }

    /// The leader's read cores, busy over time up to `now` [core·s].
    pub fn cores_reading(&self, now: Nanos) -> LoadReading {
        self.cores_load.reading(now)
    }

    /// The apply loop (serial), busy over time up to `now` [s].
    pub fn apply_reading(&self, now: Nanos) -> LoadReading {
        self.apply_load.reading(now)
    }

    pub fn snapshot(&self) -> EtcdSnapshot {
        EtcdSnapshot {
            writes_in_flight: self.log.len() as u64,
            reads_in_flight: (self.reads_waiting_index.len()
                + self.reads_in_round.len()
                + self.reads_waiting_apply.len()
                + self.reads_waiting_core.len()) as u64
                + self.cores_busy as u64,
            cores_busy: self.cores_busy,
            leader: self.has_leader(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::calendar::Calendar;

    /// A default cluster with an empty calendar, seeded with `seed`.
    fn cluster(seed: u64) -> (Etcd, Calendar<EtcdEvent>, SimRng) {
        (
            Etcd::new(&EtcdSpec::default()),
            Calendar::new(),
            SimRng::new(seed),
        )
    }

    /// Submits `op` at `now`, where it waits for the calendar (a write or
    /// read replies later, never at once).
    fn submit(
        (etcd, calendar, rng): &mut (Etcd, Calendar<EtcdEvent>, SimRng),
        now: Nanos,
        op: EtcdOp,
    ) {
        let mut replies = Vec::new();
        etcd.submit(now, op, calendar, rng, &mut replies);
        assert!(replies.is_empty(), "{op:?} replied at once");
    }

    /// Drives the cluster alone; returns the replies with their times.
    fn drive(
        etcd: &mut Etcd,
        calendar: &mut Calendar<EtcdEvent>,
        rng: &mut SimRng,
        until: Nanos,
    ) -> Vec<(Nanos, EtcdReply)> {
        let mut out = Vec::new();
        let mut replies = Vec::new();
        while let Some((now, event)) = calendar.pop_until(until) {
            etcd.handle(now, event, calendar, rng, &mut replies);
            out.extend(replies.drain(..).map(|r| (now, r)));
        }
        out
    }

    #[test]
    fn a_write_commits_after_fsyncs_and_applies() {
        let mut run = cluster(1);
        submit(&mut run, 0, EtcdOp::Write { token: 7 });
        let (etcd, calendar, rng) = &mut run;
        let done = drive(etcd, calendar, rng, u64::MAX);
        assert_eq!(done.len(), 1);
        let (at, reply) = done[0];
        assert_eq!(reply, EtcdReply::Done(7));
        assert!((500_000..5_000_000).contains(&at), "commit took {at} ns");
    }

    #[test]
    fn during_an_election_writes_and_linearizable_reads_are_refused() {
        let (mut etcd, mut calendar, mut rng) = cluster(1);
        let mut replies = Vec::new();
        etcd.submit(
            0,
            EtcdOp::Write { token: 1 },
            &mut calendar,
            &mut rng,
            &mut replies,
        );
        etcd.start_election(0, &mut calendar);
        etcd.submit(
            10,
            EtcdOp::Write { token: 2 },
            &mut calendar,
            &mut rng,
            &mut replies,
        );
        etcd.submit(
            10,
            EtcdOp::Read {
                token: 3,
                kib: 1,
                linearizable: true,
            },
            &mut calendar,
            &mut rng,
            &mut replies,
        );
        etcd.submit(
            10,
            EtcdOp::Read {
                token: 4,
                kib: 1,
                linearizable: false,
            },
            &mut calendar,
            &mut rng,
            &mut replies,
        );
        assert_eq!(
            replies,
            vec![EtcdReply::Unavailable(2), EtcdReply::Unavailable(3)]
        );
        let done = drive(&mut etcd, &mut calendar, &mut rng, u64::MAX);
        // The serializable read is served at once; the write proposed before
        // the election commits only after it (1 s).
        assert!(
            done.iter()
                .any(|&(at, r)| r == EtcdReply::Done(4) && at < 1_000_000)
        );
        let write = done
            .iter()
            .find(|(_, r)| *r == EtcdReply::Done(1))
            .expect("write completes");
        assert!(
            write.0 >= 1_000_000_000,
            "committed at {} ns, before the election ended",
            write.0
        );
    }

    /// etcd `server/etcdserver/v3_server.go`, `linearizableReadLoop`: "if
    /// appliedIndex < confirmedIndex", the read waits on
    /// `applyWait.Wait(confirmedIndex)`. Writes committed before the read
    /// must be applied first: with applies of 10 ms, a linearizable read
    /// issued behind 50 committed writes waits for their 0.5 s of applying,
    /// while a serializable one does not.
    #[test]
    fn a_linearizable_read_waits_for_the_apply_loop_to_reach_its_read_index() {
        let spec = EtcdSpec {
            apply: 0.010,
            ..EtcdSpec::default()
        };
        let mut run = (Etcd::new(&spec), Calendar::new(), SimRng::new(5));
        for token in 0..50 {
            submit(&mut run, 0, EtcdOp::Write { token });
        }
        // Let them commit (a few ms) but not apply.
        let (etcd, calendar, rng) = &mut run;
        let early = drive(etcd, calendar, rng, 20_000_000);
        assert!(early.len() < 5, "{} applied already", early.len());
        assert!(etcd.commit_index >= 50, "committed {}", etcd.commit_index);
        for (token, linearizable) in [(100, true), (101, false)] {
            let read = EtcdOp::Read {
                token,
                kib: 1,
                linearizable,
            };
            submit(&mut run, 20_000_000, read);
        }
        let (etcd, calendar, rng) = &mut run;
        let mut done = drive(etcd, calendar, rng, u64::MAX);
        done.extend(early);
        let at = |token| {
            done.iter()
                .find(|(_, r)| *r == EtcdReply::Done(token))
                .map(|&(at, _)| at)
                .expect("done")
        };
        let last_write = (0..50).map(at).max().unwrap();
        assert!(
            at(100) >= last_write,
            "read at {} before the apply at {last_write}",
            at(100)
        );
        assert!(at(100) > 450_000_000);
        assert!(at(101) < 25_000_000, "serializable read at {}", at(101));
    }

    #[test]
    fn an_fsync_spike_slows_writes() {
        let time_of_write = |factor: f64| {
            let mut run = cluster(3);
            run.0.set_fsync_factor(factor);
            submit(&mut run, 0, EtcdOp::Write { token: 1 });
            let (etcd, calendar, rng) = &mut run;
            drive(etcd, calendar, rng, u64::MAX)[0].0
        };
        assert!(time_of_write(20.0) > 10 * time_of_write(1.0));
    }
}
