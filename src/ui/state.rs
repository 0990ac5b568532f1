//! The page's state in Yew: [`Params`] (`lab::params`, plain data tested
//! natively), changed by [`Action`]s through the reducer of `lab::state`.
//! The running simulation lives outside Yew state (see `lab::live`).

use crate::lab::params::Params;
pub use crate::lab::state::Action;
use std::rc::Rc;
use yew::Reducible;

impl Reducible for Params {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = Params::reduce(&self, action);
        // Same value: hand back the same Rc so Yew skips the re-render.
        if next == *self { self } else { Rc::new(next) }
    }
}
