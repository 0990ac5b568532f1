//! The flow-control stage: the API server's flow control, and the one it
//! replaced while that one drains.
//!
//! After a switch of mechanism new requests go to the new flow control; the
//! previous one keeps its queued requests (they still run) and takes back
//! the seats it gave.

use crate::sim::engine::load::LoadReading;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::ControlPlaneSpec;
use crate::sim::models::flow_control::{
    Admission, Expiry, FlowControl, FlowControlKind, FlowSettings, Grant, LimitSnapshot, Slot,
    WorkFacts,
};
use crate::sim::models::request::RequestKind;

#[derive(Debug, Clone)]
pub(super) struct FlowStage {
    current: FlowControl,
    /// the previous flow control, draining its requests after a switch
    retired: Option<FlowControl>,
    /// when `current` and `retired` took over [ns]: a grant started
    /// before a flow control took over is not its own (see [`owns`])
    current_since: Nanos,
    retired_since: Nanos,
}

impl FlowStage {
    /// The flow control of a server (re)started at `now` [ns].
    pub fn new(spec: &ControlPlaneSpec, now: Nanos) -> Self {
        Self {
            current: flow_control(spec, spec.flow_control, now),
            retired: None,
            current_since: now,
            retired_since: 0,
        }
    }

    /// A request arrives: it runs, waits or is rejected. Requests started
    /// as a side effect are appended to `started`.
    pub fn arrive(
        &mut self,
        now: Nanos,
        ticket: u64,
        kind: &RequestKind,
        facts: &WorkFacts,
        started: &mut Vec<Grant>,
    ) -> Admission {
        self.current.arrive(now, ticket, kind, facts, started)
    }

    /// A queued request's wait reached its limit: whether it was still
    /// waiting in either flow control (it is now removed).
    pub fn expire(&mut self, now: Nanos, expiry: &Expiry) -> bool {
        self.current.expire(now, expiry)
            || self
                .retired
                .as_mut()
                .is_some_and(|fc| fc.expire(now, expiry))
    }

    /// Gives `grant`'s seats back to the flow control that gave them;
    /// requests that start on them are appended to `started`.
    pub fn release(&mut self, now: Nanos, grant: &Grant, started: &mut Vec<Grant>) {
        if owns(&self.current, self.current_since, grant) {
            self.current.finish(now, grant, started);
        } else if let Some(retired) = self
            .retired
            .as_mut()
            .filter(|fc| owns(fc, self.retired_since, grant))
        {
            retired.finish(now, grant, started);
        }
        // Otherwise its flow control was dropped (two switches since): there
        // is nothing to give the seats back to, and handing them to another
        // one would free seats it never gave.
    }

    /// `grant`'s seats held after its request for watch notifications are
    /// free, in the flow control that gave them.
    pub fn release_final(&mut self, now: Nanos, grant: &Grant, started: &mut Vec<Grant>) {
        if owns(&self.current, self.current_since, grant) {
            self.current.release_final(now, grant, started);
        } else if let Some(retired) = self
            .retired
            .as_mut()
            .filter(|fc| owns(fc, self.retired_since, grant))
        {
            retired.release_final(now, grant, started);
        }
    }

    /// The Retry-After [s] a 429 for a request of `kind` carries now.
    pub fn retry_after(&self, kind: &RequestKind) -> u64 {
        self.current.retry_after(kind)
    }

    /// Switches to another mechanism; the current one retires.
    pub fn switch(&mut self, now: Nanos, spec: &ControlPlaneSpec, kind: FlowControlKind) {
        let fresh = flow_control(spec, kind, now);
        self.retired = Some(std::mem::replace(&mut self.current, fresh));
        self.retired_since = std::mem::replace(&mut self.current_since, now);
    }

    /// New inflight flags, for new dispatches.
    pub fn set_inflight_limits(
        &mut self,
        now: Nanos,
        read_only: u32,
        mutating: u32,
        started: &mut Vec<Grant>,
    ) {
        self.current
            .set_inflight_limits(now, read_only, mutating, started);
    }

    /// APF's periodic division of seats, in the current flow control (a
    /// retired one keeps its limits while it drains).
    pub fn divide_seats(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        self.current.divide_seats(now, started);
    }

    pub fn set_borrowing(&mut self, now: Nanos, on: bool, started: &mut Vec<Grant>) {
        self.current.set_borrowing(now, on, started);
    }

    pub fn level_seats(
        &self,
        now: Nanos,
    ) -> Vec<crate::sim::models::flow_control::apf::LevelSeats> {
        self.current.level_seats(now)
    }

    /// The current flow control's limits' use over time (a retired one's
    /// draining is not counted).
    pub fn loads(&self, now: Nanos) -> Vec<(&'static str, LoadReading)> {
        self.current.loads(now)
    }

    pub fn is_apf(&self) -> bool {
        matches!(self.current, FlowControl::Apf(_))
    }

    /// The current flow control's limits (for drawing and readouts).
    pub fn snapshot(&self) -> Vec<LimitSnapshot> {
        self.current.snapshot()
    }
}

fn flow_control(spec: &ControlPlaneSpec, kind: FlowControlKind, now: Nanos) -> FlowControl {
    let settings = FlowSettings {
        read_only: spec.max_requests_inflight,
        mutating: spec.max_mutating_requests_inflight,
        queue_wait_limit: from_secs(spec.queue_wait_limit),
        article_capacity: spec.article_queue_capacity,
        article_timeout: from_secs(spec.article_timeout),
        seat_borrowing: spec.seat_borrowing,
    };
    FlowControl::new(kind, &settings, now)
}

/// Whether `grant` came from this flow control, which took over at
/// `since` [ns] (after a switch, the retired one still owns the grants it
/// gives). A switch is always to another kind, so the kind tells the
/// current and the retired one apart; the start tells a flow control from
/// an earlier one of the same kind, dropped two switches ago, whose grants
/// all started before this one took over.
fn owns(flow_control: &FlowControl, since: Nanos, grant: &Grant) -> bool {
    grant.started >= since
        && matches!(
            (flow_control, grant.slot),
            (FlowControl::Apf(_), Slot::Apf { .. } | Slot::Exempt { .. })
                | (
                    FlowControl::MaxInflight(_),
                    Slot::ReadOnly | Slot::Mutating | Slot::Unlimited
                )
                | (FlowControl::Article(_), Slot::Article)
        )
}
