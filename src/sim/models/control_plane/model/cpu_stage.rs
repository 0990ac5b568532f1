//! Steps 2 and 5 on the API server's CPU, as the control plane drives
//! them: a request's handler time, and what each finished piece of CPU
//! work ([`super::cpu`]) lets happen next.

use super::cpu::CpuWork;
use super::{ControlPlane, CpEvent, MetricClass};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::RequestKind;

impl ControlPlane {
    /// The handler's CPU time of a request of `kind` on API server
    /// `server` [ns of one core].
    pub(super) fn handler_cpu(
        &self,
        server: u8,
        kind: &RequestKind,
        cx: &mut Cx<CpEvent>,
    ) -> Nanos {
        let server = &self.servers[server as usize];
        let base = server.processing.sample(cx.rng);
        match kind.verb.is_mutating() {
            true => base.saturating_add(server.write_processing.sample(cx.rng)),
            false => base,
        }
    }

    /// Work on API server `server`'s CPU is done: each piece's next step.
    pub(super) fn cpu_done(&mut self, cx: &mut Cx<CpEvent>, server: u8, epoch: u32) {
        let mut done = Vec::new();
        self.servers[server as usize]
            .cpu
            .woken(cx, epoch, &mut done);
        for work in done {
            match work {
                CpuWork::Handler(ticket) => self.processed(cx, ticket),
                CpuWork::Response(ticket) => self.encoded(cx, ticket),
                CpuWork::Dispatch(resource) => self.dispatched(cx, server, resource),
                CpuWork::Relisted(resource) => self.relisted(cx, server as usize, resource),
            }
        }
    }

    /// The watch dispatcher of `resource` (its index) sent its head event:
    /// the event's watch latency is measured, the next event starts.
    fn dispatched(&mut self, cx: &mut Cx<CpEvent>, server: u8, resource: usize) {
        let server = &mut self.servers[server as usize];
        let (sent, next) = server.cache.dispatched(cx.now, resource);
        if let Some(done_at) = sent {
            let measured = self.metrics.measured(done_at);
            self.metrics[MetricClass::Watch].completed(cx.now, cx.now - done_at, measured);
        }
        if let Some(cost) = next {
            server.cpu.run(cx, cost, CpuWork::Dispatch(resource));
        }
    }
}
