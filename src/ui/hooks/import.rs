use crate::lab::controls::Control;
use crate::lab::params::Params;
use crate::ui::components::share::ImportError;
use crate::ui::state::Action;
use crate::ui::worker::LazyWorker;
use std::rc::Rc;
use yew::prelude::*;

/// A file's name and its text (or why it could not be read).
pub type ImportFile = (String, Result<String, String>);

/// Imports a scenario file: the worker reads it. A refused file changes
/// nothing: its error is returned, for the control it concerns. A good one
/// replaces the page's state and says so in `notices`.
#[hook]
pub fn use_import(
    params: &Params,
    worker: LazyWorker,
    dispatcher: UseReducerDispatcher<Params>,
    notices: UseStateHandle<Vec<String>>,
) -> (Callback<ImportFile>, Option<ImportError>) {
    let import_error = use_state(|| None::<ImportError>);
    let error = (*import_error).clone();
    let current = params.clone();
    let onimport = Callback::from(move |(name, text): ImportFile| {
        let refuse = {
            let import_error = import_error.clone();
            move |control: Option<Control>, message: String| {
                import_error.set(Some(ImportError { control, message }));
            }
        };
        let text = match text {
            Ok(text) => text,
            Err(message) => return refuse(None, message),
        };
        let (dispatcher, import_error, notices) =
            (dispatcher.clone(), import_error.clone(), notices.clone());
        let current = current.clone();
        worker.with(|client| {
            client.import(text, move |scenario| {
                let scenario = match scenario {
                    Ok(scenario) => scenario,
                    Err(e) => return refuse(Control::at_path(&e.field), format!("{name}: {e}")),
                };
                match Params::for_imported(scenario) {
                    Ok(mut fresh) => {
                        fresh.playback.speed = current.playback.speed;
                        fresh.playback.restarts = current.playback.restarts.wrapping_add(1);
                        import_error.set(None);
                        notices.set(vec![format!(
                            "Imported {name}. A link cannot carry an imported file: export it as TOML to share it."
                        )]);
                        dispatcher.dispatch(Action::Replace(Rc::new(fresh)));
                    }
                    Err(e) => refuse(None, format!("{name}: {e}")),
                }
            })
        });
    });
    (onimport, error)
}
