//! What a build's folder says besides a new build (LANGUAGE.md section 8): a library that
//! changed without a new manifest, or no longer matches it (a build that stopped half-way, a
//! corrupted file), is reported within a second and never loaded; and a failed build, which
//! the builder records in the folder's build-status file, is reported by the running host as
//! a rejected reload is.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lang_abi::manifest::{BUILD_STATUS, parse_build_status};

use super::manifest::{Mismatch, mismatched_libraries, read_manifest};

/// How long after a change in the folder its libraries are compared with the manifest: a
/// build renames its libraries and then its manifest within milliseconds of each other.
const SETTLE: Duration = Duration::from_millis(300);
/// A mismatch is reported only if it is still the same this much later, in case the check
/// fell between a build's libraries and its manifest.
const CONFIRM: Duration = Duration::from_millis(150);

/// What the build-status file says that the host must report.
pub(super) enum BuildStatus {
    /// A build failed: its report, to show as a rejected reload.
    Failed(String),
    /// A build succeeded after a reported failure, with nothing new to load: the failure is
    /// over.
    Recovered(String),
}

/// The loader's watch on the folder, apart from loading builds.
pub(super) struct FolderWatch {
    folder: PathBuf,
    /// When to compare the libraries with the manifest, and the mismatches found at the
    /// first look, waiting to be confirmed.
    check: Option<(Instant, Option<Vec<Mismatch>>)>,
    /// Mismatches reported already (each is reported once).
    reported: HashSet<Mismatch>,
    /// The build-status text seen last.
    status: Option<String>,
    /// A failed build was reported and no build was loaded since.
    failure_shown: bool,
}

impl FolderWatch {
    pub(super) fn new(folder: &Path) -> FolderWatch {
        FolderWatch {
            folder: folder.to_path_buf(),
            check: None,
            reported: HashSet::new(),
            // A build that failed before this host started is not news.
            status: read_status(folder),
            failure_shown: false,
        }
    }

    /// When the loader must wake up without an event, to compare libraries.
    pub(super) fn deadline(&self) -> Option<Instant> {
        self.check.as_ref().map(|(deadline, _)| *deadline)
    }

    /// Something in the folder changed at `now`: compare the libraries once it settled.
    pub(super) fn changed(&mut self, now: Instant) {
        if self.check.is_none() {
            self.check = Some((now + SETTLE, None));
        }
    }

    /// A new build was loaded: a failure reported before is over.
    pub(super) fn build_loaded(&mut self) {
        self.failure_shown = false;
    }

    /// The deadline passed: compares the libraries with the manifest on disk, and returns
    /// the report of those that changed without a new manifest, once confirmed.
    pub(super) fn check_libraries(&mut self) -> Option<String> {
        let (_, first_look) = self.check.take()?;
        // An unreadable manifest is what loading a build reports.
        let manifest = read_manifest(&self.folder).ok()?;
        let mismatches = mismatched_libraries(&self.folder, &manifest);
        // Replaced again by what the manifest names: whatever changes next is news again.
        self.reported.retain(|reported| mismatches.contains(reported));
        if mismatches.is_empty() {
            return None;
        }
        if first_look.as_ref() != Some(&mismatches) {
            self.check = Some((Instant::now() + CONFIRM, Some(mismatches)));
            return None;
        }
        let fresh: Vec<&Mismatch> = mismatches
            .iter()
            .filter(|mismatch| !self.reported.contains(*mismatch))
            .collect();
        if fresh.is_empty() {
            return None;
        }
        let mut text = String::new();
        for mismatch in &fresh {
            let path = self.folder.join(&mismatch.file);
            let what = if mismatch.bytes_hash.is_some() {
                "changed without a new manifest (a build that stopped half-way, or a corrupted file)"
            } else {
                "was removed"
            };
            text.push_str(&format!(
                "[hmr] library of module `{}` not loaded: {} {what}; the running version of `{}` is kept\n",
                mismatch.module,
                path.display(),
                mismatch.module
            ));
        }
        self.reported.extend(fresh.into_iter().cloned());
        Some(text)
    }

    /// Reads the build-status file: the report of a build that failed since the last look,
    /// or, when a build succeeded again after a reported failure without anything to load,
    /// a line saying so (the failure is over).
    pub(super) fn check_status(&mut self) -> Option<BuildStatus> {
        let status = read_status(&self.folder);
        if status == self.status {
            return None;
        }
        self.status = status;
        match self.status.as_deref().and_then(parse_build_status) {
            Some(report) => {
                self.failure_shown = true;
                let mut text = report.to_string();
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str("[hmr] the build failed (lang build --hmr); still running the previous version\n");
                Some(BuildStatus::Failed(text))
            }
            None if std::mem::take(&mut self.failure_shown) => Some(BuildStatus::Recovered(
                "[hmr] the build succeeded again, with nothing new to load; still running the previous version\n"
                    .into(),
            )),
            None => None,
        }
    }
}

fn read_status(folder: &Path) -> Option<String> {
    std::fs::read_to_string(folder.join(BUILD_STATUS)).ok()
}
