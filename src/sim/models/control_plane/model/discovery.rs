//! Clients (re)starting: discovery requests under client-go's rate limiter.

use super::*;

impl ControlPlane {
    /// A client (re)starts and discovers the API: its requests leave as
    /// client-go's rate limiter allows (5 per second after a burst of 10).
    pub(super) fn discovery_start(
        &mut self,
        now: Nanos,
        client: u32,
        calendar: &mut Calendar<CpEvent>,
    ) {
        if self.discovery.contains_key(&client) {
            return;
        }
        let aggregated = self.spec.discovery == Discovery::Aggregated;
        let count = discovery_requests(aggregated, self.spec.workload.crds);
        let measured = self.measured(now);
        self.metrics[DISCOVERY].arrived(measured);
        self.discovery.insert(client, (count, now));
        self.discovery_kind.insert(client, aggregated);
        for k in 0..count {
            calendar.schedule(
                now + from_secs(client_send_offset(k)),
                CpEvent::DiscoverySend { client },
            );
        }
    }

    pub(super) fn discovery_send(
        &mut self,
        now: Nanos,
        client: u32,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let Some(&aggregated) = self.discovery_kind.get(&client) else {
            return;
        };
        // One aggregated document holds every group-version; a legacy one, one.
        let objects = if aggregated {
            20 + self.spec.workload.crds
        } else {
            1
        };
        let kind = RequestKind {
            verb: Verb::Get,
            resource: Resource::Discovery,
            client: ClientKind::Operator,
            namespace: 0,
            user: client,
            objects,
        };
        self.arrive(now, kind, Some(client), calendar, rng);
    }

    /// Restarts `fraction` of the discovery clients within the next second.
    pub fn restart_storm(
        &mut self,
        now: Nanos,
        fraction: f64,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let clients =
            (self.spec.workload.discovery_clients as f64 * fraction.clamp(0.0, 1.0)).round() as u32;
        for client in 0..clients {
            let jitter = rng.below(1_000_000_000);
            calendar.schedule(now + jitter, CpEvent::DiscoveryStart { client });
        }
    }
}
