//! The web app (wasm32 only).
