//! What a program and a developer can see of hot reload besides the terminal
//! (LANGUAGE.md section 7 item 13): the `hmr` module (`active`, `version`, `pending_error`)
//! under `lang run --hmr` and without it, and the report log of `LANG_HMR_LOG` /
//! `--hmr-log`, time-stamped, with nothing of the program's own output.

mod support;

use support::HotRun;

/// Prints its state whenever it changes: the label, `hmr.version()` and whether a rejected
/// reload is pending.
fn watcher(label: &str) -> String {
    format!(
        r#"import hmr
import strings

fn label() -> str {{
    return {label}
}}

fn main() {{
    print("active {{hmr.active()}}")
    var seen = ""
    while true {{
        var state = "{{label()}} version {{hmr.version()}}"
        if let report = hmr.pending_error() {{
            state = "{{state}} pending {{strings.contains(report, "cannot find `nope`")}}"
        }}
        if state != seen {{
            print(state)
            seen = state
        }}
        sleep(10)
    }}
}}
"#
    )
}

fn is_time_stamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 12
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            2 | 5 => *byte == b':',
            8 => *byte == b'.',
            _ => byte.is_ascii_digit(),
        })
}

#[test]
fn the_hmr_module_follows_reloads_and_the_log_gets_every_report() {
    let log_folder = tempfile::tempdir().expect("a temporary folder");
    let log = log_folder.path().join("reports.log");
    let log_for_command = log.clone();
    let session = HotRun::start_with("hmr_module_log", &[("main.ln", &watcher("\"one\""))], move |command| {
        command.arg("--hmr").env("LANG_HMR_LOG", &log_for_command);
    });
    session.wait_for_output("active true\none version 0\n");
    session.write_by_rename("main.ln", &watcher("\"two\""));
    session.wait_for_output("two version 1\n");
    session.write_by_rename("main.ln", &watcher("nope"));
    session.wait_for_output("two version 1 pending true\n");
    session.write_by_rename("main.ln", &watcher("\"three\""));
    session.wait_for_output("three version 2\n");
    session.kill();

    let text = std::fs::read_to_string(&log).expect("the log was written");
    // Every report, in order, each starting with the local time; the program's output not.
    let reload = text.find("[hmr] main.ln v2").expect(&text);
    let error = text.find("cannot find `nope`").expect(&text);
    let second_reload = text.find("[hmr] main.ln v3").expect(&text);
    assert!(reload < error && error < second_reload, "{text}");
    assert!(!text.contains("version"), "the program's output is not logged:\n{text}");
    let stamped: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("[hmr] main.ln v") || line.contains("cannot find `nope`"))
        .filter(|line| !line.starts_with(' '))
        .collect();
    assert!(!stamped.is_empty(), "{text}");
    for line in stamped {
        assert!(
            is_time_stamp(&line[..12.min(line.len())]),
            "a time stamp first: {line}\n{text}"
        );
    }
    // stderr still gets the same reports as lines.
    assert!(session.stderr().contains("[hmr] main.ln v2"), "{}", session.stderr());
}

#[test]
fn hmr_log_before_the_file_implies_hot_reload() {
    let log_folder = tempfile::tempdir().expect("a temporary folder");
    let log = log_folder.path().join("reports.log");
    let log_for_command = log.clone();
    let session = HotRun::start_with("hmr_log_flag", &[("main.ln", &watcher("\"one\""))], move |command| {
        command.arg("--hmr-log").arg(&log_for_command);
    });
    session.wait_for_output("active true\none version 0\n");
    session.write_by_rename("main.ln", &watcher("\"two\""));
    session.wait_for_output("two version 1\n");
    session.kill();
    let text = std::fs::read_to_string(&log).expect("the log was written");
    assert!(text.contains("[hmr] main.ln v2"), "{text}");
}

#[test]
fn without_hot_reload_the_hmr_module_reports_nothing() {
    let program = watcher("\"one\"").replace("    while true {", "    while hmr.version() > 0 {");
    let session = HotRun::start_with("hmr_module_off", &[("main.ln", &program)], |_| {});
    let status = session.wait_exit();
    assert!(status.success(), "{}", session.stderr());
    assert_eq!(session.stdout(), "active false\n");
}
