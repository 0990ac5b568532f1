//! The checks a control plane's specification passes before it runs:
//! every value in its range, with the field it names when it is not.

use super::{ControlPlaneSpec, MAX_API_SERVERS, UNLIMITED_MEMORY_GIB};

impl ControlPlaneSpec {
    /// Checks every value; `Err((field, message))` names the first bad one.
    pub fn check(&self) -> Result<(), (String, String)> {
        fn at(prefix: &'static str) -> impl Fn((&str, String)) -> (String, String) {
            move |(field, message)| (format!("{prefix}.{field}"), message)
        }
        let limit = |name: &str, value: u32| {
            if (1..=100_000).contains(&value) {
                Ok(())
            } else {
                Err((name.to_owned(), format!("must be 1 to 100000, got {value}")))
            }
        };
        // Either flag may be 0: max-inflight then leaves that kind of request
        // unlimited; APF and the article's queue use the sum, which upstream
        // requires to be positive (`BuildPriorityAndFairness`).
        for (name, value) in [
            ("max_requests_inflight", self.max_requests_inflight),
            (
                "max_mutating_requests_inflight",
                self.max_mutating_requests_inflight,
            ),
        ] {
            if value > 100_000 {
                return Err((name.into(), format!("must be 0 to 100000, got {value}")));
            }
        }
        if self.max_requests_inflight + self.max_mutating_requests_inflight == 0 {
            return Err((
                "max_requests_inflight".into(),
                "the two inflight flags must add up to at least 1".into(),
            ));
        }
        limit("webhook_concurrency", self.webhook_concurrency)?;
        if self.article_queue_capacity > 10_000_000 {
            return Err((
                "article_queue_capacity".into(),
                "must be at most 10000000".into(),
            ));
        }
        for (name, value, max) in [
            ("request_timeout", self.request_timeout, 3_600.0),
            ("queue_wait_limit", self.queue_wait_limit, 3_600.0),
            ("article_timeout", self.article_timeout, 3_600.0),
        ] {
            if !(value.is_finite() && value > 0.0 && value <= max) {
                return Err((
                    name.into(),
                    format!("must be seconds in (0, {max}], got {value}"),
                ));
            }
        }
        for (name, value) in [
            ("serialize_per_kib", self.serialize_per_kib),
            ("serialize_json_per_kib", self.serialize_json_per_kib),
            ("decode_per_kib", self.decode_per_kib),
        ] {
            if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
                return Err((
                    name.into(),
                    format!("must be seconds in [0, 1], got {value}"),
                ));
            }
        }
        if self.api_server_cores > 1_024 {
            return Err((
                "api_server_cores".into(),
                format!(
                    "must be 0 (by the nodes) to 1024, got {}",
                    self.api_server_cores
                ),
            ));
        }
        if !(1..=MAX_API_SERVERS).contains(&self.api_servers) {
            return Err((
                "api_servers".into(),
                format!("must be 1 to {MAX_API_SERVERS}, got {}", self.api_servers),
            ));
        }
        if !(self.goaway_chance.is_finite() && (0.0..=0.02).contains(&self.goaway_chance)) {
            return Err((
                "goaway_chance".into(),
                format!("must be 0 to 0.02, got {}", self.goaway_chance),
            ));
        }
        if !(self.api_server_restart.is_finite()
            && (0.0..=600.0).contains(&self.api_server_restart))
        {
            return Err((
                "api_server_restart".into(),
                format!(
                    "must be seconds in [0, 600], got {}",
                    self.api_server_restart
                ),
            ));
        }
        for (name, value, range) in [
            (
                "api_server_memory_gib",
                self.api_server_memory_gib,
                0.0..=UNLIMITED_MEMORY_GIB,
            ),
            (
                "api_server_base_memory_gib",
                self.api_server_base_memory_gib,
                0.0..=1_024.0,
            ),
            (
                "watch_cache_memory_factor",
                self.watch_cache_memory_factor,
                0.0..=100.0,
            ),
            (
                "response_memory_factor",
                self.response_memory_factor,
                0.0..=100.0,
            ),
        ] {
            if !(value.is_finite() && range.contains(&value)) {
                return Err((
                    name.into(),
                    format!("must be {} to {}, got {value}", range.start(), range.end()),
                ));
            }
        }
        if self.webhooks.len() > 32 {
            return Err(("webhooks".into(), "at most 32 webhooks".into()));
        }
        for (i, hook) in self.webhooks.iter().enumerate() {
            hook.latency
                .check()
                .map_err(|m| (format!("webhooks[{i}].latency"), m))?;
            if !(hook.timeout.is_finite() && (1.0..=30.0).contains(&hook.timeout)) {
                return Err((
                    format!("webhooks[{i}].timeout"),
                    format!("must be 1 to 30 s, got {}", hook.timeout),
                ));
            }
        }
        self.processing
            .check()
            .map_err(|m| ("processing".to_owned(), m))?;
        self.write_processing
            .check()
            .map_err(|m| ("write_processing".to_owned(), m))?;
        self.watch_cache.check().map_err(at("watch_cache"))?;
        self.workload.check().map_err(at("workload"))?;
        self.client_limits.check().map_err(at("client_limits"))?;
        self.etcd.check().map_err(at("etcd"))?;
        self.etcd_client.check().map_err(at("etcd_client"))?;
        Ok(())
    }
}
