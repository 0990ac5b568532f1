//! The engine every model runs on: simulated time in integer nanoseconds
//! ([`time`]), one calendar of future events ordered by (time, scheduling
//! order) ([`calendar`]), seeded random draws ([`random`]), and what a run
//! measures in fixed memory: latency histograms ([`histogram`]), per-class
//! counters and distributions ([`metrics`]) and the ring of 1-second windows
//! the live charts read ([`timeseries`]).

pub mod calendar;
pub mod histogram;
pub mod metrics;
pub mod random;
pub mod time;
pub mod timeseries;
