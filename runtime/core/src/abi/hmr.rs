//! The entry points of the stdlib's `hmr` module (LANGUAGE.md section 7 item 13) and the
//! reload state they read. The state lives here, in the core, so that the module works in
//! every mode: hot reload (`runtime/hot`'s feedback) fills it in; in a release executable
//! nothing does, and the answers are "not active, version 0, nothing pending".

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use super::values::string_from;
use crate::context::*;
use crate::object::*;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static VERSION: AtomicI64 = AtomicI64::new(0);
/// The program's wish (`hmr.overlay(on)`): whether the runtime may draw its overlay.
static OVERLAY_WANTED: AtomicBool = AtomicBool::new(true);
static PENDING_ERROR: Mutex<Option<String>> = Mutex::new(None);
/// Called when the program turns the overlay off or on, to erase or draw it at once.
static OVERLAY_CHANGED: std::sync::OnceLock<fn(bool)> = std::sync::OnceLock::new();

/// Operations of `lang_rt_hmr_control`, selected by its first argument.
pub const HMR_ACTIVE: i64 = 0;
pub const HMR_VERSION: i64 = 1;
pub const HMR_OVERLAY: i64 = 2;

/// Hot reload runs in this process; `on_overlay_changed` is told about `hmr.overlay(on)`.
pub fn set_hmr_active(on_overlay_changed: fn(bool)) {
    ACTIVE.store(true, Ordering::SeqCst);
    let _ = OVERLAY_CHANGED.set(on_overlay_changed);
}

/// One more reload was swapped in.
pub fn count_hmr_reload() {
    VERSION.fetch_add(1, Ordering::SeqCst);
}

/// The report of the rejected reload the program runs beside, or `None` once a reload
/// succeeded.
pub fn set_pending_error(report: Option<String>) {
    *PENDING_ERROR.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = report;
}

/// Whether the program lets the runtime draw its status bar and box.
pub fn overlay_wanted() -> bool {
    OVERLAY_WANTED.load(Ordering::SeqCst)
}

/// `hmr.active()`, `hmr.version()` and `hmr.overlay(on)` (`argument` 1 on, 0 off).
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_hmr_control(_ctx: Ctx<'_>, operation: i64, argument: i64) -> i64 {
    match operation {
        HMR_ACTIVE => i64::from(ACTIVE.load(Ordering::SeqCst)),
        HMR_VERSION => VERSION.load(Ordering::SeqCst),
        HMR_OVERLAY => {
            let on = argument != 0;
            if OVERLAY_WANTED.swap(on, Ordering::SeqCst) != on
                && let Some(changed) = OVERLAY_CHANGED.get()
            {
                changed(on);
            }
            0
        }
        _ => 0,
    }
}

/// `hmr.pending_error()`: the report of a rejected reload, or `nil`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_hmr_pending_error(ctx: Ctx<'_>) -> *mut StrObject {
    let pending = PENDING_ERROR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    match pending {
        Some(report) => string_from(ctx, &report),
        None => std::ptr::null_mut(),
    }
}
