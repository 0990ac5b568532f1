//! What is computed from many runs of the models: the most load a
//! configuration sustains within its SLOs ([`capacity`]), the article's
//! comparison table ([`comparison`]) and case study ([`case_study`]), a
//! scenario at evenly spaced values of one parameter ([`sweep`]), and the
//! scenarios shipped with the lab ([`catalog`]).

pub mod capacity;
pub mod case_study;
pub mod catalog;
pub mod comparison;
pub mod sweep;
