//! Hot reload end to end for the section 11 literals: editing only a format specification, a
//! character literal, a raw string or the fallback of `??` is a change of the function that
//! holds it, so the running program picks it up at once.

mod support;

use support::HotRun;

const PROGRAM: &str = "fn line(i: int, found: ?int) -> str {\n    return \"[{i:3}] [{found ?? -1:>4}] [{'a' + i % 3}] [{r\"C:\\x\"}]\"\n}\n\nfn main() {\n    var i = 0\n    while true {\n        var found: ?int = nil\n        if i % 2 == 0 {\n            found = i\n        }\n        print(line(i, found))\n        i += 1\n        sleep(5)\n    }\n}\n";

#[test]
fn an_edited_format_spec_literal_or_fallback_takes_effect() {
    let session = HotRun::start("literals_edit", &[("main.ln", PROGRAM)]);
    session.wait_for_output("[  1] [  -1] [98] [C:\\x]\n");
    let edited = PROGRAM
        .replace("{i:3}", "{i:*<4}")
        .replace("{found ?? -1:>4}", "{found ?? 99:05}")
        .replace("'a' + i % 3", "'A' + i % 3")
        .replace("r\"C:\\x\"", "r#\"say \"hi\"\"#");
    assert_ne!(edited, PROGRAM);
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("*] [00099] [6");
    session.wait_for_output("[say \"hi\"]\n");
    session.assert_alive();
}
