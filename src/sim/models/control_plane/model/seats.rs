//! A request's seats and its end: granted seats start the request's
//! processing, the seats go back to the flow control that gave them (the
//! retired one after a switch), and every request ends exactly once.

use super::*;

impl ControlPlane {
    /// Requests granted seats start their processing.
    pub(in crate::sim::models::control_plane) fn begin_all(
        &mut self,
        now: Nanos,
        started: &mut Vec<Grant>,
        calendar: &mut Calendar<CpEvent>,
    ) {
        for grant in started.drain(..) {
            let Some(request) = self.requests.get_mut(&grant.ticket) else {
                continue;
            };
            request.grant = Some(grant);
            request.enter(Stage::Processing, now);
            let class = Self::class_of(&request.kind);
            let measured = request.arrived >= self.warmup;
            let wait = now - request.arrived;
            self.metrics[class].started(wait, measured);
            if request.kind.client == ClientKind::User {
                self.metrics[USER].started(wait, measured);
            }
            self.metrics[QUEUE_WAIT].arrived(measured);
            self.metrics[QUEUE_WAIT].completed(now, wait, measured);
            // Its CPU time passes while it holds its seats.
            calendar.schedule(
                now.saturating_add(request.cpu),
                CpEvent::Processed {
                    ticket: grant.ticket,
                },
            );
        }
    }

    /// Serializes the response of `objects` objects, then ends the request.
    pub(super) fn respond(
        &mut self,
        now: Nanos,
        ticket: u64,
        objects: u32,
        calendar: &mut Calendar<CpEvent>,
    ) {
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        request.enter(Stage::Responding, now);
        let kib = objects as f64 * request.kind.resource.object_kib();
        calendar.schedule(
            // saturating: a custom source may LIST 4 billion objects
            now.saturating_add(from_secs(kib * self.spec.serialize_per_kib)),
            CpEvent::Respond { ticket },
        );
    }

    pub(super) fn release_seats(
        &mut self,
        now: Nanos,
        ticket: u64,
        calendar: &mut Calendar<CpEvent>,
    ) {
        let Some(grant) = self.requests.get_mut(&ticket).and_then(|r| r.grant.take()) else {
            return;
        };
        let mut started = std::mem::take(&mut self.started);
        if owns(&self.flow_control, &grant) {
            self.flow_control.finish(now, &grant, &mut started);
        } else if let Some(retired) = self
            .retired_flow_control
            .as_mut()
            .filter(|fc| owns(fc, &grant))
        {
            retired.finish(now, &grant, &mut started);
        }
        // Otherwise its flow control was dropped (two switches since): there
        // is nothing to give the seats back to, and handing them to another
        // one would free seats it never gave.
        self.begin_all(now, &mut started, calendar);
        self.started = started;
    }

    /// The request ends one way or another.
    pub(super) fn end(
        &mut self,
        now: Nanos,
        ticket: u64,
        outcome: Outcome,
        calendar: &mut Calendar<CpEvent>,
    ) {
        self.release_seats(now, ticket, calendar);
        let Some(request) = self.requests.remove(&ticket) else {
            return;
        };
        let class = Self::class_of(&request.kind);
        let measured = self.measured(request.arrived);
        let user = request.kind.client == ClientKind::User;
        for class in std::iter::once(class).chain(user.then_some(USER)) {
            match outcome {
                Outcome::Completed => {
                    self.metrics[class].completed(now, now - request.arrived, measured)
                }
                Outcome::Rejected => self.metrics[class].rejected(now, measured),
                Outcome::TimedOut => self.metrics[class].timed_out(now, measured),
            }
        }
        if let Some(client) = request.discovery_client
            && let Some((pending, started)) = self.discovery.get_mut(&client)
        {
            *pending -= 1;
            let started = *started;
            if *pending == 0 {
                self.discovery.remove(&client);
                self.discovery_kind.remove(&client);
                let measured = self.measured(started);
                self.metrics[DISCOVERY].completed(now, now - started, measured);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Completed,
    Rejected,
    TimedOut,
}

/// Whether `grant` came from this flow control (after a switch, the
/// retired one still owns the grants it gave).
fn owns(flow_control: &FlowControl, grant: &Grant) -> bool {
    matches!(
        (flow_control, grant.slot),
        (FlowControl::Apf(_), Slot::Apf { .. } | Slot::Exempt)
            | (FlowControl::MaxInflight(_), Slot::ReadOnly | Slot::Mutating)
            | (FlowControl::Article(_), Slot::Article)
    )
}
