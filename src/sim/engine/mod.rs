//! The engine every model runs on: simulated time in integer nanoseconds
//! ([`time`]); one calendar of future events ordered by (time, scheduling
//! order) ([`calendar`]); what a handler is given, the event's instant with
//! the calendar and the random numbers ([`context`]); seeded random draws
//! ([`random`]) and a stable hash ([`hash`]); and what a run measures in
//! fixed memory: latency histograms ([`histogram`]), per-class counters and
//! distributions ([`metrics`]), the ring of 1-second windows the live
//! charts read ([`timeseries`]), servers shared between their jobs
//! ([`sharing`]: a wire, a CPU) and how busy each finite resource is
//! ([`load`]).

pub mod calendar;
pub mod context;
pub mod hash;
pub mod histogram;
pub mod load;
pub mod metrics;
pub mod random;
pub mod sharing;
pub mod time;
pub mod timeseries;
