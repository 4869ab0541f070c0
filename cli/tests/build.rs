//! `lang build --release`: standalone executables, object files, flags and errors.

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

fn lang_at(binary: &Path, arguments: &[&str], folder: &Path) -> Output {
    Command::new(binary)
        .args(arguments)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .output()
        .expect("the lang binary runs")
}

fn lang(arguments: &[&str], folder: &Path) -> Output {
    lang_at(Path::new(env!("CARGO_BIN_EXE_lang")), arguments, folder)
}

/// A fresh empty folder, removed when dropped.
fn scratch_without_sources(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("lang-build-test-{name}-"))
        .tempdir()
        .expect("temp folder")
}

/// A fresh folder holding `game.ln`, removed when dropped.
fn scratch(name: &str, source: &str) -> TempDir {
    let folder = scratch_without_sources(name);
    std::fs::write(folder.path().join("game.ln"), source).expect("write game.ln");
    folder
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PROGRAM: &str = "import strings\n\nfn main() {\n    print(strings.join([\"built\", \"and\", \"run\"], \" \"))\n    for a in args() {\n        print(a)\n    }\n    exit(3)\n}\n";

#[test]
fn the_executable_runs_alone_after_the_sources_are_gone() {
    let scratch_folder = scratch("standalone", PROGRAM);
    let folder = scratch_folder.path();
    let output = lang(&["build", "--release", "game.ln"], folder);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // `-o` defaults to the file's stem in the current folder.
    let executable = folder.join("game");
    assert!(executable.is_file());
    // Move the executable to an empty folder and delete the sources.
    let elsewhere_folder = scratch_without_sources("moved");
    let elsewhere = elsewhere_folder.path();
    std::fs::rename(&executable, elsewhere.join("game")).unwrap();
    std::fs::remove_dir_all(folder).unwrap();
    let output = Command::new(elsewhere.join("game"))
        .arg("--flag")
        .current_dir(elsewhere)
        .output()
        .expect("the executable runs");
    assert_eq!(text(&output.stdout), "built and run\n--flag\n");
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn the_executable_depends_only_on_glibc() {
    let scratch_folder = scratch("ldd", PROGRAM);
    let folder = scratch_folder.path();
    let output = lang(&["build", "--release", "game.ln", "-o", "out"], folder);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let ldd = Command::new("ldd").arg(folder.join("out")).output();
    let Ok(ldd) = ldd else { return };
    for line in text(&ldd.stdout).lines() {
        let library = line.trim();
        let allowed = [
            "linux-vdso",
            "libc.so",
            "libm.so",
            "ld-linux",
            "libpthread.so",
            "libdl.so",
            "librt.so",
            "libutil.so",
        ];
        assert!(
            allowed.iter().any(|name| library.contains(name)),
            "unexpected dynamic dependency: {library}"
        );
    }
}

#[test]
fn emit_obj_writes_only_the_object_file() {
    let scratch_folder = scratch("obj", PROGRAM);
    let folder = scratch_folder.path();
    let output = lang(&["build", "--release", "game.ln", "--emit", "obj"], folder);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let object = std::fs::read(folder.join("game.o")).expect("game.o was written");
    assert_eq!(&object[..4], b"\x7fELF");
    assert!(!folder.join("game").exists());
}

#[test]
fn every_opt_level_gives_the_same_program() {
    let scratch_folder = scratch("opt", PROGRAM);
    let folder = scratch_folder.path();
    for level in ["none", "speed", "speed-and-size"] {
        let output = lang(&["build", "game.ln", "--opt-level", level, "-o", level], folder);
        assert_eq!(output.status.code(), Some(0), "{level}: {}", text(&output.stderr));
        let run = Command::new(folder.join(level)).output().expect("runs");
        assert_eq!(text(&run.stdout), "built and run\n", "{level}");
    }
    let output = lang(&["build", "game.ln", "--opt-level", "fastest"], folder);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_compile_error_exits_1_and_writes_nothing() {
    let scratch_folder = scratch("compile", "fn main() {\n    let x: int = \"no\"\n}\n");
    let folder = scratch_folder.path();
    let output = lang(&["build", "--release", "game.ln"], folder);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("game.ln:2:18"));
    assert!(!folder.join("game").exists());
}

#[test]
fn an_output_path_that_is_a_folder_is_refused_and_missing_folders_are_made() {
    let scratch_folder = scratch("output_path", "fn main() {\n    print(1)\n}\n");
    std::fs::create_dir(scratch_folder.path().join("taken")).unwrap();
    let refused = lang(&["build", "--release", "game.ln", "-o", "taken"], scratch_folder.path());
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("cannot write `taken`: it is a folder"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!text(&refused.stderr).contains("linking"), "{}", text(&refused.stderr));
    let made = lang(
        &["build", "--release", "game.ln", "-o", "new/deeper/exe"],
        scratch_folder.path(),
    );
    assert_eq!(made.status.code(), Some(0), "{}", text(&made.stderr));
    assert!(scratch_folder.path().join("new/deeper/exe").is_file());
}

#[test]
fn without_a_c_compiler_the_error_says_what_to_install() {
    let scratch_folder = scratch("nocc", PROGRAM);
    let folder = scratch_folder.path();
    let output = Command::new(env!("CARGO_BIN_EXE_lang"))
        .args(["build", "--release", "game.ln"])
        .current_dir(folder)
        .env("CC", "no-such-compiler-anywhere")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("no C compiler found") && stderr.contains("install"),
        "{stderr}"
    );
}

#[test]
fn an_installed_lang_builds_without_the_source_tree() {
    // A copy of the binary outside the repository stands in for `cargo install`: the runtime
    // library is embedded, so nothing from the source tree is needed.
    let install_folder = scratch_without_sources("install");
    let install = install_folder.path();
    let binary = install.join("lang");
    std::fs::copy(env!("CARGO_BIN_EXE_lang"), &binary).unwrap();
    let scratch_folder = scratch("installed", PROGRAM);
    let folder = scratch_folder.path();
    let output = lang_at(&binary, &["build", "game.ln", "-o", "game"], folder);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let run = Command::new(folder.join("game")).output().expect("runs");
    assert_eq!(text(&run.stdout), "built and run\n");
}

#[test]
fn the_output_never_overwrites_the_source() {
    // A source without the `.ln` extension: its stem, the default output, is the file itself.
    let scratch_folder = scratch("overwrite", PROGRAM);
    let folder = scratch_folder.path();
    std::fs::rename(folder.join("game.ln"), folder.join("game")).unwrap();
    for arguments in [
        &["build", "--release", "game"][..],
        &["build", "--hmr", "game"][..],
        &["build", "--release", "game", "-o", "./game"][..],
    ] {
        let output = lang(arguments, folder);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {}", text(&output.stderr));
        assert!(
            text(&output.stderr).contains("is the source file itself"),
            "{}",
            text(&output.stderr)
        );
        assert_eq!(std::fs::read_to_string(folder.join("game")).unwrap(), PROGRAM);
    }
}

#[test]
fn a_closed_pipe_is_a_runtime_error_not_a_signal() {
    // `exe | head -1`: once the reader is gone, writing fails; the executable reports it and
    // exits 101 like `lang run`, instead of dying from SIGPIPE.
    let source =
        "fn main() {\n    var i = 0\n    while i < 1000000 {\n        print(\"line {i}\")\n        i += 1\n    }\n}\n";
    let scratch_folder = scratch("pipe", source);
    let folder = scratch_folder.path();
    let output = lang(&["build", "--release", "game.ln"], folder);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let mut child = Command::new(folder.join("game"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the executable runs");
    // Close the read end at once.
    drop(child.stdout.take());
    let status = child.wait().expect("waits");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(101), "{stderr}");
    assert!(stderr.contains("cannot write to standard output"), "{stderr}");
}
