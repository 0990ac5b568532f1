//! One priority level's queues and seats: fair queuing for server requests.
//!
//! The mechanism, as in upstream's `queueset.go` and `doc.go`:
//!
//! - **Virtual time** R [seat·s] advances, between any two events, by
//!   Δt · min(C, seats in use + seats waiting) / (number of non-empty
//!   queues): every busy queue is entitled to the same share of the C seats.
//! - A request's **work** is its seats × G, with G = 3 ms the guessed
//!   service time (plus its final seats × extra latency).
//! - **Arrival**: the flow's hand of queues is dealt from its hash; the queue
//!   of the hand with the least waiting work wins. The request is rejected
//!   ("queue-full") only when all C seats are taken *and* that queue already
//!   holds `queue_length_limit` requests.
//! - **Dispatch**, while requests wait and seats are free: scan the queues
//!   round-robin from after the last one served and pick the smallest
//!   (queue's next dispatch R + head's work); if the head's seats do not fit,
//!   stop (head-of-line blocking, as upstream). The queue's next dispatch R
//!   grows by the head's work.
//! - **Completion**: the queue's next dispatch R is corrected by
//!   seats × (actual − G), and never left below its head's arrival R (the
//!   "anti-windup" bound).
//!
//! Virtual time is kept in integer units of 10⁻⁸ seat·s, as upstream's
//! `SeatSeconds`, so every run is exact and reproducible.

use super::dealer::{Dealer, MAX_HAND_SIZE};
use crate::sim::engine::time::Nanos;
use std::collections::VecDeque;

/// Units of virtual time per seat·second (upstream's `ssScale`).
const SCALE_PER_SEAT_SECOND: f64 = 1e8;
/// The guessed service time G [ns] of every request (upstream's
/// `estimatedServiceDuration`, 3 ms).
pub const GUESSED_SERVICE_TIME: Nanos = 3_000_000;

/// seats × duration, in virtual-time units (rounded).
fn seat_time(seats: f64, duration: Nanos) -> u64 {
    (seats * duration as f64 * SCALE_PER_SEAT_SECOND / 1e9).round() as u64
}

/// What a request will occupy (upstream's `WorkEstimate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkEstimate {
    /// seats held while the request executes
    pub initial_seats: u32,
    /// seats held for `additional_latency` after it finishes (mutations with
    /// many watchers, whose notifications still cost work)
    pub final_seats: u32,
    /// [ns]
    pub additional_latency: Nanos,
}

impl WorkEstimate {
    pub fn seats(initial: u32) -> Self {
        Self {
            initial_seats: initial.max(1),
            final_seats: 0,
            additional_latency: 0,
        }
    }

    pub fn max_seats(&self) -> u32 {
        self.initial_seats.max(self.final_seats)
    }

    /// This work on a level of `limit` seats: final seats wider than the
    /// limit are narrowed to it and held longer, the same seat-time
    /// (`findDispatchQueueToBoundLocked`; a level that lent seats away can
    /// be narrower than its largest request).
    pub fn within(self, limit: u32) -> Self {
        if self.final_seats <= limit || limit == 0 {
            return self;
        }
        let seat_time = self.final_seats as u64 * self.additional_latency;
        Self {
            final_seats: limit,
            additional_latency: seat_time / limit as u64,
            ..self
        }
    }

    /// [virtual-time units]
    fn total_work(&self) -> u64 {
        seat_time(self.initial_seats as f64, GUESSED_SERVICE_TIME)
            + seat_time(self.final_seats as f64, self.additional_latency)
    }
}

/// A priority level's queuing and dispatching parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSetConfig {
    /// number of queues; 0 = no queuing (reject when seats are full)
    pub queues: u32,
    /// queues dealt to each flow
    pub hand_size: u32,
    /// requests a queue may hold before arrivals to it are rejected
    pub queue_length_limit: u32,
    /// seats: the level's concurrency limit C
    pub concurrency_limit: u32,
}

impl QueueSetConfig {
    /// Checks the parameters; `Err` names the one at fault.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.concurrency_limit == 0 {
            return Err(("seats", "must be at least 1".into()));
        }
        if self.queues > 0 {
            if Dealer::new(self.queues, self.hand_size).is_none() {
                return Err((
                    "hand_size",
                    format!(
                        "must be 1 to min(queues = {}, {MAX_HAND_SIZE}), got {}",
                        self.queues, self.hand_size
                    ),
                ));
            }
            if self.queue_length_limit == 0 {
                return Err(("queue_length_limit", "must be at least 1".into()));
            }
        }
        Ok(())
    }
}

/// Why a request was turned away at once (upstream's reject reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    /// its queue was at `queue_length_limit` while every seat was taken
    QueueFull,
    /// a level without queues had no free seat
    ConcurrencyLimit,
}

/// What happened to an arriving request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// it waits in this queue; [`QueueSet::dispatch`] starts it later
    Queued {
        queue: u32,
    },
    /// a level without queues started it at once
    Executing,
    Rejected(RejectReason),
}

/// A request leaving its queue to execute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatch {
    pub ticket: u64,
    pub queue: u32,
    /// when it arrived [ns]
    pub arrived: Nanos,
    /// the seats it holds
    pub work: WorkEstimate,
}

#[derive(Debug, Clone)]
struct Waiting {
    ticket: u64,
    arrived: Nanos,
    /// virtual time at arrival
    arrival_r: u64,
    work: WorkEstimate,
}

#[derive(Debug, Clone, Default)]
struct Queue {
    waiting: VecDeque<Waiting>,
    /// virtual time at which the queue's next request is due
    next_dispatch_r: u64,
    /// sum of the waiting requests' work [virtual-time units]
    work_waiting: u64,
    /// sum of the waiting requests' max seats
    seats_waiting: u32,
    executing: u32,
    seats_in_use: u32,
}

impl Queue {
    fn is_idle(&self) -> bool {
        self.waiting.is_empty() && self.executing == 0
    }
}

/// The queues and seats of one priority level.
#[derive(Debug, Clone)]
pub struct QueueSet {
    config: QueueSetConfig,
    dealer: Option<Dealer>,
    queues: Vec<Queue>,
    /// virtual time R [10⁻⁸ seat·s]
    current_r: u64,
    /// when R was last brought up to date [ns]
    last_sync: Nanos,
    /// the queue dispatched from last
    robin_index: usize,
    seats_in_use: u32,
    seats_waiting: u32,
    waiting: u32,
    executing: u32,
    /// arrivals enqueued so far: rotates where the hand is read from, so
    /// ties between equally loaded queues do not always go to one of them
    enqueues: u64,
}

impl QueueSet {
    /// A level with the given configuration, which must have passed
    /// [`QueueSetConfig::check`].
    pub fn new(config: QueueSetConfig) -> Self {
        let dealer = Dealer::new(config.queues, config.hand_size);
        let queues = if dealer.is_some() {
            (0..config.queues).map(|_| Queue::default()).collect()
        } else {
            Vec::new()
        };
        Self {
            robin_index: queues.len().saturating_sub(1),
            config,
            dealer,
            queues,
            current_r: 0,
            last_sync: 0,
            seats_in_use: 0,
            seats_waiting: 0,
            waiting: 0,
            executing: 0,
            enqueues: 0,
        }
    }

    pub fn config(&self) -> &QueueSetConfig {
        &self.config
    }

    /// Seats held now (executing requests and lingering final seats).
    pub fn seats_in_use(&self) -> u32 {
        self.seats_in_use
    }

    /// Seats the waiting requests ask for.
    pub fn seats_waiting(&self) -> u32 {
        self.seats_waiting
    }

    /// Requests waiting in queues now.
    pub fn waiting(&self) -> u32 {
        self.waiting
    }

    /// Requests executing now.
    pub fn executing(&self) -> u32 {
        self.executing
    }

    /// Requests waiting in each queue.
    pub fn queue_lengths(&self) -> impl Iterator<Item = usize> + '_ {
        self.queues.iter().map(|queue| queue.waiting.len())
    }

    /// Changes the seat limit (new dispatches respect it; executing requests
    /// keep their seats).
    pub fn set_concurrency_limit(&mut self, now: Nanos, limit: u32) {
        self.sync(now);
        self.config.concurrency_limit = limit.max(1);
    }

    /// Advances virtual time to `now`, assuming the state since the last
    /// sync held throughout (call before every change of state).
    fn sync(&mut self, now: Nanos) {
        let elapsed = now.saturating_sub(self.last_sync);
        self.last_sync = now;
        if elapsed == 0 {
            return;
        }
        let mut active = 0u32;
        let mut seats_requested = 0u64;
        for queue in &self.queues {
            seats_requested += (queue.seats_in_use + queue.seats_waiting) as u64;
            active += (!queue.is_idle()) as u32;
        }
        if active == 0 {
            return;
        }
        let ratio =
            seats_requested.min(self.config.concurrency_limit as u64) as f64 / active as f64;
        self.current_r = self.current_r.saturating_add(seat_time(ratio, elapsed));
    }

    fn can_accommodate(&self, seats: u32) -> bool {
        if seats > self.config.concurrency_limit {
            // Wider than the whole level: it may run alone (upstream's rule).
            return self.executing == 0;
        }
        self.seats_in_use + seats <= self.config.concurrency_limit
    }

    /// A request of flow `flow_hash` arrives at `now` [ns].
    pub fn arrive(
        &mut self,
        now: Nanos,
        flow_hash: u64,
        ticket: u64,
        work: WorkEstimate,
    ) -> Admission {
        self.sync(now);
        let Some(dealer) = self.dealer else {
            if !self.can_accommodate(work.max_seats()) {
                return Admission::Rejected(RejectReason::ConcurrencyLimit);
            }
            self.executing += 1;
            self.seats_in_use += work.max_seats();
            return Admission::Executing;
        };
        let index = self.choose_queue(&dealer, flow_hash);
        let queue = &mut self.queues[index];
        if self.seats_in_use >= self.config.concurrency_limit
            && queue.waiting.len() >= self.config.queue_length_limit as usize
        {
            return Admission::Rejected(RejectReason::QueueFull);
        }
        if queue.is_idle() {
            // A queue waking up starts at the current virtual time.
            queue.next_dispatch_r = self.current_r;
        }
        queue.work_waiting += work.total_work();
        queue.seats_waiting += work.max_seats();
        queue.waiting.push_back(Waiting {
            ticket,
            arrived: now,
            arrival_r: self.current_r,
            work,
        });
        self.waiting += 1;
        self.seats_waiting += work.max_seats();
        self.bound_next_dispatch(index);
        Admission::Queued {
            queue: index as u32,
        }
    }

    /// The queue of the flow's hand with the least waiting work.
    fn choose_queue(&mut self, dealer: &Dealer, flow_hash: u64) -> usize {
        let mut cards = [0u32; MAX_HAND_SIZE as usize];
        let hand = dealer.deal(flow_hash, &mut cards);
        let offset = (self.enqueues % hand.len() as u64) as usize;
        self.enqueues += 1;
        let mut best = hand[offset] as usize;
        for i in 1..hand.len() {
            let index = hand[(offset + i) % hand.len()] as usize;
            if self.queues[index].work_waiting < self.queues[best].work_waiting {
                best = index;
            }
        }
        best
    }

    /// Starts as many waiting requests as the free seats allow, appending
    /// them to `started`.
    pub fn dispatch(&mut self, now: Nanos, started: &mut Vec<Dispatch>) {
        self.sync(now);
        while self.waiting > 0 && self.seats_in_use < self.config.concurrency_limit {
            match self.dispatch_one() {
                Some(dispatch) => started.push(dispatch),
                None => break,
            }
        }
    }

    fn dispatch_one(&mut self) -> Option<Dispatch> {
        let count = self.queues.len();
        let mut best: Option<(usize, u64)> = None;
        let mut index = self.robin_index;
        for _ in 0..count {
            index = (index + 1) % count;
            let queue = &self.queues[index];
            if let Some(head) = queue.waiting.front() {
                let finish = queue.next_dispatch_r.saturating_add(head.work.total_work());
                if best.is_none_or(|(_, least)| finish < least) {
                    best = Some((index, finish));
                }
            }
        }
        let (index, _) = best?;
        let seats = self.queues[index].waiting.front()?.work.max_seats();
        if !self.can_accommodate(seats) {
            // Head-of-line: wait for seats rather than pass the head over.
            return None;
        }
        self.robin_index = index;
        let limit = self.config.concurrency_limit;
        let queue = &mut self.queues[index];
        let head = queue.waiting.pop_front()?;
        let work = head.work.total_work();
        let granted = head.work.within(limit);
        queue.work_waiting -= work;
        queue.seats_waiting -= seats;
        queue.executing += 1;
        queue.seats_in_use += granted.max_seats();
        queue.next_dispatch_r = queue.next_dispatch_r.saturating_add(work);
        self.waiting -= 1;
        self.seats_waiting -= seats;
        self.executing += 1;
        self.seats_in_use += granted.max_seats();
        self.bound_next_dispatch(index);
        Some(Dispatch {
            ticket: head.ticket,
            queue: index as u32,
            arrived: head.arrived,
            work: granted,
        })
    }

    /// Anti-windup: a queue's next dispatch never precedes its head's arrival.
    fn bound_next_dispatch(&mut self, index: usize) {
        let queue = &mut self.queues[index];
        if let Some(head) = queue.waiting.front() {
            queue.next_dispatch_r = queue.next_dispatch_r.max(head.arrival_r);
        }
    }

    /// A request that started at `started` [ns] finishes executing at `now`.
    /// `queue` is `None` for a level without queues. Its seats are freed at
    /// once, except the final seats of a request with extra latency: those
    /// are freed by [`QueueSet::release`] when the caller says so.
    pub fn finish(&mut self, now: Nanos, queue: Option<u32>, work: WorkEstimate, started: Nanos) {
        self.sync(now);
        self.executing = self.executing.saturating_sub(1);
        if let Some(index) = queue.map(|q| q as usize).filter(|&i| i < self.queues.len()) {
            let actual = now.saturating_sub(started);
            let q = &mut self.queues[index];
            q.executing = q.executing.saturating_sub(1);
            // R of the queue moves by seats × (actual − G): a request that
            // ran longer than guessed used more of the queue's share.
            let seats = work.initial_seats as f64;
            q.next_dispatch_r = if actual >= GUESSED_SERVICE_TIME {
                q.next_dispatch_r
                    .saturating_add(seat_time(seats, actual - GUESSED_SERVICE_TIME))
            } else {
                q.next_dispatch_r
                    .saturating_sub(seat_time(seats, GUESSED_SERVICE_TIME - actual))
            };
            self.bound_next_dispatch(index);
        }
        if work.additional_latency == 0 {
            self.release(now, queue, work.max_seats());
        }
    }

    /// Frees `seats` held by a finished request of `queue`.
    pub fn release(&mut self, now: Nanos, queue: Option<u32>, seats: u32) {
        self.sync(now);
        self.seats_in_use = self.seats_in_use.saturating_sub(seats);
        if let Some(q) = queue.and_then(|q| self.queues.get_mut(q as usize)) {
            q.seats_in_use = q.seats_in_use.saturating_sub(seats);
        }
    }

    /// Removes a still-waiting request (its queue-wait deadline passed).
    /// Returns false if it had already left the queue.
    pub fn cancel(&mut self, now: Nanos, queue: u32, ticket: u64) -> bool {
        self.sync(now);
        let Some(q) = self.queues.get_mut(queue as usize) else {
            return false;
        };
        let Some(position) = q.waiting.iter().position(|w| w.ticket == ticket) else {
            return false;
        };
        let Some(gone) = q.waiting.remove(position) else {
            return false;
        };
        let seats = gone.work.max_seats();
        q.work_waiting -= gone.work.total_work();
        q.seats_waiting -= seats;
        self.waiting -= 1;
        self.seats_waiting -= seats;
        self.bound_next_dispatch(queue as usize);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(queues: u32, hand: u32, limit: u32, seats: u32) -> QueueSetConfig {
        QueueSetConfig {
            queues,
            hand_size: hand,
            queue_length_limit: limit,
            concurrency_limit: seats,
        }
    }

    /// `findDispatchQueueToBoundLocked`: a write asking for 10 final seats
    /// × 50 ms on a level lent down to 4 seats is dispatched with 4 seats
    /// × 125 ms, the same 0.5 seat-seconds, and holds no more than 4.
    #[test]
    fn final_seats_wider_than_the_level_are_narrowed_and_held_longer() {
        let mut qs = QueueSet::new(config(4, 1, 8, 4));
        let wide = WorkEstimate {
            initial_seats: 1,
            final_seats: 10,
            additional_latency: 50_000_000,
        };
        qs.arrive(0, 7, 0, wide);
        let mut started = Vec::new();
        qs.dispatch(0, &mut started);
        assert_eq!(started.len(), 1, "alone, it may run wider than the level");
        let work = started[0].work;
        assert_eq!((work.initial_seats, work.final_seats), (1, 4));
        assert_eq!(work.additional_latency, 125_000_000);
        assert_eq!(qs.seats_in_use(), 4);
        qs.finish(1_000_000, Some(started[0].queue), work, 0);
        qs.release(126_000_000, Some(started[0].queue), work.max_seats());
        assert_eq!(qs.seats_in_use(), 0, "it gives back what it was given");
    }

    #[test]
    fn dispatches_while_seats_are_free_and_queues_the_rest() {
        let mut qs = QueueSet::new(config(4, 1, 2, 2));
        let mut started = Vec::new();
        for ticket in 0..3 {
            assert!(matches!(
                qs.arrive(0, 7, ticket, WorkEstimate::seats(1)),
                Admission::Queued { .. }
            ));
            qs.dispatch(0, &mut started);
        }
        assert_eq!(started.len(), 2);
        assert_eq!((qs.seats_in_use(), qs.waiting()), (2, 1));
        // Queue of flow 7 holds 1 of 2; one more fits, the next is rejected.
        qs.arrive(0, 7, 3, WorkEstimate::seats(1));
        assert_eq!(
            qs.arrive(0, 7, 4, WorkEstimate::seats(1)),
            Admission::Rejected(RejectReason::QueueFull)
        );
        qs.finish(1_000_000, Some(started[0].queue), WorkEstimate::seats(1), 0);
        qs.dispatch(1_000_000, &mut started);
        assert_eq!(started.len(), 3);
        assert_eq!(started[2].ticket, 2, "FIFO within a queue");
    }

    #[test]
    fn a_level_without_queues_rejects_at_the_limit() {
        let mut qs = QueueSet::new(config(0, 0, 0, 1));
        assert_eq!(
            qs.arrive(0, 1, 0, WorkEstimate::seats(1)),
            Admission::Executing
        );
        assert_eq!(
            qs.arrive(0, 1, 1, WorkEstimate::seats(1)),
            Admission::Rejected(RejectReason::ConcurrencyLimit)
        );
        qs.finish(5, None, WorkEstimate::seats(1), 0);
        assert_eq!(qs.seats_in_use(), 0);
    }

    #[test]
    fn head_of_line_waits_for_enough_seats() {
        let mut qs = QueueSet::new(config(1, 1, 10, 4));
        let mut started = Vec::new();
        qs.arrive(0, 1, 0, WorkEstimate::seats(3));
        qs.dispatch(0, &mut started);
        qs.arrive(0, 1, 1, WorkEstimate::seats(2));
        qs.arrive(0, 1, 2, WorkEstimate::seats(1));
        qs.dispatch(0, &mut started);
        assert_eq!(
            started.len(),
            1,
            "the 2-seat head blocks the 1-seat request behind it"
        );
        qs.finish(10, Some(0), WorkEstimate::seats(3), 0);
        qs.dispatch(10, &mut started);
        assert_eq!(started.len(), 3);
    }

    #[test]
    fn too_wide_requests_run_alone() {
        let mut qs = QueueSet::new(config(2, 1, 5, 6));
        let mut started = Vec::new();
        qs.arrive(0, 1, 0, WorkEstimate::seats(7));
        qs.dispatch(0, &mut started);
        assert_eq!(started.len(), 1);
        assert_eq!(qs.seats_in_use(), 7);
    }

    #[test]
    fn cancel_removes_only_waiting_requests() {
        let mut qs = QueueSet::new(config(2, 1, 5, 1));
        let mut started = Vec::new();
        let Admission::Queued { queue } = qs.arrive(0, 3, 0, WorkEstimate::seats(1)) else {
            panic!("queued")
        };
        qs.dispatch(0, &mut started);
        qs.arrive(0, 3, 1, WorkEstimate::seats(1));
        assert!(!qs.cancel(1, queue, 0), "already executing");
        assert!(qs.cancel(1, queue, 1));
        assert_eq!(qs.waiting(), 0);
    }
}
