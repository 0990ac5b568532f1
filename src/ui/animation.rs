//! One requestAnimationFrame loop for the whole page.
//!
//! The loop calls its closure with the frame's timestamp [ms] until the
//! returned [`AnimationLoop`] is dropped, which cancels the pending frame.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

type FrameCallback = Closure<dyn FnMut(f64)>;

/// A running loop; dropping it stops the loop.
pub struct AnimationLoop {
    callback: Rc<RefCell<Option<FrameCallback>>>,
    pending: Rc<RefCell<Option<i32>>>,
}

fn request_frame(callback: &FrameCallback) -> Option<i32> {
    web_sys::window()?
        .request_animation_frame(callback.as_ref().unchecked_ref())
        .ok()
}

impl AnimationLoop {
    pub fn start(mut on_frame: impl FnMut(f64) + 'static) -> Self {
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let pending = Rc::new(RefCell::new(None));
        let (next_callback, next_pending) = (Rc::downgrade(&callback), pending.clone());
        *callback.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            on_frame(timestamp);
            // Schedule the next frame only while the loop is alive.
            if let Some(callback) = next_callback.upgrade()
                && let Some(callback) = callback.borrow().as_ref()
            {
                *next_pending.borrow_mut() = request_frame(callback);
            }
        }));
        *pending.borrow_mut() = callback.borrow().as_ref().and_then(request_frame);
        Self { callback, pending }
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.pending.borrow_mut().take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
        self.callback.borrow_mut().take();
    }
}
