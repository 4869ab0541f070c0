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
