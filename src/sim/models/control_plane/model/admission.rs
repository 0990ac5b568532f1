//! The admission stage: the webhooks a write calls, inline while it holds
//! its seats (upstream) or under the article's dedicated limit.
//!
//! A matching write calls its mutating webhooks one after another, then
//! its validating webhooks in parallel. A call that reaches its
//! `timeoutSeconds` fails the request if the webhook's `failurePolicy` is
//! Fail, and is ignored if it is Ignore.

use super::event::CpEvent;
use super::metrics::{MetricClass, Metrics};
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::random::DurationSampler;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::{
    ControlPlaneSpec, FailurePolicy, WebhookHandling, WebhookType,
};
use crate::sim::models::request::{RequestKind, Verb};
use std::collections::VecDeque;

/// The webhooks of one request still to call.
#[derive(Debug, Clone, Default)]
struct Chain {
    /// mutating webhooks still to call, in order
    mutating_left: VecDeque<u8>,
    /// validating webhooks not yet returned
    validating_pending: u32,
    /// a webhook with failurePolicy Fail timed out
    failed: bool,
}

/// What a request does next in admission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Next {
    /// call these webhooks (one mutating, or every validating one)
    Call(Vec<u8>),
    /// a webhook failed it
    Failed,
    /// admitted: on to storage
    Done,
}

/// A returned call's effect on its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Settled {
    /// its chain goes on
    Next,
    /// other validating webhooks have yet to return
    Waiting,
    /// the request is no longer in admission
    Gone,
}

#[derive(Debug, Clone)]
pub(super) struct Admission {
    /// the API server it belongs to (its index)
    server: u8,
    /// each webhook's response time and timeout [ns], in the spec's order
    hooks: Vec<(DurationSampler, Nanos)>,
    /// webhook latency multiplier (slow-webhook fault); infinite = hang
    slowdown: f64,
    /// calls holding a slot of the article's dedicated limit
    slots_busy: u32,
    /// those slots in use over time (their capacity as configured)
    slots_load: Load,
    /// calls waiting for a slot: (ticket, webhook)
    waiting: VecDeque<(u64, u8)>,
    /// calls asked for and not yet returned (waiting ones included)
    in_flight: u64,
    chains: IdMap<u64, Chain>,
}

/// The webhooks of `kind` of `spec` that match request `request` (writes
/// only), in the spec's order.
fn matching(spec: &ControlPlaneSpec, request: &RequestKind, kind: WebhookType) -> Vec<u8> {
    if !request.verb.is_mutating() {
        return Vec::new();
    }
    spec.webhooks
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            // Admission sees a PATCH as an UPDATE (`handlers/patch.go`).
            let operation = |v: &Verb| {
                *v == request.verb || (request.verb == Verb::Patch && *v == Verb::Update)
            };
            h.kind == kind
                && h.verbs.iter().any(operation)
                && h.resources
                    .iter()
                    .any(|r| r.matches(request.resource, request.subresource))
        })
        .map(|(i, _)| i as u8)
        .collect()
}

impl Admission {
    pub fn new(server: u8, spec: &ControlPlaneSpec) -> Self {
        Self {
            server,
            hooks: samplers(spec),
            slowdown: 1.0,
            slots_busy: 0,
            slots_load: Load::new(
                0,
                match spec.webhook_handling {
                    WebhookHandling::Dedicated => spec.webhook_concurrency as f64,
                    _ => 0.0,
                },
            ),
            waiting: VecDeque::new(),
            in_flight: 0,
            chains: IdMap::default(),
        }
    }

    /// The webhooks' latencies or timeouts changed.
    pub fn set_webhooks(&mut self, spec: &ControlPlaneSpec) {
        self.hooks = samplers(spec);
    }

    /// The slow-webhook fault: latencies × `factor` (1 = off).
    pub fn set_slowdown(&mut self, factor: f64) {
        self.slowdown = factor;
    }

    /// Request `ticket` of `kind` is processed: whether any webhook matches
    /// it (then its chain is set up).
    pub fn begin(&mut self, ticket: u64, kind: &RequestKind, spec: &ControlPlaneSpec) -> bool {
        let mutating = matching(spec, kind, WebhookType::Mutating);
        let validating = matching(spec, kind, WebhookType::Validating).len() as u32;
        if mutating.is_empty() && validating == 0 {
            return false;
        }
        // Validating hooks are counted now and called after the mutating
        // ones (found again then).
        self.chains.insert(
            ticket,
            Chain {
                mutating_left: mutating.into(),
                validating_pending: validating,
                failed: false,
            },
        );
        true
    }

    /// What request `ticket` calls next, or whether it is through.
    pub fn next(&mut self, ticket: u64, kind: &RequestKind, spec: &ControlPlaneSpec) -> Next {
        let Some(chain) = self.chains.get_mut(&ticket) else {
            return Next::Done;
        };
        if let Some(hook) = chain.mutating_left.pop_front() {
            return Next::Call(vec![hook]);
        }
        if chain.validating_pending > 0 && !chain.failed {
            return Next::Call(matching(spec, kind, WebhookType::Validating));
        }
        let failed = chain.failed;
        self.chains.remove(&ticket);
        if failed { Next::Failed } else { Next::Done }
    }

    /// Asks webhook `hook` for request `ticket`; under the dedicated limit
    /// it waits for a slot if none is free.
    pub fn call(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        hook: u8,
        spec: &ControlPlaneSpec,
        metrics: &mut Metrics,
    ) {
        let measured = metrics.measured(cx.now);
        metrics[MetricClass::Webhook].arrived(measured);
        self.in_flight += 1;
        if spec.webhook_handling == WebhookHandling::Dedicated {
            if self.slots_busy >= spec.webhook_concurrency {
                self.waiting.push_back((ticket, hook));
                return;
            }
            self.slots_busy += 1;
            self.note_slots(cx.now, spec);
        }
        self.start(cx, cx.now, ticket, hook);
    }

    /// Brings the slots' load up to date at `now`: after a call takes or
    /// frees one, and after a change of handling or of the slots' number
    /// (no capacity counts while webhook calls take no slot).
    pub fn note_slots(&mut self, now: Nanos, spec: &ControlPlaneSpec) {
        let dedicated = spec.webhook_handling == WebhookHandling::Dedicated;
        let capacity = if dedicated {
            spec.webhook_concurrency as f64
        } else {
            0.0
        };
        self.slots_load.set_used(now, self.slots_busy as f64);
        self.slots_load.set_capacity(now, capacity);
    }

    /// The article's dedicated webhook slots in use over time up to `now`
    /// [slot·s]; `None` when webhook calls take no slot (upstream).
    pub fn slots_reading(&self, now: Nanos, spec: &ControlPlaneSpec) -> Option<LoadReading> {
        (spec.webhook_handling == WebhookHandling::Dedicated).then(|| self.slots_load.reading(now))
    }

    /// The webhook server takes call `hook` of `ticket` (asked for at
    /// `asked` [ns]): it answers, or the call times out.
    fn start(&mut self, cx: &mut Cx<CpEvent>, asked: Nanos, ticket: u64, hook: u8) {
        let Some(&(latency, timeout)) = self.hooks.get(hook as usize) else {
            return;
        };
        let took = latency.sample(cx.rng) as f64 * self.slowdown;
        // NaN (a 0 ns draw × an infinite slowdown) is a hang too: it times out.
        let (after, timed_out) = if took.is_nan() || took >= timeout as f64 {
            (timeout, true)
        } else {
            (took as Nanos, false)
        };
        cx.at(
            cx.now + after,
            CpEvent::HookDone {
                server: self.server,
                ticket,
                hook,
                started: asked,
                timed_out,
            },
        );
    }

    /// A call asked for at `started` [ns] returned (or timed out): it is
    /// measured; returns whether it freed a slot of the dedicated limit.
    pub fn returned(
        &mut self,
        now: Nanos,
        started: Nanos,
        timed_out: bool,
        spec: &ControlPlaneSpec,
        metrics: &mut Metrics,
    ) -> bool {
        let measured = metrics.measured(started);
        self.in_flight = self.in_flight.saturating_sub(1);
        if timed_out {
            metrics[MetricClass::Webhook].timed_out(now, measured);
        } else {
            metrics[MetricClass::Webhook].completed(now, now - started, measured);
        }
        if self.slots_busy > 0 && spec.webhook_handling == WebhookHandling::Dedicated {
            self.slots_busy -= 1;
            self.note_slots(now, spec);
            true
        } else {
            false
        }
    }

    /// The oldest call waiting for a slot.
    pub fn pop_waiting(&mut self) -> Option<(u64, u8)> {
        self.waiting.pop_front()
    }

    /// A waiting call whose request is past its timeout is dropped.
    pub fn drop_waiting(&mut self, now: Nanos, metrics: &mut Metrics) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let measured = metrics.measured(now);
        metrics[MetricClass::Webhook].timed_out(now, measured);
    }

    /// A waiting call takes the freed slot and starts.
    pub fn start_waiting(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        hook: u8,
        spec: &ControlPlaneSpec,
    ) {
        self.slots_busy += 1;
        self.note_slots(cx.now, spec);
        self.start(cx, cx.now, ticket, hook);
    }

    /// Call `hook` of `ticket` returned, `timed_out` or not: what it means
    /// for the request's chain.
    pub fn settle(
        &mut self,
        ticket: u64,
        hook: u8,
        timed_out: bool,
        spec: &ControlPlaneSpec,
    ) -> Settled {
        let webhook = spec.webhooks.get(hook as usize);
        let fails = timed_out && webhook.is_some_and(|h| h.failure_policy == FailurePolicy::Fail);
        let Some(chain) = self.chains.get_mut(&ticket) else {
            return Settled::Gone;
        };
        chain.failed |= fails;
        if webhook.is_some_and(|h| h.kind == WebhookType::Validating) {
            chain.validating_pending = chain.validating_pending.saturating_sub(1);
            if chain.validating_pending > 0 {
                return Settled::Waiting;
            }
        } else if chain.failed {
            // A failing mutating webhook ends the chain.
            chain.mutating_left.clear();
            chain.validating_pending = 0;
        }
        Settled::Next
    }

    /// Request `ticket` ended: its chain goes.
    pub fn forget(&mut self, ticket: u64) {
        self.chains.remove(&ticket);
    }

    /// Calls in flight, waiting ones included.
    pub fn calls_in_flight(&self) -> u64 {
        self.in_flight
    }

    /// Calls waiting for a slot of the dedicated limit.
    pub fn calls_waiting(&self) -> usize {
        self.waiting.len()
    }
}

fn samplers(spec: &ControlPlaneSpec) -> Vec<(DurationSampler, Nanos)> {
    spec.webhooks
        .iter()
        .map(|h| (h.latency.sampler(), from_secs(h.timeout)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::random::SimRng;
    use crate::sim::models::control_plane::workload::Source;
    use crate::sim::models::request::Subresource;

    /// admissionregistration/v1 `Rule.Resources` ("pods" names no
    /// subresource) and `pkg/admission/plugin/webhook/predicates/rules/
    /// rules.go`: the default webhooks, whose rules name `pods`, are not
    /// called for the kubelet's `pods/status` PATCH nor for the scheduler's
    /// `pods/binding` CREATE, and are for the controller's pod CREATE.
    #[test]
    fn webhooks_for_pods_skip_the_status_and_binding_subresources() {
        let spec = ControlPlaneSpec::upstream(100);
        let mut rng = SimRng::new(1);
        let hooks = |source: Source, rng: &mut SimRng| {
            let kind = source.request(&spec.workload, rng);
            matching(&spec, &kind, WebhookType::Mutating).len()
                + matching(&spec, &kind, WebhookType::Validating).len()
        };
        let status = Source::PodStatus.request(&spec.workload, &mut rng);
        assert_eq!(status.subresource, Subresource::Status);
        assert_eq!(hooks(Source::PodStatus, &mut rng), 0);
        let bind = Source::PodBind.request(&spec.workload, &mut rng);
        assert_eq!(
            (bind.verb, bind.subresource),
            (Verb::Create, Subresource::Binding)
        );
        assert_eq!(hooks(Source::PodBind, &mut rng), 0);
        assert_eq!(hooks(Source::PodCreate, &mut rng), 2);
        // A rule for pods/status sees the kubelets' PATCHes.
        let mut with_status = spec.clone();
        with_status.webhooks[1].resources = vec!["pods/status".to_owned().try_into().unwrap()];
        assert_eq!(
            matching(&with_status, &status, WebhookType::Validating).len(),
            1
        );
    }
}
