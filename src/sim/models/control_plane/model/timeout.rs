//! `--request-timeout` (`pkg/server/filters/timeout.go`): a request still
//! unanswered then gets a 504 while its handler goes on, holding its seats,
//! until it ends. Deadlines are found by a sweep over the requests in flight
//! (once a second, or every timeout if shorter), which keeps the calendar to
//! the requests that are near theirs. Also here: what APF's work estimator
//! is told of a request as it arrives.

use super::event::CpEvent;
use super::storage::{ReadPath, read_path};
use super::{ControlPlane, MetricClass, Outcome, Stage};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::Nanos;
use crate::sim::models::control_plane::workload::{stored_objects, tracked_watchers};
use crate::sim::models::flow_control::WorkFacts;
use crate::sim::models::request::{ClientKind, RequestKind, Verb};

/// How often requests near their `--request-timeout` are looked for [ns].
const SWEEP: Nanos = 1_000_000_000;

impl ControlPlane {
    /// How often requests near their timeout are looked for [ns]: every
    /// second, or every timeout if it is shorter (a deadline is then never
    /// found late).
    pub(super) fn sweep_period(&self) -> Nanos {
        SWEEP.min(self.request_timeout()).max(1)
    }

    /// The sweep: deadlines falling before the next one are scheduled.
    pub(super) fn timeout_sweep(&mut self, cx: &mut Cx<CpEvent>) {
        let period = self.sweep_period();
        cx.after(period, CpEvent::TimeoutSweep);
        let until = cx.now.saturating_add(period);
        for (ticket, deadline) in self.requests.due_before(until, self.request_timeout()) {
            cx.at(deadline.max(cx.now), CpEvent::RequestDeadline { ticket });
        }
    }

    /// Request `ticket` reached `--request-timeout`
    /// (`pkg/server/filters/timeout.go`): if it is still unanswered its
    /// client gets a 504 now, while its handler goes on in its goroutine,
    /// holding its seats, until it ends (then unmeasured). A handler in its
    /// admission webhooks ends now: the call in flight runs under the
    /// request's context, which the deadline cancels, and the dispatcher
    /// gives up with a timeout whatever the failure policy ("parent context
    /// is canceled or timed out, no point in continuing": apiserver
    /// `pkg/admission/plugin/webhook/mutating/dispatcher.go`). So does one
    /// blocked writing to a slow reader: its next write fails (`delivery.rs`).
    pub(super) fn request_deadline(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(request) = self.requests.answer_timed_out(ticket) else {
            return;
        };
        // A handler in its webhooks or blocked writing to a slow reader
        // ends at once; any other goes on.
        let ends_now = matches!(request.stage, Stage::Webhooks | Stage::Delivering);
        let class = MetricClass::from(request.kind.class());
        let measured = self.metrics.measured(request.arrived);
        self.metrics[class].timed_out(cx.now, measured);
        if request.kind.client == ClientKind::User {
            let measured = self.metrics.measured(request.command_arrived);
            self.metrics[MetricClass::User].timed_out(cx.now, measured);
        }
        let client = request.discovery_client;
        if let Some(client) = client {
            self.discovery.answered(cx, client, &mut self.metrics);
        }
        if ends_now {
            // (Answered already: its end counts nothing more.)
            self.end(cx, ticket, Outcome::TimedOut);
        }
    }

    /// What APF's work estimator knows of a request of `kind` as it arrives.
    pub(super) fn work_facts(&self, kind: &RequestKind) -> WorkFacts {
        let from_cache = kind.verb == Verb::List
            && matches!(
                read_path(kind, self.spec.lists_from_cache()),
                ReadPath::Cache | ReadPath::RevisionThenCache
            );
        WorkFacts {
            stored: stored_objects(kind.resource, &self.spec.workload),
            from_cache,
            limit: kind.page.limit(),
            // A selector shows as objects read beyond those returned (a
            // selector that matches every object in scope reads as none).
            selective: kind.scanned > kind.objects,
            watchers: if kind.verb.is_mutating() {
                tracked_watchers(kind.resource, &self.spec.workload)
            } else {
                0
            },
        }
    }
}
