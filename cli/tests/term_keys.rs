//! `term.read_key` decoding what a terminal sends (issue 18 item 8): arrows in both the
//! `ESC [` and the `ESC O` forms, Home and End in their several forms, a modified arrow, an
//! unknown sequence, and UTF-8 characters as single keys. The keys are written to the
//! program's standard input, a pipe, as a terminal would write them.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Reads keys until `q`, printing each key's name; an idle `read_key` gives NO_KEY, so it
/// sleeps a little and tries again.
const PROGRAM: &str = r#"import term

fn main() {
    var names: [str] = []
    while true {
        let key = term.read_key()
        if key == term.NO_KEY {
            sleep(1)
            continue
        }
        if key == 'q' {
            break
        }
        names.push("{term.key_name(key)}={key == term.KEY_UP or key == term.KEY_LEFT or key == term.KEY_HOME or key == term.KEY_END}")
    }
    for name in names {
        print(name)
    }
}
"#;

#[test]
fn read_key_decodes_escape_sequences_and_utf8_as_single_keys() {
    let folder = tempfile::Builder::new()
        .prefix("lang-term-keys-")
        .tempdir()
        .expect("temp folder");
    std::fs::write(folder.path().join("main.ln"), PROGRAM).expect("write main.ln");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lang"))
        .args(["run", "main.ln"])
        .current_dir(folder.path())
        .env("NO_COLOR", "1")
        .env_remove("LANG_HMR")
        .env(
            "XDG_CACHE_HOME",
            lang_tests::test_cache_home(std::path::Path::new(env!("CARGO_BIN_EXE_lang"))),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lang binary runs");
    let keys: &[&[u8]] = &[
        b"\x1b[A",
        b"\x1bOA",
        b"\x1bOD",
        b"\x1b[H",
        b"\x1bOF",
        b"\x1b[1~",
        b"\x1b[4~",
        b"\x1b[1;5C",
        b"\x1b[5~",
        "é".as_bytes(),
        "日".as_bytes(),
        "😀".as_bytes(),
        b"x",
        b"q",
    ];
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(&keys.concat()).expect("write the keys");
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait for lang").is_none() {
        assert!(Instant::now() < deadline, "the program did not finish reading keys");
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("lang output");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let names: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        names,
        [
            "up=true",
            "up=true",
            "left=true",
            "home=true",
            "end=true",
            "home=true",
            "end=true",
            "right=false",
            "é=false",
            "日=false",
            "😀=false",
            "x=false",
        ]
    );
}
