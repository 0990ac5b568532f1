//! Processing done: admission webhooks, inline (upstream) or under a dedicated limit (the article).

use super::*;

impl ControlPlane {
    /// The request's processing is done: webhooks for matching writes, then storage.
    pub(super) fn processed(
        &mut self,
        now: Nanos,
        ticket: u64,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        let kind = request.kind;
        if kind.resource == Resource::Discovery {
            // Served from memory: only the response to write.
            self.respond(now, ticket, kind.objects, calendar);
            return;
        }
        let (mutating, validating): (Vec<u8>, Vec<u8>) = if kind.verb.is_mutating() {
            let matching = |t: WebhookType| {
                self.spec
                    .webhooks
                    .iter()
                    .enumerate()
                    .filter(move |(_, h)| {
                        h.kind == t
                            && h.resources.contains(&kind.resource)
                            && h.verbs.contains(&kind.verb)
                    })
                    .map(|(i, _)| i as u8)
                    .collect()
            };
            (
                matching(WebhookType::Mutating),
                matching(WebhookType::Validating),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        if mutating.is_empty() && validating.is_empty() {
            self.storage(now, ticket, calendar, rng);
            return;
        }
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        request.mutating_left = mutating.into();
        request.validating_pending = validating.len() as u32;
        request.enter(Stage::Webhooks, now);
        // Validating hooks are counted now and started after the mutating
        // ones (their indices are found again then).
        if self.spec.webhook_handling == WebhookHandling::Dedicated {
            // The article: give the seats back while webhooks are called.
            self.release_seats(now, ticket, calendar);
        }
        self.next_hooks(now, ticket, calendar, rng);
    }

    /// Starts the next mutating webhook, or all validating ones, or storage.
    pub(super) fn next_hooks(
        &mut self,
        now: Nanos,
        ticket: u64,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        if let Some(hook) = request.mutating_left.pop_front() {
            self.call_hook(now, ticket, hook, calendar, rng);
            return;
        }
        if request.validating_pending > 0 && !request.failed {
            let kind = request.kind;
            let hooks: Vec<u8> = self
                .spec
                .webhooks
                .iter()
                .enumerate()
                .filter(|(_, h)| {
                    h.kind == WebhookType::Validating
                        && h.resources.contains(&kind.resource)
                        && h.verbs.contains(&kind.verb)
                })
                .map(|(i, _)| i as u8)
                .collect();
            for hook in hooks {
                self.call_hook(now, ticket, hook, calendar, rng);
            }
            return;
        }
        if request.failed {
            self.end(now, ticket, Outcome::TimedOut, calendar);
        } else {
            self.storage(now, ticket, calendar, rng);
        }
    }

    pub(super) fn call_hook(
        &mut self,
        now: Nanos,
        ticket: u64,
        hook: u8,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let measured = self.measured(now);
        self.metrics[WEBHOOK].arrived(measured);
        self.hooks_in_flight += 1;
        if self.spec.webhook_handling == WebhookHandling::Dedicated {
            if self.webhook_slots_busy >= self.spec.webhook_concurrency {
                self.webhook_waiting.push_back((ticket, hook));
                return;
            }
            self.webhook_slots_busy += 1;
        }
        self.start_hook(now, now, ticket, hook, calendar, rng);
    }

    pub(super) fn start_hook(
        &mut self,
        now: Nanos,
        asked: Nanos,
        ticket: u64,
        hook: u8,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let Some(&(latency, timeout)) = self.hooks.get(hook as usize) else {
            return;
        };
        let took = latency.sample(rng) as f64 * self.webhook_slowdown;
        // NaN (a 0 ns draw × an infinite slowdown) is a hang too: it times out.
        let (after, timed_out) = if took.is_nan() || took >= timeout as f64 {
            (timeout, true)
        } else {
            (took as Nanos, false)
        };
        calendar.schedule(
            now + after,
            CpEvent::HookDone {
                ticket,
                hook,
                started: asked,
                timed_out,
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn hook_done(
        &mut self,
        now: Nanos,
        ticket: u64,
        hook: u8,
        started: Nanos,
        timed_out: bool,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let measured = self.measured(started);
        self.hooks_in_flight = self.hooks_in_flight.saturating_sub(1);
        if timed_out {
            self.metrics[WEBHOOK].timed_out(now, measured);
        } else {
            self.metrics[WEBHOOK].completed(now, now - started, measured);
        }
        if self.webhook_slots_busy > 0 && self.spec.webhook_handling == WebhookHandling::Dedicated {
            self.webhook_slots_busy -= 1;
            // The next call waiting for a slot; calls of requests past their
            // request timeout are dropped on the way (which bounds the queue).
            while let Some((next_ticket, next_hook)) = self.webhook_waiting.pop_front() {
                if self.expired(now, next_ticket) {
                    self.hooks_in_flight = self.hooks_in_flight.saturating_sub(1);
                    let measured = self.measured(now);
                    self.metrics[WEBHOOK].timed_out(now, measured);
                    self.end(now, next_ticket, Outcome::TimedOut, calendar);
                    continue;
                }
                self.webhook_slots_busy += 1;
                self.start_hook(now, now, next_ticket, next_hook, calendar, rng);
                break;
            }
        }
        let fails = timed_out
            && self
                .spec
                .webhooks
                .get(hook as usize)
                .is_some_and(|h| h.failure_policy == FailurePolicy::Fail);
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        request.failed |= fails;
        let validating = self
            .spec
            .webhooks
            .get(hook as usize)
            .is_some_and(|h| h.kind == WebhookType::Validating);
        if validating {
            request.validating_pending = request.validating_pending.saturating_sub(1);
            if request.validating_pending > 0 {
                return;
            }
        } else if request.failed {
            // A failing mutating webhook ends the chain.
            request.mutating_left.clear();
            request.validating_pending = 0;
        }
        self.next_hooks(now, ticket, calendar, rng);
    }
}
