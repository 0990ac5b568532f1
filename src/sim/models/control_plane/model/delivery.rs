//! Step 6: the response reaches its client. Most clients read as fast as
//! the API server writes, and the request ends when its response is
//! encoded. A slow reader (a source's `read_kib_s`: a thin link, a client
//! busy elsewhere) does not: HTTP/2's flow control blocks the handler's
//! writes once the client's window is full, so the request, its seats in
//! flow control and its response's memory stay until the client has read
//! it all, or until `--request-timeout`, when the timeout filter answers
//! 504 and the handler's next write fails (`timeoutWriter`, apiserver
//! `pkg/server/filters/timeout.go`), so it returns and frees its seats.
//! This is kubernetes/kubernetes#115409's client: LISTs it does not read
//! keep their seats up to a minute each.

use super::requests::Outcome;
use super::{ControlPlane, CpEvent, Stage};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::from_secs;

impl ControlPlane {
    /// Request `ticket`'s response is encoded: it ends, or waits for its
    /// client to read it.
    pub(super) fn encoded(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(request) = self.requests.get(ticket) else {
            return;
        };
        let kind = request.kind;
        if kind.read_kib_s == 0 {
            self.end(cx, ticket, Outcome::Completed);
            return;
        }
        if request.answered {
            // Past its deadline already: the first write fails.
            self.end(cx, ticket, Outcome::TimedOut);
            return;
        }
        let kib = self.spec.workload.object_kib(kind.resource) * kind.objects as f64;
        self.requests.enter(ticket, Stage::Delivering, cx.now);
        cx.after(
            from_secs(kib / kind.read_kib_s as f64),
            CpEvent::Delivered { ticket },
        );
    }

    /// Request `ticket`'s client has read its whole response (unless the
    /// request timeout ended it first).
    pub(super) fn delivered(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        if self
            .requests
            .get(ticket)
            .is_some_and(|r| r.stage == Stage::Delivering)
        {
            self.end(cx, ticket, Outcome::Completed);
        }
    }
}
