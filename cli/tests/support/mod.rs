//! What the hot-reload tests share: a running `lang run` on a temporary project, and
//! programs that count. (The driver underneath is `lang_tests::session`.)

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use lang_tests::session::{Project, Session};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running `lang run` on the files of a temporary project. The fields drop in order: the
/// process is stopped before its folder is removed.
pub struct HotRun {
    session: Session,
    project: Project,
}

impl HotRun {
    pub fn start(name: &str, files: &[(&str, &str)]) -> HotRun {
        HotRun::start_with(name, files, |command| {
            command.arg("--hmr");
        })
    }

    pub fn start_with(name: &str, files: &[(&str, &str)], configure: impl FnOnce(&mut Command)) -> HotRun {
        let project = Project::new(name, files);
        let mut command = project.command(env!("CARGO_BIN_EXE_lang"));
        command.arg("run");
        configure(&mut command);
        command.arg("main.ln");
        HotRun {
            session: Session::spawn(command),
            project,
        }
    }

    pub fn folder(&self) -> &Path {
        self.project.folder()
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.project.path(file)
    }

    pub fn write_in_place(&self, file: &str, text: &str) {
        self.project.write_in_place(file, text);
    }

    pub fn write_by_rename(&self, file: &str, text: &str) {
        self.project.write_by_rename(file, text);
    }
}

/// The process: its output, waits and signals.
impl Deref for HotRun {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

/// A loop that prints `tag N` forever, N counting up in a module variable.
pub fn counter(tag: &str) -> String {
    format!(
        "var count = 0\n\nfn tag() -> str {{\n    return \"{tag}\"\n}}\n\nfn main() {{\n    while true {{\n        count += 1\n        print(\"{{tag()}} {{count}}\")\n        sleep(5)\n    }}\n}}\n"
    )
}

pub fn last_count(stdout: &str, tag: &str) -> Option<i64> {
    stdout.lines().rev().find_map(|line| {
        line.strip_prefix(&format!("{tag} "))
            .and_then(|count| count.parse().ok())
    })
}

/// The resident memory of process `pid` in KiB, from `/proc/PID/status` (0 when unreadable),
/// for the tests that check memory stays bounded over many reloads.
pub fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The two numbers of the last complete `x A B` line of `stdout` (the programs of the tests
/// of loops over struct fields print their positions so).
pub fn last_positions(stdout: &str) -> Option<(f64, f64)> {
    let line = stdout.lines().rev().nth(1)?;
    let mut numbers = line.strip_prefix("x ")?.split(' ').map(|number| number.parse::<f64>());
    Some((numbers.next()?.ok()?, numbers.next()?.ok()?))
}
