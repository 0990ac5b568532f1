//! The faults that stay on until turned off (a slow webhook, a watch cache
//! lag): kept on the model, so an API server added while one is on suffers
//! it too.

use super::ApiServer;
use crate::sim::engine::time::Nanos;

/// The faults in force.
#[derive(Debug, Clone, Copy)]
pub(super) struct Faults {
    /// every webhook call's latency × this (1: off)
    pub webhook_slowdown: f64,
    /// how late the watch caches apply what their watches bring [ns]
    pub cache_lag: Nanos,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            webhook_slowdown: 1.0,
            cache_lag: 0,
        }
    }
}

impl ApiServer {
    /// Puts the faults in force on this server.
    pub(super) fn suffer(&mut self, faults: Faults) {
        self.admission.set_slowdown(faults.webhook_slowdown);
        self.cache.set_lag(faults.cache_lag);
    }
}
