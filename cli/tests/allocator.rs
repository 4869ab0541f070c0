//! The `lang` binary's allocator (`cli/src/allocator.rs`): mimalloc, with transparent huge
//! pages turned off before it starts. mimalloc prints its options under `MIMALLOC_VERBOSE=1`,
//! which shows both that it is the allocator and that the option index written in
//! `allocator.rs` names `allow_thp` (a mimalloc upgrade that moves the option fails here).

use std::process::Command;

#[test]
fn lang_runs_on_mimalloc_without_transparent_huge_pages() {
    let output = Command::new(env!("CARGO_BIN_EXE_lang"))
        .arg("--version")
        .env("MIMALLOC_VERBOSE", "1")
        .env_remove("MIMALLOC_ALLOW_THP")
        .output()
        .expect("the lang binary runs");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("lang "));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let option = |name: &str| {
        stderr
            .lines()
            .find_map(|line| line.strip_prefix(&format!("option '{name}': ")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("mimalloc printed no option `{name}`:\n{stderr}"))
            .to_string()
    };
    assert_eq!(
        option("allow_thp"),
        "0",
        "transparent huge pages must be off:\n{stderr}"
    );
    // The options beside it keep mimalloc's defaults: the index did not hit a neighbour.
    assert_eq!(option("minimal_purge_size"), "0 KiB");
    assert_ne!(option("arena_max_object_size"), "0 KiB");
    assert_eq!(option("page_cross_thread_max_reclaim"), "32");
}

/// `LANG_SYSTEM_ALLOCATOR=1` (what `tools/valgrind.sh` sets) runs the whole compiler and the
/// program on the C library's malloc.
#[test]
fn lang_runs_on_the_system_allocator_when_asked() {
    let folder = tempfile::tempdir().expect("temp folder");
    std::fs::write(
        folder.path().join("main.ln"),
        "fn main() {\n    var words: {str: int} = {}\n    for i in 0..1000 {\n        words[\"w{i % 7}\"] = i\n    }\n    print(\"{len(words)} {words[\"w3\"]}\")\n}\n",
    )
    .expect("write main.ln");
    for system in ["1", "0"] {
        let output = Command::new(env!("CARGO_BIN_EXE_lang"))
            .args(["run", "main.ln"])
            .current_dir(folder.path())
            .env("LANG_SYSTEM_ALLOCATOR", system)
            .env("LANG_CACHE", "0")
            .output()
            .expect("the lang binary runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "7 997\n",
            "LANG_SYSTEM_ALLOCATOR={system}"
        );
        assert!(output.status.success());
    }
}
