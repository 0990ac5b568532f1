//! Every story's promises, kept by the model (issue 15): each story is
//! walked as the page walks it (a link `?story=ID`, the run advanced frame
//! by frame to each step's pause, the timeline's changes mirrored on the
//! controls, Next pressed), and every promise is measured at its pause.
//! The browser test (`e2e/tests/story.mjs`) walks the same steps in
//! Chromium and checks the page reports each promise kept.
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::Params;
use cplab::lab::live::LiveRun;
use cplab::lab::state::Action;
use cplab::lab::story::{self, Act, FIRST_VISIT, SCENARIOS, Story};
use cplab::lab::url;
use std::time::Instant;

/// Plays the page's run to the step's pause, 100 ms frames at a time, as
/// the animation loop does; `None` if the step does not pause.
fn play_to_pause(params: &mut Params, live: &mut LiveRun) -> Option<Vec<f64>> {
    params.playback.pause_at?;
    let started = Instant::now();
    let clock = || started.elapsed().as_secs_f64() * 1e3;
    let mut timestamp = 0.0;
    for _ in 0..100_000 {
        timestamp += 100.0;
        live.frame(timestamp, clock);
        for change in live.take_absorbed() {
            *params = params.reduce(Action::Absorb(change));
        }
        if live.take_reached_pause() {
            let seen = params.view.story.as_ref()?.measure(live.simulation());
            *params = params.reduce(Action::StoryReached(seen.clone()));
            live.apply(params).expect("applies");
            return Some(seen);
        }
    }
    panic!("the run never reached its pause");
}

/// Walks a story from its link; returns each step's measures.
fn walk(story: &Story) -> Vec<Option<Vec<f64>>> {
    let (mut params, notices) = url::from_query(&format!("story={}", story.id));
    assert!(notices.is_empty(), "{notices:?}");
    let mut live = LiveRun::new(&params).expect("runs");
    let mut seen = Vec::new();
    for step in 0..story.steps.len() {
        let at = params.view.story.as_ref().expect("in the story");
        assert_eq!((at.story.id, at.step), (story.id, step));
        assert_eq!(params.view.chart, story.steps[step].chart);
        let refused = live.apply(&params).expect("applies");
        assert!(refused.is_empty(), "{} step {step}: {refused:?}", story.id);
        seen.push(play_to_pause(&mut params, &mut live));
        params = params.reduce(Action::NextStep);
    }
    assert!(
        params.view.story.is_none(),
        "Next after the last step leaves it"
    );
    assert!(params.playback.playing && params.playback.pause_at.is_none());
    seen
}

#[test]
fn every_story_keeps_every_promise_at_its_pause() {
    let mut broken = Vec::new();
    for story in story::all() {
        for (index, (step, seen)) in story.steps.iter().zip(walk(story)).enumerate() {
            let seen = seen.unwrap_or_default();
            assert_eq!(
                seen.len(),
                step.promises.len(),
                "{} step {index}: a step with promises pauses",
                story.id
            );
            for (promise, value) in step.promises.iter().zip(seen) {
                let line = format!(
                    "{} step {} at {:?} s: {} — measured {}",
                    story.id,
                    index + 1,
                    step.until,
                    promise.describe(),
                    promise.format(value)
                );
                println!("{line}");
                if !promise.holds(value) {
                    broken.push(line);
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "promises not kept:\n{}",
        broken.join("\n")
    );
}

#[test]
fn stories_are_well_formed() {
    assert_eq!(SCENARIOS[0].id, FIRST_VISIT);
    for story in story::all() {
        assert!(Params::for_preset(story.preset).is_ok(), "{}", story.id);
        assert!(!story.steps.is_empty());
        let mut clock = 0.0;
        for (i, step) in story.steps.iter().enumerate() {
            if step.acts.contains(&Act::Reset) {
                clock = 0.0;
            }
            if let Some(until) = step.until {
                assert!(
                    until > clock,
                    "{} step {i}: pauses later than the last",
                    story.id
                );
                clock = until;
            }
            assert!(step.until.is_some() || step.promises.is_empty());
            for act in step.acts {
                match *act {
                    Act::Choose(control, key) => assert!(
                        control.row().choice(key).is_some(),
                        "{} step {i}: {key}",
                        story.id
                    ),
                    // A slider's value within its range (the reducer would
                    // clamp it, and the text would then be wrong).
                    Act::Set(control, value) => assert_eq!(
                        control.row().range().and_then(|r| r.clamp(value)),
                        Some(value),
                        "{} step {i}: {control:?}",
                        story.id
                    ),
                    _ => {}
                }
            }
        }
    }
    // Every teaching scenario is told as a story.
    use cplab::sim::studies::catalog::{CATALOG, Group};
    for entry in CATALOG.iter().filter(|e| e.group == Group::Teaching) {
        assert!(
            Story::of_preset(entry.id).is_some(),
            "{} has no story",
            entry.id
        );
    }
}

#[test]
fn every_tip_is_a_story() {
    use cplab::lab::claims::TIPS;
    use cplab::lab::mechanisms::MECHANISMS;
    for tip in &TIPS {
        assert!(
            Story::find(tip.story).is_some(),
            "{}: {}",
            tip.tip,
            tip.story
        );
    }
    for m in &MECHANISMS {
        assert!(Story::find(m.tip).is_some(), "{}: {}", m.title, m.tip);
    }
}

/// Playing on (Space or Play) at a step's pause goes on to the next step,
/// whose pause then comes after its acts (not at once, measured on the
/// acts' first instant).
#[test]
fn playing_on_at_a_pause_is_the_next_step() {
    let (mut params, _) = url::from_query("story=slow-webhook");
    let mut live = LiveRun::new(&params).expect("runs");
    live.apply(&params).expect("applies");
    play_to_pause(&mut params, &mut live).expect("step 1 pauses");
    let paused = params.reduce(Action::TogglePlay);
    let at = paused.view.story.as_ref().expect("in the story");
    assert_eq!(at.step, 1, "Play at the pause is Next");
    assert!(paused.playback.playing && at.seen.is_none());
    // Step ('.') likewise.
    assert_eq!(
        params.reduce(Action::Step).view.story.map(|a| a.step),
        Some(1)
    );
    // Outside a pause, Play only plays.
    assert_eq!(
        paused.reduce(Action::TogglePlay).view.story.map(|a| a.step),
        Some(1)
    );
}

/// A story's link carries the story alone: other keys are ignored with a
/// notice, and an embed tells none.
#[test]
fn a_story_link_says_what_it_ignored_and_an_embed_tells_none() {
    let (params, notices) = url::from_query("story=slow-webhook&nodes=5000&seed=7");
    assert_eq!(params.view.story.map(|a| a.story.id), Some("slow-webhook"));
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].0.contains("other keys were ignored"));
    let (embedded, notices) = url::from_query("embed=diagram&story=slow-webhook");
    assert!(embedded.view.story.is_none() && embedded.view.embed.is_some());
    assert!(notices[0].0.contains("tells no story"), "{notices:?}");
    // Not a story at all: a notice, and the lab.
    let (lab, notices) = url::from_query("story=nope");
    assert!(lab.view.story.is_none() && notices[0].0.contains("no story called"));
}

/// `?question=ID` tells the question's story, a link in it names the
/// question, an unknown one is a notice; every question cites its thread
/// and ends on its answer (a last step that promises nothing more).
#[test]
fn a_question_link_tells_its_story_and_every_question_cites_its_thread() {
    use cplab::lab::story::QUESTIONS;
    assert!(QUESTIONS.len() >= 2);
    for question in QUESTIONS {
        let id = question.story.id;
        let (params, notices) = url::from_query(&format!("question={id}"));
        assert!(notices.is_empty(), "{id}: {notices:?}");
        assert_eq!(params.view.story.as_ref().map(|a| a.story.id), Some(id));
        assert_eq!(url::to_query(&params), format!("question={id}"));
        let (label, address) = question.thread;
        assert!(
            address.starts_with("https://github.com/")
                && address.ends_with(label.rsplit('#').next().unwrap())
        );
        let last = question.story.steps.last().expect("steps");
        assert!(
            last.promises.is_empty() && last.text.starts_with("The answer:"),
            "{id}"
        );
        assert!(question.story.steps.iter().any(|s| !s.promises.is_empty()));
    }
    let (lab, notices) = url::from_query("question=nope");
    assert!(lab.view.story.is_none() && notices[0].0.contains("no question called"));
    // Two at once: the last is told, and the link says the other was not.
    let (both, notices) = url::from_query("story=slow-webhook&question=429-or-504");
    assert_eq!(both.view.story.map(|a| a.story.id), Some("429-or-504"));
    assert!(notices[0].0.starts_with("question:"), "{notices:?}");
    let (lab, notices) = url::from_query("question=429-or-504&story=none");
    assert!(lab.view.story.is_none());
    assert!(notices[0].0.contains("more than one"), "{notices:?}");
    // Every story's id is its own: a link, Story::find and Question::find agree.
    let ids: Vec<&str> = story::all().map(|s| s.id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}
