use crate::lab::live::LiveRun;
use crate::lab::params::Params;
use crate::lab::view::Panel;
use crate::ui::share;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The page's runs, outside Yew state: the animation loop advances and
/// draws them without re-rendering anything.
#[derive(Clone)]
pub struct LiveRuns {
    /// the run, or why its configuration cannot run
    pub a: Rc<RefCell<Result<LiveRun, String>>>,
    /// the A/B panel's B, while that panel is open
    pub b: Rc<RefCell<Option<LiveRun>>>,
}

/// The runs of `params`: every change of the controls reaches the running
/// simulation at once (and the address bar).
#[hook]
pub fn use_live_runs(params: &Params) -> LiveRuns {
    let a = use_mut_ref(|| LiveRun::new(params).map_err(|e| e.to_string()));
    let b = use_mut_ref(|| None::<LiveRun>);
    let runs = LiveRuns { a, b };
    {
        let runs = runs.clone();
        use_effect_with(params.clone(), move |params| {
            bring_to(&runs, params);
            share::show_in_address_bar(params);
        });
    }
    runs
}

fn bring_to(runs: &LiveRuns, params: &Params) {
    let mut run = runs.a.borrow_mut();
    let outcome = match run.as_mut() {
        Ok(running) => running.apply(params).map(|refused| {
            for why in refused {
                web_sys::console::warn_1(&format!("change refused: {why}").into());
            }
        }),
        Err(_) => LiveRun::new(params).map(|fresh| *run = Ok(fresh)),
    };
    if let Err(error) = outcome {
        *run = Err(error.to_string());
    }
    // B runs only while the A/B panel is open.
    let mut b = runs.b.borrow_mut();
    let open = params.view.panel == Panel::Ab && params.view.embed.is_none();
    match params.b_side().filter(|_| open) {
        Some(b_params) => {
            let fresh = match b.as_mut() {
                Some(running) => running.apply(&b_params).is_err(),
                None => true,
            };
            if fresh {
                *b = LiveRun::new(&b_params).ok();
            }
        }
        None => *b = None,
    }
}
