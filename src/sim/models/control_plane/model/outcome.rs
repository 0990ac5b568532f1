//! The end of a request as its client sees it: counted once per class,
//! retried after a 429, its next page asked for, its connection perhaps
//! sent back through the load balancer (GOAWAY).

use super::requests::{Outcome, Request};
use super::{ControlPlane, CpEvent, MetricClass};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::ClientKind;

impl ControlPlane {
    /// What a request's end means to its client: counted, retried, the
    /// next page asked for, its connection perhaps sent away (GOAWAY).
    pub(super) fn left(
        &mut self,
        cx: &mut Cx<CpEvent>,
        server: usize,
        request: &Request,
        outcome: Outcome,
    ) {
        if request.answered {
            // Its client had its 504 already.
            return;
        }
        // client-go retries a 429 that carries a Retry-After, up to 10 times
        // (`rest/request.go`, `rest/with_retry.go`): the rejection is counted,
        // and the same request comes back that many seconds later.
        let retry = outcome == Outcome::Rejected && request.retries < self.spec.client_retries;
        if retry {
            let wait = match request.retry_after {
                Some(seconds) => seconds as u64,
                None => self.servers[server].flow.retry_after(&request.kind),
            };
            cx.after(
                wait.saturating_mul(1_000_000_000),
                CpEvent::ClientRetry {
                    kind: request.kind,
                    retries: request.retries + 1,
                    discovery_client: request.discovery_client,
                },
            );
        }
        let now = cx.now;
        let mut count = |class: MetricClass, arrived: Nanos| {
            let measured = self.metrics.measured(arrived);
            let metrics = &mut self.metrics[class];
            match outcome {
                Outcome::Completed => metrics.completed(now, now - arrived, measured),
                Outcome::Rejected => metrics.rejected(now, measured),
                Outcome::TimedOut => metrics.timed_out(now, measured),
            }
        };
        count(MetricClass::from(request.kind.class()), request.arrived);
        // A person's command ends with its last page, or any page's failure.
        let command_goes_on = outcome == Outcome::Completed && request.kind.next_page().is_some();
        if request.kind.client == ClientKind::User && !command_goes_on {
            count(MetricClass::User, request.command_arrived);
        }
        if let Some(client) = request.discovery_client.filter(|_| !retry) {
            self.discovery.answered(cx, client, &mut self.metrics);
        }
        // `--goaway-chance`: the answer tells the client to reconnect.
        if let Some(connection) = request.connection
            && self.spec.goaway_chance > 0.0
            && cx.rng.uniform() < self.spec.goaway_chance
            && self.balancer.reconnect(connection, &self.serving)
        {
            self.share_watchers();
        }
        // A page's answer carries the `continue` token: its client asks
        // for the next page at once (client-go's pager, kubectl).
        if outcome == Outcome::Completed
            && let Some(next) = request.kind.next_page()
        {
            self.send(cx, next, 0, Some(request.command_arrived));
        }
    }
}
