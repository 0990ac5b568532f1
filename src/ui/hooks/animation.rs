use super::LiveRuns;
use crate::lab::params::Params;
use crate::lab::view::Panel;
use crate::ui::ab::{draw_ab, show_ab};
use crate::ui::animation::AnimationLoop;
use crate::ui::chart::CanvasTimeChart;
use crate::ui::components::ab::AbRefs;
use crate::ui::components::charts::ChartRefs;
use crate::ui::components::readouts::ReadoutRefs;
use crate::ui::frame::{Canvases, show_readouts};
use crate::ui::state::Action;
use gloo_timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// How often the text readouts refresh [ms]: fast enough to feel live,
/// slow enough to be read.
const READOUT_REFRESH_MS: u32 = 250;

/// What the animation loop draws on.
#[derive(Clone)]
pub struct Figures {
    pub diagram: NodeRef,
    pub charts: ChartRefs,
    pub readouts: ReadoutRefs,
    pub ab: AbRefs,
}

fn wall_clock() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// One animation loop advances the runs and draws them; a timer refreshes
/// the readouts. Neither re-renders a component. The loop pauses while
/// `visible` is false (an embed scrolled out of view); the changes the
/// scenario's timeline makes are dispatched, so the controls show them.
#[hook]
pub fn use_animation(
    runs: &LiveRuns,
    figures: &Figures,
    visible: Rc<Cell<bool>>,
    dispatcher: UseReducerDispatcher<Params>,
) {
    let (runs, figures) = (runs.clone(), figures.clone());
    use_effect_with((), move |_| {
        let mut canvases = Canvases::new(&figures.diagram, &figures.charts);
        let mut ab_chart: Option<CanvasTimeChart> = None;
        let frames = {
            let (runs, ab) = (runs.clone(), figures.ab.clone());
            AnimationLoop::start(move |timestamp| {
                if !visible.get() {
                    return;
                }
                let (absorbed, reached) = match runs.a.borrow_mut().as_mut() {
                    Ok(run) => {
                        run.frame(timestamp, wall_clock);
                        let view = &run.params().view;
                        if view.panel == Panel::Lab || view.embed.is_some() {
                            canvases.draw(run, timestamp);
                        }
                        crate::ui::bench::frame_drawn(run.params());
                        // At a story's pause, what its promises measure.
                        let reached = run
                            .take_reached_pause()
                            .then(|| {
                                let story = run.params().view.story.as_ref();
                                story.map(|at| at.measure(run.simulation()))
                            })
                            .flatten();
                        (run.take_absorbed(), reached)
                    }
                    Err(_) => (Vec::new(), None),
                };
                for change in absorbed {
                    dispatcher.dispatch(Action::Absorb(change));
                }
                if let Some(seen) = reached {
                    dispatcher.dispatch(Action::StoryReached(seen));
                }
                if let Some(b) = runs.b.borrow_mut().as_mut() {
                    b.frame(timestamp, wall_clock);
                    b.take_absorbed();
                    if let Ok(a) = runs.a.borrow().as_ref() {
                        draw_ab(&mut ab_chart, &ab, a, b);
                    }
                }
            })
        };
        let refresher = Interval::new(READOUT_REFRESH_MS, move || {
            if let Ok(run) = runs.a.borrow().as_ref() {
                show_readouts(run, &figures.readouts);
                if let Some(b) = runs.b.borrow().as_ref() {
                    show_ab(&figures.ab, run, b);
                }
            }
        });
        move || {
            drop(frames);
            drop(refresher);
        }
    });
}
