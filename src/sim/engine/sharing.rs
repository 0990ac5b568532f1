//! A server whose capacity is shared equally between the jobs in it
//! (processor sharing): a connection's wire shared by the messages crossing
//! it, an API server's cores shared by the goroutines that want them.
//!
//! With `n` jobs in, each receives `min(per_job, total / n)` units of work
//! per nanosecond ([`Share`]). A wire has no per-job cap (one message alone
//! takes the whole bandwidth); a CPU of `c` cores gives each job at most
//! one core, so up to `c` jobs run at full speed and more slow each other
//! down. Processor sharing is the limit of round-robin scheduling as the
//! quantum shrinks (Go's scheduler preempts every 10 ms; HTTP/2 writes
//! 16 KiB frames in turn), and its mean response time depends only on the
//! mean work, not its distribution: for one core, E[T] = E[S] / (1 − ρ)
//! (Kleinrock, *Queueing Systems* vol. 2, §4.4), which the tests check.
//!
//! How it is computed: `served` is the work each job in the server has
//! received since it was last empty; it grows at the per-job rate. A job
//! of `w` units entering when `served` is `s` is done when `served`
//! reaches `s + w` (its tag), so the job with the lowest tag is done first
//! and only that one instant needs a wake-up. Every entry and departure
//! changes the rate, so the wake-up is recomputed and carries a new epoch:
//! a wake-up of an older epoch is stale and ignored.

use super::time::Nanos;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How a [`Sharing`] server divides its capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// the whole server's rate [work units/ns]
    pub total: f64,
    /// at most this much per job [work units/ns]
    pub per_job: f64,
}

impl Share {
    /// A wire of `units_per_ns` bandwidth: one job alone takes all of it.
    pub fn wire(units_per_ns: f64) -> Self {
        Self {
            total: units_per_ns,
            per_job: f64::INFINITY,
        }
    }

    /// `cores` cores, work counted in CPU nanoseconds: a job runs on one
    /// core at most.
    pub fn cores(cores: f64) -> Self {
        Self {
            total: cores,
            per_job: 1.0,
        }
    }

    /// Work each of `n` jobs receives per nanosecond.
    fn per_job_rate(self, n: usize) -> f64 {
        (self.total / n.max(1) as f64).min(self.per_job)
    }

    /// The fraction of the capacity `n` jobs use, in [0, 1].
    pub fn busy_fraction(self, n: usize) -> f64 {
        if n == 0 || self.total <= 0.0 {
            return 0.0;
        }
        (n as f64 * self.per_job / self.total).min(1.0)
    }
}

/// The server's state: the jobs in it and the work each has received.
#[derive(Debug, Clone, Default)]
pub struct Sharing {
    /// work each job in the server has received since it was last empty
    served: f64,
    /// when `served` was last brought up to date [ns]
    updated: Nanos,
    /// jobs in the server, the lowest tag first: (tag as ordered bits, job
    /// id). A heap, not a B-tree: far less code in the page's wasm.
    jobs: BinaryHeap<Reverse<(u64, u64)>>,
    /// moves on at each change: a wake-up of an older epoch is stale
    epoch: u32,
}

impl Sharing {
    /// Jobs in the server.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Brings `served` up to `now`.
    fn advance(&mut self, now: Nanos, share: Share) {
        let n = self.jobs.len();
        if n > 0 && now > self.updated {
            self.served += (now - self.updated) as f64 * share.per_job_rate(n);
        }
        self.updated = self.updated.max(now);
    }

    /// The rate changes at `now` (a new bandwidth, cores added or taken):
    /// the work done so far is counted at the old rate `before`; the
    /// returned wake-up is at the new rate `after`.
    pub fn reshare(&mut self, now: Nanos, before: Share, after: Share) -> Option<(Nanos, u32)> {
        self.advance(now, before);
        self.next(after)
    }

    /// When the first job is done, if any, for a wake-up of the new epoch.
    fn next(&mut self, share: Share) -> Option<(Nanos, u32)> {
        self.epoch = self.epoch.wrapping_add(1);
        let &Reverse((tag, _)) = self.jobs.peek()?;
        let left = (f64::from_bits(tag) - self.served).max(0.0);
        let rate = share.per_job_rate(self.jobs.len());
        if rate <= 0.0 {
            return None;
        }
        let ns = (left / rate).ceil();
        // A job of billions of units on a slow server: saturate, never overflow.
        let at = self.updated.saturating_add(ns.min(1e18) as Nanos);
        Some((at, self.epoch))
    }

    /// Job `id` of `work` units enters at `now`: the server's next wake-up.
    pub fn enter(&mut self, now: Nanos, id: u64, work: f64, share: Share) -> Option<(Nanos, u32)> {
        self.advance(now, share);
        if self.jobs.is_empty() {
            self.served = 0.0;
        }
        let tag = self.served + work.max(0.0);
        self.jobs.push(Reverse((tag.to_bits(), id)));
        self.next(share)
    }

    /// The wake-up of `epoch` at `now`: the jobs done go to `done`, each
    /// with `now`; returns the next wake-up (none for a stale epoch).
    pub fn wake(
        &mut self,
        now: Nanos,
        epoch: u32,
        share: Share,
        done: &mut Vec<(u64, Nanos)>,
    ) -> Option<(Nanos, u32)> {
        if epoch != self.epoch {
            return None;
        }
        self.advance(now, share);
        // The first is done (it was woken for); the others within rounding.
        let slack = 1e-9 * self.served.max(1.0);
        let mut first = true;
        while let Some(&Reverse((tag, id))) = self.jobs.peek() {
            if !first && f64::from_bits(tag) > self.served + slack {
                break;
            }
            first = false;
            self.jobs.pop();
            done.push((id, now));
        }
        self.next(share)
    }

    /// Keeps only the jobs `keep` names, at `now`: the others leave
    /// unfinished. Returns the next wake-up (pending ones become stale).
    pub fn retain(
        &mut self,
        now: Nanos,
        share: Share,
        keep: impl Fn(u64) -> bool,
    ) -> Option<(Nanos, u32)> {
        self.advance(now, share);
        self.jobs.retain(|&Reverse((_, id))| keep(id));
        self.next(share)
    }

    /// Removes and returns every job's id; pending wake-ups become stale.
    pub fn take_all(&mut self) -> Vec<u64> {
        self.epoch = self.epoch.wrapping_add(1);
        std::mem::take(&mut self.jobs)
            .into_vec()
            .into_iter()
            .map(|Reverse((_, id))| id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::random::SimRng;

    /// Runs the server on a list of (arrival [ns], work) jobs and returns
    /// each job's completion time, by id (the job's index).
    fn run(jobs: &[(Nanos, f64)], share: Share) -> Vec<Nanos> {
        let mut server = Sharing::default();
        let mut finished = vec![0; jobs.len()];
        let mut wake: Option<(Nanos, u32)> = None;
        let mut next_job = 0;
        let mut done = Vec::new();
        loop {
            let arrival = jobs.get(next_job).map(|j| j.0);
            let arrives_first = match (arrival, wake) {
                (None, None) => break,
                (Some(at), Some((t, _))) => at <= t,
                (arrival, _) => arrival.is_some(),
            };
            if arrives_first {
                let at = jobs[next_job].0;
                wake = server.enter(at, next_job as u64, jobs[next_job].1, share);
                next_job += 1;
            } else if let Some((at, epoch)) = wake {
                wake = server.wake(at, epoch, share, &mut done);
                for (id, t) in done.drain(..) {
                    finished[id as usize] = t;
                }
            }
        }
        finished
    }

    #[test]
    fn jobs_within_the_cores_run_at_full_speed_and_more_slow_each_other() {
        // Two jobs of 1 ms on two cores: each on its own core.
        assert_eq!(
            run(&[(0, 1e6), (0, 1e6)], Share::cores(2.0)),
            [1e6 as u64; 2]
        );
        // Four jobs of 1 ms on two cores: half a core each, all done at 2 ms.
        assert_eq!(run(&[(0, 1e6); 4], Share::cores(2.0)), [2e6 as u64; 4]);
        // A wire: one message alone takes the whole bandwidth.
        assert_eq!(run(&[(0, 1e6)], Share::wire(2.0)), [5e5 as u64]);
    }

    #[test]
    fn a_short_job_is_not_stuck_behind_a_long_one() {
        // 100 ms and 1 ms of work on one core: the short one shares the
        // core from 10 ms on and is done 2 ms later, not after 90 ms.
        let done = run(&[(0, 100e6), (10e6 as u64, 1e6)], Share::cores(1.0));
        assert_eq!(done[1], 12e6 as u64);
        assert_eq!(done[0], 101e6 as u64);
    }

    /// M/M/1-PS and M/G/1-PS: the mean response time is E[S] / (1 − ρ)
    /// whatever the distribution of the work (Kleinrock vol. 2, §4.4).
    #[test]
    fn mean_response_matches_processor_sharing_theory_for_any_work_law() {
        let mut rng = SimRng::new(7);
        let (rate, mean_work) = (800.0, 1e6); // ρ = 0.8 on one core
        for deterministic in [false, true] {
            let mut t = 0u64;
            let jobs: Vec<(Nanos, f64)> = (0..200_000)
                .map(|_| {
                    t += rng.exponential(1e9 / rate);
                    let work = match deterministic {
                        true => mean_work,
                        false => rng.exponential(mean_work) as f64,
                    };
                    (t, work)
                })
                .collect();
            let done = run(&jobs, Share::cores(1.0));
            let mean = jobs
                .iter()
                .zip(&done)
                .map(|(j, &d)| (d - j.0) as f64)
                .sum::<f64>()
                / jobs.len() as f64;
            let theory = mean_work / (1.0 - 0.8);
            let error = (mean - theory).abs() / theory;
            assert!(
                error < 0.05,
                "deterministic {deterministic}: {mean} vs {theory}"
            );
        }
    }

    #[test]
    fn the_busy_fraction_counts_cores_in_use() {
        let cores = Share::cores(4.0);
        assert_eq!(cores.busy_fraction(0), 0.0);
        assert_eq!(cores.busy_fraction(1), 0.25);
        assert_eq!(cores.busy_fraction(9), 1.0);
        assert_eq!(Share::wire(3.0).busy_fraction(1), 1.0);
    }

    #[test]
    fn cores_taken_away_slow_the_jobs_in_the_server() {
        let mut server = Sharing::default();
        let two = Share::cores(2.0);
        server.enter(0, 0, 2e6, two);
        server.enter(0, 1, 2e6, two);
        // At 1 ms one core goes: each job had 1 ms of work left, now at half speed.
        let one = Share::cores(1.0);
        let (at, _) = server.reshare(1e6 as u64, two, one).unwrap();
        assert_eq!(at, 3e6 as u64);
    }
}
