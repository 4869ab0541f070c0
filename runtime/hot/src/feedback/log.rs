//! The report log of LANGUAGE.md section 7 item 13: with `LANG_HMR_LOG=FILE` (or `lang run
//! --hmr-log FILE`) every report is appended to FILE in full, as it happens, the first line
//! of each starting with the local time as `HH:MM:SS.mmm`. Nothing else is written there.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use super::layout::plain_text;

static LOG: Mutex<Option<File>> = Mutex::new(None);

/// Opens the log named by `LANG_HMR_LOG`, if set and no log is open yet (`--hmr-log` wins);
/// an error says why it cannot be written.
pub fn open_from_environment() -> Result<(), String> {
    if LOG.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).is_some() {
        return Ok(());
    }
    match std::env::var_os("LANG_HMR_LOG") {
        Some(path) if !path.is_empty() => open(Path::new(&path)),
        _ => Ok(()),
    }
}

pub fn open(path: &Path) -> Result<(), String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|error| format!("cannot open the hot-reload log {}: {error}", path.display()))?;
    *LOG.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(file);
    Ok(())
}

/// Appends one report, time-stamped, if there is a log.
pub fn append(report: &str) {
    let mut log = LOG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(file) = log.as_mut() else { return };
    let mut text = plain_text(report);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let _ = file.write_all(format!("{} {text}", local_time()).as_bytes());
}

/// The local time of day as `HH:MM:SS.mmm`.
fn local_time() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = now.as_secs() as libc::time_t;
    // SAFETY: tm is plain data, filled by localtime_r from a valid time_t.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to a time_t and a tm.
    unsafe { libc::localtime_r(&seconds, &mut tm) };
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        now.subsec_millis()
    )
}
