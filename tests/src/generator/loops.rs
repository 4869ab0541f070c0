//! The loop shapes that bounds-check elimination (`compiler/src/codegen/bounds.rs`) targets,
//! and the ones it must refuse, over `history` through a local alias. In `lang run` and
//! release builds a proven access has no check, under hot reload every access is checked,
//! so a wrong proof shows as a difference between the modes: a read past the end gives a
//! stale element (or a crash) instead of the error the other modes report.

use super::{Generator, Scope};

impl Generator {
    /// `for i in ...` over `let view = history`, in one of the shapes below.
    pub(super) fn loop_over_history(&mut self, scope: &mut Scope, out: &mut String, pad: &str) {
        let view = scope.fresh();
        let index = scope.fresh();
        out.push_str(&format!("{pad}let {view} = history\n"));
        match self.random.below(7) {
            // Up to the length: proven unless the body may call a generated function (which
            // may pop `history`) or pops itself.
            0 | 1 => {
                out.push_str(&format!("{pad}for {index} in 0..len({view}) {{\n"));
                out.push_str(&format!("{pad}    counter += {view}[{index}] % 1000\n"));
                self.maybe_int_statement(scope, out, pad);
                if self.random.chance(15) {
                    out.push_str(&format!(
                        "{pad}    if len(history) > 3 {{\n{pad}        counter += history.pop()\n{pad}    }}\n"
                    ));
                }
            }
            // Another end: versioned at entry, proven when the range fits (an end past the
            // length runs the checked copy, which reports the access past the end).
            // Also inclusive (`..=`, proven when the end is below the length), holding an
            // innermost loop, and after a loop that only pushes onto the array (one runtime
            // call in `lang run` and release builds, `codegen/loop_idioms.rs`).
            2 => {
                if self.random.chance(30) {
                    let filler = scope.fresh();
                    let (start, end) = (self.random.below(3) as i64 - 1, self.random.below(4));
                    let range = if self.random.chance(50) { "..=" } else { ".." };
                    out.push_str(&format!(
                        "{pad}for {filler} in {start}{range}{end} {{\n{pad}    {view}.push({})\n{pad}}}\n",
                        self.random.below(50)
                    ));
                }
                let start = self.random.below(2);
                let end = if self.random.chance(70) {
                    format!("len({view}) - {}", self.random.below(3))
                } else {
                    format!("{}", self.random.below(6))
                };
                let range = if self.random.chance(40) { "..=" } else { ".." };
                out.push_str(&format!("{pad}for {index} in {start}{range}{end} {{\n"));
                if self.random.chance(50) {
                    out.push_str(&format!("{pad}    {view}[{index}] = {view}[{index}] / 2 + {index}\n"));
                }
                out.push_str(&format!("{pad}    counter += {view}[{index}] % 1000\n"));
                if self.random.chance(30) {
                    let inner = scope.fresh();
                    out.push_str(&format!(
                        "{pad}    for {inner} in 0..2 {{\n{pad}        counter += {view}[{index}] % 7 + {inner}\n{pad}    }}\n"
                    ));
                }
                self.maybe_int_statement(scope, out, pad);
            }
            // A closure that pops `history` called in the body: never proven.
            3 => {
                let drop = scope.fresh();
                out.push_str(&format!(
                    "{pad}let {drop} = fn() -> int {{\n{pad}    if len(history) > 0 {{\n{pad}        return history.pop()\n{pad}    }}\n{pad}    return 0\n{pad}}}\n"
                ));
                let end = if self.random.chance(50) {
                    format!("len({view})")
                } else {
                    format!("{}", self.random.below(5))
                };
                out.push_str(&format!("{pad}for {index} in 0..{end} {{\n"));
                out.push_str(&format!("{pad}    counter += {view}[{index}] % 1000 + {drop}()\n"));
            }
            // Counters moving toward each other (`codegen/counter_loops.rs`): proven until the
            // first step when the entry values fit (a `hi` at the length does not).
            5 => {
                let (low, high) = (scope.fresh(), scope.fresh());
                let start = self.random.below(2);
                out.push_str(&format!(
                    "{pad}var {low} = {start}\n{pad}var {high} = len({view}) - {}\n",
                    self.random.below(3)
                ));
                out.push_str(&format!("{pad}while {low} < {high} {{\n"));
                out.push_str(&format!(
                    "{pad}    counter += {view}[{low}] % 1000 - {view}[{high}] % 1000\n"
                ));
                if self.random.chance(50) {
                    out.push_str(&format!("{pad}    {view}[{high}] = {view}[{low}] / 3\n"));
                }
                self.maybe_int_statement(scope, out, pad);
                out.push_str(&format!("{pad}    {low} += 1\n{pad}    {high} -= 1\n"));
            }
            // A stride up to a bound, by a literal or a local step (a negative one walks down
            // to an error at index -1).
            6 => {
                let (counter, step) = (scope.fresh(), scope.fresh());
                let stride = match self.random.below(5) {
                    0 => -1,
                    value => value as i64,
                };
                let bound = if self.random.chance(70) {
                    format!("len({view}) - 1")
                } else {
                    format!("{}", self.random.below(8))
                };
                let named = self.random.chance(50);
                if named {
                    out.push_str(&format!("{pad}let {step} = {stride}\n"));
                }
                out.push_str(&format!("{pad}var {counter} = {}\n", self.random.below(3)));
                out.push_str(&format!("{pad}let {index} = {bound}\n"));
                out.push_str(&format!("{pad}while {counter} <= {index} {{\n"));
                out.push_str(&format!("{pad}    counter += {view}[{counter}] % 1000\n"));
                self.maybe_int_statement(scope, out, pad);
                if named {
                    out.push_str(&format!("{pad}    {counter} += {step}\n"));
                } else {
                    out.push_str(&format!("{pad}    {counter} += {}\n", stride.max(1)));
                }
            }
            // A method of another array whose callback pops `history`: never proven.
            _ => {
                let drop = scope.fresh();
                let parameter = scope.fresh();
                out.push_str(&format!(
                    "{pad}let {drop} = fn({parameter}: int) -> bool {{\n{pad}    if len(history) > 0 {{\n{pad}        counter += history.pop()\n{pad}    }}\n{pad}    return {parameter} > 1\n{pad}}}\n"
                ));
                out.push_str(&format!("{pad}for {index} in 0..len({view}) {{\n"));
                out.push_str(&format!("{pad}    counter += {view}[{index}] % 1000\n"));
                out.push_str(&format!(
                    "{pad}    if [1, 2].any({drop}) {{\n{pad}        counter += 1\n{pad}    }}\n"
                ));
            }
        }
        out.push_str(&format!("{pad}}}\n"));
    }

    /// Sometimes a statement adding an int expression, which may call a generated function.
    fn maybe_int_statement(&mut self, scope: &Scope, out: &mut String, pad: &str) {
        if self.random.chance(40) {
            let value = self.int_expr(scope, 2);
            out.push_str(&format!("{pad}    counter += {value}\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    /// The programs the differential test runs (its first 200 seeds) hold every shape.
    #[test]
    fn programs_hold_every_loop_shape() {
        let programs: Vec<String> = (0..200).map(super::super::program).collect();
        let holding = |needle: &dyn Fn(&str) -> bool| programs.iter().filter(|program| needle(program)).count();
        let up_to_length = holding(&|program| program.lines().any(|line| line.contains("in 0..len(v")));
        let versioned = holding(&|program| {
            program
                .lines()
                .any(|line| line.trim_start().starts_with("for v") && line.contains(") - "))
        });
        let inclusive = holding(&|program| {
            program
                .lines()
                .any(|line| line.trim_start().starts_with("for v") && line.contains("..="))
        });
        let push_loop = holding(&|program| program.lines().any(|line| line.contains(".push(")));
        let closure = holding(&|program| program.contains("] % 1000 + v"));
        let callback = holding(&|program| program.contains("if [1, 2].any(v"));
        let counters = holding(&|program| {
            program
                .lines()
                .any(|line| line.contains("while v") && line.contains(" < v"))
        });
        let strides = holding(&|program| {
            program
                .lines()
                .any(|line| line.contains("while v") && line.contains(" <= v"))
        });
        for (shape, count) in [
            ("up to the length", up_to_length),
            ("versioned", versioned),
            ("inclusive", inclusive),
            ("push loop", push_loop),
            ("closure call", closure),
            ("method callback", callback),
            ("counters toward each other", counters),
            ("stride", strides),
        ] {
            assert!(
                count >= 5,
                "only {count} of 200 programs hold a loop of shape `{shape}`"
            );
        }
    }
}
